"""The bot in group chats: private flows link to the private chat, buttons stay their member's.

Driven through a real Application: group messages quote the member's message, as PTB's
replies do in groups, and the fake Bot API returns them with that message attached.
"""

from collections.abc import AsyncIterator

import pytest

from bot.follow_texts import CITY_PROMPT, FORGET_ASK, KEYWORD_PROMPT
from handlers.gate import NOT_YOURS
from handlers.submit import INTRO
from tests.fakes import BOT_USERNAME, USER_ID, BotHarness, Call
from tests.handlers.dialogue import running_bot, screen, store

GROUP = -4001
OTHER = 2002
LINK = f"https://t.me/{BOT_USERNAME}?start="


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


async def in_group(bot: BotHarness, text: str, user_id: int = USER_ID) -> Call:
    calls = await bot.send(text, user_id, chat_id=GROUP)
    return [c for c in calls if c.method == "sendMessage"][-1]


def answer_of(calls: list[Call]) -> Call:
    return next(c for c in calls if c.method == "answerCallbackQuery")


def posted_in_group(calls: list[Call]) -> list[Call]:
    kinds = ("sendMessage", "editMessageText", "editMessageReplyMarkup")
    return [c for c in calls if c.method in kinds and int(c.params["chat_id"]) == GROUP]


async def test_submit_button_in_a_group_links_to_the_private_dialogue(bot: BotHarness) -> None:
    welcome = await in_group(bot, f"/start@{BOT_USERNAME}")
    calls = await bot.click(welcome, "Submit a practice")
    assert answer_of(calls).params["url"] == f"{LINK}submit"
    assert f"{LINK}submit" in answer_of(calls).params["text"]
    assert posted_in_group(calls) == []
    assert store(bot).draft(USER_ID) is None

    started = await bot.send("/start submit")
    assert next(c.text for c in started if c.method == "sendMessage") == INTRO
    await bot.send("Cooking together in Lisboa")
    assert store(bot).draft(USER_ID).answers["title"] == "Cooking together in Lisboa"
    assert "Step 2 of 12" in screen(bot).text


async def test_another_members_press_is_answered_privately_and_changes_nothing(
    bot: BotHarness,
) -> None:
    welcome = await in_group(bot, f"/start@{BOT_USERNAME}")
    menu = await in_group(bot, "/subscribe")
    for message, label in ((welcome, "Latest"), (welcome, "Submit"), (menu, "A topic")):
        calls = await bot.click(message, label, OTHER)
        answer = answer_of(calls)
        assert answer.params["text"] == NOT_YOURS and answer.params["show_alert"] is True
        assert posted_in_group(calls) == []
    assert store(bot).draft(OTHER) is None
    # The member it was shown to still uses it.
    calls = await bot.click(menu, "A topic")
    assert posted_in_group(calls)


async def test_typed_questions_and_forget_in_a_group_link_to_the_private_chat(
    bot: BotHarness,
) -> None:
    menu = await in_group(bot, "/subscribe")
    for label, payload, prompt in (
        ("A city", "follow_city", CITY_PROMPT),
        ("Keywords", "follow_keyword", KEYWORD_PROMPT),
    ):
        calls = await bot.click(menu, label)
        assert answer_of(calls).params["url"] == f"{LINK}{payload}"
        assert posted_in_group(calls) == []
        asked = [c for c in await bot.send(f"/start {payload}") if c.method == "sendMessage"]
        assert asked[-1].text == prompt
        assert asked[-1].params["reply_markup"]["force_reply"] is True
    forget = await in_group(bot, f"/forget@{BOT_USERNAME}")
    assert f"{LINK}forget" in forget.text
    asked = [c for c in await bot.send("/start forget") if c.method == "sendMessage"]
    assert asked[-1].text == FORGET_ASK


async def test_submit_typed_in_a_group_links_to_the_private_dialogue(bot: BotHarness) -> None:
    reply = await in_group(bot, f"/submit@{BOT_USERNAME}")
    assert f"{LINK}submit" in reply.text
    assert store(bot).draft(USER_ID) is None


async def test_cancel_in_a_group_never_touches_the_private_draft(bot: BotHarness) -> None:
    await bot.send("/submit")
    await bot.send("Cooking together in Lisboa")
    calls = await bot.send(f"/cancel@{BOT_USERNAME}", chat_id=GROUP)
    assert posted_in_group(calls) == []
    draft = store(bot).draft(USER_ID)
    assert draft.active and draft.step == "subtitle"
    # A message in the group is not an answer either.
    await bot.send("A group member's chat", chat_id=GROUP)
    assert store(bot).draft(USER_ID).answers.get("subtitle") is None
    await bot.send("One line that sums it up")
    assert store(bot).draft(USER_ID).answers["subtitle"] == "One line that sums it up"


async def test_messages_opened_from_a_members_button_stay_that_members(bot: BotHarness) -> None:
    welcome = await in_group(bot, f"/start@{BOT_USERNAME}")
    latest = posted_in_group(await bot.click(welcome, "Latest"))[-1]
    assert latest.params["reply_parameters"]["message_id"] == bot.last_message["message_id"]
    refused = await bot.click(latest, "1", OTHER)
    assert answer_of(refused).params["text"] == NOT_YOURS
    assert posted_in_group(refused) == []
    card = posted_in_group(await bot.click(latest, "1"))[-1]
    follow = posted_in_group(await bot.click(card, "Follow"))[-1]
    assert answer_of(await bot.click(follow, "🏷", OTHER)).params["text"] == NOT_YOURS
