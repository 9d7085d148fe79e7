"""Tests for parsing and ranking queries (`bot/search.py`).

Most tests run on a small catalogue built here, with cities, countries and topics of its own and
an alias table of a few entries, so that they pin the search's rules rather than the bundled
data. A few at the end check that the real alias table and catalogue work end to end.
"""

import json
from importlib import resources
from typing import Any

import pytest

from bot.aliases import Aliases, load_aliases
from bot.models import Practice
from bot.query import MAX_QUERY_LENGTH, STOP_WORDS, parse_query
from bot.search import SearchIndex
from bot.template import TOPICS
from bot.text import fold

YEAR = 2025


def practice(
    pid: str, title: str, cities: list[str], country: str, topics: list[str], **more: Any
):
    """Return a practice with the fields a test cares about."""
    return Practice(id=pid, title=title, cities=cities, country=country, topics=topics, **more)


CATALOGUE = [
    practice(
        "zurich-desk",
        "Welcome desk for newcomers",
        ["Zürich"],
        "Switzerland",
        ["Welcoming and social integration"],
        keywords=["newcomers", "information"],
        period="2015 onwards",
    ),
    practice(
        "hamamatsu-disaster",
        "Multilingual disaster information",
        ["Hamamatsu"],
        "Japan",
        ["Multilingualism"],
        keywords=["disaster", "translation"],
        period="2011",
    ),
    practice(
        "montreal-mediators",
        "Intercultural mediators in schools",
        ["Montréal"],
        "Canada",
        ["Education", "Mediation and conflict resolution"],
        keywords=["mediation"],
        period="2012-2016",
    ),
    practice(
        "rotterdam-jobs",
        "Job coaching for refugee women",
        ["Rotterdam"],
        "Netherlands",
        ["Refugees", "Business and employment"],
        keywords=["jobs", "women"],
        period="2019",
    ),
    practice(
        "neukolln-mothers",
        "Neighbourhood mothers",
        ["Berlin-Neukölln"],
        "Germany",
        ["Gender equality and intersectionality"],
        keywords=["women", "outreach"],
    ),
    practice(
        "setubal-festival",
        "Harbour festival of cultures",
        ["Setúbal"],
        "Portugal",
        ["Culture, leisure and heritage"],
        keywords=["festival"],
    ),
    practice(
        "geneva-words",
        "Words that hurt",
        ["Genève"],
        "Switzerland",
        ["Anti-discrimination and equality"],
        keywords=["hate speech"],
    ),
    practice(
        "turin-cockpit",
        "Anti-racism cockpit",
        ["Turin"],
        "Italy",
        ["Anti-discrimination and equality"],
        keywords=["racism"],
        period="2019",
    ),
    practice(
        "lisbon-policing",
        "Safer neighbourhoods with community policing",
        ["Lisbon"],
        "Portugal",
        ["Security, justice and safety"],
        keywords=["police"],
        period="Since 2009",
    ),
    practice(
        "barcelona-rumours",
        "Anti-rumour network",
        ["Barcelona"],
        "Spain",
        ["Anti-rumour methodologies"],
        keywords=["rumours", "stereotypes"],
        period="2010 - ongoing",
    ),
    practice(
        "sabadell-roma",
        "School mediators for Roma families",
        ["Sabadell"],
        "Spain",
        ["Roma", "Education"],
        keywords=["mediation", "schools"],
    ),
    practice(
        "hamburg-housing",
        "Housing for refugees",
        ["Hamburg"],
        "Germany",
        ["Refugees", "Housing and urban planning"],
        keywords=["housing"],
    ),
    practice(
        "leeds-roma",
        "Strategy with Roma communities",
        ["Leeds"],
        "United Kingdom",
        ["Roma"],
        keywords=["strategy"],
    ),
    practice(
        "rome-interfaith",
        "Interfaith dialogue table",
        ["Rome"],
        "Italy",
        ["Religion and interfaith"],
        keywords=["dialogue"],
    ),
    practice(
        "oslo-library",
        "Public library as a meeting place",
        ["Oslo"],
        "Norway",
        ["Public and community services"],
        keywords=["libraries"],
        period="2019 - ongoing",
    ),
    practice(
        "oslo-tongue",
        "Mother tongue teaching",
        ["Oslo"],
        "Norway",
        ["Education", "Multilingualism"],
        keywords=["languages"],
    ),
    practice(
        "erlangen-siemens",
        "Siemens programme for refugees",
        ["Erlangen"],
        "Germany",
        ["Refugees", "Business and employment"],
        keywords=["company", "employment"],
    ),
    practice(
        "ireland-data",
        "National equality data strategy",
        [],
        "Ireland",
        ["Anti-discrimination and equality"],
        keywords=["data"],
        period="Since 2020",
    ),
]
IDS = [p.id for p in CATALOGUE]

