"""Nothing is shown before it is saved: every screen of the dialogue is on disk when it is sent.

The fake Bot API reads the database files from the disk at the moment each message goes out,
as a crash at that instant would leave them.
"""

import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import store.files
from bot.template import FIELD_KEYS
from store.db import DIALOGUES, member_of, open_database, shard_paths
from store.keys import conversation_id
from tests.fakes import USER_ID, BotHarness, FakeRequest, make_settings
from tests.handlers.dialogue import ANSWERS, answer, screen

STEP = re.compile(r"Step (\d+) of 12")


class DiskCheckingRequest(FakeRequest):
    """Records, for every screen sent, the draft and conversation state found on disk."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.seen: list[tuple[str, str | None, str | None]] = []

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any):
        name = url.rsplit("/", 1)[-1]
        text = str(request_data.parameters.get("text", "")) if request_data else ""
        found = STEP.search(text)
        if name in ("sendMessage", "editMessageText") and found:
            # The member's shard: their draft and conversation state are in the same file.
            shard = shard_paths(self.path, DIALOGUES)[member_of(USER_ID)]
            data = json.loads(shard.read_text(encoding="utf-8"))
            draft = data.get("drafts", {}).get(str(USER_ID), {})
            key = str(conversation_id("submit", (USER_ID, USER_ID)))
            state = data.get("conversations", {}).get(key, {}).get("state")
            shown = FIELD_KEYS[int(found.group(1)) - 1]
            self.seen.append((shown, draft.get("step"), state))
        return await super().do_request(url, method, request_data, **kw)


async def test_every_step_is_on_disk_before_its_prompt_is_sent(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    request = DiskCheckingRequest(path)
    async with BotHarness(database, request, make_settings()) as bot:
        await bot.app.job_queue.start()  # the dialogue's timeout is armed, as in production
        await bot.send("/submit")
        for key in FIELD_KEYS[:6]:
            await answer(bot, key, ANSWERS[key])
        assert "Step 7 of 12" in screen(bot).text
        await bot.app.job_queue.stop()
    database.close()
    shown = [s for s, _, _ in request.seen]
    assert shown[0] == "title" and shown[-1] == "purpose"
    for shown_step, saved_step, state in request.seen:
        assert (saved_step, state) == (shown_step, "asking")


async def test_files_written_off_the_loop_are_on_disk_before_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the running bot writes: in the writer thread, each screen awaiting its write.

    The writer thread is slowed down, so a screen sent without awaiting the write would find
    the previous step on disk.
    """
    path = tmp_path / "bot.json"
    database = open_database(path)
    request = DiskCheckingRequest(path)
    writers: list[threading.Thread] = []
    write_durably = store.files.write_durably

    def slow_write(target: Path, data: Any) -> int:
        writers.append(threading.current_thread())
        time.sleep(0.02)  # widens the window a missing wait would fall into; asserts nothing
        return write_durably(target, data)

    monkeypatch.setattr(store.files, "write_durably", slow_write)
    async with BotHarness(database, request, make_settings()) as bot:
        database.write_in_background()  # as `_post_init` does when the bot starts
        writers.clear()  # start-up's writes were made before, on the loop
        await bot.app.job_queue.start()
        await bot.send("/submit")
        for key in FIELD_KEYS[:4]:
            await answer(bot, key, ANSWERS[key])
        assert "Step 5 of 12" in screen(bot).text
        await bot.app.job_queue.stop()
        during = list(writers)
    database.close()
    shown = [s for s, _, _ in request.seen]
    assert shown == list(FIELD_KEYS[:5])
    for shown_step, saved_step, state in request.seen:
        assert (saved_step, state) == (shown_step, "asking")
    assert during and threading.main_thread() not in during
