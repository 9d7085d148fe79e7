"""Country codes resolve; one- and two-letter answers that are no code are refused, not guessed.

Driven through a real Application: the dialogue's country step and /subscribe.
"""

from collections.abc import AsyncIterator

import pytest

from tests.fakes import USER_ID, BotHarness, Call
from tests.handlers.dialogue import ANSWERS, answer, running_bot, screen, store


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


async def at_country_step(bot: BotHarness) -> Call:
    await bot.send("/submit")
    for key in ("title", "subtitle", "cities"):
        await answer(bot, key, ANSWERS[key])
    return screen(bot)


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("IT", "Italy"),
        ("ita", "Italy"),
        ("UK", "United Kingdom"),
        ("GB", "United Kingdom"),
        ("USA", "United States"),
        ("U.S.", "United States"),
        ("de", "Germany"),
        ("PT", "Portugal"),
        ("NO", "Norway"),
    ],
)
async def test_country_codes_and_abbreviations_are_their_country(
    bot: BotHarness, typed: str, country: str
) -> None:
    await at_country_step(bot)
    await bot.send(typed)
    assert store(bot).draft(USER_ID).answers["country"] == country
    assert "Step 5 of 12" in screen(bot).text


@pytest.mark.parametrize("typed", ["XQ", "I", "zz", "Q1"])
async def test_short_answers_that_are_no_code_are_refused_with_the_reason(
    bot: BotHarness, typed: str
) -> None:
    asked = await at_country_step(bot)
    await bot.send(typed)
    shown = screen(bot)
    assert "too short" in shown.text and "Did you mean" not in shown.text
    # Only the step's own offer (the country of the city given) is there, nothing guessed.
    assert [b["text"] for b in shown.buttons] == [b["text"] for b in asked.buttons]
    assert "country" not in store(bot).draft(USER_ID).answers


async def test_a_misspelt_full_name_still_gets_suggestions(bot: BotHarness) -> None:
    await at_country_step(bot)
    await bot.send("Portugl")
    assert "Did you mean Portugal" in screen(bot).text


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("country:IT", "the country <b>Italy</b>"),
        ("country:usa", "the country <b>United States</b>"),
        ("country:XQ", "too short"),
        ("city:xy", "too short"),
        ("topic:ro", "too short"),
        ("country:in", "the country <b>India</b>"),
    ],
)
async def test_subscribe_reads_codes_and_refuses_short_names(
    harness: BotHarness, typed: str, expected: str
) -> None:
    reply = (await harness.send(f"/subscribe {typed}"))[-1]
    assert expected in reply.text
    if typed.startswith(("country:", "city:")) and "too short" in expected:
        guessed = [b for b in reply.buttons if b["callback_data"].startswith(("fl|c|", "fl|y|"))]
        assert guessed == []


async def test_country_code_filter_in_search(harness: BotHarness) -> None:
    by_code = (await harness.send("/search country:PT"))[-1].text
    by_name = (await harness.send("/search country:portugal"))[-1].text
    assert "I don't know the country" not in by_code
    assert by_code.split("</b>", 1)[0] == by_name.split("</b>", 1)[0]
    # A code is not read as a country in plain words: "it" stays a word.
    plain = (await harness.send("it"))[-1].text
    assert "Italy" not in plain.split("\n", 1)[0]
