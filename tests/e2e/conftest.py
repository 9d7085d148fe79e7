"""Fixtures of the end-to-end tests: the fake Bot API and the bot processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.process import BotProcess, Launcher, RecordingBotApi, bot_env, wait_polling


@pytest.fixture
def api() -> Iterator[RecordingBotApi]:
    with RecordingBotApi() as fake:
        yield fake


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launcher]:
    """Start `python -m bot …` processes; every one still running is killed at teardown."""
    processes: list[BotProcess] = []

    def start(*args: str, env: dict[str, str], name: str | None = None) -> BotProcess:
        process = BotProcess(tmp_path, env, args, name or f"bot{len(processes)}")
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.kill()


@pytest.fixture
def running_bot(api: RecordingBotApi, launch: Launcher, tmp_path: Path) -> BotProcess:
    """The bot, polling the fake API."""
    process = launch(env=bot_env(tmp_path, api), name="bot")
    wait_polling(api, process)
    return process
