"""Text folding shared by search, aliases and ids: case, accents and punctuation."""

import re
import unicodedata

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
    return _NON_WORD.sub(" ", strip_accents(text).casefold()).strip()


def words(text: str) -> list[str]:
    """Split text into folded words."""
    return fold(text).split()


def slugify(text: str) -> str:
    """Return the id slug of a title (DESIGN §3): lower case, no accents, '-' between words.

    Words in scripts other than Latin are left out, since ids travel in links and buttons that
    allow only ASCII; a title with none gives "".
    """
    return "-".join(word for word in words(text) if word.isascii())