_CITY_ALIASES = {
    "Zurich": ["zurich", "zuerich", "zurigo"],
    "Turin": ["turin", "torino"],
    "Lisbon": ["lisbon", "lisboa", "lisbonne"],
    "Geneva": ["geneva", "geneve", "genf", "ginevra"],
    "Barcelona": ["barcelona", "barcelone"],
    "Hamburg": ["hamburg", "hambourg", "amburgo"],
    "Rome": ["rome", "roma"],
    "Berlin": ["berlin"],
    "Berlin-Neukölln": ["berlin neukolln"],
    "Setúbal": ["setubal"],
    "Montreal": ["montreal"],
    "Oslo": ["oslo"],
    "Leeds": ["leeds"],
    "Rotterdam": ["rotterdam"],
    "Sabadell": ["sabadell"],
    "Erlangen": ["erlangen"],
    # Hamamatsu is left out on purpose: a catalogue city the table lacks must still be found.
}
_COUNTRY_ALIASES = {
    "Spain": ["spain", "espagne", "spanien", "espana"],
    "Germany": ["germany", "allemagne", "deutschland"],
    "United Kingdom": ["united kingdom", "royaume uni", "uk", "great britain"],
    "Switzerland": ["switzerland", "suisse", "schweiz"],
    "Italy": ["italy", "italie", "italia"],
    "Portugal": ["portugal"],
    "Netherlands": ["netherlands", "pays bas"],
    "Norway": ["norway", "norvege"],
    "Canada": ["canada"],
    "Ireland": ["ireland", "irlande"],
    # Japan is left out on purpose, like Hamamatsu.
}
ALIASES = Aliases(
    cities={alias: city for city, names in _CITY_ALIASES.items() for alias in names},
    countries={alias: country for country, names in _COUNTRY_ALIASES.items() for alias in names},
    topics={
        "refugies": "Refugees",
        "refugees": "Refugees",
        "fluchtlinge": "Refugees",
        "rumeurs": "Anti-rumour methodologies",
        "rumours": "Anti-rumour methodologies",
        "emploi": "Business and employment",
        "employment": "Business and employment",
        "roma": "Roma",
        "rom": "Roma",
        "education": "Education",
        "ecole": "Education",
    },
)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(CATALOGUE, ALIASES, TOPICS, YEAR)


def ids(index: SearchIndex, text: str) -> list[str]:
    return [p.id for p in index.search(text).practices]


def with_topic(topic: str) -> set[str]:
    return {p.id for p in CATALOGUE if topic in p.topics}


def in_country(country: str) -> set[str]:
    return {p.id for p in CATALOGUE if p.country == country}


