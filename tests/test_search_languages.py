"""Asking as people ask, on the bundled catalogue: the network's six languages, questions,
partial matches, junk, places that are also words, real places without practices, and
greetings. Table tests through the pure search API (`SearchIndex.search`)."""

import json
from importlib import resources

import pytest

from bot.aliases import load_aliases
from bot.cards import summary
from bot.models import Practice
from bot.query import small_talk
from bot.search import SearchIndex
from bot.template import TOPICS

YEAR = 2025
REFUGEE_JOBS = {
    "siemens-program-for-integrating-refugees",
    "career-counselling-for-sprar-beneficiaries",
}
ANTI_RUMOUR = {
    "anti-rumour-agents-and-cultural-activities-to-increase-acceptance-of-newcomers-in-amadora",
    "anti-rumour-web-app",
    "botkyrka-anti-rumour-cafes-stop-the-rumour",
}
RACISM = {
    "an-anti-racism-cockpit",
    "semaine-neuchateloise-d-actions-contre-le-racisme",
    "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
}
HATE_SPEECH = {
    "geneve-s-attaque-aux-mots-qui-blessent",
    "lublin-krakow-and-wroclaw-together-against-hate-speech",
}
LIBRARIES = {
    "the-public-library-a-place-for-social-dialogue",
    "the-role-of-libraries-as-drivers-of-integration-and-intercultural-interaction",
    "bradford-s-people-library",
}
INTERFAITH = {"table-on-interreligious-dialogue", "the-council-of-churches-in-lutsk"}
MEDIATION = {
    "intercultural-mediation-to-promote-living-together",
    "mediation-is-a-priority-in-barcelona",
}
YOUTH = {
    "il-centro-per-i-giovani-an-intercultural-educational-project",
    "iorispetto-active-citizenship-against-discrimination",
    "dna-cascais-a-creative-approach-to-promote-entrepreneurship",
}


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    practices = [Practice.from_dict(item) for item in json.loads(raw)]
    return SearchIndex(practices, load_aliases(), TOPICS, YEAR)


def ids(index: SearchIndex, text: str) -> list[str]:
    return [p.id for p in index.search(text).practices]


def by_id(index: SearchIndex, pid: str) -> Practice:
    return next(p for p in index.practices if p.id == pid)


# --- the same need in each language finds the same practices --------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("refugee employment", REFUGEE_JOBS),
        ("réfugiés emploi", REFUGEE_JOBS),
        ("Flüchtlinge Arbeitsmarkt", REFUGEE_JOBS),
        ("rifugiati lavoro", REFUGEE_JOBS),
        ("refugiados empleo", REFUGEE_JOBS),
        ("refugiados emprego", REFUGEE_JOBS),
        ("racism", RACISM),
        ("racisme", RACISM),
        ("Rassismus", RACISM),
        ("razzismo", RACISM),
        ("racismo", RACISM),
        ("hate speech", HATE_SPEECH),
        ("discours de haine", HATE_SPEECH),
        ("Hassrede", HATE_SPEECH),
        ("discorso d'odio", HATE_SPEECH),
        ("discurso de odio", HATE_SPEECH),
        ("discurso de ódio", HATE_SPEECH),
        ("libraries", LIBRARIES),
        ("bibliothèques", LIBRARIES),
        ("Bibliotheken", LIBRARIES),
        ("biblioteche", LIBRARIES),
        ("bibliotecas", LIBRARIES),
        ("interfaith dialogue", INTERFAITH),
        ("dialogue interreligieux", INTERFAITH),
        ("interreligiöser Dialog", INTERFAITH),
        ("dialogo interreligioso", INTERFAITH),
        ("diálogo interreligioso", INTERFAITH),
        ("mediação intercultural", MEDIATION),
        ("mediazione interculturale", MEDIATION),
        ("young people", YOUTH),
        ("jeunes", YOUTH),
        ("Jugendliche", YOUTH),
        ("giovani", YOUTH),
        ("jóvenes", YOUTH),
        ("jovens", YOUTH),
    ],
)
def test_a_need_in_any_language_finds_its_practices(index, query, expected):
    found = ids(index, query)
    assert set(found[: len(expected)]) == expected, found


@pytest.mark.parametrize(
    "query",
    ["réfugiées", "Flüchtlingen", "Geflüchtete", "rifugiati", "refugiada", "refugee"],
)
def test_word_forms_do_not_matter(index, query):
    assert set(ids(index, query)) >= REFUGEE_JOBS


