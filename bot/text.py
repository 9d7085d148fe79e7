"""Text shared by search, aliases, ids and messages: folding, Telegram lengths, isolation.

Pure: no Telegram I/O.
"""

import re
import unicodedata

from anyascii import anyascii

# Letters that NFKD does not decompose into a base letter plus a combining mark.
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ß": "ss",
        "’": "'",
    }
)
# Any letter or digit of any script is kept, so Cyrillic or Greek names can be matched too.
_NON_WORD = re.compile(r"[\W_]+")


# Bidi embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): a member's
# U+202E would reverse the rest of a line of ours. Unicode's isolates replace them (UAX #9).
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
_RIGHT_TO_LEFT = frozenset({"R", "AL"})


def drop_invisible(text: str) -> str:
    """Return text without format characters (Unicode category Cf).

    Soft hyphen, zero-width space, joiner and non-joiner, word joiner, BOM, bidi marks: they
    don't show, so a word typed or pasted with one inside must still match the word.
    """
    if text.isascii():
        return text
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def strip_accents(text: str) -> str:
    """Return text without diacritics, keeping case ("Zürich" → "Zurich")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Fold text for matching: lower case, no accents, words separated by single spaces.

    Args:
        text: any user or catalogue text.

    Returns:
        The folded text, e.g. "Berlin-Neukölln" → "berlin neukolln".
    """
    if text.isascii():  # the common case, and the same result: nothing to drop or decompose
        return _NON_WORD.sub(" ", text.lower()).strip()
    # Long texts hold a few accented words among many plain ones: only those take the
    # character-by-character path (the result is the same, every step works within a word).
    folded = " ".join(
        part.lower() if part.isascii() else _fold_word(part) for part in text.split()
    )
    return _NON_WORD.sub(" ", folded).strip()


def collation_key(name: str) -> str:
    """Return the key that sorts names alphabetically as a reader of the bot's languages
    expects: accents folded and case ignored ("Éducation" between "Droits" and "Emploi").

    Locale-independent (no `locale` module, no ICU): enough for the Latin names of the bot's
    languages, where accents never change the order of the letters.
    """
    return fold(name)


def _fold_word(word: str) -> str:
    return strip_accents(drop_invisible(word)).casefold()


def words(text: str) -> list[str]:
    """Split text into folded words."""
    return fold(text).split()


def slugify(text: str) -> str:
    """Return the id slug of a title (DESIGN §3): lower case, no accents, '-' between words.

    Ids travel in links and buttons that allow only ASCII, so a word in another script
    (Cyrillic, Greek, Arabic, Hebrew, CJK …) is transliterated with `anyascii`: "Кухня
    соседей" gives "kukhnya-sosedei". Latin words are folded and, when a letter stays
    non-ASCII ("ə"), left out as they always were, so the ids of Latin titles never change.
    A title of no letters or digits gives "".
    """
    ascii_words = []
    for word in words(text):
        if word.isascii():
            ascii_words.append(word)
        elif not _is_latin(word):
            ascii_words += words(anyascii(word))
    return "-".join(ascii_words)


def _is_latin(word: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("LATIN") for ch in word)


def telegram_length(text: str) -> int:
    """Return the length of text as Telegram counts it: UTF-16 code units.

    Telegram's limits (4096 a message, 1024 a caption …, `telegram.constants.MessageLimit`)
    are in these units: a letter outside the Basic Multilingual Plane, such as most emoji or
    "𝐁", counts two.
    """
    if text.isascii():  # most text: one unit a character, without encoding it
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def cut_to_telegram_length(text: str, limit: int) -> str:
    """Return the longest start of text whose Telegram length is at most `limit`.

    The cut never splits a character (a surrogate pair stays whole).
    """
    if len(text) * 2 <= limit or telegram_length(text) <= limit:
        return text
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def isolate(text: str) -> str:
    """Return a member's or an import's text ready to sit inside a sentence of ours.

    Bidi embeddings, overrides and isolates in it are dropped, so a U+202E can't reverse the
    rest of our line; text with right-to-left letters (Arabic, Hebrew …) is then wrapped in
    FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (Unicode UAX #9), so it can't reorder
    the words and numbers around it either. Left-to-right text comes back as it was. Apply
    it to the escaped text.
    """
    if text.isascii():
        return text
    cleaned = text.translate(_BIDI_CONTROLS)
    if any(unicodedata.bidirectional(ch) in _RIGHT_TO_LEFT for ch in cleaned):
        return f"{FIRST_STRONG_ISOLATE}{cleaned}{POP_DIRECTIONAL_ISOLATE}"
    return cleaned