# --- folding of case and accents -----------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("Zürich", "zurich"),
        ("Zurich", "zürich"),
        ("Zürich", "ZÜRICH"),
        ("Berlin-Neukölln", "neukolln"),
        ("Setúbal", "setubal"),
        ("Genève", "geneve"),
        ("Geneve", "Genève"),
        ("Montréal", "montreal"),
        ("Malmö", "malmo"),
        ("Tromsø", "tromso"),
        ("Łódź", "lodz"),
        ("Ålesund", "alesund"),
        ("Düsseldorf", "DUSSELDORF"),
    ],
)
def test_accents_and_case_are_folded_both_ways(stored, typed):
    # No alias table: the match must come from folding alone.
    target = practice("target", "Welcome desk", [stored], "Somewhere", ["Refugees"])
    decoy = practice("decoy", "Welcome desk", ["Elsewhere"], "Somewhere", ["Refugees"])
    index = SearchIndex([decoy, target], Aliases(), TOPICS, YEAR)
    assert ids(index, typed) == ["target"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich", ["zurich-desk"]),
        ("zürich", ["zurich-desk"]),
        ("neukolln", ["neukolln-mothers"]),
        ("setubal", ["setubal-festival"]),
        ("geneve", ["geneva-words"]),
        ("GENÈVE", ["geneva-words"]),
        ("montreal", ["montreal-mediators"]),
    ],
)
def test_folded_place_names_find_the_place(index, query, expected):
    assert ids(index, query) == expected


# --- typing errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Erlangn siemens", "erlangen-siemens"),
        ("erlangen siemnes", "erlangen-siemens"),
        ("rotterdm", "rotterdam-jobs"),
        ("hamamtsu", "hamamatsu-disaster"),
        ("refugess housing", "hamburg-housing"),
        ("libary", "oslo-library"),
        ("mediatros schools", "montreal-mediators"),
        ("multilingal disaster", "hamamatsu-disaster"),
        ("policng", "lisbon-policing"),
    ],
)
def test_typo_in_distinctive_word_still_finds_practice(index, query, first):
    assert ids(index, query)[:1] == [first]


def test_typo_in_city_still_finds_practice(index):
    assert ids(index, "Barcelna") == ["barcelona-rumours"]


def test_short_words_must_be_spelt_right(index):
    # Four letters are too few to tell a typo from another word: "jobz" is not "jobs".
    assert ids(index, "jobz") == []


def test_start_of_a_word_finds_the_word(index):
    assert ids(index, "multiling")[:1] == ["hamamatsu-disaster"]
    assert "oslo-library" in ids(index, "librar")


# --- other-language names of places ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Torino", {"turin-cockpit"}),
        ("Turin", {"turin-cockpit"}),
        ("Lisboa", {"lisbon-policing"}),
        ("Lisbonne", {"lisbon-policing"}),
        ("Lisbon", {"lisbon-policing"}),
        ("Genf", {"geneva-words"}),
        ("Genève", {"geneva-words"}),
        ("Geneva", {"geneva-words"}),
        ("Ginevra", {"geneva-words"}),
        ("Barcelone", {"barcelona-rumours"}),
        ("Barcelona", {"barcelona-rumours"}),
        ("Hambourg", {"hamburg-housing"}),
        ("Hamburg", {"hamburg-housing"}),
        ("Zurigo", {"zurich-desk"}),
        ("Espagne", in_country("Spain")),
        ("Spain", in_country("Spain")),
        ("España", in_country("Spain")),
        ("Allemagne", in_country("Germany")),
        ("Deutschland", in_country("Germany")),
        ("Germany", in_country("Germany")),
        ("Royaume-Uni", in_country("United Kingdom")),
        ("United Kingdom", in_country("United Kingdom")),
        ("UK", in_country("United Kingdom")),
        ("Suisse", in_country("Switzerland")),
        ("Pays-Bas", in_country("Netherlands")),
        ("Irlande", {"ireland-data"}),
    ],
)
def test_place_name_in_any_language_lists_that_places_practices(index, query, expected):
    assert set(ids(index, query)) == expected


def test_city_name_finds_practices_of_its_districts(index):
    assert ids(index, "berlin") == ["neukolln-mothers"]


