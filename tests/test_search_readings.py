"""How search reads what was typed: German compounds, the verbs a question wraps its subject
in, short typos and misspelt filters. Table tests through `SearchIndex` on the bundled
catalogue (plus two German practices a member might publish) and the alert matcher."""

import json
from importlib import resources

import pytest

from benchmarks.relevance import REFUGEE_JOBS
from benchmarks.relevance import REFUGEES as REFUGEE_GROUP
from bot.alerts import AlertMatcher, group_by_target
from bot.aliases import load_aliases
from bot.models import Practice, Subscription
from bot.query import close_name, close_topics, match_topics
from bot.search import SearchIndex
from bot.template import TOPICS

YEAR = 2025
# The refugee practices of the bundled catalogue, as the relevance benchmark labels them.
REFUGEES = set(REFUGEE_GROUP)


def sprachpaten(pid: str = "sprachpaten-fur-neu-angekommene-familien", **fields) -> Practice:
    values: dict[str, object] = {
        "title": "Sprachpaten für neu angekommene Familien",
        "subtitle": "Ehrenamtliche begleiten Familien in den ersten Monaten",
        "cities": ["Erlangen"],
        "country": "Germany",
        "period": "2019 - ongoing",
        "topics": ["Multilingualism", "Welcoming and social integration"],
        "purpose": "Freiwillige treffen neu angekommene Familien jede Woche.",
        "language": "de",
    }
    values.update(fields)
    return Practice(id=pid, **values)  # type: ignore[arg-type]


WILLKOMMENSCAFE = Practice(
    id="willkommenscafe-im-rathaus",
    title="Willkommenscafé im Rathaus",
    cities=["Erlangen"],
    country="Germany",
    period="2021 - ongoing",
    topics=["Welcoming and social integration"],
    purpose="Ein Café im Rathaus: Dolmetscher helfen, und Sprachkurse stellen sich vor.",
    keywords=["Willkommenskultur", "Sprachkurse"],
    language="de",
)


def bundled() -> list[Practice]:
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    return [Practice.from_dict(item) for item in json.loads(raw)]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(bundled(), load_aliases(), TOPICS, YEAR)


@pytest.fixture(scope="module")
def with_paten() -> SearchIndex:
    return SearchIndex([*bundled(), sprachpaten()], load_aliases(), TOPICS, YEAR)


def ids(index: SearchIndex, text: str) -> list[str]:
    return [p.id for p in index.search(text).practices]


# --- compounds: the whole word typed before what only meets a part of it ----------------------


@pytest.mark.parametrize("typed", ["sprachpaten", "Sprachpaten", "Sprachpate", "SPRACHPATEN"])
def test_a_practice_naming_the_compound_typed_comes_first(with_paten, typed):
    found = ids(with_paten, typed)
    assert found[0] == "sprachpaten-fur-neu-angekommene-familien"
    # Those meeting only its part ("Sprache": the concept language) still follow it.
    assert "programme-language-hub" in found[1:]


def test_the_compound_in_a_keyword_or_the_text_comes_before_its_parts_concept():
    in_keyword = sprachpaten(
        "familien-begleiten", title="Familien begleiten", keywords=["Sprachpaten"]
    )
    in_text = sprachpaten(
        "erste-monate",
        title="Die ersten Monate",
        subtitle=None,
        purpose="Unsere Sprachpaten treffen Familien.",
    )
    index = SearchIndex([*bundled(), in_keyword, in_text], load_aliases(), TOPICS, YEAR)
    assert ids(index, "sprachpaten")[:2] == ["familien-begleiten", "erste-monate"]


def test_a_compound_no_practice_holds_is_still_read_through_its_parts(index):
    # No practice says "Antidiskriminierungsstrategie": its parts answer, as before.
    found = ids(index, "Antidiskriminierungsstrategie")
    assert found[0] == "creating-the-conditions-for-an-equality-data-strategy-in-ireland"
    assert ids(index, "Frauengesundheit")[0] == "femmes-sante-et-violence"


def test_every_part_of_a_compound_is_met_by_the_practice_holding_the_whole_word():
    holder = sprachpaten(
        "integrationskurse-fur-alle", title="Integrationskurse für alle", topics=["Education"]
    )
    index = SearchIndex([*bundled(), holder], load_aliases(), TOPICS, YEAR)
    result = index.search("Integrationskurse")
    assert result.practices[0].id == "integrationskurse-fur-alle" and not result.partial


def test_a_keyword_follow_alerts_only_for_practices_holding_the_compound(index):
    # The café names language courses and interpreters, never "Sprachpaten".
    assert index.run(index.parse("sprachpaten")) == []
    cafe = SearchIndex([WILLKOMMENSCAFE], load_aliases(), TOPICS, YEAR)
    assert cafe.run(cafe.parse("sprachpaten")) == []
    assert cafe.run(cafe.parse("Sprachpatenschaft")) == []
    paten = SearchIndex([sprachpaten()], load_aliases(), TOPICS, YEAR)
    for typed in ("sprachpaten", "Sprachpate", "sprachpatne"):  # a stem, a close typo
        assert [p.id for p in paten.run(paten.parse(typed))] == [sprachpaten().id], typed


