"""`companion run`: the long-running bot process."""

from __future__ import annotations

from bot.config import Settings


async def run_bot(settings: Settings, *, webhook: bool) -> None:
    raise SystemExit(
        "companion run: the bot runtime is not built yet (see the patient conversation and "
        "delivery issues). `companion migrate` and `clinician init` work today."
    )
