"""Tests for log formats and secret redaction (`bot/logs.py`) and the update id in log lines."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from telegram.ext import TypeHandler

from bot.logs import REDACTED, JsonFormatter, TextFormatter, configure_logging, update_context
from tests.fakes import TOKEN, BotHarness

SECRET = "123456:AAE-very-secret-token-value"


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("bot.test", logging.ERROR, __file__, 1, message, args, exc_info)


def raised(text: str) -> BaseException:
    try:
        raise RuntimeError(text)
    except RuntimeError as error:
        return error


@pytest.mark.parametrize("formatter", [TextFormatter([SECRET]), JsonFormatter([SECRET])])
def test_the_token_is_redacted_from_message_arguments_and_traceback(formatter):
    lines = [
        formatter.format(record(f"GET https://api.telegram.org/bot{SECRET}/getMe")),
        formatter.format(record("calling %s", f"/bot{SECRET}/sendMessage")),
        formatter.format(record("failed", exc=raised(f"url /bot{SECRET}/x"))),
        # The part after the colon alone is the secret too.
        formatter.format(record("leak %s", SECRET.partition(":")[2])),
    ]
    for line in lines:
        assert SECRET.partition(":")[2] not in line
        assert REDACTED in line


def test_json_lines_hold_time_level_logger_and_message():
    line = JsonFormatter([]).format(record("two\nlines %d", 5, exc=raised("boom")))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "bot.test"
    assert entry["message"] == "two\nlines 5"
    assert entry["time"].endswith("+00:00")
    assert "RuntimeError: boom" in entry["exc"]
    assert "update_id" not in entry


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    configure_logging("INFO", "json", [TOKEN])
    root.handlers[0].setStream(stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


async def test_lines_logged_while_handling_an_update_carry_its_id(harness: BotHarness, captured):
    async def log_it(update, context) -> None:
        logging.getLogger("handlers.any").info("handling with token %s", TOKEN)

    harness.app.add_handler(TypeHandler(object, log_it), group=-5)
    await harness.send("hello")
    logging.getLogger("bot.after").info("outside")
    entries = [json.loads(line) for line in captured.getvalue().splitlines()]
    handling = next(e for e in entries if e["logger"] == "handlers.any")
    assert handling["update_id"] == 1
    assert TOKEN.partition(":")[2] not in handling["message"]
    assert "update_id" not in next(e for e in entries if e["logger"] == "bot.after")


def test_text_lines_name_the_update_too():
    with update_context(42):
        line = TextFormatter([]).format(record("inside"))
    assert line.endswith("bot.test: inside [update 42]")