def test_city_missing_from_alias_table_is_found_by_its_own_name(index):
    assert ids(index, "hamamatsu") == ["hamamatsu-disaster"]
    assert ids(index, "city:hamamatsu") == ["hamamatsu-disaster"]
    assert ids(index, "japan") == ["hamamatsu-disaster"]


def test_place_and_words_combine(index):
    assert ids(index, "germany refugees") == ["hamburg-housing", "erlangen-siemens"]
    assert ids(index, "refugees deutschland housing") == ["hamburg-housing"]
    assert ids(index, "lisboa policing") == ["lisbon-policing"]


def test_two_places_list_the_practices_of_either(index):
    assert set(ids(index, "spain portugal")) == in_country("Spain") | in_country("Portugal")


def test_place_with_no_practices_is_a_word_not_a_filter():
    # Rome has no practice here, so "roma" means the topic.
    catalogue = [p for p in CATALOGUE if p.id != "rome-interfaith"]
    index = SearchIndex(catalogue, ALIASES, TOPICS, YEAR)
    assert set(ids(index, "roma")) == {"sabadell-roma", "leeds-roma"}


def test_word_naming_a_topic_and_a_city_finds_the_topic_first(index):
    # "Roma" is the topic and Rome's Italian name: the topic's practices come first, and a
    # further word is matched against both readings.
    found = ids(index, "roma")
    assert set(found[:2]) == {"sabadell-roma", "leeds-roma"}
    assert ids(index, "roma education") == ["sabadell-roma"]
    assert ids(index, "roma interfaith") == ["rome-interfaith"]


# --- topic words in other languages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("réfugiés", "Refugees"),
        ("Flüchtlinge", "Refugees"),
        ("rumeurs", "Anti-rumour methodologies"),
        ("emploi", "Business and employment"),
        ("école", "Education"),
    ],
)
def test_topic_word_in_another_language_finds_the_topics_practices(index, query, topic):
    assert set(ids(index, query)) == with_topic(topic)


def test_topic_word_combines_with_place(index):
    assert ids(index, "emploi rotterdam") == ["rotterdam-jobs"]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("topic:roma country:spain", {"sabadell-roma"}),
        ("topic:roma", with_topic("Roma")),
        ("topic: roma", with_topic("Roma")),
        ("TOPIC:Roma", with_topic("Roma")),
        ("topic:rum", with_topic("Anti-rumour methodologies")),
        ("topic:refug", with_topic("Refugees")),
        (
            "topic:anti",
            with_topic("Anti-rumour methodologies")
            | with_topic("Anti-discrimination and equality"),
        ),
        ('topic:"anti rum"', with_topic("Anti-rumour methodologies")),
        ("topic:emploi", with_topic("Business and employment")),
        ("topic:réfugiés", with_topic("Refugees")),
        ("topic:integration", with_topic("Welcoming and social integration")),
        ("thème:roma", with_topic("Roma")),
        ("city:oslo education", {"oslo-tongue"}),
        ("city:oslo", {"oslo-library", "oslo-tongue"}),
        ("ville:genf", {"geneva-words"}),
        ("city:torino", {"turin-cockpit"}),
        ("city:berlin", {"neukolln-mothers"}),
        ("city:montréal", {"montreal-mediators"}),
        ("country:espagne", in_country("Spain")),
        ('country:"united kingdom"', in_country("United Kingdom")),
        ("country:“royaume uni”", in_country("United Kingdom")),
        ("pays:suisse", in_country("Switzerland")),
        ("country:germany topic:refugees", {"hamburg-housing", "erlangen-siemens"}),
        ("country:germany topic:refugees housing", {"hamburg-housing"}),
        ("topic:education country:spain city:oslo", {"sabadell-roma", "oslo-tongue"}),
    ],
)
def test_filters_select_topic_and_place(index, query, expected):
    assert set(ids(index, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # 2019 is covered by "2019", "2015 onwards", "Since 2009", "2010 - ongoing",
        # "2019 - ongoing", not by "2011", "2012-2016", "Since 2020" or no period at all.
        (
            "year:2019",
            {
                "zurich-desk",
                "rotterdam-jobs",
                "turin-cockpit",
                "lisbon-policing",
                "barcelona-rumours",
                "oslo-library",
            },
        ),
        ("année:2014", {"montreal-mediators", "lisbon-policing", "barcelona-rumours"}),
        (
            "year:2015",
            {"zurich-desk", "montreal-mediators", "lisbon-policing", "barcelona-rumours"},
        ),
        ("2011", {"hamamatsu-disaster", "lisbon-policing", "barcelona-rumours"}),
        ("year:2024 data", {"ireland-data"}),
        ("refugees 2019", {"rotterdam-jobs"}),
        ("year:1990", set()),
    ],
)
def test_year_filter_keeps_practices_whose_period_covers_it(index, query, expected):
    assert set(ids(index, query)) == expected


