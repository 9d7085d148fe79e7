"""Parse a query and rank practices against it: pure, no I/O.

A query is free words plus filters (`topic:`, `city:`, `country:`, `year:`). Place names and
years typed as plain words become filters too. Every word is matched against the words of each
practice field, exactly, by prefix or by a small edit distance, and the field's weight says how
much the match counts: title and keywords above place and topics above the longer texts. A
practice is kept only when most query words match it, which drops the noise that a fuzzy score
alone lets through.
"""

import bisect
import functools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.aliases import Aliases
from bot.models import Practice, period_years
from bot.text import fold

MAX_QUERY_LENGTH = 200
MAX_SCORED_WORDS = 8
FIELD_WEIGHTS = {
    "title": 1.0,
    "keywords": 1.0,
    "subtitle": 0.8,
    "place": 0.8,
    "topics": 0.7,
    "text": 0.5,
}
EXACT, PREFIX = 1.0, 0.9
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


@dataclass(slots=True)
class SearchResult:
    """Ranked practices for a query, best first."""

    query: Query
    practices: list[Practice] = field(default_factory=list)


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
        found = [aliases.country(value)] if aliases.country(value) else []
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


@dataclass(slots=True)
class _Entry:
    practice: Practice
    cities: frozenset[str]
    city_words: tuple[tuple[str, ...], ...]
    years: tuple[int, int] | None
    country: str


