"""Rank practices against a parsed query (`bot/query.py`): pure, no I/O.

Each meaningful unit of a query (a word, or a phrase naming a concept) is matched against the
terms of each practice field: the word itself, its stem in the field's language, the concepts
it names in any of the network's languages (`bot.vocabulary`), the topic it names, and, for a
word the catalogue does not hold, words one or two typing errors away. The field's weight says
how much a match counts (title and keywords above place and topics above the longer texts).

Ranking is BM25-style: a unit counts by its inverse document frequency, so a rare, specific
word ("islamophobia") weighs far more than a common one ("intercultural"). Practices that
match every unit come first. When none does, the practices covering the most of the query's
meaning (the share of its IDF weight) come back, flagged as partial; a query none of whose
words means anything in the catalogue ("pizza recipe") finds nothing.
"""

import bisect
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.aliases import Aliases
from bot.models import Practice, period_years
from bot.query import STOP_WORDS, Query, parse_query
from bot.text import fold
from bot.vocabulary import LANGUAGES, Vocabulary, load_vocabulary

MAX_SCORED_WORDS = 8
FIELD_WEIGHTS = {
    "title": 1.0,
    "keywords": 1.0,
    "subtitle": 0.8,
    "place": 0.8,
    "topics": 0.7,
    "text": 0.5,
}
# Similarity of each kind of match: the word as typed, its stem, a concept it names (in any
# language), the start of a longer word, a word it names the topic of.
EXACT, STEM, CONCEPT, PREFIX, TOPIC = 1.0, 0.95, 0.9, 0.85, 1.0
# A partial match must cover at least this share of the query's meaning (IDF weight).
MIN_COVERAGE = 0.3
# How many words of a practice's long texts are read for concepts.
TEXT_CONCEPT_WORDS = 60
# Among a phrase's matches, a practice holding the phrase's own words gains up to this much.
PHRASE_BONUS = 0.1


@dataclass(slots=True)
class SearchResult:
    """Ranked practices for a query, best first, and how they answer it.

    Attributes:
        query: the parsed query.
        practices: the results, best first.
        partial: no practice matches every word: these match part of the query, ranked by
            how much of its meaning they cover.
        filter_only: the words found nothing within the filters; these are what the filters
            alone find.
        missing: ("city" or "country", name) of a real place typed that has no practice yet.
        instead: the country whose practices are shown for that missing place, if any.
    """

    query: Query
    practices: list[Practice] = field(default_factory=list)
    partial: bool = False
    filter_only: bool = False
    missing: tuple[str, str] | None = None
    instead: str | None = None