def test_year_typed_as_a_word_also_matches_a_year_in_the_text():
    # A pasted title with a year must still find its practice, whatever its period says.
    item = practice("eval", "Evaluation of the diversity policy 2016-2020", ["Geneva"], "X", [])
    other = practice("other", "Evaluation of the housing policy", ["Geneva"], "X", [])
    index = SearchIndex([other, item], Aliases(), TOPICS, YEAR)
    assert ids(index, "Evaluation of the diversity policy 2016-2020") == ["eval"]
    assert ids(index, "year:2016") == []


@pytest.mark.parametrize(
    ("query", "unknown"),
    [
        ("topic:cooking", ("topic", "cooking")),
        ("country:narnia", ("country", "narnia")),
        ("year:soon", ("year", "soon")),
        ("year:19", ("year", "19")),
        ("topic:xyz refugees", ("topic", "xyz")),
    ],
)
def test_filter_naming_nothing_known_finds_nothing_and_says_so(index, query, unknown):
    result = index.search(query)
    assert result.practices == []
    assert result.query.unknown == (unknown,)


def test_unknown_filter_name_is_read_as_words(index):
    assert ids(index, "colour:refugees") == ids(index, "colour refugees")


# --- ranking by field ------------------------------------------------------------------------


def test_title_and_keywords_rank_above_place_above_text():
    catalogue = [
        practice("in-text", "Welcome desk", ["Aa"], "X", [], purpose="Near the harbour."),
        practice("in-place", "Welcome desk", ["Harbour"], "X", []),
        practice("in-subtitle", "Welcome desk", ["Bb"], "X", [], subtitle="By the harbour"),
        practice("in-keywords", "Welcome desk", ["Cc"], "X", [], keywords=["harbour"]),
        practice("in-title", "Harbour welcome desk", ["Dd"], "X", []),
    ]
    index = SearchIndex(catalogue, Aliases(), TOPICS, YEAR)
    found = ids(index, "harbour")
    assert set(found[:2]) == {"in-title", "in-keywords"}
    assert set(found[2:4]) == {"in-place", "in-subtitle"}
    assert found[4:] == ["in-text"]


def test_topics_rank_above_text_and_below_title():
    catalogue = [
        practice("in-text", "Desk", [], "X", [], impact="Multilingualism grew."),
        practice("in-topics", "Desk", [], "X", ["Multilingualism"]),
        practice("in-title", "Multilingualism in schools", [], "X", []),
    ]
    index = SearchIndex(catalogue, Aliases(), TOPICS, YEAR)
    assert ids(index, "multilingualism") == ["in-title", "in-topics", "in-text"]


def test_exact_word_ranks_above_typo_and_prefix():
    catalogue = [
        practice("prefix", "Mediators", [], "X", []),
        practice("typo", "Mediatoin", [], "X", []),
        practice("exact", "Mediator", [], "X", []),
    ]
    index = SearchIndex(catalogue, Aliases(), TOPICS, YEAR)
    assert ids(index, "mediator")[0] == "exact"


