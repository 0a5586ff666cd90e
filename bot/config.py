"""Settings: every knob of a deployment, read once from ``COMPANION_*`` variables.

Defaults give the embedded setup (SQLite and a key file in ``./companion-data/``).
Invalid values are reported all at once, one line each, with the value redacted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "COMPANION_"


class ConfigError(Exception):
    """One or more settings are invalid; ``problems`` has one readable line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} invalid setting(s):\n{lines}")


class Settings(BaseSettings):
    """All settings. Field docs (``description``) feed the README configuration table."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    # --- storage and keys -------------------------------------------------------------
    data_dir: Path = Field(
        default=Path("companion-data"),
        description="Folder for the embedded SQLite database and the key file.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL. Default: SQLite file `companion.db` in the data "
        "directory. Production: `postgresql+asyncpg://user:pass@host/db`.",
    )
    key_file: Path | None = Field(
        default=None,
        description="Key file (master keys and blind-index key), created on first use with "
        "mode 0600. Default: `keys.json` in the data directory.",
    )
    master_keys: SecretStr | None = Field(
        default=None,
        description="Instead of a key file: `id:base64key[,id:base64key...]`, the first one "
        "active (32-byte keys, e.g. from a secret store). Needs `COMPANION_INDEX_KEY`.",
    )
    index_key: SecretStr | None = Field(
        default=None,
        description="Blind-index HMAC key (base64, 32 bytes), with `COMPANION_MASTER_KEYS`.",
    )

    # --- Telegram ---------------------------------------------------------------------
    telegram_token: SecretStr | None = Field(
        default=None,
        description="Bot token from @BotFather. Not needed for `demo` and `sandbox`.",
    )
    telegram_base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL; point it at the sandbox to run without Telegram.",
    )
    bot_username: str | None = Field(
        default=None,
        description="The bot's @username, for invite links when the bot has not run yet "
        "(learned from Telegram at start otherwise).",
    )
    webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS URL for webhook mode (`companion run --webhook`).",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret token Telegram sends with each webhook call (32-256 of A-Z a-z "
        "0-9 _ -, e.g. `openssl rand -hex 32`). Required in webhook mode.",
    )
    webhook_listen: str = Field(default="127.0.0.1", description="Webhook server address.")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook server port.")

    # --- people and locale ------------------------------------------------------------
    staff: str | None = Field(
        default=None,
        description="Username the `clinician` CLI acts as (or pass `--as`).",
    )
    default_timezone: str = Field(
        default="America/New_York",
        description="IANA time zone offered to new patients when none is given.",
    )
    crisis_region: Literal["US", "UK", "AU", "CA", "IE", "NZ", "ES"] = Field(
        default="US",
        description="Region whose crisis lines are used when a plan gives none.",
    )

    # --- timing -----------------------------------------------------------------------
    invite_ttl_days: int = Field(default=7, ge=1, le=60, description="Invite codes expire.")
    tick_seconds: int = Field(
        default=30, ge=1, le=600, description="Scheduler tick interval, seconds."
    )
    checkin_grace_minutes: int = Field(
        default=120,
        ge=0,
        le=1440,
        description="A check-in due while the bot was down is still sent within this.",
    )
    reminder_after_minutes: int = Field(
        default=60, ge=1, le=1440, description="One reminder if a check-in is unanswered."
    )
    checkin_expires_minutes: int = Field(
        default=240, ge=1, le=2880, description="After the reminder, a check-in expires."
    )
    inbox_retention_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Raw Telegram updates (encrypted) are dropped this long after processing, "
        "and the text of finished outgoing messages is blanked.",
    )
    plan_review_days: int = Field(
        default=90, ge=1, le=3650, description="Plans older than this are flagged for review."
    )
    escalation_merge_minutes: int = Field(
        default=720,
        ge=0,
        le=10080,
        description="The same rule for the same patient within this adds to the open "
        "escalation instead of opening another.",
    )

    # --- delivery ---------------------------------------------------------------------
    global_rate: float = Field(
        default=25.0, gt=0, le=30, description="Messages per second overall (Telegram: 30)."
    )
    chat_burst: int = Field(
        default=3, ge=1, le=20, description="Messages to one chat sent at once before pacing."
    )
    chat_rate: float = Field(
        default=1.0, gt=0, le=1, description="Sustained messages per second to one chat."
    )
    group_per_minute: int = Field(
        default=20, ge=1, le=20, description="Messages per minute to one group chat."
    )
    max_attempts: int = Field(
        default=8, ge=1, le=50, description="Delivery attempts before a message is failed."
    )

    # --- other alert channels -----------------------------------------------------------
    smtp_host: str | None = Field(
        default=None, description="SMTP server for e-mail alerts to staff (off when unset)."
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port.")
    smtp_username: str | None = Field(default=None, description="SMTP login, if needed.")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password.")
    smtp_from: str = Field(
        default="companion-alerts@localhost", description="Sender address of alert e-mails."
    )
    smtp_starttls: bool = Field(default=True, description="Use STARTTLS with the SMTP server.")
    alert_webhook_url: str | None = Field(
        default=None,
        description="Also POST every alert as signed JSON here (paging or EHR systems).",
    )
    alert_webhook_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key for the `X-Companion-Signature` header of alert webhooks "
        "(at least 32 characters, e.g. `openssl rand -hex 32`).",
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Log level. Logs carry ids and events, never content."
    )

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("an IANA time zone name such as Europe/London") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _async_url(cls, value: str | None) -> str | None:
        if value is None:
            return value
        if not re.match(r"^(sqlite\+aiosqlite|postgresql\+asyncpg)://", value):
            raise ValueError("a URL starting sqlite+aiosqlite:/// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_base_url", "webhook_url", "alert_webhook_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("an http:// or https:// URL")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{32,256}", value.get_secret_value()
        ):
            raise ValueError(
                "32 to 256 characters of A-Z, a-z, 0-9, _ and - (e.g. `openssl rand -hex 32`)"
            )
        return value

    @field_validator("alert_webhook_secret")
    @classmethod
    def _long_enough(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError("at least 32 characters (e.g. `openssl rand -hex 32`)")
        return value

    @field_validator("telegram_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"\d+:[A-Za-z0-9_-]{20,}", value.get_secret_value()
        ):
            raise ValueError("a bot token like 123456:ABC-DEF... from @BotFather")
        return value

    # --- derived --------------------------------------------------------------------
    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'companion.db').resolve()}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file if self.key_file is not None else self.data_dir / "keys.json"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")


SECRET_FIELDS = frozenset(
    {
        "master_keys",
        "index_key",
        "telegram_token",
        "webhook_secret",
        "smtp_password",
        "alert_webhook_secret",
    }
)


def redact(field: str, value: Any) -> str:
    """Show a value safely: secrets as stars, passwords inside URLs masked, long ones cut."""
    text = str(value)
    if field in SECRET_FIELDS:
        return f"*** ({len(text)} characters)"
    text = re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(error: dict[str, Any]) -> str:
    field = str(error["loc"][0]) if error.get("loc") else "?"
    name = ENV_PREFIX + field.upper()
    shown = redact(field, error.get("input", ""))
    message = str(error.get("msg", "invalid"))
    message = message.removeprefix("Value error, ")
    return (
        f"{name}={shown!s}: expected {message}"
        if error.get("type") == "value_error"
        else (f"{name}={shown!s}: {message[0].lower() + message[1:] if message else 'invalid'}")
    )


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings once; raise ConfigError listing every problem."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError([_describe(dict(e)) for e in exc.errors()]) from None
    problems: list[str] = []
    if (settings.master_keys is None) != (settings.index_key is None):
        problems.append(
            "COMPANION_MASTER_KEYS and COMPANION_INDEX_KEY: set both (keys from a secret "
            "store) or neither (use the key file)"
        )
    if (settings.alert_webhook_url is None) != (settings.alert_webhook_secret is None):
        problems.append(
            "COMPANION_ALERT_WEBHOOK_URL and COMPANION_ALERT_WEBHOOK_SECRET: set both (alerts "
            "are always signed) or neither"
        )
    if problems:
        raise ConfigError(problems)
    return settings
