"""The bundled alias tables: other-language names of cities, countries and topics."""

import json
from importlib import resources

import pytest

from bot.aliases import Aliases, load_aliases
from bot.template import TOPICS
from bot.text import fold

PRACTICES = json.loads(
    resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
)
TOPIC_WORDS = json.loads(
    resources.files("bot.data").joinpath("topic_words.json").read_text(encoding="utf-8")
)


@pytest.fixture(scope="module")
def aliases() -> Aliases:
    return load_aliases()


# (what a reader types, canonical city, its country)
CITY_CASES = [
    ("Torino", "Turin", "Italy"),
    ("Turin", "Turin", "Italy"),
    ("Lisboa", "Lisbon", "Portugal"),
    ("Lisbonne", "Lisbon", "Portugal"),
    ("Lisbon", "Lisbon", "Portugal"),
    ("Genf", "Geneva", "Switzerland"),
    ("Genève", "Geneva", "Switzerland"),
    ("Geneva", "Geneva", "Switzerland"),
    ("Barcelone", "Barcelona", "Spain"),
    ("Barcelona", "Barcelona", "Spain"),
    ("Hambourg", "Hamburg", "Germany"),
    ("Hamburg", "Hamburg", "Germany"),
    ("Zürich", "Zürich", "Switzerland"),
    ("Zurich", "Zürich", "Switzerland"),
    ("Neukölln", "Berlin-Neukölln", "Germany"),
    ("Berlin-Neukölln", "Berlin-Neukölln", "Germany"),
    ("Berlin", "Berlin", "Germany"),
    ("Ravenne", "Ravenna", "Italy"),
    ("Donostia-San Sebastian", "Donostia-San Sebastian", "Spain"),
    ("Donostia-Saint Sébastien", "Donostia-San Sebastian", "Spain"),
    ("San Sebastián", "Donostia-San Sebastian", "Spain"),
    ("Київ", "Kyiv", "Ukraine"),
    ("Kiev", "Kyiv", "Ukraine"),
    ("Odessa", "Odesa", "Ukraine"),
    ("Oslo", "Oslo", "Norway"),
    ("Bergen", "Bergen", "Norway"),
    ("Montreal", "Montréal", "Canada"),
    ("Montréal", "Montréal", "Canada"),
    ("Hamamatsu", "Hamamatsu", "Japan"),
    ("浜松", "Hamamatsu", "Japan"),
    ("Ballarat", "Ballarat", "Australia"),
    ("Rotterdam", "Rotterdam", "Netherlands"),
    ("Limassol", "Limassol", "Cyprus"),
    ("Λεμεσός", "Limassol", "Cyprus"),
    ("Bilbao", "Bilbao", "Spain"),
    ("Bilbo", "Bilbao", "Spain"),
    ("Kraków", "Krakow", "Poland"),
    ("Breslau", "Wroclaw", "Poland"),
    ("Patras", "Patras", "Greece"),
    ("Πάτρα", "Patras", "Greece"),
    ("Reggio nell'Emilia", "Reggio Emilia", "Italy"),
    ("안산", "Ansan", "Republic of Korea"),
    ("Salt", "Salt", "Spain"),
    ("Botkyrka", "Botkyrka", "Sweden"),
    ("Feira", "Santa Maria da Feira", "Portugal"),
    ("Bienne", "Biel/Bienne", "Switzerland"),  # an own name beats Vienna's alternate name
    ("Zaragoza", "Zaragoza", "Spain"),  # not Tijuana, which GeoNames also calls Zaragoza
]

