"""A disk that fills up during an alert drain: delivery stops, and nothing is sent twice.

The full disk is simulated at the file layer: once it is full, nothing that needs new room on
the disk succeeds (writing a file, reserving room), while writing into room already reserved
does, as on a real file system.
"""

import errno
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.dispatch import Pacer
from handlers.chat_state import delivery_report
from store import journal
from store.db import open_database
from tests.fakes import ADMIN_ID, BotHarness, FakeRequest, make_settings
from tests.handlers.test_delivery import (
    alerted_chats,
    alerts,
    drain,
    follow_of,
    new_practice,
    publish,
    quick,
    subscribe,
)

FULL_AFTER = 6  # alerts accepted by Telegram before the disk is full


class FullDisk:
    """Patches `os` so that, once `full`, any write that needs new room fails with ENOSPC."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full = False
        real_write, real_pwrite, real_fallocate = os.write, os.pwrite, os.posix_fallocate
        real_writev = os.writev

        def no_space() -> OSError:
            return OSError(errno.ENOSPC, "No space left on device")

        def write(fd: int, data: Any) -> int:
            if self.full:
                raise no_space()
            return real_write(fd, data)

        def writev(fd: int, pieces: list[bytes]) -> int:
            if self.full:
                raise no_space()
            return real_writev(fd, pieces)

        def pwrite(fd: int, data: Any, offset: int) -> int:
            if self.full and offset + len(data) > os.fstat(fd).st_size:
                raise no_space()
            return real_pwrite(fd, data, offset)

        def fallocate(fd: int, offset: int, length: int) -> None:
            if self.full and offset + length > os.fstat(fd).st_size:
                raise no_space()
            real_fallocate(fd, offset, length)

        monkeypatch.setattr(os, "write", write)
        monkeypatch.setattr(os, "writev", writev)
        monkeypatch.setattr(os, "pwrite", pwrite)
        monkeypatch.setattr(os, "posix_fallocate", fallocate)


async def test_a_full_disk_stops_delivery_and_a_restart_repeats_no_alert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, chats = tmp_path / "bot.json", range(301, 341)
    settings = make_settings(db_path=path)
    async with BotHarness(open_database(path), FakeRequest(), settings) as first:
        quick(first)
        for chat in chats:
            await subscribe(first, chat, "topic:roma")
        publish(first, new_practice("disk-roma"))
        state = follow_of(first)
        state.deliverer.pacer = Pacer(200)
        # Little room reserved at a time (alerts without a failure reason take about 25
        # bytes), so that the full disk is met within a few sends.
        monkeypatch.setattr(journal, "MARK_ROOM", 64)
        monkeypatch.setattr(journal, "CHUNK", 128)
        disk = FullDisk(monkeypatch)
        real_do_request = first.request.do_request

        async def filling(*args: Any, **kwargs: Any) -> Any:
            answer = await real_do_request(*args, **kwargs)
            if len(alerts(first)) >= FULL_AFTER:
                disk.full = True
            return answer

        first.request.do_request = filling  # type: ignore[method-assign]
        outbox, deliverer = state.outbox, state.deliverer
        await drain(first, should_stop=lambda: bool(outbox.blocked) and not deliverer.in_flight)
        before = alerted_chats(first)
        assert sum(before.values()) < len(chats)
        report = delivery_report(state)
        assert "Delivery is stopped" in report and "No space left" in report
        first.app.bot_data["services"].database.close()
    monkeypatch.undo()  # space was freed, the bot restarted

    async with BotHarness(open_database(path), FakeRequest(), settings) as second:
        quick(second)
        await drain(second)
        after = alerted_chats(second)
        assert "Delivery is stopped" not in delivery_report(follow_of(second))
    second.app.bot_data["services"].database.close()
    assert not set(before) & set(after)
    assert before + after == Counter({chat: 1 for chat in chats})


async def test_a_change_whose_write_failed_is_never_shown_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while a member subscribes and chooses a language: the answer fails, and
    neither change is shown later, before or after a restart (memory follows the disk)."""
    path = tmp_path / "bot.json"
    disk = FullDisk(monkeypatch)

    def listed(calls: list[Any]) -> str:
        return [c for c in calls if c.method == "sendMessage"][-1].text

    database = open_database(path)
    async with BotHarness(database, FakeRequest(), make_settings(db_path=path)) as bot:
        database.write_in_background()  # as `_post_init` does when the bot starts
        await bot.send("/subscribe topic:roma")
        disk.full = True
        refused = await bot.send("/subscribe topic:education")
        assert not [c for c in refused if "Education" in (c.params.get("text") or "")]
        offer = [c for c in await bot.send("/language") if c.method == "sendMessage"][-1]
        await bot.press(offer.button("Deutsch")["callback_data"])
        # A moderator still gets /alerts, and it says the database can't be written.
        services = bot.app.bot_data["services"]
        services.outbox.mark(1, "sent")  # a mark to fold, as after a send
        report = listed(await bot.send("/alerts", user_id=ADMIN_ID))
        assert "No space left" in report and "Free disk space" in report, report
        disk.full = False
        shown = listed(await bot.send("/subscriptions"))
        assert "Roma" in shown and "Education" not in shown, shown
        assert "What you follow" in shown  # still English: the choice of German is undone
        services = bot.app.bot_data["services"]
        assert [s.value for s in services.subscriptions.active()] == ["Roma"]
        assert services.catalog.search("roma").practices  # the catalogue is intact
    database.close()
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        shown = listed(await bot.send("/subscriptions"))
        assert "Roma" in shown and "Education" not in shown
    bot.app.bot_data["services"].database.close()
