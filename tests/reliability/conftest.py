"""Fixtures for reliability tests.

Two kinds of test live here:

* **processes**: ``companion run`` as a real child process (killed with SIGKILL, restarted,
  run twice) against one ``companion sandbox`` process shared by the session, where each
  test has a bot token, and so a Telegram world, of its own;
* **in process**: ``BotRuntime`` step by step against an in-process sandbox and the
  ``store`` fixture (SQLite, and PostgreSQL when ``COMPANION_TEST_POSTGRES_URL`` is set),
  for what needs exact control of each step (duplicates, faults, pacing).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.sandbox.client import SandboxClient
from bot.sandbox.testing import Sandbox, sandbox, sandbox_server  # noqa: F401 (fixtures)
from bot.store.crypto import generate_key
from bot.store.database import execute_outside_transaction
from bot.store.uow import Store
from tests.conftest import postgres_admin_url, skip_or_fail_without_postgres
from tests.e2e.conftest import Clinic
from tests.reliability.desk import Desk
from tests.reliability.inprocess import open_clinic, quick_retries, unpaced
from tests.reliability.processes import Deployment, Processes, SandboxProcess, new_bot_token


# --- processes ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def sandbox_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    """One ``companion sandbox`` for the session; tests keep apart by bot token."""
    process = SandboxProcess(tmp_path_factory.mktemp("sandbox"))
    try:
        process.wait_ready()
        yield process
    finally:
        process.terminate()


@pytest.fixture
async def telegram(sandbox_process: SandboxProcess) -> AsyncIterator[SandboxClient]:
    """The control API of this test's own bot on the sandbox process."""
    client = sandbox_process.client(new_bot_token())
    await client.set_webhook_policy(
        initial_delay=0.05, max_delay=0.5, max_attempts=20, request_timeout=5.0
    )
    try:
        yield client
    finally:
        await client.close()


@pytest.fixture
def processes() -> Iterator[Processes]:
    running = Processes()
    try:
        yield running
    finally:
        running.kill_all()


@pytest.fixture
def deployment(
    tmp_path: Path, telegram: SandboxClient, sandbox_process: SandboxProcess
) -> Deployment:
    """An embedded deployment (SQLite and a key file in a data folder)."""
    assert telegram.token is not None
    return Deployment(tmp_path, telegram.token, sandbox_process.bot_api_url)


@pytest.fixture
async def desk(deployment: Deployment) -> AsyncIterator[Desk]:
    opened = await Desk.open(deployment.settings())
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def fresh_postgres() -> AsyncIterator[str]:
    """An empty PostgreSQL database of this test's own, dropped afterwards (the desk
    creates the schema, as ``companion migrate`` would)."""
    admin = postgres_admin_url()
    if admin is None:
        skip_or_fail_without_postgres("COMPANION_TEST_POSTGRES_URL is not set")
    assert admin is not None
    name = f"companion_r_{secrets.token_hex(4)}"
    try:
        await execute_outside_transaction(admin, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        skip_or_fail_without_postgres(f"cannot create a test database: {exc}")
    try:
        yield make_url(admin).set(database=name).render_as_string(hide_password=False)
    finally:
        await execute_outside_transaction(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_deployment(
    tmp_path: Path, telegram: SandboxClient, sandbox_process: SandboxProcess, fresh_postgres: str
) -> Deployment:
    """A production-like deployment: PostgreSQL, keys given in the environment."""
    assert telegram.token is not None
    key = base64.b64encode(generate_key()).decode()
    index = base64.b64encode(generate_key()).decode()
    return Deployment(
        tmp_path,
        telegram.token,
        sandbox_process.bot_api_url,
        {"database_url": fresh_postgres, "master_keys": f"mk-rel-1:{key}", "index_key": index},
    )


@pytest.fixture
async def postgres_desk(postgres_deployment: Deployment) -> AsyncIterator[Desk]:
    opened = await Desk.open(postgres_deployment.settings())
    try:
        yield opened
    finally:
        await opened.close()


# --- in process ---------------------------------------------------------------------------
@pytest.fixture
async def clinic(sandbox: Sandbox, store: Store) -> AsyncIterator[Clinic]:  # noqa: F811
    """In process, limits off, retries quick, a message failed after 3 attempts."""
    await sandbox.client.set_limits(enabled=False)
    opened = await open_clinic(sandbox, store, unpaced(), max_attempts=3)
    quick_retries(opened, unpaced())
    try:
        yield opened
    finally:
        await opened.runtime.stop()


@pytest.fixture
async def paced_clinic(sandbox: Sandbox, store: Store) -> AsyncIterator[Clinic]:  # noqa: F811
    """In process, Telegram's limits enforced by the sandbox, pacing from the settings."""
    opened = await open_clinic(sandbox, store, None)
    try:
        yield opened
    finally:
        await opened.runtime.stop()