# --- questions and sentences ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("how do cities fight rumours about migrants?", ANTI_RUMOUR),
        ("comment lutter contre les rumeurs sur les migrants ?", ANTI_RUMOUR),
        ("wie können wir Flüchtlinge in den Arbeitsmarkt integrieren?", REFUGEE_JOBS),
        ("quali progetti contro il discorso d'odio?", HATE_SPEECH),
        (
            "¿qué hacen las ciudades contra la islamofobia?",
            {"a-pioneer-plan-to-combat-islamophobia"},
        ),
        ("quais cidades têm bibliotecas interculturais?", LIBRARIES),
        ("examples of libraries welcoming newcomers", LIBRARIES),
        ("ideas for an intercultural festival in my neighbourhood", None),
        ("idées pour une fête de quartier interculturelle", None),
        ("gibt es Beispiele für interreligiösen Dialog?", INTERFAITH),
        ("¿cómo apoyan las ciudades a los refugiados ucranianos?", {"a-smile-of-a-child"}),
    ],
)
def test_questions_find_what_their_meaningful_words_ask(index, query, first):
    found = ids(index, query)
    assert found, query
    if first is None:  # any festival
        assert any("festival" in k for k in by_id(index, found[0]).keywords)
    else:
        assert found[0] in first, found


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("show me examples of anti rumour projects", "anti rumour"),
        ("je cherche des exemples de médiation", "médiation"),
        ("ich suche Projekte zur Mediation", "Mediation"),
        ("cerco esempi di mediazione", "mediazione"),
        ("busco ejemplos de mediación", "mediación"),
        ("procuro exemplos de mediação", "mediação"),
    ],
)
def test_filler_of_each_language_does_not_stop_a_match(index, query, same_as):
    assert ids(index, query) == ids(index, same_as) != []


# --- partial matches, ranked by meaning, and junk -------------------------------------------


def test_partial_matches_come_back_flagged_and_rare_words_count_most(index):
    result = index.search("roma housing")
    assert result.partial
    # "housing" names one practice and "roma" three: the rarer word ranks its practice first.
    assert result.practices[0].id == "zambujal-gets-better-project"
    assert {p.id for p in result.practices[1:4]} == {
        "empowering-roma-students",
        "roma-inclusion-policies-in-reggio-emilia-italy",
        "roma-strategy-for-the-bradford-district-2021-2025",
    }


def test_a_word_the_catalogue_never_uses_does_not_hide_the_others(index):
    # As in a question naming a thing no practice has ("surf"): the known words still
    # answer, flagged as a partial match. (A question's verb, "accolgono", is a soft word:
    # test_search_questions.py.)
    for query in ("refugees pizza", "corsi di surf per i richiedenti asilo?"):
        result = index.search(query)
        assert result.partial, query
        assert all("Refugees" in p.topics for p in result.practices[:3]), query
    assert ids(index, "refugees xylophone kangaroo") == []


def test_full_matches_are_not_flagged(index):
    result = index.search("roma education")
    assert not result.partial
    assert ids(index, "roma education") == ["empowering-roma-students"]


@pytest.mark.parametrize(
    "query",
    [
        "pizza recipe",
        "weather tomorrow",
        "qwxzv",
        "recette de crêpes",
        "météo demain",
        "Wetter morgen",
        "Rezept für Apfelkuchen",
        "ricetta della pizza",
        "previsioni meteo domani",
        "receta de paella",
        "el tiempo mañana",
        "receita de bacalhau",
        "previsão do tempo amanhã",
        "bitcoin price",
        "how to cook pasta",
        "Fußball Ergebnisse von gestern Abend",
    ],
)
def test_junk_in_any_language_finds_nothing(index, query):
    result = index.search(query)
    assert result.practices == []
    assert not result.missing


# --- stems never merge different words ------------------------------------------------------


def test_police_is_not_policy(index):
    found = ids(index, "police")
    assert found[0] == "safer-alta-de-lisboa"
    policy_only = {p.id for p in index.practices if "polic" not in p.title.lower()} - set(found)
    assert (
        "evaluation-of-the-city-of-geneva-s-diversity-policy-for-the-period-2016-2020" not in found
    )
    assert policy_only


def test_rome_is_not_roma(index):
    result = index.search("rome")
    assert result.missing == ("city", "Rome")
    assert all(p.country == "Italy" for p in result.practices)
    assert "empowering-roma-students" not in ids(index, "rome")


# --- places that are words, and places without practices ------------------------------------


@pytest.mark.parametrize("query", ["Roma housing", "roma employment", "Roma"])
def test_roma_is_read_as_the_topic_not_as_rome(index, query):
    result = index.search(query)
    assert result.missing is None
    assert not result.query.cities
    assert any("Roma" in p.topics for p in result.practices)


def test_a_word_the_catalogue_uses_is_not_read_as_a_place(index):
    # Mobile (Alabama) is a city; "mobile" is also a word of the catalogue ("mobile app").
    result = index.search("mobile app")
    assert result.missing is None
    assert result.practices[0].id == "the-welcome-app"


@pytest.mark.parametrize(
    ("query", "place", "country"),
    [
        ("Stuttgart", "Stuttgart", "Germany"),
        ("stuttgart", "Stuttgart", "Germany"),
        ("Bath", "Bath", "United Kingdom"),
        ("Nice", "Nice", "France"),
        ("München", "Munich", "Germany"),
        ("Lyon", "Lyon", "France"),
    ],
)
def test_real_city_without_practices_offers_its_countrys(index, query, place, country):
    result = index.search(query)
    assert result.missing == ("city", place)
    assert result.instead == country
    assert result.practices
    assert all(p.country == country for p in result.practices)