class SearchIndex:
    """Practices prepared for fast ranked search."""

    def __init__(
        self,
        practices: Iterable[Practice],
        aliases: Aliases,
        topics: Sequence[str],
        current_year: int,
    ) -> None:
        self.aliases = aliases
        self.topics = tuple(topics)
        self._entries: list[_Entry] = []
        # word → {entry index: weight of the best field it occurs in}
        self._postings: dict[str, dict[int, float]] = {}
        self._current_year = current_year
        for practice in practices:
            self._add(practice)
        self._vocabulary = sorted(self._postings)
        self.places = self._place_names()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def practices(self) -> list[Practice]:
        """Return the indexed practices in catalogue order."""
        return [entry.practice for entry in self._entries]

    def add(self, practice: Practice) -> None:
        """Make one more practice searchable (a newly published one)."""
        self._add(practice)
        self._vocabulary = sorted(self._postings)
        self.places = self._place_names()

    def _add(self, practice: Practice) -> None:
        index = len(self._entries)
        cities = [self.aliases.canonical_city(city) for city in practice.cities]
        self._entries.append(
            _Entry(
                practice=practice,
                cities=frozenset(cities),
                city_words=tuple(tuple(fold(c).split()) for c in [*cities, *practice.cities]),
                years=period_years(practice.period, self._current_year),
                country=self.aliases.canonical_country(practice.country),
            )
        )
        place = " ".join([*practice.cities, *cities, practice.country])
        texts = (practice.purpose, practice.rationale, practice.process, practice.impact)
        for name, text in (
            ("text", " ".join(t for t in texts if t)),
            ("topics", " ".join(practice.topics)),
            ("place", place),
            ("subtitle", practice.subtitle or ""),
            ("keywords", " ".join(practice.keywords)),
            ("title", practice.title),
        ):
            weight = FIELD_WEIGHTS[name]
            for word in set(fold(text).split()) - STOP_WORDS:
                postings = self._postings.setdefault(word, {})
                if postings.get(index, 0.0) < weight:
                    postings[index] = weight

    def _place_names(self) -> set[str]:
        names: set[str] = set()
        for entry in self._entries:
            names.update(entry.cities)
            names.add(self.aliases.canonical_country(entry.practice.country))
        return names

    def search(self, text: str) -> SearchResult:
        """Parse a query and return the practices that match it, best first."""
        query = parse_query(text, self.aliases, self.topics, self.places)
        return SearchResult(query, self.run(query))

    def run(self, query: Query) -> list[Practice]:
        """Return the practices that match a parsed query, best first."""
        if query.is_empty or query.unknown:
            return []
        candidates = [i for i, entry in enumerate(self._entries) if self._passes(i, entry, query)]
        if not query.words:
            return [self._entries[i].practice for i in candidates]
        scores = self._score(query.words, set(candidates))
        ranked = sorted(scores, key=lambda i: (-scores[i], i))
        return [self._entries[i].practice for i in ranked]

    def _passes(self, index: int, entry: _Entry, query: Query) -> bool:
        practice = entry.practice
        if query.topics and not query.topics.intersection(practice.topics):
            return False
        if query.year is not None and not self._in_year(index, entry, query):
            return False
        if query.cities or query.countries:
            in_city = any(self._in_city(entry, city) for city in query.cities)
            if not in_city and entry.country not in query.countries:
                return False
        return True

    def _in_year(self, index: int, entry: _Entry, query: Query) -> bool:
        """Return True when the practice ran in the query's year (or names it, if typed)."""
        if entry.years and entry.years[0] <= (query.year or 0) <= entry.years[1]:
            return True
        return query.year_in_text and index in self._postings.get(str(query.year), {})

    @staticmethod
    def _in_city(entry: _Entry, city: str) -> bool:
        """Return True when a practice city is this city or a district named after it."""
        wanted = _folded_words(city)
        return city in entry.cities or any(
            words[: len(wanted)] == wanted for words in entry.city_words
        )

    def _score(self, words: tuple[str, ...], candidates: set[int]) -> dict[int, float]:
        if len(words) > MAX_SCORED_WORDS:
            # A pasted paragraph is matched on its most distinctive words: the common ones
            # would cost a walk over most of the catalogue each and tell little apart.
            words = tuple(
                sorted(words, key=lambda w: len(self._postings.get(w, ())))[:MAX_SCORED_WORDS]
            )
        totals: dict[int, float] = {}
        hits: dict[int, int] = {}
        for word in words:
            for index, score in self._word_scores(word).items():
                if index in candidates:
                    totals[index] = totals.get(index, 0.0) + score
                    hits[index] = hits.get(index, 0) + 1
        needed = _words_needed(len(words))
        return {i: s / len(words) for i, s in totals.items() if hits[i] >= needed}

    def _word_scores(self, word: str) -> dict[int, float]:
        """Return, for each practice the word matches, the best weighted similarity."""
        best: dict[int, float] = {}
        for similarity, token in self._similar_words(word):
            for index, weight in self._postings[token].items():
                score = similarity * weight
                if score > best.get(index, 0.0):
                    best[index] = score
        topic = self.aliases.topics.get(word)
        if topic:
            for index, entry in enumerate(self._entries):
                if topic in entry.practice.topics:
                    best[index] = max(best.get(index, 0.0), FIELD_WEIGHTS["topics"])
        place = self._place_query(word)
        if place:
            # A place name kept as a word because it means something else first ("roma" is
            # the topic and Rome's Italian name) still matches that place, below other fields.
            for index, entry in enumerate(self._entries):
                if self._passes(index, entry, place):
                    best[index] = max(best.get(index, 0.0), FIELD_WEIGHTS["text"])
        return best

    def _place_query(self, word: str) -> Query | None:
        """Return a query for the known place a word names in another language, if any."""
        city, country = self.aliases.cities.get(word), self.aliases.countries.get(word)
        if country in self.places:
            return Query(countries=frozenset({country}))
        if city in self.places:
            return Query(cities=frozenset({city}))
        return None

    def _similar_words(self, word: str) -> list[tuple[float, str]]:
        """Return indexed words close to this one, with a similarity in (0, 1]."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = EXACT
        if len(word) >= 4:
            start = bisect.bisect_left(self._vocabulary, word)
            for token in self._vocabulary[start:]:
                if not token.startswith(word):
                    break
                found.setdefault(token, PREFIX)
        max_edits = _max_edits(len(word))
        if max_edits:
            for token, distance, _ in process.extract(
                word, self._vocabulary, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            ):
                similarity = 1.0 - distance / (max(len(word), len(token)) + 1)
                if similarity > found.get(token, 0.0):
                    found[token] = similarity
        return [(similarity, token) for token, similarity in found.items()]


@functools.lru_cache(maxsize=1024)
def _folded_words(name: str) -> tuple[str, ...]:
    """Return the folded words of a place name (cached: filters test it against every entry)."""
    return tuple(fold(name).split())


def _max_edits(length: int) -> int:
    """Return how many typing errors a word of this length may hold and still match."""
    if length < 5:
        return 0
    return 1 if length < 8 else 2


def _words_needed(count: int) -> int:
    """Return how many of a query's words a practice must match to be kept."""
    return count if count <= 2 else math.ceil(count * 0.6)
