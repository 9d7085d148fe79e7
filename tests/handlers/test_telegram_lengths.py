"""Lengths as Telegram counts them (UTF-16 units): every composed message must be sendable.

The fake Bot API refuses, as Telegram does, a text over 4096 UTF-16 units once its HTML is
parsed, and callback data over 64 bytes.
"""

from collections.abc import AsyncIterator

import pytest

from bot.cards import MAX_CALLBACK_BYTES, MAX_MESSAGE
from bot.models import Practice
from bot.text import cut_to_telegram_length, telegram_length
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call, shown_text
from tests.handlers.dialogue import fill_in, published, running_bot, screens, store, svc

WIDE_TITLE = "𝐁" * 140  # 140 characters, 280 UTF-16 units
# 696 characters, 1160 UTF-16 units: wide, with the few words a long text needs.
GLOBES = ("🌍" * 8 + " ab ") * 58
WIDE = {
    "title": WIDE_TITLE,
    "subtitle": "𝐒" * 190,
    "purpose": GLOBES,
    "rationale": GLOBES,
    "process": GLOBES,
    "impact": GLOBES,
}


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


def assert_sendable(calls: list[Call]) -> None:
    for call in calls:
        if call.method in ("sendMessage", "editMessageText"):
            shown = shown_text(call.text, call.params.get("parse_mode"))
            assert telegram_length(shown) <= MAX_MESSAGE
            assert telegram_length(call.text) <= MAX_MESSAGE
        for button in call.buttons:
            assert len(button.get("callback_data", "").encode()) <= MAX_CALLBACK_BYTES


async def test_draft_full_of_emoji_and_math_letters_reaches_send_and_the_moderators(
    bot: BotHarness,
) -> None:
    preview = await fill_in(bot, **WIDE)
    assert "𝐁𝐁𝐁" in preview.text
    sent = await bot.click(preview, "Send")
    thanks = next(c for c in screens(sent) if "Thank you" in c.text)
    assert "#1" in thanks.text
    assert store(bot).draft(USER_ID) is None
    copy = screens(sent, ADMIN_ID)[-1]
    assert "Submission #1" in copy.text
    approved = await bot.click(copy, "Approve", ADMIN_ID)
    assert_sendable(bot.request.calls)
    assert published(bot, WIDE_TITLE) is not None
    assert any("Approved" in c.text for c in screens(approved, ADMIN_ID))


async def test_full_text_and_mysubmissions_of_a_wide_draft_fit(bot: BotHarness) -> None:
    preview = await fill_in(bot, **WIDE)
    await bot.click(preview, "Full text")
    await bot.send("/mysubmissions")
    await bot.click(preview, "Send")
    await bot.send("/mysubmissions")
    assert_sendable(bot.request.calls)


async def test_card_and_results_of_a_practice_full_of_emoji_fit(harness: BotHarness) -> None:
    practice = Practice(
        id="globes",
        title="🌍" * 200,
        subtitle="🌍" * 300,
        cities=["🌍" * 60],
        country="Portugal",
        period="🌍" * 100,
        topics=["Refugees"],
        purpose="🌍 " * 700,
    )
    svc(harness).publisher.publish([practice])
    calls = await harness.send("/start p_globes")
    calls += await harness.send("/latest")
    assert any("🌍🌍" in c.text for c in calls)
    assert_sendable(calls)


def test_cut_to_telegram_length_never_splits_a_character() -> None:
    cut = cut_to_telegram_length("a𝐁𝐁", 4)
    assert cut == "a𝐁"
    assert telegram_length(cut_to_telegram_length("🌍" * 3000, MAX_MESSAGE)) == MAX_MESSAGE