def test_words_with_a_city_without_practices_search_its_country(index):
    result = index.search("refugees stuttgart")
    assert result.missing == ("city", "Stuttgart")
    assert result.instead == "Germany"
    assert all("Refugees" in p.topics and p.country == "Germany" for p in result.practices)


@pytest.mark.parametrize(("query", "place"), [("Rotterdam", "Rotterdam"), ("Split", "Split")])
def test_city_of_a_country_without_practices_finds_nothing_but_says_so(index, query, place):
    result = index.search(query)
    assert result.practices == []
    assert result.missing == ("city", place)


def test_small_towns_spelt_like_words_are_not_places(index):
    # Wetter is a German town of 27,000 people, and German for weather.
    assert index.search("Wetter").missing is None


# --- filters ---------------------------------------------------------------------------------


def test_filter_with_words_that_match_nothing_there_offers_the_filter_alone(index):
    result = index.search("city:oslo education")
    assert result.filter_only
    assert set(ids(index, "city:oslo education")) == {
        "musee-interculturel",
        "reaching-a-point-from-which-to-take-action-in-oslo",
    }


def test_filter_with_junk_words_finds_nothing(index):
    result = index.search("city:oslo pizza")
    assert result.practices == []


def test_year_lists_practices_of_that_year_before_long_running_ones(index):
    found = [by_id(index, pid) for pid in ids(index, "year:2019")]
    assert found[0].period == "2019"
    spans = [index._entries[index.practices.index(p)].years for p in found]
    lengths = [end - start for start, end in spans]
    assert lengths == sorted(lengths)


def test_advertised_filter_examples_find_practices(index):
    for query in (
        "topic:roma country:italy",
        "city:oslo",
        "year:2019",
        'country:"united kingdom"',
    ):
        assert ids(index, query), query


# --- not a search ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("help", "help"),
        ("Help me", "help"),
        ("aide", "help"),
        ("Hilfe", "help"),
        ("aiuto", "help"),
        ("ayuda", "help"),
        ("ajuda", "help"),
        ("hi", "greeting"),
        ("Hello!", "greeting"),
        ("bonjour", "greeting"),
        ("hallo", "greeting"),
        ("Guten Tag", "greeting"),
        ("ciao", "greeting"),
        ("buongiorno", "greeting"),
        ("hola", "greeting"),
        ("olá", "greeting"),
        ("bom dia", "greeting"),
        ("thanks", "thanks"),
        ("thank you!", "thanks"),
        ("merci beaucoup", "thanks"),
        ("danke", "thanks"),
        ("grazie", "thanks"),
        ("gracias", "thanks"),
        ("obrigado", "thanks"),
        ("obrigada", "thanks"),
    ],
)
def test_greetings_thanks_and_help_words_are_not_searches(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "text",
    ["help refugees", "hello, refugee housing please", "merci pour les bibliothèques", "roma"],
)
def test_a_message_with_meaningful_words_is_a_search(index, text):
    assert small_talk(text) is None
    assert ids(index, text)


# --- result rows say what a practice is -----------------------------------------------------


def test_summary_is_the_subtitle_or_the_start_of_the_purpose_cut_at_a_word():
    long_purpose = (
        "A social enterprise that treats refugees not as victims but as bringers of " * 3
    )
    with_subtitle = Practice(
        id="a", title="A", cities=[], country="X", subtitle="A community-policing service"
    )
    with_purpose = Practice(id="b", title="B", cities=[], country="X", purpose=long_purpose)
    with_keywords = Practice(
        id="c", title="C", cities=[], country="X", keywords=["hate speech", "awareness"]
    )
    assert summary(with_subtitle) == "A community-policing service"
    line = summary(with_purpose)
    assert line.endswith("…") and len(line) <= 90
    assert long_purpose.startswith(line[:-1])
    assert line[:-1].split()[-1] in long_purpose.split()
    assert summary(with_keywords) == "hate speech · awareness"
    assert summary(Practice(id="d", title="D", cities=[], country="X")) == ""


# --- German-style compounds -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "concepts"),
    [
        ("Integrationskurse", [{"integration"}, {"learning"}]),
        ("Antidiskriminierungsstrategie", [{"anti-discrimination"}, {"strategy"}]),
        ("Frauengesundheit", [{"women"}, {"health"}]),
        ("Wohnungssuche", [{"housing"}]),
    ],
)
def test_compounds_are_read_as_their_concept_words(index, word, concepts):
    query = index.parse(word)
    assert [set(ids) for ids in query.concepts] == concepts


def test_a_compound_finds_what_its_parts_find(index):
    found = ids(index, "Antidiskriminierungsstrategie")
    assert found[0] == "creating-the-conditions-for-an-equality-data-strategy-in-ireland"
    assert ids(index, "Frauengesundheit")[0] == "femmes-sante-et-violence"
