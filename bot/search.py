"""Rank practices against a parsed query (`bot/query.py`): pure, no I/O.

Each meaningful unit of a query (a word, or a phrase naming a concept) is matched against the
terms of each practice field (`bot.terms`): the word itself, its stem in the field's language,
the concepts it names in any of the network's languages (`bot.vocabulary`), and, for a word
the catalogue does not hold, words one or two typing errors away; here, also the topic it
names and the place it names or whose people it names. The field's weight says how much a
match counts (title and keywords above place and topics above the longer texts).

Each (unit, practice) pair is scored by the strength of its evidence (`bot.terms`): the form
typed in a title or keyword ≫ a stem or concept synonym there ≫ the long texts ≫ a topic-only
reading ("museum" → a Culture practice). Ranking is BM25-style, the sum over units of
evidence × inverse document frequency, so a rare, specific word ("islamophobia") weighs far
more than a common one ("intercultural"), and a practice naming the rare word in its title
outranks one meeting every word only through broad readings.

A compound typed ("Sprachpaten") is matched through its parts' concepts (`bot.query`), but
the whole word is the evidence: a practice holding it (exactly, by stem, as the start of a
longer word, or by a close spelling) matches every part and comes before those meeting only
a part; the strict reading (`run`, for alerts) keeps only the former.

A practice fully matches when every unit has real evidence in it (a topic-only reading is not
enough), except the soft verbs of a question ("support" in "how do cities support
refugees?"), which rank what they match first but are not required. Full matches are all
shown; partial ones (covering more than a third of the query's meaning) are shown beside
them when they score near the best full match, or alone when no practice matches fully.
The result is flagged partial when the first practice is not a full match, or when a
compound typed is held by no practice (its parts answer it). A query none of
whose words means anything in the catalogue ("pizza recipe") finds nothing.
"""

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from bot.aliases import Aliases
from bot.models import Practice, period_years
from bot.query import Query, close_name, parse_query
from bot.terms import CONCEPT, READING, Matches, TermIndex
from bot.text import fold
from bot.vocabulary import LANGUAGES, Vocabulary, load_vocabulary

MAX_SCORED_WORDS = 8
# What the unit cache may hold: practice scores in all (a common word in a large catalogue
# matches thousands), about 100 bytes each, so at most ~20 MB.
UNIT_CACHE_SCORES = 200_000
FIELD_WEIGHTS = {
    "title": 1.0,
    "keywords": 1.0,
    "subtitle": 0.8,
    "place": 0.8,
    "topics": 0.7,
    "text": 0.5,
}
# A partial match must cover more than a third of the query's meaning (IDF weight).
MIN_COVERAGE = 0.34
# Beside full matches, a partial match is shown when it scores at least this share of the best
# full match: a strong partial answer is not hidden by a weak full one, a weak one is left out.
NEAR_BEST = 0.8
# A query with at least this many words the catalogue uses is a long question: when no
# practice covers MIN_COVERAGE of it, those reaching two of its words are shown as partial.
LONG_QUESTION = 3
# Evidence this strong covers its unit fully (a concept in a title or keyword); weaker evidence
# (the long texts) covers its share.
COVERS = CONCEPT
# A practice matching a unit whose topic (or its concept's) it also has gains this much.
TOPIC_AGREES = 0.1
# Each word of a phrase beyond the first adds this share of the phrase's weight.
PHRASE_WORD = 0.5
# A topic-only reading covers this share of a unit's meaning: alone it can answer a one-word
# query ("theatre" → Culture practices), but it does not make a full match.
READING_COVER = 0.5
# A practice meeting a typed compound only through a part's concept counts this share of it
# when other practices hold the whole word: below the whole word even in a long text
# (0.75 × 1.0 × 0.4 = 0.3 < 0.5 × 1.0), so "Sprachpaten" in a title or text comes first.
PART_ONLY = 0.4


