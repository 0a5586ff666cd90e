"""CLI tests: the real `clinician` app through Typer's runner on a real SQLite database."""

from __future__ import annotations

import json
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.bootstrap import OpenedStore, Services, build_services, open_store
from bot.config import Settings, load_settings
from bot.domain.model import Patient
from bot.services.access import Actor, load_actor
from bot.services.ports import UnitOfWork
from bot.store.uow import SqlUnitOfWork
from clinician_cli.app import app

ISOLATED = (
    "COMPANION_STAFF",
    "COMPANION_DATABASE_URL",
    "COMPANION_MASTER_KEYS",
    "COMPANION_INDEX_KEY",
    "COMPANION_KEY_FILE",
)


@dataclass(frozen=True)
class ClinicStore:
    """The installation's store opened directly, to set up what the bot or a patient would
    have written (check-ins, suggestions, supporters) before a command reads it."""

    opened: OpenedStore
    services: Services

    def uow(self) -> SqlUnitOfWork:
        return self.opened.store.uow()

    async def actor(self, username: str = "dr.rivera") -> Actor:
        async with self.uow() as uow:
            return await load_actor(uow, username)

    @staticmethod
    async def patient(uow: UnitOfWork, reference: str) -> Patient:
        found = await uow.patients.by_reference(reference)
        assert found is not None, reference
        return found


class Clinic:
    """An installation with an admin (dr.rivera), two teams and two clinicians.

    Harbor Team: dr.rivera, nurse.okafor. Summit Team: dr.lindqvist.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.runner = CliRunner()
        self.env = {
            "COMPANION_DATA_DIR": str(root / "data"),
            "COMPANION_BOT_USERNAME": "companion_test_bot",
        }

    def run(self, *args: str, as_: str | None = "dr.rivera", input: str | None = None) -> Result:
        argv = (["--as", as_] if as_ else []) + list(args)
        return self.runner.invoke(app, argv, input=input, env=self.env, catch_exceptions=False)

    def ok(self, *args: str, as_: str | None = "dr.rivera") -> str:
        result = self.run(*args, as_=as_)
        assert result.exit_code == 0, result.output
        return result.output

    def json(self, *args: str, as_: str | None = "dr.rivera") -> Any:
        return json.loads(self.ok(*args, "--json", as_=as_))

    def add_patient(self, name: str = "Avery Quill", tz: str = "America/New_York") -> str:
        return str(self.json("patient", "add", "--name", name, "--timezone", tz)["reference"])

    def settings(self) -> Settings:
        return load_settings(data_dir=self.root / "data")

    @asynccontextmanager
    async def store(self) -> AsyncIterator[ClinicStore]:
        """The store on this installation's data directory, closed afterwards."""
        settings = self.settings()
        opened = await open_store(settings)
        try:
            yield ClinicStore(opened, build_services(opened.store, settings))
        finally:
            await opened.store.close()

    def setup(self) -> None:
        self.ok("init", "--admin", "dr.rivera", "--name", "Dr Sam Rivera", as_=None)
        self.ok("team", "add", "Harbor Team")
        self.ok("team", "add", "Summit Team")
        self.ok("team", "add-member", "Harbor Team", "dr.rivera")
        self.ok("staff", "add", "nurse.okafor", "--name", "Ada Okafor")
        self.ok("team", "add-member", "Harbor Team", "nurse.okafor")
        self.ok("staff", "add", "dr.lindqvist", "--name", "Dr Mia Lindqvist")
        self.ok("team", "add-member", "Summit Team", "dr.lindqvist")


@pytest.fixture(scope="session")
def clinic_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the installation once; each test gets its own copy."""
    root = tmp_path_factory.mktemp("clinic-template")
    with pytest.MonkeyPatch.context() as patch:
        for name in ISOLATED:
            patch.delenv(name, raising=False)
        patch.chdir(root)
        Clinic(root).setup()
    return root / "data"


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clinic_template: Path) -> Clinic:
    for name in ISOLATED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    shutil.copytree(clinic_template, tmp_path / "data")
    return Clinic(tmp_path)
