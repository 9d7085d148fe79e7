"""How search reads a typo beside other words, and a compound no practice holds: table tests
through `SearchIndex` on the bundled catalogue."""

import pytest

from bot.aliases import load_aliases
from bot.search import SearchIndex
from bot.template import TOPICS
from tests.test_search_readings import REFUGEES as REFUGEE_IDS
from tests.test_search_readings import YEAR, bundled, sprachpaten

AGAINST_RACISM = {
    "an-anti-racism-cockpit",
    "semaine-neuchateloise-d-actions-contre-le-racisme",
    "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(bundled(), load_aliases(), TOPICS, YEAR)


def ids(index: SearchIndex, text: str) -> list[str]:
    return [p.id for p in index.search(text).practices]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Rassismsu Schule", "Rassismus Schule"),  # the typo first
        ("Schule Rassismsu", "Schule Rassismus"),  # the typo last
        ("racsim school", "racism school"),  # two letters swapped in a short word
        ("racsime école", "racisme école"),
        ("razzsimo scuola", "razzismo scuola"),
        ("escuela racsimo", "escuela racismo"),
    ],
)
def test_a_word_read_through_a_typo_counts_as_the_word_beside_others(index, typed, meant):
    found = ids(index, typed)
    assert set(found) >= AGAINST_RACISM, found
    assert set(found) == set(ids(index, meant))


def test_a_typo_alone_reads_as_the_word_and_its_topic(index):
    assert ids(index, "Rassismsu") == ids(index, "Rassismus")


def test_a_compound_no_practice_holds_is_answered_in_part(index):
    # No bundled practice says "Sprachpaten" or "Flüchtlingshilfe": their parts answer.
    for typed in ("Sprachpaten", "Flüchtlingshilfe"):
        result = index.search(typed)
        assert result.practices and result.partial, typed


def test_a_compound_a_practice_holds_is_answered_in_full():
    holder = sprachpaten()
    index = SearchIndex([*bundled(), holder], load_aliases(), TOPICS, YEAR)
    result = index.search("Sprachpaten")
    assert result.practices[0].id == holder.id and not result.partial


REFUGEES = set(REFUGEE_IDS)


@pytest.mark.parametrize(
    "typed",
    [
        "Flüchtlingshilfe",  # no practice holds it: its parts answer, as the words apart
        "Flüchtlingsunterstützung",
        "Flüchtlinge Hilfe",
        "refugee aid",
        "réfugiés aide",
    ],
)
def test_help_beside_a_subject_does_not_cut_the_subjects_answer(index, typed):
    found = ids(index, typed)
    assert set(found) == REFUGEES, found
    # The practices that also name help come first.
    assert set(found[:2]) == {
        "peer-to-peer-project-addiction-aid-for-refugees",
        "a-smile-of-a-child",
    }


def test_a_compound_a_practice_holds_needs_each_of_its_parts():
    holder = sprachpaten("fluchtlingshilfe-erlangen", title="Flüchtlingshilfe Erlangen")
    index = SearchIndex([*bundled(), holder], load_aliases(), TOPICS, YEAR)
    result = index.search("Flüchtlingshilfe")
    assert result.practices[0].id == holder.id and not result.partial
    assert index.run(index.parse("Flüchtlingshilfe")) == [holder]
