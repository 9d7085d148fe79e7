"""Asking as people ask, through a real Application: greetings, junk, partial and
filter-only answers, and a city with no practice yet."""

import pytest

from bot.search_texts import NOT_FOUND_TIPS, THANKS, WELCOME
from tests.fakes import USER_ID, BotHarness, Call


def sent(calls: list[Call]) -> list[Call]:
    return [call for call in calls if call.method == "sendMessage"]


def only(calls: list[Call]) -> Call:
    messages = sent(calls)
    assert len(messages) == 1, calls
    return messages[0]


@pytest.mark.parametrize("text", ["hello", "Bonjour !", "hallo", "ciao", "hola", "olá", "hi"])
async def test_greetings_get_the_welcome(harness: BotHarness, text: str) -> None:
    reply = only(await harness.send(text))
    assert reply.text == WELCOME
    assert reply.button("Topics")
    assert "No practices match" not in reply.text


@pytest.mark.parametrize("text", ["thanks", "merci", "danke", "grazie", "gracias", "obrigado"])
async def test_thanks_get_a_short_welcome(harness: BotHarness, text: str) -> None:
    reply = only(await harness.send(text))
    assert reply.text == THANKS
    assert reply.button("How to search")


@pytest.mark.parametrize("text", ["help", "aide", "Hilfe", "aiuto", "ayuda", "ajuda"])
async def test_help_words_get_the_help(harness: BotHarness, text: str) -> None:
    reply = only(await harness.send(text))
    assert reply.text.startswith("<b>How to search</b>")


@pytest.mark.parametrize(
    "text", ["pizza recipe", "météo demain", "Wetter morgen", "ricetta della pizza", "qwxzv"]
)
async def test_junk_gets_the_helpful_no_results_answer(harness: BotHarness, text: str) -> None:
    reply = only(await harness.send(text))
    assert reply.text.startswith("No practices match")
    assert NOT_FOUND_TIPS in reply.text
    assert reply.button("Topics")


async def test_a_partial_match_says_so_in_one_line(harness: BotHarness) -> None:
    reply = only(await harness.send("Roma housing"))
    first_line = reply.text.split("\n")[0]
    assert "match only part of your query" in first_line
    assert "Zambujal" in reply.text
    assert "Rome" not in reply.text


async def test_a_full_match_has_no_note(harness: BotHarness) -> None:
    reply = only(await harness.send("réfugiés emploi"))
    assert "only part" not in reply.text
    assert "Siemens" in reply.text


async def test_a_filter_whose_practices_miss_the_words_offers_the_filter_alone(
    harness: BotHarness,
) -> None:
    reply = only(await harness.send("city:oslo education"))
    assert reply.text.startswith("Nothing in Oslo matches ‘education’")
    # The list is the filter's alone: its header doesn't claim it matches the words.
    assert "🔎 <b>Oslo, Norway</b> · 2 practices\n" in reply.text
    assert "Musée interculturel" in reply.text


@pytest.mark.parametrize(
    "typed", ["Stuttgart", "city:stuttgart", "/search city:Stuttgart", "ville:Stuttgart"]
)
async def test_a_city_without_practices_offers_its_country_and_a_follow_button(
    harness: BotHarness, typed: str
) -> None:
    note, results = sent(await harness.send(typed))
    assert note.text == (
        "There are no practices from Stuttgart yet. Here are the practices from Germany."
    )
    assert "Give Something Back to Berlin" in results.text
    # The list's header names the country, on every page.
    assert results.text.startswith("🔎 <b>Germany</b> · ")
    second = (await harness.click(results, "Next"))[-1]
    assert second.text.startswith("🔎 <b>Germany</b> · ") and "6–" in second.text
    assert note.button("Follow Stuttgart")["callback_data"] == "fl|y|Stuttgart"
    confirmation = await harness.click(note, "Follow Stuttgart")
    edited = [call for call in confirmation if call.method == "editMessageText"]
    assert edited and "Stuttgart" in edited[0].text
    subscriptions = harness.app.bot_data["services"].subscriptions.for_chat(USER_ID)
    assert [(s.kind, s.value) for s in subscriptions] == [("city", "Stuttgart")]


async def test_a_city_of_a_country_without_practices_says_so_with_a_follow_button(
    harness: BotHarness,
) -> None:
    reply = only(await harness.send("Rotterdam"))
    assert "There are no practices from Rotterdam yet." in reply.text
    assert reply.button("Follow Rotterdam")["callback_data"] == "fl|y|Rotterdam"


async def test_result_rows_say_what_each_practice_is(harness: BotHarness) -> None:
    reply = only(await harness.send("community policing"))
    assert "<i>A community-policing service based on intercultural principles</i>" in reply.text
