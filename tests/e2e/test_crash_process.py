"""Crashes of the running bot: what a member saw is what the bot finds after a restart.

The fake Bot API holds the bot's request for a screen and the test kills the process
(SIGKILL) while it waits: whatever the bot would have written after Telegram's answer never
happens, as in a crash at the worst moment.
"""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Any

from tests.e2e.process import (
    Launcher,
    RecordingBotApi,
    bot_env,
    next_reply,
    say,
    wait_polling,
)

CHAT = 4242


class HoldingBotApi(RecordingBotApi):
    """Holds (never answers) the first sendMessage whose text contains `hold_text`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.hold_text: str | None = None
        self.holding = threading.Event()
        self.release = threading.Event()

    def dispatch(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        text = str(params.get("text", ""))
        if method.lower() == "sendmessage" and self.hold_text and self.hold_text in text:
            self.hold_text = None
            self.holding.set()
            self.release.wait(30)
        return super().dispatch(token, method, params)


def test_a_kill_right_after_a_step_is_shown_continues_at_that_step(
    launch: Launcher, tmp_path: Path
) -> None:
    with HoldingBotApi() as api:
        env = bot_env(tmp_path, api)
        bot = launch(env=env, name="first")
        wait_polling(api, bot)
        say(api, CHAT, "/submit")  # the introduction, then the first step
        assert "Step 1 of 12" in next_reply(api, CHAT, 1)["text"]
        api.hold_text = "Step 2 of 12"
        api.push_message(CHAT, "Cooking together in Lisboa")
        assert api.holding.wait(10), bot.stderr
        bot.popen.send_signal(signal.SIGKILL)
        bot.popen.wait(10)
        api.release.set()

        again = launch(env=env, name="second")
        wait_polling(api, again, polls=len(api.calls_of("getUpdates")) + 1)
        seen = sum(m["chat"]["id"] == CHAT for m in api.bot_messages)
        api.push_message(CHAT, "Food as a meeting place")
        reply = next_reply(api, CHAT, seen)
        assert "Step 3 of 12" in reply["text"], reply["text"]
        assert again.stop(signal.SIGINT) == 0
    draft = dialogues(tmp_path)["drafts"][str(CHAT)]
    assert draft["answers"]["title"] == "Cooking together in Lisboa"
    assert draft["answers"]["subtitle"] == "Food as a meeting place"
    assert draft["step"] == "cities"


def dialogues(tmp_path: Path) -> dict[str, Any]:
    """Return the dialogues' tables as their shard files hold them."""
    tables: dict[str, Any] = {}
    for path in sorted((tmp_path / "data").glob("bot.dialogues.*.json")):
        for name, table in json.loads(path.read_text(encoding="utf-8")).items():
            tables.setdefault(name, {}).update(table)
    return tables
