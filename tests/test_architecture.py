"""Imports point inward: the pure core knows nothing of Telegram, SQL or the adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PURE = ["bot/domain", "bot/plans"]
ADAPTER_PACKAGES = (
    "bot.store",
    "bot.handlers",
    "bot.delivery",
    "bot.sandbox",
    "bot.services",
    "bot.bootstrap",
    "bot.config",
    "scheduler",
    "clinician_cli",
)
THIRD_PARTY_FORBIDDEN = (
    "telegram",
    "sqlalchemy",
    "alembic",
    "apscheduler",
    "cryptography",
    "aiohttp",
    "typer",
    "rich",
    "pydantic",
    "httpx",
)


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", PURE)
def test_the_pure_core_imports_nothing_impure(folder: str) -> None:
    offenders = []
    for path in python_files(folder):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in THIRD_PARTY_FORBIDDEN or name.startswith(ADAPTER_PACKAGES):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_domain_does_not_import_plans_adapters_and_plans_do_not_import_services() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for folder in PURE
        for path in python_files(folder)
        for name in imports_of(path)
        if name.startswith("bot.") and not name.startswith(("bot.domain", "bot.plans"))
    ]
    assert offenders == []


def test_services_depend_on_no_adapter_or_framework() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files("bot/services")
        for name in imports_of(path)
        if name.split(".")[0] in THIRD_PARTY_FORBIDDEN
        or name.startswith(
            (
                "bot.store",
                "bot.handlers",
                "bot.delivery",
                "bot.sandbox",
                "scheduler",
                "clinician_cli",
                "bot.bootstrap",
            )
        )
    ]
    assert offenders == []


def test_the_guard_would_catch_an_offender(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import sqlalchemy\nfrom bot.store.uow import Store\n")
    assert imports_of(bad) == ["sqlalchemy", "bot.store.uow"]
