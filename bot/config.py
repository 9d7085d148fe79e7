"""Settings, read once from the environment and `.env`; the only reader of `os.environ`."""

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_API_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), "
    "then put TELEGRAM_BOT_TOKEN=<token> in .env or the environment."
)


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line for the operator."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of DESIGN §2."""

    token: str | None
    api_base_url: str
    api_file_url: str
    db_path: Path
    admin_ids: frozenset[int]
    alert_rate: float
    log_level: str

    def require_token(self) -> str:
        """Return the token, or stop with the one line that says how to get one."""
        if not self.token:
            raise ConfigError(TOKEN_HELP)
        return self.token


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines of a .env file; comments, blanks and `export ` prefixes allowed."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip().removeprefix("export ").strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _admin_ids(raw: str) -> frozenset[int]:
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise ConfigError(
            f"ADMIN_IDS must be comma-separated Telegram user ids, got {raw!r}"
        ) from None


def _alert_rate(raw: str) -> float:
    try:
        rate = float(raw)
    except ValueError:
        rate = 0.0
    if not 0 < rate <= 1000:
        raise ConfigError(
            f"ALERT_RATE must be a number of messages per second (0-1000], got {raw!r}"
        )
    return rate


def _log_level(raw: str) -> str:
    level = raw.strip().upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


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
    values = read_dotenv(dotenv) if dotenv else {}
    # An empty variable (a bare `export TELEGRAM_BOT_TOKEN=`) does not hide the .env value.
    values.update((k, v) for k, v in (os.environ if environ is None else environ).items() if v)

    def get(name: str, default: str) -> str:
        return values.get(name, "").strip() or default

    return Settings(
        token=get("TELEGRAM_BOT_TOKEN", "") or None,
        api_base_url=get("TELEGRAM_API_BASE_URL", DEFAULT_API_BASE_URL),
        api_file_url=get("TELEGRAM_API_FILE_URL", DEFAULT_API_FILE_URL),
        db_path=Path(get("DB_PATH", "data/bot.json")),
        admin_ids=_admin_ids(get("ADMIN_IDS", "")),
        alert_rate=_alert_rate(get("ALERT_RATE", "25")),
        log_level=_log_level(get("LOG_LEVEL", "INFO")),
    )
