"""Messages edited in Telegram (`edited_message` updates), through a real Application."""

from collections.abc import AsyncIterator

import pytest

from handlers.edits import HOW_TO_CHANGE
from tests.fakes import USER_ID, BotHarness
from tests.handlers.dialogue import ANSWERS, answer, fill_in, running_bot, screen, store


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


def no_search(calls: list) -> None:
    assert not any("No practices match" in c.text or "🔎" in c.text for c in calls)


async def test_editing_the_last_answer_updates_it_and_says_so(bot: BotHarness) -> None:
    await bot.send("/submit")
    await bot.send("Cooking togther in Lisbn")
    title_message = bot.last_message
    assert "Step 2 of 12" in screen(bot).text
    calls = await bot.edit(title_message, "Cooking together in Lisbon")
    no_search(calls)
    assert store(bot).draft(USER_ID).answers["title"] == "Cooking together in Lisbon"
    assert any("Updated Title" in c.text and "Cooking together in Lisbon" in c.text for c in calls)
    assert "Step 2 of 12" in screen(bot).text  # still where the member was
    assert store(bot).draft(USER_ID).step == "subtitle"


async def test_editing_a_refused_answer_answers_the_step_again(bot: BotHarness) -> None:
    await bot.send("/submit")
    for key in ("title", "subtitle", "cities"):
        await answer(bot, key, ANSWERS[key])
    await bot.send("Portugl and Spian and more")
    refused = bot.last_message
    assert "I don't know the country" in screen(bot).text
    calls = await bot.edit(refused, "Portugal")
    no_search(calls)
    assert store(bot).draft(USER_ID).answers["country"] == "Portugal"
    assert "Step 5 of 12" in screen(bot).text


async def test_an_edit_that_breaks_the_rules_leaves_the_answer_unchanged(bot: BotHarness) -> None:
    await bot.send("/submit")
    await bot.send("Cooking together in Lisboa")
    calls = await bot.edit(bot.last_message, "x" * 400)
    assert store(bot).draft(USER_ID).answers["title"] == "Cooking together in Lisboa"
    assert any("unchanged" in c.text for c in calls)
    no_search(calls)


async def test_editing_an_older_answer_says_how_to_change_it(bot: BotHarness) -> None:
    await bot.send("/submit")
    await bot.send("Cooking together in Lisboa")
    first = bot.last_message
    await bot.click(screen(bot), "Skip")
    await bot.send("Lisboa")
    calls = await bot.edit(first, "Something else entirely")
    assert [c.text for c in calls if c.method == "sendMessage"] == [HOW_TO_CHANGE]
    assert store(bot).draft(USER_ID).answers["title"] == "Cooking together in Lisboa"


async def test_an_edit_on_the_preview_never_searches(bot: BotHarness) -> None:
    await fill_in(bot)
    calls = await bot.edit(bot.last_message, "refugees")
    no_search(calls)
    assert store(bot).draft(USER_ID).step == "preview"


async def test_edits_outside_a_dialogue_are_left_unanswered(harness: BotHarness) -> None:
    await harness.send("refugees")
    assert await harness.edit(harness.last_message, "roma education") == []
    await harness.send("/subscribe topic:roma")
    assert await harness.edit(harness.last_message, "/subscribe topic:refugees") == []
    await harness.send("hello", chat_id=-4001, chat_type="group")
    assert await harness.edit(harness.last_message, "/submit") == []