@dataclass(slots=True)
class SearchResult:
    """Ranked practices for a query, best first, and how they answer it.

    Attributes:
        query: the parsed query.
        practices: the results, best first.
        partial: the first result does not match every word with real evidence (it may
            still outrank weaker full matches), or a compound typed is held by no practice
            and only its parts are met: the results match part of the query.
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
        # folded city words (and each of their starts) and canonical countries → entries
        self._by_city: dict[tuple[str, ...], set[int]] = {}
        self._by_country: dict[str, set[int]] = {}
        self.terms = TermIndex(self.vocabulary)
        self._current_year = current_year
        # (unit, its concepts) → what it matches, until the index changes: matching one
        # publication runs every keyword subscription's units against the same small index,
        # and members repeat the same words (benchmarks/alerts.py).
        self._unit_cache: dict[tuple[str, frozenset[str]], Matches] = {}
        self._unit_cache_scores = 0
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

    def forget_cached(self) -> None:
        """Drop what query units matched, so the next query pays its whole cost (benchmarks)."""
        self._unit_cache.clear()
        self._unit_cache_scores = 0

    def _refresh(self) -> None:
        self.forget_cached()
        self.terms.refresh()
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
            self.terms.add_field(index, name, parts, langs, FIELD_WEIGHTS[name])
        self.terms.add_topics(index, practice.topics, FIELD_WEIGHTS["topics"])

    def _place_names(self) -> set[str]:
        names: set[str] = set()
        for entry in self._entries:
            names.update(entry.cities)
            names.add(self.aliases.canonical_country(entry.practice.country))
        return names

    def is_word(self, word: str) -> bool:
        """Return True when a folded word occurs in the practices' texts (not their places)."""
        return word in self.terms.text_words

    def parse(self, text: str) -> Query:
        """Parse a query against this catalogue's places and words."""
        return parse_query(text, self.aliases, self.topics, self.places, self.is_word)

    def search(self, text: str) -> SearchResult:
        """Parse a query and return the practices that answer it, best first.

        Beyond `run`: the strong partial matches beside (or instead of) full ones; when
        the words match nothing within the filters, what the filters alone find; for a real
        place with no practice, the practices of its country.
        """
        query = self.parse(text)
        if query.is_empty or query.unknown:
            return SearchResult(query)
        absent = self._absent_places(query)
        if absent:  # `city:stuttgart` is answered as a plain `stuttgart`
            query = replace(
                query, cities=frozenset(), countries=frozenset(), missing=(*absent, *query.missing)
            )
        if query.missing and not (query.cities or query.countries):
            return self._instead_of_missing(query)
        return self._answer(query)

    def _absent_places(self, query: Query) -> list[tuple[str, str]]:
        """Return the place filters that name real places with no practice yet.

        Only when every place filter of the query is such a place: one with practices keeps
        the query as typed.
        """
        absent = [
            ("city", city)
            for city in sorted(query.cities)
            if not self._by_city.get(_folded_words(city)) and self.aliases.city(city)
        ]
        absent += [
            ("country", country)
            for country in sorted(query.countries)
            if not self._by_country.get(country) and self.aliases.country(country)
        ]
        return absent if len(absent) == len(query.cities) + len(query.countries) else []

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
            return SearchResult(query, self._ordered(self._every(candidates), {}, query))
        units = self._unit_matches(query)
        if not any(m or m.readings for m in units):  # no word means anything here: junk
            return SearchResult(query)
        full = _matching_all(_needed(units), candidates)
        found = self._ranked(candidates, full, units, query)
        if found:
            practices = [self._entries[i].practice for i in found]
            # A compound no practice holds ("Sprachpaten") is answered by its parts only.
            partial = found[0] not in full or self._unheld_compound(query)
            return SearchResult(query, practices, partial=partial)
        if query.has_filters and candidates:
            return SearchResult(
                query, self._ordered(sorted(candidates), {}, query), filter_only=True
            )
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
            return self._ordered(self._every(candidates), {}, query)
        units = self._unit_matches(query, strict=True)
        full = _matching_all(units, candidates)
        return self._ordered(list(full), self._full_scores(full, units), query)

    def _candidates(self, query: Query) -> set[int] | None:
        """Return the practices a query's filters let through; None when it has none."""
        if not query.has_filters:
            return None
        indexes: Iterable[int] = range(len(self._entries))
        if query.cities or query.countries:
            indexes = self._in_places(query)
        return {i for i in indexes if self._passes(i, self._entries[i], query)}

    def _every(self, candidates: set[int] | None) -> list[int]:
        """Return the candidates in catalogue order (every practice for None)."""
        return list(range(len(self._entries))) if candidates is None else sorted(candidates)

    def _in_places(self, query: Query) -> set[int]:
        """Return the entries in any of a query's cities (or their districts) or countries."""
        found: set[int] = set()
        for city in query.cities:
            found |= self._by_city.get(_folded_words(city), set())
        for country in query.countries:
            found |= self._by_country.get(country, set())
        return found

    def _ranked(
        self, candidates: set[int] | None, full: set[int], units: list[Matches], query: Query
    ) -> list[int]:
        """Return the practices answering a query, best first, by evidence × IDF.

        Args:
            candidates: the practices the filters let through (None: all).
            full: the candidates every unit matches with real evidence.
            units: each unit's matches (`_unit_matches`).
            query: the parsed query, for the order of ties and years.

        Returns:
            Entry indexes: every full match; the practices every unit reaches, some only by
            a topic-only reading ("école" → an Education practice that never says school),
            ranked by their weaker score; and the partial matches covering more than
            MIN_COVERAGE of the query's meaning that score at least NEAR_BEST of the best
            full match (all of them when there is none).
        """
        weights = self._weights(units)
        scores: dict[int, float] = {}
        covered: dict[int, float] = {}
        reached: dict[int, int] = {}  # how many units reach each practice (evidence or topic)
        needed_units = _needed(units)
        # A soft word of a question ("support") ranks what it matches first, and adds to
        # what a practice covers, but alone it never brings a practice in.
        soft_covered: dict[int, float] = {}
        for weight, matches in zip(weights, units, strict=True):
            soft = matches.soft and len(needed_units) < len(units)
            get_score, get_reached = scores.get, reached.get
            unit_covered = soft_covered if soft else covered
            get_covered = unit_covered.get
            # A unit matched only by a prefix or a typo ("train" in "training") is weak
            # evidence of what was meant: it covers half its weight.
            share = weight * (0.5 if matches.weak else 1.0) / COVERS
            cap = share * COVERS
            for i, similarity in matches.items():
                scores[i] = get_score(i, 0.0) + weight * similarity
                part = share * similarity
                unit_covered[i] = get_covered(i, 0.0) + (part if part < cap else cap)
                if not soft:
                    reached[i] = get_reached(i, 0) + 1
            readings = matches.readings
            if not readings:
                continue
            # Evidence and topic agree ("Mehrsprachigkeit" in a Multilingualism practice
            # rather than "discriminatory language" elsewhere): a small boost.
            agrees = weight * TOPIC_AGREES
            for i in readings & matches.keys():
                scores[i] += agrees
            reading_score, reading_share = weight * READING, weight * READING_COVER
            for i in readings - matches.keys():
                scores[i] = get_score(i, 0.0) + reading_score
                unit_covered[i] = get_covered(i, 0.0) + reading_share
                if not soft:
                    reached[i] = get_reached(i, 0) + 1
        for i, share in soft_covered.items():
            if i in covered:
                covered[i] += share
        needed = MIN_COVERAGE * sum(weights)
        floor = NEAR_BEST * max((scores[i] for i in full), default=0.0)
        every = len(needed_units)
        kept = [
            i
            for i, share in covered.items()
            if (reached[i] == every or (share >= needed and scores[i] >= floor) or i in full)
            and (candidates is None or i in candidates)
        ]
        known_units = sum(1 for matches in needed_units if matches.df)
        if not kept and known_units >= LONG_QUESTION:
            # A long question spreads its meaning over many words, and no practice covers
            # enough of them: the practices that answer at least two of its known words are
            # the best partial answer, rather than none.
            kept = [
                i
                for i, count in reached.items()
                if count >= 2 and (candidates is None or i in candidates)
            ]
        return self._order(kept, scores, query)

    def _weights(self, units: list[Matches]) -> list[float]:
        """Return how much each unit of a query weighs: its IDF, more for a phrase, less for
        a compound's part."""
        # A word the catalogue never uses counts as much as the query's known words on
        # average: how rare it is cannot be known, and in a question it is as often a verb
        # as a specific thing ("surf").
        known = [self._idf(matches.df) for matches in units if matches.df]
        unknown = sum(known) / len(known) if known else 0.0
        # A phrase weighs more than one word, as its words would in BM25 ("hate speech" over
        # "online"), but less than its words apart: they are not independent.
        return [
            (self._idf(matches.df) if matches.df else unknown)
            * (1.0 + PHRASE_WORD * (matches.size - 1))
            * matches.share
            for matches in units
        ]

    def _full_scores(self, full: set[int], units: list[Matches]) -> dict[int, float]:
        """Return the scores `_ranked` gives practices that every unit matches, worked out
        for them alone (the strict reading: an alert's match walks no other practice)."""
        weights = self._weights(units)
        scores = dict.fromkeys(full, 0.0)
        for weight, matches in zip(weights, units, strict=True):
            readings = matches.readings
            for i in full:
                scores[i] += weight * (matches[i] + (TOPIC_AGREES if i in readings else 0.0))
        return scores

    def _idf(self, df: int) -> float:
        """Return the BM25 inverse document frequency of a unit matching `df` practices."""
        n = len(self._entries)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _ordered(
        self, indexes: list[int], scores: dict[int, float], query: Query
    ) -> list[Practice]:
        """Return the practices sorted as `_order` sorts them."""
        return [self._entries[i].practice for i in self._order(indexes, scores, query)]

    def _order(self, indexes: list[int], scores: dict[int, float], query: Query) -> list[int]:
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

        return sorted(indexes, key=key)

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
        return query.year_in_text and index in self.terms.postings(f"w:{query.year}")

    @staticmethod
    def _in_city(entry: _Entry, city: str) -> bool:
        """Return True when a practice city is this city or a district named after it."""
        wanted = _folded_words(city)
        return city in entry.cities or any(
            words[: len(wanted)] == wanted for words in entry.city_words
        )

    def _unit_matches(self, query: Query, strict: bool = False) -> list[Matches]:
        """Return, for each unit of the query, the practices it matches and how well.

        Args:
            query: the parsed query.
            strict: a compound's part matches only the practices holding the whole word
                typed (`run`); otherwise those practices come first (`_in_compound`).
        """
        size = len(query.words)
        concepts = query.concepts or (frozenset(),) * size
        shares = query.shares or (1.0,) * size
        soft = query.soft or (False,) * size
        wholes = query.wholes or ("",) * size
        units = list(zip(query.words, concepts, shares, soft, wholes, strict=True))
        if len(units) > MAX_SCORED_WORDS:
            # A pasted paragraph is matched on its most distinctive known words: the common
            # ones would cost a walk over most of the catalogue each and tell little apart.
            sizes = [self.terms.estimated_df(unit[0], unit[1]) for unit in units]
            order = sorted(range(len(units)), key=lambda n: (sizes[n] == 0, sizes[n], n))
            units = [units[n] for n in sorted(order[:MAX_SCORED_WORDS])]
        found = []
        for word, word_concepts, share, is_soft, whole in units:
            matches = self._unit_scores(word, word_concepts)
            if whole:
                held = self._unit_scores(whole, frozenset())
                matches = self._in_compound(matches, held, strict)
                # A compound a practice holds is asked for whole: none of its parts is soft.
                # One none holds is answered by its parts, as the words apart would be.
                is_soft = is_soft and not held
            matches.share, matches.soft = share, is_soft
            found.append(matches)
        return found

    def _unheld_compound(self, query: Query) -> bool:
        """Return True when a compound of the query matches no practice as a whole word
        (exactly, by stem, as the start of a longer word or by a close spelling)."""
        return any(whole and not self._unit_scores(whole, frozenset()) for whole in query.wholes)

    @staticmethod
    def _in_compound(part: Matches, whole: Matches, strict: bool) -> Matches:
        """Return what a part of a typed compound matches, given what the whole word matches.

        The whole word ("Sprachpaten": exactly, by stem, as the start of a longer word or,
        found nowhere, by a close spelling) is the evidence; a part ("Sprache", its concept
        language) only says what the word is about. So the practices holding the whole word
        match every part, at the whole word's strength; the others match through the part
        only when not strict, and then, if any practice holds the whole word, below it
        (PART_ONLY): a practice naming the word typed comes before one meeting only its part.
        When strict (keyword follows), only the practices holding the whole word match.
        """
        if strict:
            return whole
        if not whole:
            return part
        found = whole.copy()
        for index, similarity in part.items():
            if index not in found:
                found[index] = similarity * PART_ONLY
        found.readings = part.readings
        return found

    def _unit_scores(self, unit: str, concepts: frozenset[str]) -> Matches:
        """Return, for each practice a unit matches, the best weighted similarity (a copy the
        caller may change)."""
        key = (unit, concepts)
        cached = self._unit_cache.get(key)
        if cached is None:
            cached = self._scored_unit(unit, concepts)
            size = len(cached) + len(cached.readings) + 1
            if self._unit_cache_scores + size > UNIT_CACHE_SCORES:
                self._unit_cache.clear()
                self._unit_cache_scores = 0
            self._unit_cache[key] = cached
            self._unit_cache_scores += size
        return cached.copy()

    def _scored_unit(self, unit: str, concepts: frozenset[str]) -> Matches:
        best = self.terms.matches(unit, concepts)
        # Wider readings, which do not make the word commoner: a place it names that has
        # practices although the word means something else first ("roma" is the topic and
        # Rome's Italian name) or names the place's people ("ucranianos"), which is evidence;
        # and the programme topic it names (a concept's own topic is read in `bot.terms`),
        # which is only a topic-only reading.
        place = None
        if " " not in unit:
            place = self._place_query(unit) or (None if best else self._demonym_query(unit))
        if place:
            places = self._in_places(place)
            best.readings = best.readings - places
            for index in places:
                if FIELD_WEIGHTS["text"] > best.get(index, 0.0):
                    best[index] = FIELD_WEIGHTS["text"]
        topic = self.aliases.topics.get(unit)
        if topic is None and best.typo:
            # A typo stands for the word meant, its topic too ("rassismsu" → Anti-racism).
            topic = close_name(unit, self.aliases.topics)
        if topic:
            best.add_readings(self.terms.topic_members(topic))
        best.df = best.df or len(best) or len(best.readings)
        return best

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


def _needed(units: list[Matches]) -> list[Matches]:
    """Return the units a practice must match to answer a query: all but its soft words
    ("support" in "how do cities support refugees?"), or all when all are soft."""
    needed = [matches for matches in units if not matches.soft]
    return needed or units


def _matching_all(units: list[Matches], candidates: set[int] | None) -> set[int]:
    """Return the practices every unit matches with real evidence (not a topic-only reading),
    among the candidates (None: all)."""
    if not units:
        return set()
    ordered = sorted(units, key=len)
    found = set(ordered[0]) if candidates is None else set(ordered[0]) & candidates
    for matches in ordered[1:]:
        found = {i for i in found if i in matches}
    return found


@functools.lru_cache(maxsize=1024)
def _folded_words(name: str) -> tuple[str, ...]:
    """Return the folded words of a place name (cached: filters test it against every entry)."""
    return tuple(fold(name).split())
