"""This installation's id: a random UUID made once and kept in the database.

Our own references are only unique within one clinic (every clinic has a P-0001), so
whatever leaves the installation and meets other clinics' data, such as the FHIR export's
patient identifier, is qualified by this id. ``clinician init`` makes it; an installation
initialised before there were ids gets one the first time it is needed. It is a row of the
``meta`` table (no schema change), so backups and restores keep it, and a database copied to
start another clinic would keep it too (start a new clinic with ``clinician init`` instead).
"""

from __future__ import annotations

import uuid

from bot.services.ports import UnitOfWork

INSTALLATION_ID = "installation_id"  # the meta row's name


async def installation_id(uow: UnitOfWork) -> str:
    """The id, made and stored (in the caller's transaction) if there is none yet."""
    found = await uow.meta.get(INSTALLATION_ID)
    if found is None:
        found = str(uuid.uuid4())
        await uow.meta.set(INSTALLATION_ID, found)
    return found
