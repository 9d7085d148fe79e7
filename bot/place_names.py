"""How places are named to a reader: one function per kind, used by every screen. Pure.

A practice, a subscription or a query may spell a place any way ("Ravenne", "Genève",
"Slovak Republic", "Seville"). Every screen shows it through `city` or `country`, which find
the place's canonical name in the bundled tables (`bot/data/places.json`, see
`scripts/build_aliases.py`) and give that place's name in the reader's language:

* countries: CLDR's territory name (Babel) in that language, the everyday short form CLDR
  uses ("Czechia", "Slovakia", "Tschechien", "Slovaquie"), English included;
* cities: the name the table's `city_names` gives for that language (CLDR's exemplar cities,
  plus a hand-kept list in the build script: "Genève" / "Genf" / "Geneva"), else the
  canonical name.

The other spellings stay search aliases (`bot.aliases.Aliases`), so they still find the place.
"""

from collections.abc import Sequence
from functools import cache

from babel import Locale

from bot.aliases import bundled_aliases
from bot.i18n import Translator

Language = Translator | str


def _code(language: Language) -> str:
    return language if isinstance(language, str) else language.language


@cache
def _territories(language: str) -> dict[str, str]:
    """Return ISO 3166-1 alpha-2 code → territory name in a language (CLDR, via Babel)."""
    return dict(Locale.parse(language).territories)


@cache
def _country_codes() -> dict[str, str]:
    """Return canonical country name → ISO 3166-1 alpha-2 code (upper case)."""
    known = _territories("en")  # ISO codes only, not abbreviations such as "uk"
    found: dict[str, str] = {}
    for code, name in bundled_aliases().country_codes.items():
        if len(code) == 2 and code.upper() in known:
            found.setdefault(name, code.upper())
    return found


def canonical_city(name: str) -> str:
    """Return a city's canonical name ("Ravenne" → "Ravenna"), or the name as written."""
    return bundled_aliases().canonical_city(name.strip())


def canonical_country(name: str) -> str:
    """Return a country's canonical name ("Czechia" → the table's name), or the name."""
    return bundled_aliases().canonical_country(name.strip())


def city(name: str, language: Language) -> str:
    """Return a city's name for a reader: "Genève" (fr), "Genf" (de), "Geneva" (en).

    Args:
        name: any spelling the tables know ("Genève", "Ginevra", "Geneva"), or an unknown name.
        language: the reader's `Translator` or language code.

    Returns:
        The name in that language where the data has one, else the canonical name; an
        unknown name comes back as written (stripped).
    """
    canonical = canonical_city(name)
    return bundled_aliases().city_names.get(canonical, {}).get(_code(language), canonical)


def country(name: str, language: Language) -> str:
    """Return a country's name for a reader: "Slovakia", "Slovaquie", "Slowakei".

    Args:
        name: any spelling or translation the tables know, or an unknown name.
        language: the reader's `Translator` or language code.

    Returns:
        CLDR's name of the country in that language (English too), else the canonical name;
        an unknown name comes back as written (stripped).
    """
    if not name.strip():
        return ""
    canonical = canonical_country(name)
    codes = _country_codes()
    code = codes.get(canonical) or codes.get(bundled_aliases().country_or_code(name) or "")
    if code is None:
        return canonical
    return _territories(_code(language)).get(code, canonical)


def any_place(name: str, language: Language) -> str:
    """Return a city's or country's name for a reader when the kind is not known.

    For labels stored without their kind (an alert's "You follow: …" line): a name the tables
    know as a country is shown as `country`, else as `city` (a name they don't know: as written).
    """
    if bundled_aliases().country(name):
        return country(name, language)
    return city(name, language)


def place(cities: Sequence[str], country_name: str, language: Language) -> str:
    """Return "City, City, Country" with each name as `city` and `country` give it."""
    names = list(dict.fromkeys(city(name, language) for name in cities if name.strip()))
    if country_name.strip():
        names.append(country(country_name, language))
    return ", ".join(names)
