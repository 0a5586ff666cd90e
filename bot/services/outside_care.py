"""What a chat is told when its command does not apply to it, so that every patient
command answers something in every state.

Patients in care (active, paused) get the command itself; the services call
:func:`answer_outside_care` for everyone else, inside their own unit of work:

- a patient whose care ended (discharged) or who left with /stop (unenrolled) is told
  plainly that the command has ended and what still works (/sos, /mydata);
- a patient who has linked their chat but not agreed yet is asked to answer first;
- a chat that is not a patient's (a stranger, an erased patient, a supporter, a staff
  member) gets the one neutral line it would get for anything, and learns nothing.

/sos is not in the table: it always reaches the crisis reply (``SafetyService.sos``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bot.domain.model import PatientStatus
from bot.services import texts
from bot.services.outgoing import SOS_KEYBOARD, Outgoing
from bot.services.ports import UnitOfWork
from bot.services.supporter_membership import not_a_patient_text

# the commands (and free text) a patient can send, as the handlers name them
COMMANDS = (
    "start",
    "plan",
    "checkin",
    "cope",
    "settings",
    "supporters",
    "mydata",
    "stop",
    "help",
    "text",
)
IN_CARE = frozenset({PatientStatus.ACTIVE, PatientStatus.PAUSED})
ENDED = frozenset({PatientStatus.DISCHARGED, PatientStatus.UNENROLLED})  # data kept
ANY = "*"  # the reply for every command the state does not name

_ended = texts.OutsideCare
REPLIES: Mapping[PatientStatus, Mapping[str, str]] = MappingProxyType(
    {
        PatientStatus.DISCHARGED: MappingProxyType(
            {
                "plan": _ended.ENDED_PLAN,
                "checkin": _ended.ENDED_CHECKIN,
                "cope": _ended.ENDED_COPE,
                "settings": _ended.ENDED_SETTINGS,
                "supporters": _ended.ENDED_SUPPORTERS,
                "stop": _ended.ENDED_STOP,
                ANY: _ended.ENDED_HELP,
            }
        ),
        PatientStatus.UNENROLLED: MappingProxyType(
            {
                "plan": _ended.STOPPED_PLAN,
                "checkin": _ended.STOPPED_CHECKIN,
                "stop": _ended.STOPPED_AGAIN,
                ANY: _ended.STOPPED_HELP,
            }
        ),
        PatientStatus.ONBOARDING: MappingProxyType({ANY: _ended.AGREE_FIRST}),
    }
)


def reply_for(status: PatientStatus, command: str) -> str | None:
    """The reply to ``command`` from a patient in ``status``; None: not for this table
    (the patient is in care, or the chat is to be treated as a stranger's)."""
    replies = REPLIES.get(status)
    if replies is None:
        return None
    return replies.get(command, replies[ANY])


async def stranger_reply(uow: UnitOfWork, chat_id: int, command: str) -> str:
    """The one line a chat that is not a patient's gets: a supporter and a staff member
    their own help, anyone else (an erased patient too) the neutral line (for /start, how
    an invite link works)."""
    text = await not_a_patient_text(uow, chat_id)
    return texts.START_UNKNOWN if command == "start" and text == texts.NOT_ENROLLED else text


async def answer_outside_care(uow: UnitOfWork, chat_id: int, command: str, out: Outgoing) -> None:
    """Queue the reply for a chat whose ``command`` does not apply to it (see the module)."""
    patient = await uow.patients.by_chat(chat_id)
    text = None if patient is None else reply_for(patient.status, command)
    if patient is not None and text is not None:
        out.to_patient(patient.id, text, purpose="help", reply_keyboard=SOS_KEYBOARD)
        return
    text = await stranger_reply(uow, chat_id, command)
    out.add("chat", "-", "sendMessage", {"chat_id": chat_id, "text": text}, purpose="unknown")
