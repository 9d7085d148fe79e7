"""Updates as the running bot takes them: other members go on while one's write is on its way
to the disk, one member's updates in order, and nothing shown before it is saved."""

import asyncio
import itertools
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from handlers.ordering import MemberOrder
from store import files
from store.db import Database, open_database
from tests.fakes import BotHarness, FakeRequest, make_settings, user_message
from tests.handlers.test_delivery import wait_until

ANNA, BORIS = 7_001, 7_002


class HeldDisk:
    """The writer thread waits here before each file until the test lets it go."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.go = threading.Event()
        self.waiting = 0
        real = files.write_durably

        def write_durably(target: Path, data: Any) -> int:
            self.waiting += 1
            self.go.wait()
            return real(target, data)

        monkeypatch.setattr(files, "write_durably", write_durably)


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[BotHarness, Database]]:
    """The application started as polling starts it: updates through its queue."""
    database = open_database(tmp_path / "bot.json")
    async with BotHarness(database, FakeRequest(), make_settings()) as bot:
        database.write_in_background()
        await bot.app.start()
        try:
            yield bot, database
        finally:
            await bot.app.stop()
    database.close()


@pytest.fixture
def disk(
    running: tuple[BotHarness, Database], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[HeldDisk] | Any:
    held = HeldDisk(monkeypatch)
    yield held
    held.go.set()  # whatever the test did, the bot can stop


_ids = itertools.count(1)


async def put(bot: BotHarness, user_id: int, text: str) -> None:
    message = user_message(next(_ids), text, user_id, user_id)
    data = {"update_id": next(_ids), "message": message}
    await bot.app.update_queue.put(Update.de_json(data, bot.app.bot))


def followed(database: Database, chat_id: int) -> list[str]:
    docs = database.table("subscriptions").all()
    return [doc["value"].lower() for doc in docs if doc.get("chat_id") == chat_id]


def replies(bot: BotHarness, chat_id: int) -> list[str]:
    return [call.text.lower() for call in bot.request.sent(chat_id)]


async def test_another_member_is_handled_while_a_write_waits_for_the_disk(
    running: tuple[BotHarness, Database], disk: HeldDisk
) -> None:
    bot, database = running
    await put(bot, ANNA, "/subscribe roma")
    await wait_until(lambda: disk.waiting)  # Anna's write is on its way, held
    await put(bot, BORIS, "/subscribe refugees")
    await wait_until(lambda: followed(database, BORIS))  # Boris was handled meanwhile
    assert followed(database, ANNA) == ["roma"]
    assert replies(bot, ANNA) == replies(bot, BORIS) == []  # nothing shown before it is saved
    disk.go.set()
    await wait_until(lambda: replies(bot, ANNA) and replies(bot, BORIS))
    assert "roma" in replies(bot, ANNA)[0] and "refugees" in replies(bot, BORIS)[0]
    await database.saved()
    on_disk = files.FileStorage(None, shards=database.storage("members").paths).read() or {}
    chats = sorted(doc["chat_id"] for doc in on_disk.get("subscriptions", {}).values())
    assert chats == [ANNA, BORIS]


async def test_one_members_messages_are_handled_in_order_even_while_writes_wait(
    running: tuple[BotHarness, Database], disk: HeldDisk
) -> None:
    bot, database = running
    await put(bot, ANNA, "/subscribe roma")
    await put(bot, ANNA, "/subscribe refugees")
    await wait_until(lambda: disk.waiting)
    for _ in range(20):  # let the loop run: Anna's second message must wait for her first
        await asyncio.sleep(0)
    assert followed(database, ANNA) == ["roma"]
    disk.go.set()
    await wait_until(lambda: len(replies(bot, ANNA)) == 2)
    first, second = replies(bot, ANNA)
    assert "roma" in first and "refugees" in second
    assert followed(database, ANNA) == ["roma", "refugees"]


async def test_a_task_started_by_an_update_never_gives_its_turn_away() -> None:
    order = MemberOrder()
    events: list[str] = []
    released = asyncio.Event()

    async def wait_in_child() -> None:
        events.append("child waits")
        await released.wait()

    async def first() -> None:
        child = asyncio.create_task(order.step_aside(wait_in_child))
        for _ in range(5):
            await asyncio.sleep(0)
        released.set()
        await child
        events.append("first done")

    async def second() -> None:
        events.append("second")

    one = asyncio.create_task(order.do_process_update(None, first()))
    await asyncio.sleep(0)
    two = asyncio.create_task(order.do_process_update(None, second()))
    await asyncio.gather(one, two)
    assert events == ["child waits", "first done", "second"]


async def test_another_member_is_answered_while_a_call_to_telegram_is_in_flight(
    running: tuple[BotHarness, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Telegram takes tens to hundreds of milliseconds to answer a call: while Anna's answer is
    # on its way, Boris's update runs and is answered (his own call is not held).
    bot, _ = running
    held, arrived = asyncio.Event(), asyncio.Event()
    real = bot.request.do_request

    async def do_request(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        chat = request_data.parameters.get("chat_id") if request_data else None
        if url.endswith("/sendMessage") and str(chat) == str(ANNA):
            arrived.set()
            await held.wait()
        return await real(url, method, request_data, **kw)

    monkeypatch.setattr(bot.request, "do_request", do_request)
    await put(bot, ANNA, "/start")
    await asyncio.wait_for(arrived.wait(), 60)  # a guard against a hang only
    await put(bot, BORIS, "/start")
    await wait_until(lambda: replies(bot, BORIS))  # Boris answered while Anna's call is held
    assert replies(bot, ANNA) == []
    held.set()
    await wait_until(lambda: replies(bot, ANNA))