def test_practice_matching_more_words_ranks_first(index):
    assert ids(index, "refugee women jobs")[:1] == ["rotterdam-jobs"]


def test_equal_scores_keep_catalogue_order(index):
    assert ids(index, "topic:refugees") == [p.id for p in CATALOGUE if "Refugees" in p.topics]


# --- weak matches and stop words -------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "pizza recipe",
        "qwxzv",
        "the",
        "the and of",
        "good practice examples",
        "les des et",
        "xylophone",
        "weather forecast",
        "spain pizza",
        "topic:roma pizza",
        "bitcoin price today",
    ],
)
def test_query_without_a_real_match_finds_nothing(index, query):
    assert ids(index, query) == []


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("the refugees", "refugees"),
        ("show me practices about roma", "roma"),
        ("les réfugiés", "réfugiés"),
        ("examples of housing for refugees", "housing refugees"),
    ],
)
def test_stop_words_are_ignored(index, query, same_as):
    assert ids(index, query) == ids(index, same_as) != []


def test_most_words_must_match(index):
    # Two words: both must match; three words: two of them.
    assert ids(index, "refugees housing") == ["hamburg-housing"]
    assert ids(index, "refugees housing xylophone") == ["hamburg-housing"]
    assert ids(index, "refugees xylophone kangaroo") == []


def test_stop_words_are_folded_like_queries():
    assert all(word == fold(word) for word in STOP_WORDS)


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "\n\t",
        "!!!???...",
        "🙂🙂🙂",
        "🇪🇸",
        "—–-",
        "<b>",
        "<script>alert(1)</script>",
        "*_~`|",
        "مرحبا بالعالم",
        "שלום עולם",
        "\u202eamor\u202c",
        "\x00\x01",
        "topic:",
        'topic:"',
        'country:""',
        "year:99999",
        ":::::",
        "ÿ" * 5000,
        "roma " * 1000,
        "a" * 4000,
    ],
)
def test_bad_input_never_raises(index, query):
    result = index.search(query)
    assert isinstance(result.practices, list)
    assert len(result.query.words) <= MAX_QUERY_LENGTH


@pytest.mark.parametrize("query", ["", "   ", "!!!", "🙂🙂", "the of"])
def test_query_without_words_is_empty(index, query):
    result = index.search(query)
    assert result.query.is_empty
    assert result.practices == []


def test_long_query_is_cut_and_flagged(index):
    result = index.search("refugees housing " + "x" * 4000)
    assert result.query.too_long
    assert result.query.words[:2] == ("refugees", "housing")
    assert sum(len(w) for w in result.query.words) <= MAX_QUERY_LENGTH


def test_query_at_the_limit_is_not_flagged(index):
    query = "refugees " + "h" * (MAX_QUERY_LENGTH - 9)
    assert len(query) == MAX_QUERY_LENGTH
    assert not index.search(query).query.too_long


def test_long_query_is_still_searched(index):
    assert ids(index, "housing " + "!" * 4000) == ["hamburg-housing"]


@pytest.mark.parametrize(
    "query", ["<b>refugees</b>", "**refugees**", "_refugees_", "`refugees`", "<i>refugees</i>"]
)
def test_markup_around_words_is_ignored(index, query):
    assert set(ids(index, query)) == with_topic("Refugees")


def test_right_to_left_and_other_scripts_are_matched():
    catalogue = [
        practice("arabic", "مرحبا بالقادمين الجدد", [], "X", []),
        practice("greek", "Καλωσόρισμα προσφύγων", [], "X", []),
        practice("latin", "Welcome desk", [], "X", []),
    ]
    index = SearchIndex(catalogue, Aliases(), TOPICS, YEAR)
    assert ids(index, "بالقادمين") == ["arabic"]
    assert ids(index, "ΠΡΟΣΦΥΓΩΝ") == ["greek"]


