"""`clinician keys rotate`: a new master key; data keys re-wrapped; the old key retired."""

from __future__ import annotations

import typer
from rich.progress import Progress

from bot.services.access import require_admin
from bot.store.keys import rotate_master_key
from clinician_cli.context import Session, run
from clinician_cli.output import console, say

keys_app = typer.Typer(help="Encryption keys (admins).", no_args_is_help=True)


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make a new master key active and re-wrap every data key under it (admin only).

    Stored values are not re-encrypted, so this is quick. With a key file, the new key
    is saved first and old keys that no longer wrap anything are retired at the end; a
    running bot re-reads the key file by itself. With COMPANION_MASTER_KEYS, restart every
    instance with the new key first. Safe to re-run after a crash. Back up the key file
    afterwards.
    """

    async def body(s: Session) -> None:
        require_admin(s.actor, "rotate keys")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("Re-wrapping data keys", total=None)

            def step(done: int, total: int) -> None:
                progress.update(task, completed=done, total=max(total, 1))

            result = await rotate_master_key(s.opened.keys, s.opened.store.db, progress=step)
        await s.services.audit.record(
            s.actor, "keys.rotate", f"active={result.new_key_id} rewrapped={result.rewrapped}"
        )
        say(
            f"New master key {result.new_key_id} is active; {result.rewrapped} data keys "
            "re-wrapped."
        )
        if s.opened.keys.key_file is not None:
            say(
                f"Retired: {', '.join(result.retired) or 'none'}. Back up "
                f"{s.opened.keys.key_file.path} now."
            )
        elif result.retired:
            say(
                "Nothing is wrapped by these keys any more; remove them from "
                f"COMPANION_MASTER_KEYS: {', '.join(result.retired)}"
            )
        if result.kept:
            say(
                f"Still in use, so kept: {', '.join(result.kept)} (data keys were added "
                "under them while this ran). Run `clinician keys rotate` again later."
            )

    run(body)
