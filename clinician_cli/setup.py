"""`clinician init`: data directory, key file, database, first admin."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from bot.bootstrap import build_services, open_store, process_origin
from bot.config import Settings, load_settings
from bot.store.database import open_database, table_names
from bot.store.migrate import head_revision
from clinician_cli.context import run_translated
from clinician_cli.output import say


def _where(settings: Settings) -> str:
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return f"{url.host}:{url.port or 5432}/{url.database}"


def init(
    admin: Annotated[
        str | None,
        typer.Option(help="Username of the first admin (only when there are no staff yet)."),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Display name of the first admin, e.g. 'Dr Sam Rivera'.")
    ] = None,
) -> None:
    """Create the data directory, key file and database, and the first admin.

    Safe to run again: it says what already existed and changes nothing that did.

    Example: clinician init --admin dr.rivera --name "Dr Sam Rivera"
    """

    async def go() -> list[str]:
        settings = load_settings()
        said: list[str] = []
        probe = open_database(settings.resolved_database_url)
        try:
            existed = bool(await table_names(probe))
        finally:
            await probe.dispose()
        opened = await open_store(settings, initialise=True, origin=process_origin("cli"))
        try:
            state = "up to date" if existed else "created"
            said.append(f"Database {state} (schema {head_revision()}): {_where(settings)}")
            if opened.notices:
                said.extend(opened.notices)
            elif opened.keys.key_file is not None:
                said.append(f"Key file in use: {opened.keys.key_file.path}")
            else:
                said.append("Keys come from COMPANION_MASTER_KEYS and COMPANION_INDEX_KEY.")
            services = build_services(opened.store, settings)
            if await services.staff.has_staff():
                said.append("Staff accounts already exist; no admin created.")
            elif admin is None:
                said.append(
                    "No staff yet. Create the first admin: "
                    "clinician init --admin <username> --name '<Display Name>'"
                )
            else:
                staff = await services.staff.create_first_admin(admin, name or admin)
                said.append(
                    f"Created admin {staff.username!r}. Act as them with "
                    f"COMPANION_STAFF={staff.username} (or --as {staff.username})."
                )
        finally:
            await opened.store.close()
        return said

    for line in run_translated(go()):
        say(line)
