"""Logging: plain text or one JSON object per line, never a secret, with the update's id.

The id of the update being handled lives in a context variable that the application sets
around each update (`bot.app`), so every line logged while handling it carries it, whichever
module logs.
"""

import json
import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REDACTED = "<redacted>"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_update_id: ContextVar[int | None] = ContextVar("update_id", default=None)


@contextmanager
def update_context(update_id: int | None) -> Iterator[None]:
    """Tag every log line written inside the block with this update id."""
    token = _update_id.set(update_id)
    try:
        yield
    finally:
        _update_id.reset(token)


class _Redacting(logging.Formatter):
    """A formatter whose whole output (message, arguments, traceback) is stripped of secrets."""

    def __init__(self, secrets: Iterable[str], fmt: str | None = None) -> None:
        super().__init__(fmt)
        # The token's part after the colon is the secret; it may appear without the bot id.
        parts = {s for secret in secrets for s in (secret, secret.partition(":")[2]) if s}
        self._secrets = sorted((s for s in parts if len(s) >= 6), key=len, reverse=True)

    def redact(self, text: str) -> str:
        """Return the text with every secret replaced."""
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


class TextFormatter(_Redacting):
    """`time LEVEL logger: message`, with `[update N]` when handling an update."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(secrets, TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        update_id = _update_id.get()
        return line if update_id is None else f"{line} [update {update_id}]"


class JsonFormatter(_Redacting):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, update_id, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (update_id := _update_id.get()) is not None:
            entry["update_id"] = update_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        # Redact the serialised line: a secret inside a JSON-escaped string is still found,
        # since tokens have no characters JSON escapes.
        return self.redact(json.dumps(entry, ensure_ascii=False))


def configure_logging(level: str, log_format: str, secrets: Iterable[str]) -> None:
    """Log to stderr in `log_format` ("text" or "json") at `level`, secrets redacted.

    httpx and APScheduler log only warnings: httpx's request lines name the token in the URL
    (redacted anyway) and both would log every second of alert delivery.
    """
    handler = logging.StreamHandler(sys.stderr)
    secrets = list(secrets)
    handler.setFormatter(
        JsonFormatter(secrets) if log_format == "json" else TextFormatter(secrets)
    )
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
