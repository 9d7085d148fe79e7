"""The loopback fake Bot API in a child process, for benchmarks.

The fake (`tests/e2e/fake_bot_api.py`) serves from threads; in the bot's own process those
threads compete with the bot for the interpreter lock, so the bot would be measured together
with its fake Telegram. Here the fake runs in its own process, like the real Bot API, and the
benchmark talks to it over a pipe: inject faults, count what arrived, read the rate.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from tests.e2e.fake_bot_api import FakeBotApi

ALERT_MARK = "You follow"


def _alerts(api: FakeBotApi) -> list[int]:
    return [int(p["chat_id"]) for p in api.sent() if ALERT_MARK in p.get("text", "")]


def _report(api: FakeBotApi, chat_ids: list[int]) -> dict[str, Any]:
    return {
        "achieved": api.achieved_rate(chat_ids=chat_ids),
        "peak": api.peak_count(1.0, chat_ids=chat_ids),
        "arrived": Counter(_alerts(api)),
    }


_COMMANDS: dict[str, Any] = {
    "base_url": lambda api: api.base_url,
    "fail_chat": lambda api, chat: api.fail_chat(chat),
    "fail_next": lambda api, chat, kwargs: api.fail_next(chat, **kwargs),
    "clear": lambda api: api.clear_calls(),
    "alerts": lambda api: len(_alerts(api)),
    "report": _report,
}


def _serve(conn: Connection, latency: float) -> None:
    """Run the fake until told to stop, answering the benchmark's commands."""
    with FakeBotApi(latency=latency) as api:
        while True:
            name, args = conn.recv()
            if name == "stop":
                conn.send(None)
                return
            conn.send(_COMMANDS[name](api, *args))


class RemoteFakeApi:
    """A `FakeBotApi` in a child process."""

    def __init__(self, latency: float) -> None:
        self._conn, child = multiprocessing.Pipe()
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(target=_serve, args=(child, latency), daemon=True)
        self.base_url = ""

    def __enter__(self) -> RemoteFakeApi:
        self._process.start()
        self.base_url = self._call("base_url")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._call("stop")
        self._process.join(timeout=10)

    def _call(self, name: str, *args: Any) -> Any:
        self._conn.send((name, args))
        return self._conn.recv()

    def fail_chat(self, chat_id: int) -> None:
        """Every send to this chat answers 403 (the user blocked the bot)."""
        self._call("fail_chat", chat_id)

    def fail_next(self, chat_id: int | None, **kwargs: Any) -> None:
        """The next send(s) to this chat fail (see `FakeBotApi.fail_next`)."""
        self._call("fail_next", chat_id, kwargs)

    def clear(self) -> None:
        """Forget what was sent so far."""
        self._call("clear")

    def alerts(self) -> int:
        """Return how many alerts have arrived."""
        return self._call("alerts")

    def report(self, chat_ids: list[int]) -> dict[str, Any]:
        """Return the achieved rate, the busiest second and alerts per chat."""
        return self._call("report", chat_ids)