# --- the index -------------------------------------------------------------------------------


def test_added_practice_is_found_and_its_place_becomes_known():
    index = SearchIndex(CATALOGUE[:3], ALIASES, TOPICS, YEAR)
    assert ids(index, "torino") == []
    assert ids(index, "cockpit") == []  # what a word matched is kept until the index changes
    index.add([CATALOGUE[7]])
    assert ids(index, "torino") == ["turin-cockpit"]
    assert ids(index, "cockpit") == ["turin-cockpit"]
    assert len(index) == 4


def test_empty_catalogue_finds_nothing():
    index = SearchIndex([], ALIASES, TOPICS, YEAR)
    assert index.search("refugees spain").practices == []


def test_parse_query_reads_filters_and_words_without_an_index():
    query = parse_query('Torino topic:rum country:"royaume uni" 2019 the women', ALIASES, TOPICS)
    assert query.words == ("women",)
    assert query.cities == {"Turin"}
    assert query.countries == {"United Kingdom"}
    assert query.topics == {"Anti-rumour methodologies"}
    assert query.year == 2019


# --- generality: any city, country and topic ------------------------------------------------

_PLACES = (
    ("Hamamatsu", "Japan"),
    ("Montréal", "Canada"),
    ("Rotterdam", "Netherlands"),
    ("Zürich", "Switzerland"),
    ("Kraków", "Poland"),
    ("Tromsø", "Norway"),
    ("Reykjavík", "Iceland"),
    ("Logroño", "Spain"),
    ("İzmir", "Türkiye"),
    ("Cluj-Napoca", "Romania"),
    ("Haifa", "Israel"),
    ("Ansan", "Republic of Korea"),
    ("Ljubljana", "Slovenia"),
    ("Nicosia", "Cyprus"),
    ("Valletta", "Malta"),
    ("Mexico City", "Mexico"),
    ("Auckland", "New Zealand"),
    ("Västerås", "Sweden"),
    ("Patras", "Greece"),
    ("Dnipro", "Ukraine"),
    ("Kirklees", "United Kingdom"),
)


@pytest.fixture(scope="module")
def world() -> SearchIndex:
    """One practice for each topic, each in a different city and country."""
    catalogue = [
        practice(
            f"p{n}",
            f"Programme number {n}",
            [_PLACES[n][0]],
            _PLACES[n][1],
            [topic],
        )
        for n, topic in enumerate(TOPICS)
    ]
    return SearchIndex(catalogue, Aliases(), TOPICS, YEAR)


@pytest.mark.parametrize(("n", "topic"), list(enumerate(TOPICS)))
def test_every_topic_is_found_by_a_prefix_of_any_of_its_words(world, n, topic):
    for word in fold(topic).split():
        if word in STOP_WORDS:
            continue
        assert f"p{n}" in ids(world, f"topic:{word[:4]}"), word
        assert f"p{n}" in ids(world, f"topic:{word}"), word


@pytest.mark.parametrize(("n", "city", "country"), [(n, *p) for n, p in enumerate(_PLACES)])
def test_every_city_and_country_is_found_by_name_and_filter(world, n, city, country):
    # No alias table at all: names are matched as the catalogue writes them, folded.
    assert ids(world, city) == [f"p{n}"]
    assert ids(world, fold(city)) == [f"p{n}"]
    assert ids(world, f'city:"{fold(city)}"') == [f"p{n}"]
    assert ids(world, country) == [f"p{n}"]


