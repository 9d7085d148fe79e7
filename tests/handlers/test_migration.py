"""A group upgraded to a supergroup: Telegram's notices move everything to the new chat id."""

from collections.abc import AsyncIterator

import pytest

from tests.fakes import BotHarness, FakeRequest, make_settings, memory_database
from tests.handlers.test_delivery import (
    alerted_chats,
    drain,
    follow_of,
    new_practice,
    publish,
    quick,
)

GROUP, SUPERGROUP = -4001, -1004001


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as harness:
        yield quick(harness)


def followed(bot: BotHarness, chat_id: int) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in follow_of(bot).subscriptions.for_chat(chat_id)]


async def test_upgrade_moves_subscriptions_and_nothing_arrives_twice(bot: BotHarness) -> None:
    await bot.send("/subscribe topic:refugees", chat_id=GROUP)
    await bot.send("/subscribe country:spain", chat_id=GROUP)
    assert await bot.migrate(GROUP, SUPERGROUP) == []  # nothing to say in either chat
    assert followed(bot, GROUP) == []
    assert followed(bot, SUPERGROUP) == [("topic", "Refugees"), ("country", "Spain")]

    listed = (await bot.send("/subscriptions", chat_id=SUPERGROUP))[-1]
    assert "Refugees" in listed.text and "Spain" in listed.text
    again = (await bot.send("/subscribe topic:refugees", chat_id=SUPERGROUP))[-1]
    assert "already follow" in again.text

    publish(bot, new_practice("welcome-desk", topics=["Refugees"]))
    await drain(bot)
    assert alerted_chats(bot) == {SUPERGROUP: 1}


async def test_duplicates_made_before_the_notice_are_merged(bot: BotHarness) -> None:
    # The supergroup's members followed Refugees again before the bot read the notice.
    await bot.send("/subscribe topic:refugees", chat_id=GROUP)
    await bot.send("/subscribe topic:refugees", chat_id=SUPERGROUP)
    publish(bot, new_practice("welcome-desk", topics=["Refugees"]))  # queued for both ids
    await bot.migrate(GROUP, SUPERGROUP)
    assert followed(bot, SUPERGROUP) == [("topic", "Refugees")]
    await drain(bot)
    assert alerted_chats(bot) == {SUPERGROUP: 1}


async def test_pending_alerts_follow_the_group_to_its_new_id(bot: BotHarness) -> None:
    await bot.send("/subscribe topic:roma", chat_id=GROUP)
    publish(bot, new_practice("roma-school"))
    # Only the supergroup's notice arrives (the bot was not in the old group any more).
    notice = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": SUPERGROUP, "type": "supergroup", "title": "G"},
        "migrate_from_chat_id": GROUP,
    }
    await bot.feed({"message": notice})
    await drain(bot)
    assert alerted_chats(bot) == {SUPERGROUP: 1}
    assert followed(bot, SUPERGROUP) == [("topic", "Roma")]
