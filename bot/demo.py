"""``companion demo``: a scripted story, end to end, printed as a transcript.

Everything is real except Telegram: the local sandbox plays it. The bot runs the same
code as ``companion run`` on an embedded SQLite database in a temporary folder; the
clinician's steps call the same use cases as the ``clinician`` commands shown.
"""

from __future__ import annotations

import tempfile
import textwrap
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import telegram

from bot.bootstrap import Services, build_services, open_store
from bot.config import load_settings
from bot.runtime.app import BotRuntime
from bot.sandbox.client import SandboxClient
from bot.sandbox.models import BotMessage, SandboxUser
from bot.sandbox.server import SandboxServer
from bot.services import texts
from bot.services.access import Actor
from bot.services.clock import ManualClock

ZONE = "America/New_York"
WIDTH = 78
PLAN = """\
# A fictional patient's plan, written with their clinician.
reasons:
  - Be there for my daughter's graduation in June
  - Keep my job at the workshop
triggers:
  - id: payday
    label: Payday evenings
    kind: event
    coping: [call-sam, surf]
  - id: old-crowd
    label: Seeing the old crowd
    kind: person
    coping: [leave]
coping:
  - id: call-sam
    title: Call Sam
    kind: call_someone
    steps: [Call Sam on 555-0100, Tell him it's payday and you need company]
  - id: surf
    title: Urge surfing
    kind: urge_surfing
    steps: [Notice where you feel it, Breathe slowly for five minutes, Watch it pass]
  - id: leave
    title: Leave and walk home
    kind: leave_situation
    steps: [Say you have to go, Walk the long way home]
supports:
  - {name: Sam, relationship: brother, contact: 555-0100}
after_a_slip:
  message: One slip does not undo your progress.
  steps: [Get somewhere safe, Call Sam, Tell your counsellor at the next session]
"""


class Transcript:
    """Prints who said what, with the buttons a person would see."""

    def __init__(self, client: SandboxClient) -> None:
        self._client = client
        self._seen: dict[int, int] = {}

    def heading(self, text: str) -> None:
        print(f"\n── {text} " + "─" * max(3, WIDTH - len(text) - 4))

    def clinician(self, command: str, result: str = "") -> None:
        print(f"$ {command}")
        for line in result.splitlines():
            print(f"  {line}")

    def person(self, who: str, action: str) -> None:
        print(f"[{who}] {action}")

    async def show_new(self, user: SandboxUser, who: str) -> list[BotMessage]:
        messages = await self._client.messages(user.chat_id)
        start = self._seen.get(user.chat_id, 0)
        self._seen[user.chat_id] = len(messages)
        for message in messages[start:]:
            self.print_message(message, who)
        return messages[start:]

    def print_message(self, message: BotMessage, who: str) -> None:
        prefix = f"[bot → {who}] "
        body = message.text or (f"(file: {message.document.file_name})" if message.document else "")
        lines: list[str] = []
        for paragraph in body.split("\n"):
            lines.extend(textwrap.wrap(paragraph, WIDTH - len(prefix)) or [""])
        for i, line in enumerate(lines):
            print((prefix if i == 0 else " " * len(prefix)) + line)
        for row in message.buttons:
            print(" " * len(prefix) + " ".join(f"[{b.text}]" for b in row))
        if message.reply_keyboard:
            print(
                " " * len(prefix)
                + "keyboard: "
                + " ".join(f"[{label}]" for row in message.reply_keyboard for label in row)
            )


async def _press(
    runtime: BotRuntime,
    client: SandboxClient,
    story: Transcript,
    user: SandboxUser,
    who: str,
    label: str,
) -> None:
    messages = await client.messages(user.chat_id)
    message = next(
        m for m in reversed(messages) if any(b.text == label for row in m.buttons for b in row)
    )
    story.person(who, f"taps [{label}]")
    await client.press(user.id, message, label)
    await runtime.settle()


async def _say(
    runtime: BotRuntime,
    client: SandboxClient,
    story: Transcript,
    user: SandboxUser,
    who: str,
    text: str,
) -> None:
    story.person(who, text)
    await client.send_text(user.id, text)
    await runtime.settle()


async def run_demo() -> None:
    with tempfile.TemporaryDirectory(prefix="companion-demo-") as folder:
        async with SandboxServer() as server, server.client() as client:
            await play(Path(folder), server, client)


async def play(folder: Path, server: SandboxServer, client: SandboxClient) -> None:
    zone = ZoneInfo(ZONE)
    today = datetime.now(zone).date()
    clock = ManualClock(datetime.combine(today, time(8, 50), tzinfo=zone))
    settings = load_settings(
        data_dir=folder,
        telegram_token=server.token,
        telegram_base_url=server.bot_api_url,
        default_timezone=ZONE,
    )
    opened = await open_store(settings, initialise=True)
    services = build_services(opened.store, settings, clock)
    runtime = BotRuntime(services, server_bot(server), poll_timeout=0)
    story = Transcript(client)
    try:
        await runtime.start()
        await story_of_avery(services, runtime, client, story, clock)
    finally:
        await runtime.stop()
        await opened.store.close()


