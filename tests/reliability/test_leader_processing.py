"""Only the leader processes updates, even those a standby receives by webhook.

Two ``companion run --webhook`` on one PostgreSQL database: Telegram posts to whichever
URL was set last (the standby's here); the standby stores the update and the leader acts
on it, so updates are handled in order by one process.
"""

from __future__ import annotations

import pytest

from bot.domain.model import PatientStatus
from bot.sandbox.client import SandboxClient
from tests.reliability.desk import Desk, onboard
from tests.reliability.processes import Deployment, Processes, free_port

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
SECRET = "reliability-webhook-secret-0123456789abcdef"
PROCESSING = "processor.running"


def on_own_port(deployment: Deployment) -> Deployment:
    port = free_port()
    return deployment.with_values(
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=str(port),
    )


async def test_a_standby_stores_webhook_updates_and_only_the_leader_processes_them(
    postgres_deployment: Deployment,
    postgres_desk: Desk,
    processes: Processes,
    telegram: SandboxClient,
) -> None:
    leader = await processes.started_bot(
        on_own_port(postgres_deployment), "--webhook", name="leader"
    )
    await leader.wait_for_log("leader.acquired")
    standby = await processes.started_bot(
        on_own_port(postgres_deployment), "--webhook", name="standby"
    )
    await standby.wait_for_log("leader.standby")  # after its setWebhook: Telegram posts to it

    patient, _ = await onboard(postgres_desk, telegram)

    assert (await postgres_desk.patient(patient.id)).status is PatientStatus.ACTIVE
    assert (await telegram.stats())["webhook"]["succeeded"] >= 2
    assert PROCESSING in leader.log()
    assert PROCESSING not in standby.log()
    assert "leader.acquired" not in standby.log()
