"""Run the real `python -m bot` in a subprocess against the loopback fake Bot API.

Shared by the end-to-end tests: an environment of its own for every process (token, API URLs,
`DB_PATH` in `tmp_path`, working directory `tmp_path` so that no `.env` of the repository is
read), and the user's side played through `FakeBotApi.push_*`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.fake_bot_api import DEFAULT_TOKEN, FakeBotApi, Params

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN_SECRET = DEFAULT_TOKEN.partition(":")[2]
ADMIN_ID = 900_001

START_TIMEOUT = 20.0  # start-up to the first getUpdates: about 0.5 s on a laptop
REPLY_TIMEOUT = 10.0
EXIT_TIMEOUT = 15.0
CLI_TIMEOUT = 30.0

# Settings the bot reads; an inherited value must never leak into a test's process.
SETTING_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_FILE_URL",
    "DB_PATH",
    "ADMIN_IDS",
    "ALERT_RATE",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "WEBHOOK_URL",
    "WEBHOOK_SECRET",
    "WEBHOOK_LISTEN",
    "WEBHOOK_PORT",
    "BACKUP_DIR",
    "BACKUP_TIME",
    "BACKUP_KEEP",
)


# A practice for Roma in Barcelona, as an import file holds it (alert tests).
ROMA_IN_BARCELONA = {
    "title": "Roma mentors for Barcelona secondary schools",
    "cities": ["Barcelona"],
    "country": "Spain",
    "period": "2024 - ongoing",
    "topics": ["Roma", "Education"],
    "purpose": "Young Roma adults mentor pupils through secondary school.",
}


class RecordingBotApi(FakeBotApi):
    """The fake, also remembering every message the bot sent with the id Telegram gave it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bot_messages: list[dict[str, Any]] = []

    def dispatch(self, token: str, method: str, params: Params) -> tuple[int, Params]:
        status, payload = super().dispatch(token, method, params)
        if status == 200 and method.lower() == "sendmessage":
            with self._changed:
                self.bot_messages.append({**payload["result"], "params": params})
                self._changed.notify_all()
        return status, payload


def alerts_by_chat(api: RecordingBotApi) -> Counter[int]:
    """Return how many alerts each chat received."""
    sent = [m for m in api.bot_messages if "You follow:" in m["params"].get("text", "")]
    return Counter(m["chat"]["id"] for m in sent)


def bot_env(tmp_path: Path, api: FakeBotApi | None = None, **settings: str) -> dict[str, str]:
    """Return an environment for `python -m bot`: inherited basics plus these settings only."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    # The repository first, so the bot runs from this tree even if the installed copy is stale.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["DB_PATH"] = str(tmp_path / "data" / "bot.json")
    env["LOG_LEVEL"] = "INFO"
    if api is not None:
        env.update(
            TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
            TELEGRAM_API_BASE_URL=api.base_url,
            TELEGRAM_API_FILE_URL=api.file_url,
            ADMIN_IDS=str(ADMIN_ID),
        )
    env.update(settings)
    return env


class BotProcess:
    """One `python -m bot …` subprocess; its output goes to files so no pipe can fill up."""

    def __init__(self, cwd: Path, env: dict[str, str], args: tuple[str, ...], name: str) -> None:
        self.out_path = cwd / f"{name}.stdout"
        self.err_path = cwd / f"{name}.stderr"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = EXIT_TIMEOUT) -> int:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"python -m bot did not exit within {timeout}s; stderr:\n{self.stderr}")

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        """Send a signal and return the exit code."""
        self.popen.send_signal(sig)
        return self.wait()

    def kill(self) -> None:
        """Make sure the process is gone: terminate, then kill."""
        if self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


Launcher = Callable[..., BotProcess]


def run_cli(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a data command to completion (no token in `env` unless the caller put one)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def free_port() -> int:
    """Return a loopback TCP port that was free a moment ago (for a webhook server)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook_env(tmp_path: Path, api: FakeBotApi, secret: str, **settings: str) -> dict[str, str]:
    """Return `bot_env` in webhook mode on a free loopback port; the URL is never called."""
    return bot_env(
        tmp_path,
        api,
        WEBHOOK_URL="https://bot.example.org/telegram/hook",
        WEBHOOK_SECRET=secret,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(free_port()),
        **settings,
    )


def post_update(env: dict[str, str], update: dict[str, Any], secret: str | None) -> httpx.Response:
    """POST an update to the bot's webhook server as Telegram would, retrying until it listens."""
    url = f"http://127.0.0.1:{env['WEBHOOK_PORT']}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            return httpx.post(url, json=update, headers=headers, timeout=REPLY_TIMEOUT)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def wait_polling(api: FakeBotApi, process: BotProcess, polls: int = 1) -> None:
    """Wait until the bot has called getUpdates `polls` times; fail early if it died."""

    def polling() -> bool:
        if process.popen.poll() is not None:
            return True
        return len(api.calls_of("getUpdates")) >= polls

    api.wait_for(polling, START_TIMEOUT)
    if process.popen.poll() is not None:
        pytest.fail(f"the bot exited with {process.popen.returncode}; stderr:\n{process.stderr}")


def next_reply(api: RecordingBotApi, chat_id: int, after: int) -> dict[str, Any]:
    """Wait for the first message the bot sends to `chat_id` beyond the `after` ones seen."""

    def arrived() -> list[dict[str, Any]]:
        return [m for m in api.bot_messages if m["chat"]["id"] == chat_id][after:]

    return api.wait_for(arrived, REPLY_TIMEOUT)[0]


def say(api: RecordingBotApi, chat_id: int, text: str) -> dict[str, Any]:
    """The user sends `text` in a private chat; return the bot's reply."""
    seen = sum(m["chat"]["id"] == chat_id for m in api.bot_messages)
    api.push_message(chat_id, text)
    return next_reply(api, chat_id, seen)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def one_line(text: str) -> str:
    """Assert the text is exactly one non-empty line and return it."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{text}"
    return lines[0]