def server_bot(server: SandboxServer) -> telegram.Bot:
    return telegram.Bot(server.token, base_url=server.bot_api_url)


async def story_of_avery(
    services: Services,
    runtime: BotRuntime,
    client: SandboxClient,
    story: Transcript,
    clock: ManualClock,
) -> None:
    print("Relapse Companion demo: a patient and a clinician, with a local Telegram sandbox.")
    print("All people and data are fictional. Nothing leaves this machine.")

    story.heading("The clinic sets up")
    admin = await services.staff.create_first_admin("dr.rivera", "Dr Sam Rivera")
    actor = Actor(staff=admin)
    team = await services.staff.add_team(actor, "Harbor Team")
    await services.staff.add_member(actor, team.name, admin.username)
    async with services.store.uow() as uow:
        actor = Actor(staff=admin, team_ids=frozenset(await uow.teams.team_ids_of(admin.id)))
    story.clinician('clinician init --admin dr.rivera --name "Dr Sam Rivera"')
    story.clinician(
        'clinician team add "Harbor Team" && clinician team add-member "Harbor Team" dr.rivera'
    )
    _, staff_code = await services.staff.link_telegram_code(actor, admin.username)
    story.clinician("clinician staff link-telegram dr.rivera", f"/start {staff_code}")
    rivera = await client.create_user("Sam", username="dr_rivera_demo")
    story.person("Dr Rivera", "/start <code> (in Telegram)")
    await client.start_bot(rivera.id, staff_code)
    await runtime.settle()
    await story.show_new(rivera, "Dr Rivera")

    story.heading("The clinician enrols Avery with a plan and a schedule")
    patient = await services.patients.add(actor, "Avery Quill", ZONE)
    story.clinician(
        f'clinician patient add --name "Avery Quill" --timezone {ZONE}',
        f"Enrolled {patient.reference}.",
    )
    published = await services.plans.publish(
        actor, patient.reference, PLAN, note="first plan", source="avery-plan.yaml"
    )
    story.clinician(
        f"clinician plan set {patient.reference} avery-plan.yaml",
        f"Published version {published.version.version}.",
    )
    await services.schedules.set(actor, patient.reference, ["09:00", "20:30"], "*")
    story.clinician(f"clinician schedule set {patient.reference} --at 09:00 --at 20:30")
    invite = await services.patients.invite(actor, patient.reference)
    story.clinician(
        f"clinician patient invite {patient.reference}", f"{invite.link} (single use, 7 days)"
    )

    story.heading("Avery opens the invite link and agrees")
    avery = await client.create_user("Avery")
    story.person("Avery", "opens the link (/start <code>)")
    await client.start_bot(avery.id, invite.code)
    await runtime.settle()
    await story.show_new(avery, "Avery")
    await _press(runtime, client, story, avery, "Avery", texts.CONSENT_YES)
    await story.show_new(avery, "Avery")

    story.heading("Avery looks at the plan")
    await _say(runtime, client, story, avery, "Avery", "/plan")
    await story.show_new(avery, "Avery")
    await _press(runtime, client, story, avery, "Avery", "Your reasons")
    await story.show_new(avery, "Avery")

    story.heading("09:00 in New York: the scheduled check-in")
    clock.advance(timedelta(minutes=10))
    story.person("clock", f"{clock.now().astimezone(ZoneInfo(ZONE)):%H:%M} {ZONE}")
    await runtime.tick()
    await story.show_new(avery, "Avery")
    await _press(runtime, client, story, avery, "Avery", "Start")
    await story.show_new(avery, "Avery")
    for label in ("9", "3", "Payday evenings", "Done", "No", "5"):
        await _press(runtime, client, story, avery, "Avery", label)
        await story.show_new(avery, "Avery")

    story.heading("The clinician's Telegram gets the alert")
    await story.show_new(rivera, "Dr Rivera")
    await _press(runtime, client, story, rivera, "Dr Rivera", texts.ALERT_ACKNOWLEDGE)
    alert = (await client.messages(rivera.chat_id))[-1]
    story.person("Telegram", "the alert is edited for everyone who received it:")
    story.print_message(alert, "Dr Rivera")
    detail = await services.escalations.list_for(
        actor, open_only=True, patient_ref=patient.reference
    )
    escalation = detail[0][0]
    shown = await services.escalations.show(actor, escalation.reference)
    story.clinician(
        f"clinician escalation show {escalation.reference}",
        f"{escalation.level.value.upper()} · {shown.escalation.status.value}\n"
        + "\n".join(f"reason: {r}" for r in shown.escalation.reasons),
    )

    story.heading("Done")
    stats = await client.stats()
    print(
        f"The sandbox saw {sum(stats.get('calls', {}).values())} Bot API calls and "
        f"{stats.get('rate_limited', stats.get('too_many_requests', 0))} rate-limit answers."
    )
    print("Run `make test` to see every behaviour checked, or read README.md to deploy.")
