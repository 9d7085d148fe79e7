"""Tests for the programme's vocabulary across languages (`bot/data/concepts.json`)."""

import json
import re
from collections import Counter
from importlib import resources

import pytest

from bot.aliases import load_aliases
from bot.query import STOP_WORDS
from bot.text import fold
from bot.vocabulary import LANGUAGES, load_vocabulary

MIN_CONCEPTS = 150
# A word in more than this share of the practices is common, not distinctive.
COMMON_SHARE = 0.25


def _raw_concepts() -> list[dict]:
    text = resources.files("bot.data").joinpath("concepts.json").read_text(encoding="utf-8")
    return json.loads(text)


def _practices() -> list[dict]:
    text = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    return json.loads(text)


def distinctive_terms() -> set[str]:
    """Return the distinctive words of the bundled catalogue, by this rule:

    the words of the practices' keywords (the catalogue's own subject terms), and the words
    that the titles or subtitles of at least two practices share (a recurring theme, not a
    project's name); of four letters or more, not digits, not stop words or query filler,
    not place names (unless they name a topic: "roma"), and in at most a quarter of the
    practices (rarer means more specific: high inverse document frequency).
    """
    aliases = load_aliases()
    practices = _practices()
    keyword_words: set[str] = set()
    title_df: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for item in practices:
        keyword_words |= {w for k in item["keywords"] for w in fold(k).split()}
        title_df.update(set(fold(f"{item['title']} {item['subtitle'] or ''}").split()))
        text = " ".join([item["title"], item["subtitle"] or "", *item["keywords"]])
        df.update(set(fold(text).split()))
    candidates = keyword_words | {w for w, n in title_df.items() if n >= 2}
    return {
        w
        for w in candidates
        if len(w) >= 4
        and re.fullmatch(r"[a-z]+", w)
        and w not in STOP_WORDS
        and (w in aliases.topics or (w not in aliases.cities and w not in aliases.countries))
        and df[w] <= COMMON_SHARE * len(practices)
    }


def test_there_are_enough_concepts():
    assert len(_raw_concepts()) >= MIN_CONCEPTS


@pytest.mark.parametrize("row", _raw_concepts(), ids=lambda row: row["id"])
def test_every_concept_is_named_in_all_six_languages(row):
    for lang in LANGUAGES:
        assert row.get(lang), f"{row['id']} has no {lang} words"
        assert all(fold(word) for word in row[lang])


def test_concept_ids_are_unique():
    ids = [row["id"] for row in _raw_concepts()]
    assert len(ids) == len(set(ids))


def test_no_word_or_phrase_names_two_concepts():
    owners: dict[str, set[str]] = {}
    for row in _raw_concepts():
        for lang in LANGUAGES:
            for word in row[lang]:
                owners.setdefault(fold(word), set()).add(row["id"])
    shared = {word: ids for word, ids in owners.items() if len(ids) > 1}
    assert not shared


def test_no_stem_of_a_language_points_to_two_concepts():
    # Stems two concepts share are dropped at load (they would merge different words), so
    # every word of a language reaches at most one concept through its stem.
    vocabulary = load_vocabulary()
    for key, ids in vocabulary._forms.items():
        assert len(ids) == 1, key
    for lang in LANGUAGES:
        for row in _raw_concepts():
            for word in row[lang]:
                found = vocabulary.concept_spans(fold(word).split(), [lang])
                assert all(ids <= {row["id"]} for _, _, ids in found) or len(found) > 1, word


@pytest.mark.parametrize("term", sorted(distinctive_terms()))
def test_every_distinctive_term_of_the_catalogue_belongs_to_a_concept(term):
    vocabulary = load_vocabulary()
    assert vocabulary.concept_spans([term]), term


def test_the_distinctive_terms_are_many_and_specific():
    terms = distinctive_terms()
    assert len(terms) > 150
    assert {"islamophobia", "football", "roma", "refugees", "mediation"} <= terms
    assert not {"the", "lisbon", "2019", "project", "city"} & terms


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("police", "policy"),
        ("police", "policies"),
        ("policing", "political"),
        ("rome", "roma"),
        ("comunita", "comunicazione"),
        ("comunidad", "comunicacion"),
        ("generation", "gender"),
        ("hospitality", "hospital"),
        ("support", "supporters"),
    ],
)
def test_different_words_never_name_the_same_concept(a, b):
    vocabulary = load_vocabulary()
    concepts = [
        {c for _, _, ids in vocabulary.concept_spans([word]) for c in ids} for word in (a, b)
    ]
    assert not concepts[0] & concepts[1], concepts