class _Matches(dict[int, float]):
    """The practices one query unit matches → weighted similarity.

    Attributes:
        df: how many practices its words match (exactly, by stem, concept, prefix or typo),
            not counting its topic or place readings: its rarity, for IDF.
        weak: only prefixes or typos matched: it covers less of the query's meaning.
    """

    df: int = 0
    weak: bool = False


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
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.aliases = aliases
        self.topics = tuple(topics)
        self.vocabulary = vocabulary or load_vocabulary()
        self._entries: list[_Entry] = []
        self._titles: list[str] = []
        self._stem_term_cache: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        # folded city words (and each of their starts) and canonical countries → entries
        self._by_city: dict[tuple[str, ...], set[int]] = {}
        self._by_country: dict[str, set[int]] = {}
        self._place_words: set[str] = set()
        # term → {entry index: weight of the best field it occurs in}. Terms: "w:<word>",
        # "s:<language>:<stem>", "c:<concept id>", "t:<topic>".
        self._postings: dict[str, dict[int, float]] = {}
        # Words of the practices' texts other than their places: "mobile" of "mobile app".
        self._text_words: set[str] = set()
        self._current_year = current_year
        self._topic_concepts: dict[str, list[str]] = {}
        for concept in self.vocabulary.concepts.values():
            if concept.topic:
                self._topic_concepts.setdefault(concept.topic, []).append(concept.id)
        for practice in practices:
            self._add(practice)
        self._refresh()

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
        self._refresh()

    @functools.cached_property
    def _demonyms(self) -> dict[str, str]:
        stems: dict[str, str] = {}
        for alias, country in self.aliases.countries.items():
            if " " not in alias and len(alias) >= 5:
                stems.setdefault(alias[:-1], country)
        return stems

    def _refresh(self) -> None:
        self._vocabulary = sorted(key[2:] for key in self._postings if key.startswith("w:"))
        self.places = self._place_names()

    def _add(self, practice: Practice) -> None:
        index = len(self._entries)
        cities = [self.aliases.canonical_city(city) for city in practice.cities]
        self._titles.append(fold(practice.title))
        self._entries.append(
            _Entry(
                practice=practice,
                cities=frozenset(cities),
                city_words=tuple(tuple(fold(c).split()) for c in [*cities, *practice.cities]),
                years=period_years(practice.period, self._current_year),
                country=self.aliases.canonical_country(practice.country),
            )
        )
        for words in self._entries[-1].city_words:
            for size in range(1, len(words) + 1):
                self._by_city.setdefault(words[:size], set()).add(index)
        for city in cities:
            self._by_city.setdefault(_folded_words(city), set()).add(index)
        self._by_country.setdefault(self._entries[-1].country, set()).add(index)
        langs = ("en", practice.language) if practice.language in LANGUAGES else ("en",)
        place = " ".join([*practice.cities, *cities, practice.country])
        texts = (practice.purpose, practice.rationale, practice.process, practice.impact)
        for name, parts in (
            ("text", [t for t in texts if t]),
            ("topics", practice.topics),
            ("place", [place]),
            ("subtitle", [practice.subtitle or ""]),
            ("keywords", practice.keywords),
            ("title", [practice.title]),
        ):
            terms: set[str] = set()
            for part in parts:
                terms |= self._terms(fold(part).split(), langs, name)
            self._post(terms, index, FIELD_WEIGHTS[name])
        topic_terms = {f"t:{topic}" for topic in practice.topics}
        for topic in practice.topics:
            topic_terms.update(f"c:{c}" for c in self._topic_concepts.get(topic, ()))
        self._post(topic_terms, index, FIELD_WEIGHTS["topics"])

    def _terms(self, words: list[str], langs: tuple[str, ...], field_name: str) -> set[str]:
        """Return the terms a field's folded words are indexed under.

        Places are indexed by their words only. The long texts (purpose, process …) are
        indexed by their words, and by the concepts of their opening only, where a practice
        says what it is: stems and concepts over whole texts would cost most of the start-up
        and add little below the title, subtitle and keywords.
        """
        kept = [w for w in words if w not in STOP_WORDS]
        terms = {f"w:{w}" for w in kept}
        if field_name == "place":
            self._place_words.update(kept)
            return terms
        self._text_words.update(kept)
        if field_name == "text":
            words = words[:TEXT_CONCEPT_WORDS]
        else:
            for word in set(kept):
                terms.update(self._stem_terms(word, langs))
        terms.update(f"c:{c}" for c in self.vocabulary.all_concepts(words, langs))
        return terms

    def _stem_terms(self, word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
        """Return the stem terms of a word in a practice's languages (cached: words recur)."""
        key = (word, langs)
        found = self._stem_term_cache.get(key)
        if found is None:
            found = tuple(
                f"s:{lang}:{stem}" for lang, stem in self.vocabulary.stems(word) if lang in langs
            )
            self._stem_term_cache[key] = found
        return found

    def _post(self, terms: Iterable[str], index: int, weight: float) -> None:
        for term in terms:
            postings = self._postings.setdefault(term, {})
            if postings.get(index, 0.0) < weight:
                postings[index] = weight

    def _place_names(self) -> set[str]:
        names: set[str] = set()
        for entry in self._entries:
            names.update(entry.cities)
            names.add(self.aliases.canonical_country(entry.practice.country))
        return names

    def is_word(self, word: str) -> bool:
        """Return True when a folded word occurs in the practices' texts (not their places)."""
        return word in self._text_words

    def parse(self, text: str) -> Query:
        """Parse a query against this catalogue's places and words."""
        return parse_query(text, self.aliases, self.topics, self.places, self.is_word)

    def search(self, text: str) -> SearchResult:
        """Parse a query and return the practices that answer it, best first.

        Beyond `run`: when no practice matches every word, the best partial matches; when
        the words match nothing within the filters, what the filters alone find; for a real
        place with no practice, the practices of its country.
        """
        query = self.parse(text)
        if query.is_empty or query.unknown:
            return SearchResult(query)
        if query.missing and not (query.cities or query.countries):
            return self._instead_of_missing(query)
        return self._answer(query)

    def _instead_of_missing(self, query: Query) -> SearchResult:
        kind, name = query.missing[0]
        country = (
            name
            if kind == "country"
            else next(iter(self.aliases.city_countries.get(name, [])), None)
        )
        if country in self.places:
            found = self._answer(replace(query, countries=frozenset({country})))
            if found.practices and not found.filter_only:
                found.query, found.missing, found.instead = query, (kind, name), country
                return found
        found = self._answer(query) if query.words or query.has_filters else SearchResult(query)
        found.missing = (kind, name)
        return found

    def _answer(self, query: Query) -> SearchResult:
        candidates = self._candidates(query)
        if not query.words:
            return SearchResult(query, self._ordered(candidates, {}, query))
        units = self._unit_matches(query)
        full = set(candidates)
        for matches in units:
            full.intersection_update(matches)
        if full:
            return SearchResult(query, self._ranked(full, units, query))
        if not any(units):  # no word means anything here: junk, not a partial match
            return SearchResult(query)
        partial = self._partial(candidates, units, query)
        if partial:
            return SearchResult(query, partial, partial=True)
        if query.has_filters and candidates:
            return SearchResult(query, self._ordered(candidates, {}, query), filter_only=True)
        return SearchResult(query)

    def run(self, query: Query) -> list[Practice]:
        """Return the practices that match every unit of a parsed query, best first.

        This is the strict reading (alerts for followed keywords use it): no partial matches.
        """
        if query.is_empty or query.unknown or query.missing:
            # A place with no practice yet: nothing can be from it (until it has one).
            return []
        candidates = self._candidates(query)
        if not query.words:
            return self._ordered(candidates, {}, query)
        units = self._unit_matches(query)
        full = set(candidates)
        for matches in units:
            full.intersection_update(matches)
        return self._ranked(full, units, query)

    def _candidates(self, query: Query) -> list[int]:
        indexes: Iterable[int] = range(len(self._entries))
        if query.cities or query.countries:
            indexes = sorted(self._in_places(query))
        return [i for i in indexes if self._passes(i, self._entries[i], query)]

    def _in_places(self, query: Query) -> set[int]:
        """Return the entries in any of a query's cities (or their districts) or countries."""
        found: set[int] = set()
        for city in query.cities:
            found |= self._by_city.get(_folded_words(city), set())
        for country in query.countries:
            found |= self._by_country.get(country, set())
        return found

    def _ranked(self, indexes: set[int], units: list[_Matches], query: Query) -> list[Practice]:
        scores = {i: 0.0 for i in indexes}
        for matches in units:
            weight = self._idf(matches.df)
            for i in indexes:
                scores[i] += weight * matches.get(i, 0.0)
        return self._ordered(list(indexes), scores, query)

    def _partial(
        self, candidates: list[int], units: list[_Matches], query: Query
    ) -> list[Practice]:
        """Return practices matching part of the query, by the share of its meaning covered."""
        # A word the catalogue never uses counts as much as its rarest word: it says what
        # the member wants as much as any, but how rare it is cannot be known.
        weights = [self._idf(max(1, matches.df)) for matches in units]
        total = sum(weights)
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        for weight, matches in zip(weights, units, strict=True):
            # A unit matched only by a prefix or a typo ("train" in "training") is weak
            # evidence of what was meant: it covers half its weight.
            share = weight * (0.5 if matches.weak else 1.0)
            for i, similarity in matches.items():
                scores[i] = scores.get(i, 0.0) + weight * min(1.0, similarity)
                covered[i] = covered.get(i, 0.0) + share * min(1.0, similarity)
        kept = [i for i in candidates if covered.get(i, 0.0) >= MIN_COVERAGE * total]
        return self._ordered(kept, scores, query)

    def _idf(self, df: int) -> float:
        """Return the BM25 inverse document frequency of a unit matching `df` practices."""
        n = len(self._entries)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _ordered(
        self, indexes: list[int], scores: dict[int, float], query: Query
    ) -> list[Practice]:
        """Sort by score; with a year, practices of that year before long-running ones."""

        pasted = f" {query.phrase} " if query.phrase.count(" ") >= 1 else None

        def key(i: int) -> tuple[bool, float, int, int]:
            span = 0
            if query.year is not None:
                years = self._entries[i].years
                span = years[1] - years[0] if years else 1000
            # A title typed or pasted whole (two words or more) finds its practice first.
            title = pasted is not None and pasted in f" {self._titles[i]} "
            return (not title, -round(scores.get(i, 0.0), 9), span, i)

        return [self._entries[i].practice for i in sorted(indexes, key=key)]

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
        return query.year_in_text and index in self._postings.get(f"w:{query.year}", {})

    @staticmethod
    def _in_city(entry: _Entry, city: str) -> bool:
        """Return True when a practice city is this city or a district named after it."""
        wanted = _folded_words(city)
        return city in entry.cities or any(
            words[: len(wanted)] == wanted for words in entry.city_words
        )

    def _unit_matches(self, query: Query) -> list[_Matches]:
        """Return, for each unit of the query, the practices it matches and how well."""
        units = [
            self._unit_scores(word, concepts)
            for word, concepts in zip(
                query.words, query.concepts or [frozenset()] * len(query.words), strict=True
            )
        ]
        if len(units) > MAX_SCORED_WORDS:
            # A pasted paragraph is matched on its most distinctive words: the common ones
            # would cost a walk over most of the catalogue each and tell little apart.
            units = sorted(units, key=lambda m: (not m, m.df))[:MAX_SCORED_WORDS]
        return units

    def _unit_scores(self, unit: str, concepts: frozenset[str]) -> _Matches:
        """Return, for each practice a unit matches, the best weighted similarity."""
        if unit in self._place_words and unit not in self.vocabulary.words:
            # A place name is not read through stems: "romania" is not the Spanish "romaní".
            concepts = frozenset()
        terms: dict[str, float] = {f"c:{c}": CONCEPT for c in concepts}
        if " " not in unit:
            terms[f"w:{unit}"] = EXACT
            for lang, stem in self.vocabulary.stems(unit):
                terms.setdefault(f"s:{lang}:{stem}", STEM)
        best = _Matches(self._collect(terms))
        strong = bool(best)
        if " " in unit:
            self._add_phrase_words(unit, best)
        else:
            self._add_similar(unit, best, typos=not best)
        best.df, best.weak = len(best), bool(best) and not strong
        # Wider readings, which do not make the word commoner: the programme topic it names
        # (a concept's own topic is indexed with it), and a place it names that has practices
        # although the word means something else first ("roma" is the topic and Rome's
        # Italian name) or names the place's people ("ucranianos").
        topic = self.aliases.topics.get(unit)
        extra = self._collect({f"t:{topic}": TOPIC}) if topic else {}
        place = None
        if " " not in unit:
            place = self._place_query(unit) or (None if best else self._demonym_query(unit))
        if place:
            for index in self._in_places(place):
                extra[index] = max(extra.get(index, 0.0), FIELD_WEIGHTS["text"])
        for index, score in extra.items():
            if score > best.get(index, 0.0):
                best[index] = score
        best.df = best.df or len(best)
        return best

    def _add_phrase_words(self, phrase: str, best: dict[int, float]) -> None:
        """Rank first, among a phrase's matches, the practices that hold its own words too.

        "equality data" names the concept data, whose practices include "migration data";
        those that also say "equality" come first. A practice holding every word of the
        phrase matches it even without the concept.
        """
        words = [w for w in phrase.split() if not self.vocabulary.is_stop(w)]
        if not words:
            return
        matches = [self._unit_scores(w, self._word_concepts(w)) for w in words]
        for index in set(best).union(*matches):
            held = [m[index] for m in matches if index in m]
            if len(held) == len(words):
                best[index] = max(best.get(index, 0.0), CONCEPT * min(held))
            if index in best:
                best[index] += PHRASE_BONUS * len(held) / len(words)

    def _word_concepts(self, word: str) -> frozenset[str]:
        spans = self.vocabulary.concept_spans([word])
        return spans[0][2] if spans else frozenset()

    def _collect(self, terms: dict[str, float]) -> dict[int, float]:
        best: dict[int, float] = {}
        for term, similarity in terms.items():
            for index, weight in self._postings.get(term, {}).items():
                score = similarity * weight
                if score > best.get(index, 0.0):
                    best[index] = score
        return best

    def _add_similar(self, word: str, best: dict[int, float], typos: bool) -> None:
        """Add words that start with this one and, for a word found nowhere, near spellings."""
        terms: dict[str, float] = {}
        if len(word) >= 4:
            start = bisect.bisect_left(self._vocabulary, word)
            for token in self._vocabulary[start:]:
                if not token.startswith(word):
                    break
                if token != word:
                    terms[f"w:{token}"] = PREFIX
        max_edits = _max_edits(len(word))
        if typos and max_edits:
            for token, distance, _ in process.extract(
                word, self._vocabulary, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            ):
                similarity = 1.0 - distance / (max(len(word), len(token)) + 1)
                terms[f"w:{token}"] = max(terms.get(f"w:{token}", 0.0), similarity)
            near = self.vocabulary.near_concepts(word, max_edits) if len(word) >= 7 else []
            for concept, distance in near:
                similarity = CONCEPT * (1.0 - distance / (len(word) + 1))
                terms[f"c:{concept}"] = max(terms.get(f"c:{concept}", 0.0), similarity)
        for index, score in self._collect(terms).items():
            if score > best.get(index, 0.0):
                best[index] = score

    def _demonym_query(self, word: str) -> Query | None:
        """Return a query for the country a word of its people names ("ucranianos" → Ukraine).

        Such words are the country's name (in any language) with another ending: the word
        must start with the name less its last letter, and that stem be 4 letters or more.
        """
        if len(word) < 6:
            return None
        for size in range(len(word) - 1, 3, -1):
            country = self._demonyms.get(word[:size])
            if country:
                return Query(countries=frozenset({country})) if country in self.places else None
        return None

    def _place_query(self, word: str) -> Query | None:
        """Return a query for the known place a word names in another language, if any."""
        city, country = self.aliases.cities.get(word), self.aliases.countries.get(word)
        if country in self.places:
            return Query(countries=frozenset({country}))
        if city in self.places:
            return Query(cities=frozenset({city}))
        return None


@functools.lru_cache(maxsize=1024)
def _folded_words(name: str) -> tuple[str, ...]:
    """Return the folded words of a place name (cached: filters test it against every entry)."""
    return tuple(fold(name).split())


def _max_edits(length: int) -> int:
    """Return how many typing errors a word of this length may hold and still match."""
    if length < 5:
        return 0
    return 1 if length < 8 else 2
