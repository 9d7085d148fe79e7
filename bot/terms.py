"""The terms practices are indexed under, and how one unit of a query matches them. Pure.

A practice's fields are indexed by their folded words ("w:refugees") and, except places and
long texts, by their Snowball stems in the practice's language and English
("s:en:refuge"); topics by name ("t:Refugees"). Concepts ("c:refugee") are not indexed: a
concept's forms in the six languages (`bot.vocabulary`) are looked up in these postings when
a query names it, then kept. A unit of a query (a word, or a phrase naming a concept)
matches a practice exactly, by stem, by concept, as the start of a longer word, or, for a
word found nowhere, by a word one or two typing errors away.

How strong each match is decides how much it counts: the form as typed (a phrase's own words)
in a title or keyword ≫ its stem or a concept synonym there ≫ the long texts ≫ a topic-only
reading (the programme topic a concept belongs to: "museum" → every Culture practice). A
topic-only reading is kept apart (`Matches.readings`): it adds a little to the score, but is
not evidence that a practice covers the word.
"""

import bisect
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.query import STOP_WORDS
from bot.text import fold
from bot.vocabulary import MIN_STEM, Vocabulary

# Similarity of each kind of match: the word as typed, its stem, a concept it names (in any
# language: a translation or a broader synonym), the start of a longer word. A concept counts
# clearly less than the form typed, so that a practice naming "action plan" beats one that only
# says "strategy", while a translation in a title still beats the typed word in a long text.
EXACT, STEM, CONCEPT, PREFIX = 1.0, 0.9, 0.75, 0.7
# Similarity of a topic-only reading: the programme topic a word or its concept belongs to.
READING = 0.2
# Among a phrase's matches, a practice holding the phrase's own words gains up to this much.
PHRASE_BONUS = 0.1
# A word this short found nowhere is read as a word with two neighbouring letters swapped;
# longer ones may hold one or two typing errors of any kind (`_max_edits`).
SHORT_TYPO = 4


class Matches(dict[int, float]):
    """The practices one query unit matches → weighted similarity.

    Attributes:
        df: how many practices its words match (exactly, by stem, concept, prefix or typo),
            not counting its topic or place readings: its rarity, for IDF.
        weak: only the starts of longer words matched ("train" in "training"): it covers
            less of the query's meaning. A word read through a typo ("rassismsu") is not weak:
            it stands for the word meant, at the typo's lower similarity.
        size: how many meaningful words the unit holds (a phrase counts as its words).
        share: the share of a typed word the unit is (a compound's part: 1/parts).
        typo: the unit is a word found nowhere, read through near spellings ("rassismsu").
        soft: the unit is a soft word of a question (`Vocabulary.is_soft`): it adds to the
            score of what it matches, but a practice need not match it.
        readings: practices reached through a topic the unit names (topic readings), each
            at similarity READING; for a practice not in the dict itself, a topic-only
            reading.
    """

    df: int = 0
    weak: bool = False
    size: int = 1
    share: float = 1.0
    typo: bool = False
    soft: bool = False

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.readings: frozenset[int] = frozenset()

    def copy(self) -> "Matches":
        """Return a copy with the same attributes (a cached unit's, for one query)."""
        other = Matches(self)
        other.df, other.weak, other.size, other.share = self.df, self.weak, self.size, self.share
        other.soft, other.typo = self.soft, self.typo
        other.readings = self.readings
        return other

    def add_readings(self, found: frozenset[int]) -> None:
        """Keep the practices a topic the unit names reaches."""
        self.readings = self.readings | found if self.readings else found


