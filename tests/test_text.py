"""Text folding: the word-by-word fast path gives exactly what folding the whole text gives."""

import random

from bot.text import _NON_WORD, drop_invisible, fold, strip_accents

# Accents, ligatures, final sigma, dotted I, format and bidi characters, other scripts.
ALPHABET = [
    *"abcXYZ éüßΣσςøŒİıǄﬁ½中文אבـ\t\n-_'’.,!?",
    *"\u00ad\u200b\u200d\u202e\u2066\u0301\u0308",
    *" " * 5,
]


def whole_text_fold(text: str) -> str:
    """Fold the text in one piece: the definition the fast path must match."""
    return _NON_WORD.sub(" ", strip_accents(drop_invisible(text)).casefold()).strip()


def test_folding_word_by_word_equals_folding_the_whole_text() -> None:
    rng = random.Random(7)
    for _ in range(20_000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))
        assert fold(text) == whole_text_fold(text), repr(text)


def test_fold_examples() -> None:
    assert fold("Berlin-Neukölln") == "berlin neukolln"
    assert fold("ré\u00adfu\u200bgiés in Zürich") == "refugies in zurich"
    assert fold("ΟΔΟΣ Straße") == "οδοσ strasse"