# (what a reader types, canonical country)
COUNTRY_CASES = [
    ("Espagne", "Spain"),
    ("Spain", "Spain"),
    ("Allemagne", "Germany"),
    ("Germany", "Germany"),
    ("Deutschland", "Germany"),
    ("Royaume-Uni", "United Kingdom"),
    ("United Kingdom", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("England", "United Kingdom"),
    ("Scotland", "United Kingdom"),
    ("South Korea", "Republic of Korea"),
    ("Korea", "Republic of Korea"),
    ("Corée du Sud", "Republic of Korea"),
    ("Turkey", "Türkiye"),
    ("Türkiye", "Türkiye"),
    ("Czechia", "Czech Republic"),
    ("Holland", "Netherlands"),
    ("Pays-Bas", "Netherlands"),
    ("Moldova", "Republic of Moldova"),
    ("Russia", "Russian Federation"),
    ("North Macedonia", "North Macedonia"),
    ("Bosnia", "Bosnia and Herzegovina"),
    ("Schweiz", "Switzerland"),
    ("Suisse", "Switzerland"),
    ("Україна", "Ukraine"),
    ("Ελλάδα", "Greece"),
    ("Nouvelle-Zélande", "New Zealand"),
    ("USA", "United States"),
    ("日本", "Japan"),
]

# (what a reader types, topic)
TOPIC_CASES = [
    ("réfugiés", "Refugees"),
    ("refugees", "Refugees"),
    ("refugee", "Refugees"),
    ("asylum seekers", "Refugees"),
    ("Flüchtlinge", "Refugees"),
    ("refugiados", "Refugees"),
    ("rifugiati", "Refugees"),
    ("rumeurs", "Anti-rumour methodologies"),
    ("rumours", "Anti-rumour methodologies"),
    ("rumor", "Anti-rumour methodologies"),
    ("emploi", "Business and employment"),
    ("jobs", "Business and employment"),
    ("job", "Business and employment"),
    ("labour", "Business and employment"),
    ("empleo", "Business and employment"),
    ("lavoro", "Business and employment"),
    ("logement", "Housing and urban planning"),
    ("santé", "Health, social care and family support"),
    ("éducation", "Education"),
    ("école", "Education"),
    ("schools", "Education"),
    ("teachers", "Education"),
    ("Roma", "Roma"),
    ("multilingualism", "Multilingualism"),
    ("gender equality", "Gender equality and intersectionality"),
    ("Anti-rumour methodologies", "Anti-rumour methodologies"),
    ("Culture, leisure and heritage", "Culture, leisure and heritage"),
]

NONSENSE = "Xqzvwrplk"


def test_every_catalogue_city_resolves_to_its_country(aliases):
    for practice in PRACTICES:
        for city in practice["cities"]:
            canonical = aliases.city(city)
            assert canonical is not None, city
            assert practice["country"] in aliases.city_countries[canonical], city


def test_every_catalogue_country_resolves_to_itself(aliases):
    for practice in PRACTICES:
        assert aliases.country(practice["country"]) == practice["country"]


@pytest.mark.parametrize(("name", "canonical", "country"), CITY_CASES)
def test_city(aliases, name, canonical, country):
    assert aliases.city(name) == canonical
    assert aliases.city_countries[canonical] == [country]


@pytest.mark.parametrize(("name", "canonical"), COUNTRY_CASES)
def test_country(aliases, name, canonical):
    assert aliases.country(name) == canonical


@pytest.mark.parametrize(("word", "topic"), TOPIC_CASES)
def test_topic(aliases, word, topic):
    assert aliases.topics.get(fold(word)) == topic


def test_nonsense_resolves_to_nothing(aliases):
    assert aliases.city(NONSENSE) is None
    assert aliases.country(NONSENSE) is None
    assert fold(NONSENSE) not in aliases.topics
    assert aliases.canonical_city(NONSENSE) == NONSENSE


@pytest.mark.parametrize("word", ["equality", "public", "social", "political", "community"])
def test_word_shared_by_topic_names_maps_to_no_topic(aliases, word):
    assert word not in aliases.topics


def test_every_topic_resolves_by_its_name(aliases):
    for topic in TOPICS:
        assert aliases.topics[fold(topic)] == topic


def test_topic_words_cover_the_topics_without_overlap():
    assert set(TOPIC_WORDS) == set(TOPICS)
    owner: dict[str, str] = {}
    for topic, words in TOPIC_WORDS.items():
        assert words, topic
        for word in words:
            key = fold(word)
            assert key, (topic, word)
            assert owner.setdefault(key, topic) == topic, f"{word!r}: {owner[key]} and {topic}"


def test_city_countries_are_canonical(aliases):
    canonical_countries = set(aliases.countries.values())
    assert set(aliases.cities.values()) == set(aliases.city_countries)
    for city, countries in aliases.city_countries.items():
        assert countries and set(countries) <= canonical_countries, city


def test_places_table_stays_small():
    size = len(resources.files("bot.data").joinpath("places.json").read_bytes())
    assert size < 2_600_000
