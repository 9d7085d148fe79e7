"""What a member sees when search reads a compound, a question's verb, a short typo or a
misspelt filter: driven through a real Application with real updates."""

import re

import pytest

from bot.models import Practice
from tests.fakes import BotHarness, Call

PARTIAL = "match only part of your query"


def sent(calls: list[Call]) -> Call:
    messages = [call for call in calls if call.method == "sendMessage"]
    assert len(messages) == 1, calls
    return messages[0]


def german(pid: str, title: str, purpose: str, keywords: list[str]) -> Practice:
    return Practice(
        id=pid,
        title=title,
        cities=["Erlangen"],
        country="Germany",
        period="2021 - ongoing",
        topics=["Welcoming and social integration"],
        purpose=purpose,
        keywords=keywords,
        language="de",
    )


SPRACHPATEN = german(
    "sprachpaten-fur-neu-angekommene-familien",
    "Sprachpaten für neu angekommene Familien",
    "Freiwillige treffen neu angekommene Familien jede Woche.",
    ["Ehrenamt"],
)
CAFE = german(
    "willkommenscafe-im-rathaus",
    "Willkommenscafé im Rathaus",
    "Ein Café im Rathaus: Dolmetscher helfen, und Sprachkurse stellen sich vor.",
    ["Willkommenskultur", "Sprachkurse"],
)


def publish(harness: BotHarness, *practices: Practice, alerts: bool = True) -> None:
    harness.app.bot_data["services"].publisher.publish(list(practices), alerts=alerts)


async def alerts_after_publishing(harness: BotHarness, practice: Practice) -> list[Call]:
    before = len(harness.request.sent())
    publish(harness, practice)
    await harness.app.bot_data["services"].deliverer.drain(harness.app.bot)
    return [c for c in harness.request.sent()[before:] if "You follow:" in c.text]


def count(reply: Call) -> int:
    found = re.search(r"🔎 [^\n]*?(\d+) practices?", reply.text)
    assert found, reply.text
    return int(found.group(1))


async def test_the_practice_naming_the_compound_typed_is_listed_first(harness: BotHarness) -> None:
    publish(harness, SPRACHPATEN, alerts=False)
    reply = sent(await harness.send("sprachpaten"))
    assert PARTIAL not in reply.text
    first = reply.text.index("Sprachpaten für neu angekommene Familien")
    assert first < reply.text.index("Programme Language Hub")


async def test_a_followed_compound_alerts_only_for_a_practice_that_names_it(
    harness: BotHarness,
) -> None:
    assert "“sprachpaten”" in sent(await harness.send("/subscribe sprachpaten")).text
    assert await alerts_after_publishing(harness, CAFE) == []
    alerted = await alerts_after_publishing(harness, SPRACHPATEN)
    assert len(alerted) == 1 and "Sprachpaten für neu angekommene Familien" in alerted[0].text


async def test_following_a_compound_counts_only_the_practices_that_name_it(
    harness: BotHarness,
) -> None:
    # The bundled catalogue meets "Sprachpaten" only through its part "Sprache".
    note = sent(await harness.send("/subscribe sprachpaten")).text
    assert "No published practice matches this keyword yet" in note
    publish(harness, SPRACHPATEN, alerts=False)
    note = sent(await harness.send("/subscribe sprachpate")).text
    assert "1 published practice matches today" in note


@pytest.mark.parametrize(
    "question",
    [
        "how do cities support refugees?",
        "¿cómo apoyan las ciudades a los refugiados?",
        "comment les villes accueillent les réfugiés ?",
        "come le città accolgono i rifugiati?",
        "wie unterstützen Städte Flüchtlinge?",
        "como as cidades apoiam os refugiados?",
    ],
)
async def test_a_question_in_any_language_gets_every_refugee_practice(
    harness: BotHarness, question: str
) -> None:
    reply = sent(await harness.send(question))
    refugees = sent(await harness.send("refugees"))
    assert count(reply) == count(refugees) >= 8
    assert PARTIAL not in reply.text


async def test_a_short_word_with_two_letters_swapped_answers_as_the_word(
    harness: BotHarness,
) -> None:
    typo = sent(await harness.send("refugee jbos"))
    right = sent(await harness.send("refugee jobs"))
    assert PARTIAL not in typo.text and count(typo) == count(right) == 2
    assert "Siemens" in typo.text


@pytest.mark.parametrize(
    ("typed", "header"),
    [
        ("topic:refugess", "🔎 <b>Refugees</b>"),
        ('thème:"réfugiés"', "🔎 <b>Refugees</b>"),
        ("topic:fluchtlinnge", "🔎 <b>Refugees</b>"),
        ("country:portugl", "🔎 <b>Portugal</b>"),
    ],
)
async def test_a_misspelt_filter_answers_for_what_it_is_close_to(
    harness: BotHarness, typed: str, header: str
) -> None:
    reply = sent(await harness.send(typed))
    assert "I don't know" not in reply.text
    assert reply.text.startswith(header) or f"\n{header}" in reply.text, reply.text


async def test_a_country_filter_close_to_several_offers_them(harness: BotHarness) -> None:
    reply = sent(await harness.send("country:austrlia"))
    assert "I don't know the country ‘austrlia’" in reply.text
    assert "Did you mean Australia or Austria?" in reply.text