def test_search_on_a_large_catalogue_finds_exactly_what_it_holds():
    """A thousand practices: filters, typos and junk answer as on the small catalogue.

    How fast this is lives in `benchmarks/search.py` (1,000 and 10,000 practices).
    """
    catalogue = [
        practice(
            f"p{n}",
            f"Programme {n} for {TOPICS[n % len(TOPICS)]}",
            [_PLACES[n % len(_PLACES)][0]],
            _PLACES[n % len(_PLACES)][1],
            [TOPICS[n % len(TOPICS)]],
            purpose=f"Purpose number {n} with intercultural mediation and welcome desks.",
        )
        for n in range(1000)
    ]
    index = SearchIndex(catalogue, ALIASES, TOPICS, YEAR)
    found = {p.id for p in index.search("topic:culture krakow").practices}
    culture = "Culture, leisure and heritage"
    expected = {p.id for p in catalogue if culture in p.topics and "Kraków" in p.cities}
    assert expected and found == expected
    assert len(index.search("mediaton welcme").practices) > 0  # typos still find
    assert index.search("pizza").practices == []


# --- the bundled alias table and catalogue, end to end --------------------------------------


@pytest.fixture(scope="module")
def bundled() -> SearchIndex:
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    practices = [Practice.from_dict(item) for item in json.loads(raw)]
    return SearchIndex(practices, load_aliases(), TOPICS, YEAR)


def _bundled_in(index: SearchIndex, *, city: str = "", country: str = "") -> set[str]:
    return {
        p.id
        for p in index.practices
        if (city and any(city in c for c in p.cities)) or (country and p.country == country)
    }


@pytest.mark.parametrize(
    ("query", "city", "country"),
    [
        ("Torino", "Turin", ""),
        ("Lisboa", "Lisbon", ""),
        ("Lisbonne", "Lisbon", ""),
        ("Genf", "Gen", ""),
        ("geneve", "Gen", ""),
        ("Barcelone", "Barcelona", ""),
        ("neukolln", "Neukölln", ""),
        ("setubal", "Setúbal", ""),
        ("Espagne", "", "Spain"),
        ("Allemagne", "", "Germany"),
        ("Royaume-Uni", "", "United Kingdom"),
    ],
)
def test_real_alias_table_finds_places_in_other_languages(bundled, query, city, country):
    assert set(ids(bundled, query)) == _bundled_in(bundled, city=city, country=country)


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("réfugiés", "Refugees"),
        ("rumeurs", "Anti-rumour methodologies"),
        ("emploi", "Business and employment"),
    ],
)
def test_real_alias_table_finds_topics_by_their_french_words(bundled, query, topic):
    found = bundled.search(query).practices
    assert {p.id for p in bundled.practices if topic in p.topics} <= {p.id for p in found}
    assert topic in found[0].topics


def test_real_catalogue_finds_typo_and_filters(bundled):
    assert ids(bundled, "Erlangn siemens")[:1] == ["siemens-program-for-integrating-refugees"]
    assert ids(bundled, "topic:roma country:italy") == [
        "roma-inclusion-policies-in-reggio-emilia-italy"
    ]
    for query in ("pizza recipe", "qwxzv", "the"):
        assert ids(bundled, query) == []


def test_every_bundled_practice_is_found_by_title_city_and_country(bundled):
    for item in bundled.practices:
        assert ids(bundled, item.title)[:1] == [item.id], item.title
        for city in item.cities:
            assert item.id in ids(bundled, city), city
        assert item.id in ids(bundled, item.country), item.country


def test_a_long_question_gets_the_best_partial_answer(index):
    # No practice answers every word of a long question, and a word the catalogue never uses
    # ("Europe") must not turn the partial answer into none.
    short = index.search("refugees employment housing education")
    longer = index.search("refugees employment housing education europe")
    question = index.search(
        "how do intercultural cities support refugees and migrants with employment, "
        "housing and education in Europe?"
    )
    for result in (longer, question):
        assert result.practices and result.partial
    assert {p.id for p in short.practices} & {p.id for p in longer.practices}
    # Still, a query whose known words are too few for a partial answer finds nothing.
    assert index.search("refugees xylophone kangaroo").practices == []
