"""Invite and link codes: every refused attempt is counted, audited and answered with the
same one message, whatever the reason; a refused code is not spent; a deactivated staff
account's code never links; and staff leave teams.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest

from bot.domain.errors import Conflict, NotFound
from bot.domain.ids import new_id
from bot.domain.model import EnrolmentCode, Role, Supporter, SupporterStatus
from bot.services import texts
from bot.services.supporter_membership import telegram_account
from bot.store.repositories.staff import TeamRepository
from tests.services.conftest import World

CHAT = 630001
OTHER_CHAT = 630002


async def patient_code(world: World, name: str = "Avery Quill") -> tuple[str, str]:
    patient = await world.services.patients.add(world.clinician, name, "Europe/London")
    invite = await world.services.patients.invite(world.clinician, patient.reference)
    return patient.reference, invite.code


async def chat_replies(world: World) -> list[str]:
    return [str(m.payload["text"]) for m in await world.outbox(recipient_kind="chat")]


async def bad_code_details(world: World) -> list[str]:
    async with world.services.store.uow() as uow:
        return [e.detail for e in await uow.audit.entries() if e.action == "enrol.bad_code"]


async def start(world: World, code: str, chat: int = CHAT) -> None:
    await world.services.enrolment.start(chat, code, world.update_id())


# --- each way a code can be refused ------------------------------------------------------


async def wrong(world: World) -> str:
    _, code = await patient_code(world)
    return code[:-3] + "xyz"


async def used(world: World) -> str:
    _, code = await patient_code(world)
    await start(world, code, OTHER_CHAT)
    return code


async def expired(world: World) -> str:
    _, code = await patient_code(world)
    world.tick(days=30)
    return code


async def replaced(world: World) -> str:
    ref, code = await patient_code(world)
    await world.services.patients.invite(world.clinician, ref)  # a new link revokes the old
    return code


async def for_deactivated_staff(world: World) -> str:
    _, code = await world.services.staff.link_telegram_code(world.admin, world.staff.username)
    await world.services.staff.deactivate(world.admin, world.staff.username)
    return code


async def for_staff_deactivated_before_codes_were_revoked(world: World) -> str:
    _, code = await world.services.staff.link_telegram_code(world.admin, world.staff.username)
    async with world.services.store.uow() as uow:  # as an older version deactivated
        await uow.staff.deactivate(world.staff.id, world.clock.now())
        await uow.commit()
    return code


async def for_an_ended_supporter(world: World) -> str:
    ref, code = await patient_code(world)
    await start(world, code, OTHER_CHAT)
    patient = await world.patient(ref)
    now = world.clock.now()
    supporter = Supporter(
        id=new_id(),
        patient_id=patient.id,
        name="Sam",
        status=SupporterStatus.REVOKED,  # stopped, but its code left open
        created_at=now,
        updated_at=now,
    )
    secret = "s_endedsupporter0000000"
    async with world.services.store.uow() as uow:
        await uow.supporters.save(supporter)
        await uow.enrolment.add(
            EnrolmentCode(
                id=new_id(),
                purpose="supporter",
                created_at=now,
                expires_at=now + timedelta(days=7),
                patient_id=patient.id,
                supporter_id=supporter.id,
            ),
            secret,
        )
        await uow.commit()
    return secret


async def for_another_patient_than_this_chats(world: World) -> str:
    _, mine = await patient_code(world)
    await start(world, mine)
    await world.services.enrolment.consent(CHAT, True, "cb", world.update_id())
    _, theirs = await patient_code(world, "Blake Ferrow")
    return theirs


CASES: dict[str, tuple[Callable[[World], Awaitable[str]], str]] = {
    "a wrong code": (wrong, "unknown"),
    "a used code": (used, "unusable"),
    "an expired code": (expired, "unusable"),
    "a replaced code": (replaced, "unusable"),
    "a deactivated staff member's code": (for_deactivated_staff, "unusable"),
    "an unrevoked code of deactivated staff": (
        for_staff_deactivated_before_codes_were_revoked,
        "staff_inactive",
    ),
    "an ended supporter's code": (for_an_ended_supporter, "supporter_closed"),
    "another patient's code from a linked chat": (
        for_another_patient_than_this_chats,
        "chat_in_use",
    ),
}


@pytest.mark.parametrize("case", CASES)
async def test_every_refused_code_gets_the_same_one_reply_and_one_audit_entry(
    world: World, case: str
) -> None:
    make, reason = CASES[case]
    code = await make(world)
    replies, audited = len(await chat_replies(world)), len(await bad_code_details(world))
    await start(world, code)
    assert (await chat_replies(world))[replies:] == [texts.CODE_NOT_VALID]
    (detail,) = (await bad_code_details(world))[audited:]
    assert detail.startswith(f"reason={reason} ")


@pytest.mark.parametrize("case", CASES)
async def test_every_refused_code_counts_towards_the_hourly_limit(world: World, case: str) -> None:
    code = await CASES[case][0](world)
    async with world.services.store.uow() as uow:
        before = await uow.enrolment.failed_attempts_since(CHAT, world.clock.now() - timedelta(1))
    await start(world, code)
    async with world.services.store.uow() as uow:
        after = await uow.enrolment.failed_attempts_since(CHAT, world.clock.now() - timedelta(1))
    assert after == before + 1


async def test_a_code_refused_for_the_wrong_chat_still_works_from_the_right_one(
    world: World,
) -> None:
    code = await for_another_patient_than_this_chats(world)
    await start(world, code)
    await start(world, code, OTHER_CHAT)
    async with world.services.store.uow() as uow:
        linked = await uow.patients.by_chat(OTHER_CHAT)
    assert linked is not None and linked.name == "Blake Ferrow"


# --- staff --------------------------------------------------------------------------------


async def test_an_unrevoked_code_of_deactivated_staff_does_not_link_telegram(world: World) -> None:
    code = await for_staff_deactivated_before_codes_were_revoked(world)
    await start(world, code)
    async with world.services.store.uow() as uow:
        assert await uow.staff.by_chat(CHAT) is None


async def test_no_link_code_is_made_for_a_deactivated_account(world: World) -> None:
    await world.services.staff.deactivate(world.admin, world.staff.username)
    with pytest.raises(Conflict, match="deactivated"):
        await world.services.staff.link_telegram_code(world.admin, world.staff.username)


needs_removal = pytest.mark.xfail(
    not hasattr(TeamRepository, "remove_member"),
    reason="the store has no TeamRepository.remove_member yet (asked for in the report)",
    strict=True,
)


@needs_removal
async def test_a_removed_member_no_longer_belongs_to_the_team(world: World) -> None:
    other = await world.services.staff.add(
        world.admin, "nurse.okafor", "Ada Okafor", Role.CLINICIAN
    )
    await world.services.staff.add_member(world.admin, "Harbor Team", other.username)
    await world.services.staff.remove_member(world.admin, "Harbor Team", world.staff.username)
    teams = {t.name: [m.username for m in ms] for t, ms in await world.services.staff.list_teams()}
    assert teams["Harbor Team"] == ["nurse.okafor"]


async def test_the_last_active_member_cannot_be_removed(world: World) -> None:
    with pytest.raises(Conflict, match="last active member"):
        await world.services.staff.remove_member(world.admin, "Harbor Team", world.staff.username)


async def test_removing_someone_who_is_not_a_member_says_so(world: World) -> None:
    with pytest.raises(NotFound, match="not a member"):
        await world.services.staff.remove_member(world.admin, "Harbor Team", "admin.ada")


# --- how a joining supporter's account is shown --------------------------------------------


@pytest.mark.parametrize(
    ("first_name", "username", "shown"),
    [
        ("Sam", "sam_example", '"Sam" @sam_example'),
        ("Sam", "@sam_example", '"Sam" @sam_example'),
        ("Sam", None, f'"Sam" {texts.Supporters.NO_USERNAME}'),
        ("", "", f'"(no name)" {texts.Supporters.NO_USERNAME}'),
        ("Sam\nSmith", "sam", '"Sam Smith" @sam'),
    ],
)
def test_a_telegram_account_is_shown_by_first_name_and_username(
    first_name: str, username: str | None, shown: str
) -> None:
    assert telegram_account(first_name, username) == shown