class TermIndex:
    """Postings of the practices' terms: term → {practice index: weight of its best field}."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._postings: dict[str, dict[int, float]] = {}
        self._stem_term_cache: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
        self._part_cache: dict[tuple[str, tuple[str, ...], str], set[str]] = {}
        # concept id → the practices that name it (worked out at query time, then kept)
        self._concept_cache: dict[str, dict[int, float]] = {}
        self._topic_cache: dict[str, frozenset[int]] = {}
        # Words of the practices' places, and of their other fields ("mobile" of "mobile app").
        self.place_words: set[str] = set()
        self.text_words: set[str] = set()
        self.words: list[str] = []

    def add_field(
        self,
        index: int,
        field_name: str,
        parts: Iterable[str],
        langs: tuple[str, ...],
        weight: float,
    ) -> None:
        """Index one field of a practice.

        Args:
            index: the practice's position in the catalogue.
            field_name: "title", "keywords", "subtitle", "place", "topics" or "text".
            parts: its texts (one per keyword, topic or long text).
            langs: the languages its stems are read in (English and the practice's).
            weight: how much a match in this field counts, in (0, 1].
        """
        terms: set[str] = set()
        for part in parts:
            terms |= self._part_terms(part, langs, field_name)
        self._post(terms, index, weight)

    def add_topics(self, index: int, topics: Iterable[str], weight: float) -> None:
        """Index a practice's topics by name."""
        self._post({f"t:{topic}" for topic in topics}, index, weight)

    def refresh(self) -> None:
        """Make what was added since the last refresh findable by prefix and typo."""
        self._concept_cache.clear()
        self._topic_cache.clear()
        self.words = sorted(key[2:] for key in self._postings if key.startswith("w:"))

    def postings(self, term: str) -> dict[int, float]:
        """Return the practices a term occurs in → the weight of its best field."""
        return self._postings_of(term)

    def matches(self, unit: str, concepts: frozenset[str]) -> Matches:
        """Return the practices a unit of a query matches by its words and concepts.

        Args:
            unit: a folded word, or a phrase of folded words naming a concept.
            concepts: the concepts it names.

        Returns:
            Practice index → best similarity × field weight, with `df` and `weak` set.
        """
        if unit in self.place_words and unit not in self.vocabulary.words:
            # A place name is not read through stems: "romania" is not the Spanish "romaní".
            concepts = frozenset()
        terms: dict[str, float] = {f"c:{c}": CONCEPT for c in concepts}
        if " " not in unit:
            terms[f"w:{unit}"] = EXACT
            for lang, stem in self.vocabulary.stems(unit):
                terms.setdefault(f"s:{lang}:{stem}", STEM)
        best = Matches(self.collect(terms))
        if " " in unit:
            self._add_phrase_words(unit, best)
        strong = bool(best)
        if " " not in unit:
            typo = self._add_similar(unit, best, typos=not best)
            # A word read through a typo stands for the word meant, its concept's topic too.
            strong, best.typo = strong or bool(typo), bool(typo)
            concepts = concepts | {t[2:] for t in typo if t.startswith("c:")}
        best.df, best.weak = len(best), bool(best) and not strong
        best.size = max(1, sum(not self.vocabulary.is_stop(w) for w in unit.split()))
        for concept in concepts:
            topic = self.vocabulary.concepts[concept].topic
            if topic:
                best.add_readings(self.topic_members(topic))
        return best

    def topic_members(self, topic: str) -> frozenset[int]:
        """Return the practices that have a topic (kept until the next refresh)."""
        found = self._topic_cache.get(topic)
        if found is None:
            found = frozenset(self._postings.get(f"t:{topic}", ()))
            self._topic_cache[topic] = found
        return found

    def _part_terms(self, part: str, langs: tuple[str, ...], field_name: str) -> set[str]:
        """Return the terms of one part of a field; keywords and topics are tags that recur
        across practices, so theirs are kept once worked out."""
        if field_name not in ("keywords", "topics"):
            return self._terms(fold(part).split(), langs, field_name)
        key = (part, langs, field_name)
        found = self._part_cache.get(key)
        if found is None:
            found = self._terms(fold(part).split(), langs, field_name)
            self._part_cache[key] = found
        else:
            self.text_words.update(w[2:] for w in found if w.startswith("w:"))
        return found

    def _terms(self, words: list[str], langs: tuple[str, ...], field_name: str) -> set[str]:
        """Return the terms a field's folded words are indexed under.

        Places and the long texts (purpose, process …) are indexed by their words; the
        other fields by their stems too (in the practice's language and English). Concepts
        are not indexed: a concept's forms are looked up when a query names it.
        """
        kept = [w for w in words if w not in STOP_WORDS]
        terms = {f"w:{w}" for w in kept}
        if field_name == "place":
            self.place_words.update(kept)
            return terms
        self.text_words.update(kept)
        if field_name != "text":
            for word in set(kept):
                terms.update(self._stem_terms(word, langs))
        return terms

    def _stem_terms(self, word: str, langs: tuple[str, ...]) -> tuple[str, ...]:
        """Return the stem terms of a word in a practice's languages (cached: words recur)."""
        key = (word, langs)
        found = self._stem_term_cache.get(key)
        if found is None:
            found = tuple(
                f"s:{lang}:{stem}"
                for lang in langs
                if len(stem := self.vocabulary.stem(word, lang)) >= MIN_STEM
            )
            self._stem_term_cache[key] = found
        return found

    def _post(self, terms: Iterable[str], index: int, weight: float) -> None:
        for term in terms:
            postings = self._postings.setdefault(term, {})
            if postings.get(index, 0.0) < weight:
                postings[index] = weight

    def estimated_df(self, unit: str, concepts: frozenset[str]) -> int:
        """Return about how many practices a unit matches (its largest term), 0 if none."""
        terms = [f"c:{c}" for c in concepts]
        if " " not in unit:
            terms.append(f"w:{unit}")
            terms.extend(f"s:{lang}:{stem}" for lang, stem in self.vocabulary.stems(unit))
        return max((len(self._postings_of(term)) for term in terms), default=0)

    def _add_phrase_words(self, phrase: str, best: dict[int, float]) -> None:
        """Match a phrase by its own words, and rank first the practices holding them.

        A practice holding every word of the phrase ("action" and "plan") matches it as
        typed, at the weight of the weakest field among them. Among the concept's other
        matches ("equality data" names the concept data, whose practices include "migration
        data"), those that also say some of its words ("equality") gain a little.
        """
        words = [w for w in phrase.split() if not self.vocabulary.is_stop(w)]
        holders: list[set[int]] = []
        own: dict[int, float] | None = None
        for word in words:
            exact = {f"w:{word}": EXACT}
            exact.update((f"s:{lang}:{stem}", STEM) for lang, stem in self.vocabulary.stems(word))
            found = self.collect(exact)
            own = (
                found
                if own is None
                else {i: min(w, found[i]) for i, w in own.items() if i in found}
            )
            terms = [f"c:{c}" for c in self._word_concepts(word)]
            holders.append(set(found).union(*(self._postings_of(term) for term in terms)))
        if not holders:
            return
        for index, score in (own or {}).items():
            if score > best.get(index, 0.0):
                best[index] = score
        for index in best:
            held = sum(index in docs for docs in holders)
            best[index] += PHRASE_BONUS * held / len(holders)

    def _word_concepts(self, word: str) -> frozenset[str]:
        spans = self.vocabulary.concept_spans([word])
        return spans[0][2] if spans else frozenset()

    def _postings_of(self, term: str) -> dict[int, float]:
        """Return the practices a term occurs in → the weight of its best field."""
        if term.startswith("c:"):
            return self._concept_postings(term[2:])
        return self._postings.get(term, {})

    def _concept_postings(self, concept: str) -> dict[int, float]:
        """Return the practices that name a concept in any of its forms.

        A form of several words matches a practice holding all of them, at the weight of
        the weakest field among them.
        """
        found = self._concept_cache.get(concept)
        if found is not None:
            return found
        found = {}
        for form in self.vocabulary.concept_terms.get(concept, ()):
            lists = sorted((self._postings.get(term, {}) for term in form), key=len)
            if not lists[0]:
                continue
            for index, weight in lists[0].items():
                for other in lists[1:]:
                    if index not in other:
                        break
                    weight = min(weight, other[index])
                else:
                    if weight > found.get(index, 0.0):
                        found[index] = weight
        self._concept_cache[concept] = found
        return found

    def collect(self, terms: dict[str, float]) -> dict[int, float]:
        best: dict[int, float] = {}
        for term, similarity in terms.items():
            for index, weight in self._postings_of(term).items():
                score = similarity * weight
                if score > best.get(index, 0.0):
                    best[index] = score
        return best

    def _add_similar(self, word: str, best: dict[int, float], typos: bool) -> set[str]:
        """Add words that start with this one and, for a word found nowhere, near spellings.

        Returns:
            The near spellings' terms ("w:rassismus", "c:racism") that matched a practice:
            when any did, the word is read as the word meant (a typo), not only as the
            start of longer ones. Empty when none did.
        """
        starts: dict[str, float] = {}
        if len(word) >= 4:
            start = bisect.bisect_left(self.words, word)
            for token in self.words[start:]:
                if not token.startswith(word):
                    break
                if token != word:
                    starts[f"w:{token}"] = PREFIX
        terms: dict[str, float] = {}
        max_edits = _max_edits(len(word))
        if typos and max_edits:
            for token, distance, _ in process.extract(
                word, self.words, scorer=OSA.distance, score_cutoff=max_edits, limit=None
            ):
                similarity = 1.0 - distance / (max(len(word), len(token)) + 1)
                terms[f"w:{token}"] = max(terms.get(f"w:{token}", 0.0), similarity)
            # Concept words of six languages are many: one typing error only, in long words;
            # in shorter ones ("lavroo"), only two neighbouring letters swapped.
            near = self.vocabulary.near_concepts(word, 1) if len(word) >= 7 else ()
            for concept, distance in near:
                similarity = CONCEPT * (1.0 - distance / (len(word) + 1))
                terms[f"c:{concept}"] = max(terms.get(f"c:{concept}", 0.0), similarity)
            if len(word) < 7:
                self._add_swapped(word, terms)
        elif typos and len(word) == SHORT_TYPO:
            self._add_swapped(word, terms)
        read = {term for term in terms if self._postings_of(term)}
        for found in (self.collect(starts), self.collect(terms)):
            for index, score in found.items():
                if score > best.get(index, 0.0):
                    best[index] = score
        return read

    def _add_swapped(self, word: str, terms: dict[str, float]) -> None:
        """Add the words and concept words a short word is with two neighbouring letters
        swapped ("jbos" → jobs, "lavroo" → lavoro): the commonest typing error, and in a
        four-letter word the only one that leaves the word recognisable (one letter changed
        gives "jabs", "mobs")."""
        similarity = 1.0 - 1 / (len(word) + 1)
        for swapped in transpositions(word):
            if self._postings.get(f"w:{swapped}"):
                terms[f"w:{swapped}"] = max(terms.get(f"w:{swapped}", 0.0), similarity)
            for concept in self.vocabulary.concepts_named(swapped):
                score = CONCEPT * similarity
                terms[f"c:{concept}"] = max(terms.get(f"c:{concept}", 0.0), score)


def transpositions(word: str) -> list[str]:
    """Return the word with each pair of neighbouring letters swapped, without repeats."""
    found = [word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)]
    return [w for w in dict.fromkeys(found) if w != word]


def _max_edits(length: int) -> int:
    """Return how many typing errors a word of this length may hold and still match."""
    if length < 5:
        return 0
    return 1 if length < 8 else 2
