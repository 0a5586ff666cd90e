"""Settings: defaults give the embedded setup; each invalid value has its own message."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("COMPANION_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env is read


def test_defaults_are_the_embedded_setup() -> None:
    settings = load_settings()
    assert settings.data_dir == Path("companion-data")
    assert settings.resolved_database_url.endswith("companion-data/companion.db")
    assert settings.resolved_database_url.startswith("sqlite+aiosqlite:///")
    assert settings.resolved_key_file == Path("companion-data/keys.json")


def test_settings_come_from_companion_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_DATA_DIR", "/srv/companion")
    monkeypatch.setenv("COMPANION_TICK_SECONDS", "15")
    settings = load_settings()
    assert settings.data_dir == Path("/srv/companion") and settings.tick_seconds == 15


def test_settings_are_read_from_a_dot_env_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("COMPANION_STAFF=dr.rivera\n")
    assert load_settings().staff == "dr.rivera"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "COMPANION_TICK_SECONDS",
            "soon",
            "COMPANION_TICK_SECONDS=soon: input should be a valid integer",
        ),
        (
            "COMPANION_TICK_SECONDS",
            "0",
            "COMPANION_TICK_SECONDS=0: input should be greater than or equal to 1",
        ),
        (
            "COMPANION_DEFAULT_TIMEZONE",
            "Mars/Olympus",
            "COMPANION_DEFAULT_TIMEZONE=Mars/Olympus: expected an IANA time zone name",
        ),
        (
            "COMPANION_DATABASE_URL",
            "mysql://u:hunter2@db/x",
            "COMPANION_DATABASE_URL=mysql://u:***@db/x: expected a URL starting sqlite+aiosqlite",
        ),
        (
            "COMPANION_TELEGRAM_TOKEN",
            "not-a-token-value",
            "COMPANION_TELEGRAM_TOKEN=*** (17 characters): expected a bot token",
        ),
        (
            "COMPANION_WEBHOOK_SECRET",
            "has spaces in it",
            "COMPANION_WEBHOOK_SECRET=*** (16 characters): expected 32 to 256 characters",
        ),
        (
            "COMPANION_WEBHOOK_SECRET",
            "short_but_valid_chars",
            "COMPANION_WEBHOOK_SECRET=*** (21 characters): expected 32 to 256 characters",
        ),
        (
            "COMPANION_ALERT_WEBHOOK_SECRET",
            "guessable",
            "COMPANION_ALERT_WEBHOOK_SECRET=*** (9 characters): expected at least 32 characters",
        ),
        (
            "COMPANION_GLOBAL_RATE",
            "45",
            "COMPANION_GLOBAL_RATE=45: input should be less than or equal to 30",
        ),
        ("COMPANION_CRISIS_REGION", "XX", "COMPANION_CRISIS_REGION=XX: input should be 'US', 'UK'"),
        ("COMPANION_LOG_LEVEL", "LOUD", "COMPANION_LOG_LEVEL=LOUD: input should be 'DEBUG'"),
        (
            "COMPANION_WEBHOOK_URL",
            "ftp://x",
            "COMPANION_WEBHOOK_URL=ftp://x: expected an http:// or https:// URL",
        ),
    ],
)
def test_each_invalid_value_has_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith(expected), caught.value.problems[0]


def test_secrets_never_appear_in_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_TELEGRAM_TOKEN", "hunter2-secret-token")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_all_problems_are_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_TICK_SECONDS", "x")
    monkeypatch.setenv("COMPANION_CHAT_BURST", "0")
    monkeypatch.setenv("COMPANION_DEFAULT_TIMEZONE", "Nowhere")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert len(caught.value.problems) == 3
    assert "3 invalid setting(s)" in str(caught.value)


def test_keys_from_the_environment_come_in_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPANION_MASTER_KEYS", "k1:AAAA")
    with pytest.raises(ConfigError, match="set both"):
        load_settings()


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"`COMPANION_{name.upper()}`" in readme, name
