"""Buttons say what is true after the fact, and long names keep their buttons.

Driven through a real Application: a second press of Send, and places whose names are longer
than Telegram's 64 bytes of callback data.
"""

from collections.abc import AsyncIterator

import pytest

from bot.models import Practice
from tests.fakes import USER_ID, BotHarness, Call
from tests.handlers.dialogue import fill_in, running_bot, screen, store, svc

LONG_CITY = "Sankt Marien im Langen Tal am Ufer des Großen Flusses, Neustadt-Süd"
LONG_COUNTRY = "Vereinigte Republik der Langen Namen und der Vielen Täler am Fluss"


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


def alert(calls: list[Call]) -> str:
    return next(c for c in calls if c.method == "answerCallbackQuery").params.get("text", "")


async def test_a_second_press_of_send_says_it_is_sent_already(bot: BotHarness) -> None:
    preview = await fill_in(bot)
    await bot.click(preview, "Send")
    again = alert(await bot.click(preview, "Send"))
    assert "#1 is already sent" in again and "/mysubmissions" in again
    assert "continue your draft" not in again
    assert store(bot).draft(USER_ID) is None


async def test_a_button_of_a_paused_draft_says_it_is_paused(bot: BotHarness) -> None:
    await bot.send("/submit")
    prompt = screen(bot)
    await bot.send("/cancel")
    assert "continue your draft" in alert(await bot.click(prompt, "Back"))


async def test_a_button_with_no_draft_and_nothing_sent_says_so(bot: BotHarness) -> None:
    await bot.send("/submit")
    prompt = screen(bot)
    store(bot).delete_draft(USER_ID)
    text = alert(await bot.click(prompt, "Back"))
    assert "no draft" in text and "already sent" not in text


async def test_a_city_longer_than_callback_data_keeps_its_follow_button(bot: BotHarness) -> None:
    assert len(f"fl|y|{LONG_CITY}".encode()) > 64
    practice = Practice(
        id="long-place",
        title="Welcome by the river",
        cities=[LONG_CITY],
        country="Germany",
        topics=["Refugees"],
        purpose="A welcome desk.",
    )
    svc(bot).publisher.publish([practice])
    card = [c for c in await bot.send("/start p_long-place") if c.method == "sendMessage"][-1]
    menu = [c for c in await bot.click(card, "Follow") if c.method == "sendMessage"][-1]
    done = await bot.click(menu, LONG_CITY[:20])
    assert any(LONG_CITY in c.text and "Following" in c.text for c in done)
    subs = svc(bot).subscriptions.for_chat(USER_ID)
    assert [(s.kind, s.value) for s in subs] == [("city", LONG_CITY)]


async def test_a_country_longer_than_callback_data_is_browsable(bot: BotHarness) -> None:
    practice = Practice(
        id="long-country",
        title="Valley schools",
        cities=["Talheim"],
        country=LONG_COUNTRY,
        topics=["Education"],
        purpose="Schools in the valley.",
    )
    svc(bot).publisher.publish([practice])
    countries = [c for c in await bot.send("/countries") if c.method == "sendMessage"][-1]
    shown = [
        c
        for c in await bot.click(countries, LONG_COUNTRY[:20])
        if c.method != "answerCallbackQuery"
    ]
    assert any("Talheim" in str(c.params.get("reply_markup")) for c in shown)
