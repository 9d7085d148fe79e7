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
from tests.handlers.dialogue import running_bot, screen, store, svc

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


async def test_a_city_or_keywords_for_a_group_are_typed_in_the_group_and_forget_is_private(
    bot: BotHarness,
) -> None:
    menu = await in_group(bot, "/subscribe")
    for label, typed in (("A city", "/subscribe city:Lyon"), ("Keywords", "/subscribe roma")):
        # The follow is the group's: the member is told what to type there, not sent to
        # the private chat (where the answer would follow for them alone).
        calls = await bot.click(menu, label)
        answer = answer_of(calls).params
        assert answer["show_alert"] is True and typed in answer["text"]
        assert "url" not in answer and posted_in_group(calls) == []
    await in_group(bot, "/subscribe city:Lyon")
    assert [s.value for s in svc(bot).subscriptions.for_chat(GROUP)] == ["Lyon"]
    # Links made before still open the private prompts.
    for payload, prompt in (("follow_city", CITY_PROMPT), ("follow_keyword", KEYWORD_PROMPT)):
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
    [pointer] = posted_in_group(calls)  # told where the dialogue is, and nothing cancelled
    assert "private chat" in pointer.text
    assert posted_in_group(await bot.send("/cancel", chat_id=GROUP)) == []  # another bot's?
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


async def test_commands_addressed_to_the_bot_in_a_group_are_always_answered(
    bot: BotHarness,
) -> None:
    from tests.fakes import ADMIN_ID

    unknown = await in_group(bot, f"/frobnicate@{BOT_USERNAME}")
    assert "I don't know /frobnicate" in unknown.text
    assert posted_in_group(await bot.send("/frobnicate", chat_id=GROUP)) == []  # not ours
    # A moderator's figures stay out of the group: they are pointed to the private chat.
    for command in ("stats", "alerts", "pending", "import"):
        pointer = await in_group(bot, f"/{command}@{BOT_USERNAME}", ADMIN_ID)
        assert "private chat" in pointer.text, command
        assert "Practices" not in pointer.text and "Pending" not in pointer.text
    empty = await in_group(bot, "/subscriptions")
    assert "This group follows nothing yet" in empty.text
