"""Names as members type them: invisible characters, other scripts' titles.

Driven through a real Application on the fake Bot API.
"""

import json
from pathlib import Path

import pytest

from bot.importers import read_practice_file
from bot.text import fold, slugify
from tests.fakes import USER_ID, BotHarness
from tests.handlers.dialogue import answer, published, running_bot, screen, submit, svc

# Soft hyphen, zero-width space / non-joiner / joiner, word joiner, BOM, LRM, RLM, ALM.
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f"]


def result_count(text: str) -> str:
    return text.split("</b>", 1)[0]


@pytest.mark.parametrize("mark", INVISIBLE)
async def test_search_with_an_invisible_character_inside_a_word_finds_the_same(
    harness: BotHarness, mark: str
) -> None:
    plain = (await harness.send("refugees"))[-1].text
    hidden = (await harness.send(f"refu{mark}gees"))[-1].text
    assert "No practices match" not in hidden
    assert result_count(hidden) == result_count(plain)


@pytest.mark.parametrize("mark", INVISIBLE[:3])
async def test_filters_and_subscriptions_read_names_with_invisible_characters(
    harness: BotHarness, mark: str
) -> None:
    found = (await harness.send(f"/search country:Portu{mark}gal"))[-1].text
    assert "I don't know the country" not in found
    follow = (await harness.send(f"/subscribe topic:refu{mark}gees"))[-1].text
    assert "you follow the topic <b>Refugees</b>" in follow
    city = (await harness.send(f"/subscribe city:Lis{mark}boa"))[-1].text
    assert "Lisbon" in city and "I don't know" not in city


async def test_dialogue_country_step_reads_a_name_with_a_zero_width_space() -> None:
    async with running_bot() as bot:
        await bot.send("/submit")
        for key in ("title", "subtitle", "cities"):
            await answer(bot, key, {"title": "A title", "subtitle": None, "cities": "Oslo"}[key])
        await bot.send("Nor\u200bway")
        assert "Step 5 of 12" in screen(bot).text


def test_fold_drops_every_format_character() -> None:
    assert fold("\ufeffre\u00adfu\u2060gees\u200f") == "refugees"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Кухня соседей", "kukhnya-sosedei"),
        ("Γειτονιά μαζί", "geitonia-mazi"),
        ("מטבח משותף", "mtvh-msvtf"),
        ("東京の台所", "dongjingnotaisuo"),
        ("Cooking together in Lisboa", "cooking-together-in-lisboa"),
        ("Zürich für alle", "zurich-fur-alle"),
    ],
)
def test_slugs_of_titles_in_every_script_are_ascii_and_meaningful(
    title: str, expected: str
) -> None:
    assert slugify(title) == expected


async def test_submitted_cyrillic_and_greek_titles_get_their_own_readable_ids() -> None:
    async with running_bot() as bot:
        for user_id, title in ((USER_ID, "Кухня соседей"), (USER_ID + 1, "Γειτονιά μαζί")):
            sent = await submit(bot, user_id, title=title)
            copy = next(c for c in sent if "Submission #" in c.text)
            await bot.click(copy, "Approve", 9001)
        ids = {published(bot, t).id for t in ("Кухня соседей", "Γειτονιά μαζί")}
        assert ids == {"kukhnya-sosedei", "geitonia-mazi"}
        card = (await bot.send("/start p_kukhnya-sosedei"))[-1]
        assert "Кухня соседей" in card.text


def test_import_without_id_gives_a_title_in_another_script_a_transliterated_id(
    harness: BotHarness, tmp_path: Path
) -> None:
    record = {
        "title": "Мелітополь разом",
        "cities": ["Melitopol"],
        "country": "Ukraine",
        "topics": ["Refugees"],
        "purpose": "Bringing the city together.",
    }
    path = tmp_path / "practices.json"
    path.write_text(json.dumps([record]), encoding="utf-8")
    batch = read_practice_file(path, svc(harness).catalog.aliases)
    assert not batch.rejected, batch.rejected
    assert [p.id for p in batch.practices] == ["melitopol-razom"]