def test_the_alert_matcher_keeps_a_compound_follow_to_the_word():
    matcher = AlertMatcher(load_aliases(), TOPICS)
    groups = group_by_target([Subscription(1, 1, "keyword", "sprachpaten", id=1)])
    places = {"Germany", "Erlangen"}
    assert matcher.match([WILLKOMMENSCAFE], groups, places, YEAR) == {}
    both = matcher.match([WILLKOMMENSCAFE, sprachpaten()], groups, places, YEAR)
    assert list(both[1]) == [sprachpaten().id]


# --- questions: the verb they are wrapped in is no requirement --------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "how do cities support refugees?",
        "how do cities help refugees?",
        "how do cities welcome refugees?",
        "¿cómo apoyan las ciudades a los refugiados?",
        "¿cómo acogen las ciudades a los refugiados?",
        "comment les villes accueillent les réfugiés ?",
        "comment les villes soutiennent les réfugiés ?",
        "come le città accolgono i rifugiati?",
        "come le città aiutano i rifugiati?",
        "wie unterstützen Städte Flüchtlinge?",
        "wie helfen Städte Geflüchteten?",
        "como as cidades apoiam os refugiados?",
        "como as cidades acolhem os refugiados?",
        "how do cities treat refugees?",
        "how do cities protect refugees?",
        "how do cities reach out to refugees?",
        "wie schützen Städte Flüchtlinge?",
        "come le città proteggono i rifugiati?",
        "comment les villes protègent-elles les réfugiés ?",
    ],
)
def test_a_questions_verb_does_not_cut_its_answer(index, question):
    result = index.search(question)
    assert set(ids(index, question)) == REFUGEES, question
    assert not result.partial, question


def test_a_questions_verb_still_ranks_the_practices_it_names_first(index):
    first_two = set(ids(index, "how do cities support refugees?")[:2])
    assert first_two == {"peer-to-peer-project-addiction-aid-for-refugees", "a-smile-of-a-child"}
    assert ids(index, "come le città accolgono i rifugiati?")[0] in {
        "the-welcome-app",
        "centri-di-accoglienza-straordinaria-cas-centres-d-accueil-speciaux",
    }


def test_a_verb_alone_is_still_a_search(index):
    assert ids(index, "support")  # nothing else typed: the verb is what is asked
    assert "the-welcome-app" in ids(index, "welcome")


def test_a_keyword_follow_still_needs_every_word(index):
    # The strict reading alerts use: a member who follows "support refugees" asked for both.
    strict = {p.id for p in index.run(index.parse("support refugees"))}
    assert strict and strict < REFUGEES


# --- typos ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["refugee jbos", "refugee ojbs", "refugee jobs", "rifugiati lavroo"]
)
def test_a_swapped_pair_of_letters_in_a_short_word_is_read_as_the_word(index, typed):
    result = index.search(typed)
    assert ids(index, typed) == REFUGEE_JOBS and not result.partial


def test_a_short_word_found_in_the_catalogue_is_not_read_as_another(index):
    # "roma" is itself a word here: never read as "orma" or "rmoa".
    assert index.search("roma").practices and not index.search("roma").partial
    assert ids(index, "qwxz") == []  # no swap of it means anything


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("refugess", "Refugees"),
        ("Refugess", "Refugees"),
        ("refguees", "Refugees"),
        ("educaton", "Education"),
        ("réfugiées", "Refugees"),
        ("Flüchtlinge", "Refugees"),
        ("fluchtlinnge", "Refugees"),
        ("rifugati", "Refugees"),
        ("anti rumor", "Anti-rumour methodologies"),
    ],
)
def test_a_misspelt_topic_filter_is_read_as_the_topic(index, typed, topic):
    query = index.parse(f'topic:"{typed}"')
    assert query.topics == frozenset({topic}) and not query.unknown
    assert index.search(f'topic:"{typed}"').practices


def test_a_topic_filter_close_to_nothing_stays_unknown(index):
    assert index.parse("topic:qwerty").unknown == (("topic", "qwerty"),)
    assert match_topics("refugess", TOPICS, load_aliases(), typos=False) == []
    assert close_topics("refugess", TOPICS, load_aliases()) == ["Refugees"]


@pytest.mark.parametrize(
    ("typed", "kind", "name"),
    [
        ("country:portugl", "countries", "Portugal"),
        ("country:germny", "countries", "Germany"),
        ("pays:allemagn", "countries", "Germany"),
        ("city:lisbn", "cities", "Lisbon"),
        ("city:barcelna", "cities", "Barcelona"),
    ],
)
def test_a_misspelt_place_filter_is_read_as_the_place(index, typed, kind, name):
    query = index.parse(typed)
    assert getattr(query, kind) == frozenset({name}) and not query.unknown
    assert index.search(typed).practices


def test_a_misspelt_name_close_to_several_is_read_only_when_one_has_practices():
    table = {"australia": "Australia", "austria": "Austria"}
    assert close_name("austrlia", table) is None
    assert close_name("austrlia", table, prefer={"Austria"}) == "Austria"
    assert close_name("aus", table) is None  # too short to read as anything
