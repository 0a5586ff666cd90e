"""`companion demo`: a scripted story through the sandbox."""

from __future__ import annotations


async def run_demo() -> None:
    print(
        "companion demo: not built yet. The demo plays a patient's story through the local "
        "Telegram sandbox, which is the next piece of work. Meanwhile `make test` shows "
        "what works."
    )
