"""Settings, read once from the environment and `.env`; the only reader of `os.environ`.

pydantic-settings reads and validates them (python-dotenv parses `.env`, so `export`, quotes
and `KEY=value  # comment` work as people write them); the environment wins over `.env`, and an
empty or blank variable means "not set". The token and the webhook secret are `SecretStr`, so
neither appears in a repr, a log line or an error message.
"""

import logging
import math
import os
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings.sources.utils import parse_env_vars
from telegram.constants import WebhookLimit

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), "
    "then put TELEGRAM_BOT_TOKEN=<token> in .env or the environment."
)
# Telegram's rule for `secret_token` (Bot API, setWebhook): 1-256 of A-Z a-z 0-9 _ -.
_SECRET_LENGTH = WebhookLimit.MAX_SECRET_TOKEN_LENGTH
_SECRET_RE = re.compile(rf"[A-Za-z0-9_-]{{1,{_SECRET_LENGTH}}}")
# What load_settings() reads: (environment, .env path). Unset: only explicit arguments count.
_SOURCES: ContextVar[tuple[Mapping[str, str], Path | None] | None] = ContextVar(
    "settings_sources", default=None
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


class Settings(BaseSettings):
    """Every setting of DESIGN §2 and the operations settings (webhook, logs, backups).

    Built by `load_settings()` from the environment and `.env`; built directly (tests,
    benchmarks) from the field names only, reading nothing.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        extra="ignore",
        case_sensitive=True,
        env_ignore_empty=True,
        validate_by_name=True,
        validate_by_alias=True,
        validate_default=False,
    )

    token: SecretStr | None = Field(None, validation_alias="TELEGRAM_BOT_TOKEN")
    api_base_url: str = Field(DEFAULT_API_BASE_URL, validation_alias="TELEGRAM_API_BASE_URL")
    api_file_url: str = Field(DEFAULT_API_FILE_URL, validation_alias="TELEGRAM_API_FILE_URL")
    db_path: Path = Field(Path("data/bot.json"), validation_alias="DB_PATH")
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), validation_alias="ADMIN_IDS"
    )
    alert_rate: float = Field(25.0, validation_alias="ALERT_RATE")
    log_level: str = Field("INFO", validation_alias="LOG_LEVEL")
    log_format: Literal["text", "json"] = Field("text", validation_alias="LOG_FORMAT")
    webhook_url: str | None = Field(None, validation_alias="WEBHOOK_URL")
    webhook_secret: SecretStr | None = Field(None, validation_alias="WEBHOOK_SECRET")
    webhook_listen: str = Field("127.0.0.1", validation_alias="WEBHOOK_LISTEN")
    webhook_port: int = Field(8080, ge=1, le=65535, validation_alias="WEBHOOK_PORT")
    backup_dir: Path | None = Field(None, validation_alias="BACKUP_DIR")
    backup_time: time = Field(time(3, 30), validation_alias="BACKUP_TIME")
    backup_keep: int = Field(14, ge=1, le=1000, validation_alias="BACKUP_KEEP")
    # Times shown to people (submissions, decisions) are in this zone, named beside them.
    # Strasbourg, where the programme's secretariat sits, is on Europe/Paris time (IANA has
    # no separate Strasbourg zone).
    timezone: ZoneInfo = Field(ZoneInfo("Europe/Paris"), validation_alias="TIMEZONE")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources = _SOURCES.get()
        if sources is None:
            return (init_settings,)
        environ, dotenv = sources
        return (
            init_settings,
            _MappingEnvSource(settings_cls, environ),
            _DotEnvSource(settings_cls, env_file=dotenv),
        )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        except ValueError:
            raise ValueError(
                f"ADMIN_IDS must be comma-separated Telegram user ids, got {value!r}"
            ) from None

    @field_validator("alert_rate", mode="before")
    @classmethod
    def _alert_rate(cls, value: Any) -> float:
        try:
            rate = float(value)
        except (TypeError, ValueError):
            rate = 0.0
        if not (math.isfinite(rate) and 0 < rate <= 1000):
            raise ValueError(
                f"ALERT_RATE must be a number of messages per second (0-1000], got {value!r}"
            )
        return rate

    @field_validator("log_level", mode="before")
    @classmethod
    def _log_level(cls, value: Any) -> str:
        level = str(value).strip().upper()
        if level.isdigit() or not isinstance(logging.getLevelName(level), int):
            raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {value!r}")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: Any) -> str:
        if str(value).lower() not in ("text", "json"):
            raise ValueError(f"LOG_FORMAT must be text or json, got {value!r}")
        return str(value).lower()

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None:
            parts = urlsplit(value)
            if parts.scheme != "https" or not parts.hostname:
                raise ValueError(
                    "WEBHOOK_URL must be the public https:// address Telegram posts to, "
                    f"got {value!r}"
                )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_RE.fullmatch(value.get_secret_value()):
            raise ValueError(
                f"WEBHOOK_SECRET must be 1-{_SECRET_LENGTH} characters of A-Z, a-z, 0-9, _ and - "
                "(Telegram's rule for secret_token)"
            )
        return value

    @field_validator("backup_time", mode="before")
    @classmethod
    def _backup_time(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if not (found := re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", value)):
            raise ValueError(f"BACKUP_TIME must be HH:MM (UTC), got {value!r}")
        return time(int(found[1]), int(found[2]))

    @field_validator("timezone", mode="before")
    @classmethod
    def _timezone(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return ZoneInfo(value.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"TIMEZONE must be an IANA time zone such as Europe/Paris or UTC, got {value!r}"
            ) from None

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> "Settings":
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET is required with WEBHOOK_URL: Telegram sends it with every "
                "update so that nobody else can post to the webhook"
            )
        return self

    def require_token(self) -> str:
        """Return the token, or stop with the one line that says how to get one."""
        if self.token is None or not self.token.get_secret_value().strip():
            raise ConfigError(TOKEN_HELP)
        return self.token.get_secret_value()

    @property
    def webhook_mode(self) -> bool:
        """Return True when updates come by webhook (WEBHOOK_URL set), False for polling."""
        return self.webhook_url is not None

    @property
    def backups(self) -> Path:
        """Return where snapshots go: BACKUP_DIR, or `backups/` beside the database."""
        return self.backup_dir or self.db_path.parent / "backups"

    def secrets(self) -> list[str]:
        """Return the secret values that must never be written out (for log redaction)."""
        found = [s.get_secret_value() for s in (self.token, self.webhook_secret) if s]
        return [s for s in found if s.strip()]


class _MappingEnvSource(EnvSettingsSource):
    """The environment source over a given mapping (os.environ, or a test's dict)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return _set_values(parse_env_vars(self._environ, True, True, None))


class _DotEnvSource(DotEnvSettingsSource):
    """`.env` as python-dotenv reads it, blank values left out."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return _set_values(super()._load_env_vars())


def _set_values(values: Mapping[str, str | None]) -> dict[str, str]:
    """Keep the variables that say something, stripped: a blank one means the default."""
    return {k: v.strip() for k, v in values.items() if v is not None and v.strip()}


def read_dotenv(path: Path) -> dict[str, str]:
    """Return the KEY=VALUE pairs of a .env file as python-dotenv reads them (`{}` if absent)."""
    values = DotEnvSettingsSource._static_read_env_file(path, case_sensitive=True)
    return {k: v for k, v in values.items() if v is not None} if path.is_file() else {}


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Read settings; the environment wins over `.env`.

    Args:
        environ: the environment to read (defaults to `os.environ`).
        dotenv: the .env file to read, or None for none.

    Returns:
        The settings. Raises ConfigError with a one-line message on a malformed value.
    """
    token = _SOURCES.set((os.environ if environ is None else environ, dotenv))
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None
    finally:
        _SOURCES.reset(token)


def _one_line(error: ValidationError) -> str:
    """Return the first problem as one line naming the variable, never echoing a secret."""
    first = error.errors(include_input=False)[0]
    name = str(first["loc"][0]) if first["loc"] else "settings"  # () for a model check
    cause = first.get("ctx", {}).get("error")
    message = str(cause) if isinstance(cause, ValueError) else f"{name}: {first['msg']}"
    return " ".join(message.split())
