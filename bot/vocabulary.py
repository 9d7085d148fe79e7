"""The words of the network's languages that search needs: stop words, stems and concepts. Pure.

* Stop words come from the `stopwordsiso` lists (ISO 639-1: en fr de it es pt), minus every
  word of the concept table: the lists are made for prose, and drop words such as "young",
  "welcome" or "work" that carry a query here.
* Query filler (`bot/data/query_words.json`): words people wrap a question in ("examples",
  "ideas", "cities", "how can we") that the libraries' lists lack, and the greetings, thanks
  and help words that are not a search at all.
* Soft words (`query_words.json`, "soft"): verbs a question wraps its subject in that may
  also name a concept ("support", "apoyan", "accueillir", "accolgono"). They rank the
  practices that match them first, but a practice need not match them to answer a query
  that has other words ("how do cities support refugees?" asks for refugee practices).
* Stems: Snowball stemmers (`PyStemmer`), one per language. A word is compared by stem only
  in the same language, and stems shorter than MIN_STEM letters are not used, so different
  words are not merged ("police" → polic, "policy" → polici; "rome"/"roma" → rom is too short).
* Concepts (`bot/data/concepts.json`): the programme's vocabulary across languages, one concept
  a row with its words and phrases in each language ("refugee": refugee, réfugié, Flüchtling,
  rifugiato, refugiado …). A query word or phrase in any language that names a concept matches
  the practices that name it in any other.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources

import Stemmer
import stopwordsiso
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.text import fold

LANGUAGES = ("en", "fr", "de", "it", "es", "pt")
_STEMMER_NAMES = {
    "en": "english",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "es": "spanish",
    "pt": "portuguese",
}
# Shorter stems say too little: "rom" is Rome and Roma in Italian, "par" a dozen words.
MIN_STEM = 4
MAX_PHRASE = 4
# Compounds: words of at least MIN_COMPOUND letters, parts of at least MIN_PART, joined
# directly or by one of _LINKS (German Fugen-s and -n: "Integration-s-kurse").
MIN_COMPOUND = 9
MIN_PART = 4
_LINKS = "sn"
# Words that join the words of a phrase and may be left out or changed without changing it
# ("discours de haine", "discours haine"; "igualdade de género", "igualdade género").
_GLUE_LENGTH = 3


@dataclass(frozen=True, slots=True)
class Concept:
    """One idea of the programme, named in several languages.

    Attributes:
        id: a short English name, unique ("refugee").
        words: language code → folded words and phrases that name it.
        topic: the programme topic this concept is, when it is one.
    """

    id: str
    words: dict[str, tuple[str, ...]]
    topic: str | None = None


class Vocabulary:
    """Stop words, filler, stems and concepts of the network's languages."""

    def __init__(
        self,
        concepts: Sequence[Concept],
        stop_words: Iterable[str],
        filler: Iterable[str],
        small_talk: Mapping[str, Iterable[str]],
        soft: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._stemmers = {lang: Stemmer.Stemmer(name) for lang, name in _STEMMER_NAMES.items()}
        self._stem_cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._map_cache: dict[str, dict[str, str]] = {}
        # A fuzzy look-up over every concept word costs ~0.2 ms; matching a publication runs
        # it for the words of every keyword subscription (benchmarks/alerts.py), so each
        # word's answer is kept (the vocabulary never changes while the bot runs).
        self._near_cache: dict[tuple[str, int], tuple[tuple[str, int], ...]] = {}
        self.concepts = {concept.id: concept for concept in concepts}
        # Words that name a concept alone are never stop words or filler ("young", "work").
        concept_words = {
            f for c in concepts for forms in c.words.values() for f in forms if " " not in f
        }
        self.stop_words = frozenset(fold(w) for w in stop_words) - concept_words
        self.glue = frozenset(w for w in self.stop_words if len(w) <= _GLUE_LENGTH) | frozenset(
            "abcdefghijklmnopqrstuvwxyz"
        )
        self.filler = frozenset(fold(w) for w in filler) - concept_words
        # Greeting, thanks and help words, each word of their phrases ("guten tag").
        self.small_talk = {
            kind: frozenset(w for phrase in words for w in fold(phrase).split())
            for kind, words in small_talk.items()
        }
        # Verbs a question wraps its subject in: as typed, and their stems in their language.
        soft_words = {lang: [fold(w) for w in words] for lang, words in (soft or {}).items()}
        self.soft = frozenset(w for words in soft_words.values() for w in words)
        self._soft_stems = frozenset(
            (lang, stem)
            for lang, words in soft_words.items()
            for w in words
            if len(stem := self.stem(w, lang)) >= MIN_STEM
        )
        # (language, stems of a form's words without glue) → concept ids
        self._forms: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        # exact folded form (glue removed) → concept ids, whatever the language
        self._exact: dict[tuple[str, ...], set[str]] = {}
        for concept in concepts:
            for lang, forms in concept.words.items():
                for form in forms:
                    words = self._content(form.split())
                    if not words:
                        continue
                    self._exact.setdefault(words, set()).add(concept.id)
                    stems = tuple(self.stem(w, lang) for w in words)
                    if all(len(s) >= MIN_STEM for s in stems):
                        self._forms.setdefault((lang, stems), set()).add(concept.id)
        # A stem two concepts share would merge different words ("comunità" and "comunicazione"
        # are both "comun" in Italian): such words match by their exact forms only.
        self._forms = {key: ids for key, ids in self._forms.items() if len(ids) == 1}
        self._starts = {(lang, stems[0]) for lang, stems in self._forms} | {
            ("", words[0]) for words in self._exact
        }
        self.words = frozenset(words[0] for words in self._exact if len(words) == 1)
        # concept id → its forms as index terms, one tuple of terms per form (all must match)
        self.concept_terms: dict[str, list[tuple[str, ...]]] = {}
        for words, ids in self._exact.items():
            for cid in ids:
                self.concept_terms.setdefault(cid, []).append(tuple(f"w:{w}" for w in words))
        for (lang, stems), ids in self._forms.items():
            for cid in ids:
                terms = tuple(f"s:{lang}:{stem}" for stem in stems)
                self.concept_terms.setdefault(cid, []).append(terms)
        self._single = {words[0]: ids for words, ids in self._exact.items() if len(words) == 1}
        self._single_keys = sorted(self._single)

    def stem(self, word: str, lang: str) -> str:
        """Return the Snowball stem of a folded word in one language."""
        return self._stemmers[lang].stemWord(word)

    def stem_map(self, word: str) -> dict[str, str]:
        """Return language → stem of a folded word, for stems of at least MIN_STEM letters."""
        found = self._map_cache.get(word)
        if found is None:
            found = dict(self.stems(word))
            if len(self._map_cache) < 200_000:
                self._map_cache[word] = found
        return found

    def stems(self, word: str) -> tuple[tuple[str, str], ...]:
        """Return (language, stem) for each language, for stems of at least MIN_STEM letters."""
        found = self._stem_cache.get(word)
        if found is None:
            found = tuple(
                (lang, stem)
                for lang in LANGUAGES
                if len(stem := self._stemmers[lang].stemWord(word)) >= MIN_STEM
            )
            if len(self._stem_cache) < 200_000:
                self._stem_cache[word] = found
        return found

    def is_soft(self, word: str) -> bool:
        """Return True for a verb a question wraps its subject in ("support", "apoyan",
        "accolgono"): it ranks what it matches first, but need not be matched.

        A listed word, or one with the same stem as a listed word of the same language.
        """
        if word in self.soft:
            return True
        return any((lang, stem) in self._soft_stems for lang, stem in self.stems(word))

    def is_stop(self, word: str) -> bool:
        """Return True for a word that carries no meaning in a query (stop word or filler)."""
        return word in self.stop_words or word in self.filler

    def _content(self, words: Sequence[str]) -> tuple[str, ...]:
        """Return a phrase's words without the glue between them (a lone word is kept)."""
        content = tuple(w for w in words if w not in self.glue)
        return content if len(content) >= 2 else tuple(words)

    def concept_spans(
        self, words: Sequence[str], langs: Sequence[str] = LANGUAGES
    ) -> list[tuple[int, int, frozenset[str]]]:
        """Find the concepts a run of folded words names, longest phrase first.

        Args:
            words: folded words, in order.
            langs: the languages whose stems may match (exact forms match in any language).

        Returns:
            (start, end, concept ids) for each span found, spans not overlapping.
        """
        spans: list[tuple[int, int, frozenset[str]]] = []
        i = 0
        while i < len(words):
            found = self._longest(words, i, langs)
            if found:
                end, ids = found
                spans.append((i, end, ids))
                i = end
            else:
                i += 1
        return spans

    def _longest(
        self, words: Sequence[str], start: int, langs: Sequence[str]
    ) -> tuple[int, frozenset[str]] | None:
        if not self._may_start(words[start], langs):
            return None
        for end in range(min(len(words), start + MAX_PHRASE + 2), start, -1):
            if words[end - 1] in self.glue:
                continue
            content = self._content(words[start:end])
            if len(content) > MAX_PHRASE:
                continue
            ids = self._concepts_of(content, langs)
            if ids:
                return end, frozenset(ids)
        return None

    def split_compound(self, word: str) -> list[tuple[str, frozenset[str]]] | None:
        """Split a long word made of concept words, as German writes them, into its parts.

        "wohnungssuche" → [("wohnung", {housing})] (the filler "suche" is dropped),
        "integrationskurse" → integration and learning, "antidiskriminierungsstrategie" →
        anti-discrimination and strategy. A part may end in a linking "s" or "n". Returns
        None when the word is short, or no split gives a concept word as its first part.

        Returns:
            (part, concepts) for each meaningful part, in order.
        """
        if len(word) < MIN_COMPOUND or not word.isalpha():
            return None
        head_only: list[tuple[str, frozenset[str]]] | None = None
        for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
            left = self._part_concepts(word[:cut])
            if not left:
                continue
            for right in (word[cut:], word[cut + 1 :]):
                if right != word[cut:] and word[cut] not in _LINKS:
                    continue
                if len(right) < MIN_PART:
                    continue
                right_ids = self._part_concepts(right)
                if right_ids or (self.is_stop(right) and len(right) > MIN_PART):
                    parts = [(word[:cut], left)]
                    return parts + ([(right, right_ids)] if right_ids else [])
            if head_only is None and cut > MIN_PART + 1:
                # "Flüchtlingsunterkünfte": the first part alone, when the rest is unknown.
                head_only = [(word[:cut], left)]
        return head_only

    def _part_concepts(self, part: str) -> frozenset[str]:
        spans = self.concept_spans([part]) if not self.is_stop(part) else []
        return spans[0][2] if spans else frozenset()

    def near_concepts(self, word: str, max_edits: int) -> tuple[tuple[str, int], ...]:
        """Return (concept id, edits) for concept words a few typing errors from a word."""
        key = (word, max_edits)
        cached = self._near_cache.get(key)
        if cached is not None:
            return cached
        found: list[tuple[str, int]] = []
        for form, distance, _ in process.extract(
            word, self._single_keys, scorer=OSA.distance, score_cutoff=max_edits, limit=None
        ):
            found.extend((concept, int(distance)) for concept in self._single[form])
        if len(self._near_cache) < 200_000:
            self._near_cache[key] = tuple(found)
        return tuple(found)

    def concepts_named(self, word: str) -> frozenset[str]:
        """Return the concepts a folded word is one of the forms of (empty if none)."""
        return frozenset(self._single.get(word, ()))

    def _may_start(self, word: str, langs: Sequence[str]) -> bool:
        if ("", word) in self._starts:
            return True
        return any(
            (lang, stem) in self._starts for lang, stem in self.stems(word) if lang in langs
        )

    def _concepts_of(self, words: tuple[str, ...], langs: Sequence[str]) -> set[str]:
        found = set(self._exact.get(words, ()))
        if found:
            # A word that is a concept's own form is that concept only: the French stem of
            # "policies" is "polic", but "policies" is an English word for policy.
            return found
        maps = [self.stem_map(w) for w in words]
        for lang in langs:
            stems = tuple(m.get(lang, "") for m in maps)
            if all(stems):
                found |= self._forms.get((lang, stems), set())
        return found


def load_concepts(raw: list[dict]) -> list[Concept]:
    """Return concepts from their JSON rows: {"id", "topic"?, "en": [...], "fr": [...], ...}."""
    return [
        Concept(
            id=row["id"],
            words={lang: tuple(fold(w) for w in row.get(lang, [])) for lang in LANGUAGES},
            topic=row.get("topic"),
        )
        for row in raw
    ]


def _read_json(name: str) -> object:
    return json.loads(resources.files("bot.data").joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def load_vocabulary() -> Vocabulary:
    """Load the bundled vocabulary once: stop word lists, `query_words.json`, `concepts.json`."""
    words = _read_json("query_words.json")
    assert isinstance(words, dict)
    stop = {w for lang in LANGUAGES for w in stopwordsiso.stopwords(lang)}
    filler = {w for lang in LANGUAGES for w in words["filler"].get(lang, [])}
    small_talk = {
        kind: {w for lang in LANGUAGES for w in words[kind].get(lang, [])}
        for kind in ("greeting", "thanks", "help")
    }
    raw = _read_json("concepts.json")
    assert isinstance(raw, list)
    return Vocabulary(
        load_concepts(raw),
        stop,
        filler | set().union(*small_talk.values()),
        small_talk,
        soft={lang: words["soft"].get(lang, []) for lang in LANGUAGES},
    )
