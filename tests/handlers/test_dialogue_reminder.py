"""The reminder of where an open submission stands: after other commands, never after the
very screen it points to, nor after an answer that already says where the draft stands."""

from collections.abc import AsyncIterator

import pytest

from tests.fakes import BotHarness
from tests.handlers.dialogue import running_bot, screens

REMINDER = "Your submission is still open"


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


async def test_start_submit_link_shows_intro_and_step_one_without_a_reminder(
    bot: BotHarness,
) -> None:
    sent = screens(await bot.send("/start submit"))
    assert "Share a good practice" in sent[0].text
    assert "Step 1 of 12" in sent[-1].text
    assert not [call for call in sent if REMINDER in call.text]
    assert len(sent) == 2


async def test_start_submit_link_again_mid_dialogue_shows_its_screen_without_a_reminder(
    bot: BotHarness,
) -> None:
    await bot.send("/submit")
    await bot.send("Welcome desk")
    sent = screens(await bot.send("/start submit"))
    assert "Continue it, or start over" in sent[-1].text  # the draft's choice, last
    assert not [call for call in sent if REMINDER in call.text]


async def test_my_submissions_mid_dialogue_names_the_draft_once(bot: BotHarness) -> None:
    await bot.send("/submit")
    await bot.send("Welcome desk")
    sent = screens(await bot.send("/mysubmissions"))
    assert len(sent) == 1
    assert "Draft" in sent[0].text and "step 2 of 12" in sent[0].text


async def test_another_command_mid_dialogue_is_still_followed_by_the_reminder(
    bot: BotHarness,
) -> None:
    await bot.send("/submit")
    sent = screens(await bot.send("/help"))
    assert REMINDER in sent[-1].text and "step 1 of 12" in sent[-1].text
