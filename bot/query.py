"""Parse what a user types into free words and filters: pure, no I/O.

Filters are `topic:`, `city:`, `country:` and `year:` (and their French names); place names and
years typed as plain words become filters too, so "refugees lisboa 2019" asks for practices in
Lisbon covering 2019 that match "refugees".
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.aliases import Aliases
from bot.text import fold

MAX_QUERY_LENGTH = 200
# Words that carry no meaning of their own in English, French, Spanish, Italian, German and
# Portuguese queries, plus the programme's own generic words ("good practice").
STOP_WORDS = frozenset(
    fold(
        """
    a an and are as at be by for from has have how in into is it its of on or our the their
    this that to was were what when where which who with about all any can do does i me my
    we you your us show find search looking look want need some more other than
    practice practices example examples good best
    au aux avec ce ces dans de des du en et il la le les leur lui mais ou par pour qui que
    sur un une d l s
    el los las del y con por para una unos al lo se su sus
    il gli di da dei della delle per con un una e
    der die das den dem des und mit von zu im ein eine einer für
    o os as do da dos das em um uma com para
    """
    ).split()
)
FILTER_NAMES = {
    "topic": "topic",
    "theme": "topic",
    "thème": "topic",
    "city": "city",
    "ville": "city",
    "country": "country",
    "pays": "country",
    "year": "year",
    "annee": "year",
    "année": "year",
}
_FILTER = re.compile(r'(?i)\b(\w+):\s*("([^"]*)"|“([^”]*)”|(\S+))')
_YEAR = re.compile(r"^(19\d{2}|20\d{2})$")
_MAX_PLACE_WORDS = 4


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query.

    Attributes:
        words: folded free words that must match the practices' text.
        topics: topic names a practice must have one of (from `topic:` or none).
        cities: canonical city names a practice must be in one of.
        countries: canonical country names a practice must be in one of.
        year: a year the practice's period must cover.
        unknown: (filter, value) pairs that name nothing known.
        too_long: the text was cut to MAX_QUERY_LENGTH characters.
        year_in_text: the year was typed as a plain word, so a practice whose text names it
            passes too (a pasted title like "... policy 2016-2020"); `year:` is strict.
    """

    words: tuple[str, ...] = ()
    topics: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    year: int | None = None
    unknown: tuple[tuple[str, str], ...] = ()
    too_long: bool = False
    year_in_text: bool = False

    @property
    def is_empty(self) -> bool:
        """Return True when the query asks for nothing at all."""
        return not (self.words or self.has_filters or self.unknown)

    @property
    def has_filters(self) -> bool:
        """Return True when the query restricts topic, place or year."""
        return bool(self.topics or self.cities or self.countries or self.year)


def match_topics(value: str, topics: Sequence[str], aliases: Aliases) -> list[str]:
    """Return the topics a `topic:` value names.

    Each word of the value must start a word of the topic ("roma", "anti rum", "educ"); a topic
    word in another language ("réfugiés") names its topic too.
    """
    value_words = fold(value).split()
    if not value_words:
        return []
    alias = aliases.topics.get(" ".join(value_words))
    found = [
        topic
        for topic in topics
        if all(any(w.startswith(v) for w in fold(topic).split()) for v in value_words)
    ]
    if alias and alias not in found:
        found.append(alias)
    return found


class _Filters:
    """Filters collected while a query is parsed."""

    def __init__(self) -> None:
        self.topics: set[str] = set()
        self.cities: set[str] = set()
        self.countries: set[str] = set()
        self.year: int | None = None
        self.unknown: list[tuple[str, str]] = []


def parse_query(
    text: str, aliases: Aliases, topics: Sequence[str], known_places: set[str] | None = None
) -> Query:
    """Parse a query typed by a user.

    Args:
        text: the query as typed.
        aliases: other-language names of places and topics.
        topics: the programme's topics.
        known_places: canonical city and country names that have practices; a plain word that
            names one of them becomes a place filter (None: any known place does).

    Returns:
        The parsed query.
    """
    too_long = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    filters = _Filters()
    rest = _FILTER.sub(lambda m: _take_filter(m, filters, aliases, topics), text)
    words = _place_words(fold(rest).split(), filters, aliases, known_places)
    free: list[str] = []
    year_in_text = False
    for word in words:
        if _YEAR.match(word) and filters.year is None:
            filters.year, year_in_text = int(word), True
        elif word not in STOP_WORDS and word not in free and _is_meaningful(word):
            free.append(word)
    return Query(
        words=tuple(free),
        topics=frozenset(filters.topics),
        cities=frozenset(filters.cities),
        countries=frozenset(filters.countries),
        year=filters.year,
        unknown=tuple(filters.unknown),
        too_long=too_long,
        year_in_text=year_in_text,
    )


def _is_meaningful(word: str) -> bool:
    """Return False for a lone Latin letter or digit, such as the "b" of a pasted "<b>" tag.

    It could match only a one-letter word exactly, so it would only sink the other words under
    the "most words must match" rule.
    """
    return len(word) > 1 or not word.isascii()


def _take_filter(
    match: re.Match[str], filters: _Filters, aliases: Aliases, topics: Sequence[str]
) -> str:
    name = FILTER_NAMES.get(match.group(1).casefold())
    if name is None:
        return match.group(0)
    value = next(g for g in match.group(3, 4, 5) if g is not None).strip()
    if name == "topic":
        found = match_topics(value, topics, aliases)
        filters.topics.update(found)
    elif name == "city":
        # A city missing from the alias table can still be matched by its name as written.
        found = [aliases.city(value) or value] if fold(value) else []
        filters.cities.update(found)
    elif name == "country":
        country = aliases.country_or_code(value)  # "country:IT" as well as "country:italy"
        found = [country] if country else []
        filters.countries.update(found)
    else:
        year = value if _YEAR.match(value) else None
        found = [year] if year else []
        filters.year = int(year) if year else filters.year
    if not found:
        filters.unknown.append((name, value))
    return " "


def _place_words(
    words: list[str], filters: _Filters, aliases: Aliases, known: set[str] | None
) -> list[str]:
    """Turn runs of words that name a known place into place filters; return the rest."""
    rest: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_PLACE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if size == 1 and not _may_name_place(phrase, aliases):
                continue
            city, country = aliases.cities.get(phrase), aliases.countries.get(phrase)
            if country and (known is None or country in known):
                filters.countries.add(country)
            elif city and (known is None or city in known):
                filters.cities.add(city)
            else:
                continue
            i += size
            break
        else:
            rest.append(words[i])
            i += 1
    return rest


def _may_name_place(word: str, aliases: Aliases) -> bool:
    """Return False for a lone word that means something else first ("roma", "the", "of")."""
    if word in STOP_WORDS or word in aliases.topics:
        return False
    return len(word) >= 3 or word == "uk"
