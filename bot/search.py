"""Rank practices against a parsed query (`bot/query.py`): pure, no I/O.

Every word is matched against the words of each practice field, exactly, by prefix or by a small
edit distance, and the field's weight says how much the match counts: title and keywords above
place and topics above the longer texts. A practice is kept only when most query words match
it, which drops the noise that a fuzzy score alone lets through.
"""

import bisect
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.aliases import Aliases
from bot.models import Practice, period_years
from bot.query import STOP_WORDS, Query, parse_query
from bot.text import fold

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


@dataclass(slots=True)
class SearchResult:
    """Ranked practices for a query, best first."""

    query: Query
    practices: list[Practice] = field(default_factory=list)


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

    def add(self, practices: Iterable[Practice]) -> None:
        """Make newly published practices searchable."""
        for practice in practices:
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
