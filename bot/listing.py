"""Parse the text of the programme's listing page (`seeds/`) into practice records."""

import re
from typing import Any

from bot.aliases import Aliases
from bot.i18n import N_, Message
from bot.models import PRACTICE_FIELDS
from bot.records import InvalidRecord, default_id, record_label
from bot.text import strip_accents

LISTING_SOURCE = "coe-listing"
LISTING_URL = "https://www.coe.int/en/web/interculturalcities/-/{id}"
_READ_MORE = re.compile(r"^read more\W*$", re.IGNORECASE)
# Labels are matched capitalised only, so "for this purpose: ..." inside a sentence stays text.
_EXCERPT_LABEL = re.compile(r"(?:Stimulus\s*/\s*)?\b(Purpose|Rationale|Process|Impact)\s*:")
_TRAILING_ELLIPSIS = re.compile(r"\s*(?:\.{3,}|…)\s*$")
_CITY_SEPARATOR = re.compile(r"[,;]|\s+(?:and|&)\s+")
_MONTHS = (
    "january february march april may june july august september october november december "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre"
)
# Words a period can start with, folded (no accents, lower case). "à" is matched separately,
# with its accent, so that a city such as "A Coruña" is not taken for a period.
_PERIOD_WORDS = frozenset(
    (
        "ongoing on-going onwards onward since from until till current currently present still "
        "every each annual annually yearly permanent mid early late spring summer autumn fall "
        "winter depuis partir chaque desde seit " + _MONTHS
    ).split()
)


def parse_listing_text(text: str, aliases: Aliases) -> list[dict[str, Any]]:
    """Parse the programme's listing page into records in the DESIGN §3 shape.

    Each practice on the page is a title line, a place line ("Country City… Period"), an
    excerpt and a "Read More" line; everything else (address, introduction, the filter
    block after the last practice) is page furniture and ignored. A block that cannot be
    parsed (no recognisable country) is left out here; `read_practice_file` reports it.

    Args:
        text: the page text.
        aliases: place names; a country is the longest start of the place line they know.

    Returns:
        One record per parsed practice, with `url`, `source` "coe-listing" and `language`
        "en" set, and no topics or keywords (the listing has none).
    """
    return [item for _, item in listing_entries(text, aliases) if isinstance(item, dict)]


def listing_entries(text: str, aliases: Aliases) -> list[tuple[str, Any]]:
    """Return (label, record or InvalidRecord) for each block that ends with "Read More"."""
    entries: list[tuple[str, Any]] = []
    for line_number, lines in _listing_blocks(text):
        try:
            record = _parse_block(lines, aliases)
        except InvalidRecord as exc:
            label = Message(N_("practice ending at line {number}"), number=line_number)
            entries.append((label, exc))
        else:
            entries.append((record_label(record, len(entries) + 1), record))
    return entries


def _listing_blocks(text: str) -> list[tuple[int, list[str]]]:
    """Split the page into the non-empty lines before each "Read More" line.

    Returns:
        (line number of the "Read More", lines of the block) pairs; lines after the last
        "Read More" (the filter block) belong to no practice and are dropped.
    """
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for line_number, raw in enumerate(text.splitlines(), 1):
        line = " ".join(raw.split())
        if _READ_MORE.match(line):
            blocks.append((line_number, current))
            current = []
        elif line:
            current.append(line)
    return blocks


def _parse_block(lines: list[str], aliases: Aliases) -> dict[str, Any]:
    """Turn the lines before one "Read More" into a record.

    The place line is normally second to last (an excerpt follows it); when it is last the
    practice has no excerpt. The title is the line before the place line.
    """
    for index in (len(lines) - 2, len(lines) - 1):
        place = _parse_place(lines[index], aliases) if index >= 1 else None
        if place is not None:
            break
    else:
        raise InvalidRecord(
            Message(N_("no title and place line (a known country first) before 'Read More'"))
        )
    title = lines[index - 1]
    record = dict.fromkeys(PRACTICE_FIELDS)
    record.update(title=title, id=default_id(title), topics=[], keywords=[])
    record.update(place)
    record.update(_split_excerpt(" ".join(lines[index + 1 :])))
    record.update(url=LISTING_URL.format(id=record["id"]), language="en", source=LISTING_SOURCE)
    return record


def _parse_place(line: str, aliases: Aliases) -> dict[str, Any] | None:
    """Parse "Country City, City Period" into country, cities and period.

    Returns:
        The three fields, or None when the line does not start with a known country. The
        country is the longest start of the line that `aliases` knows, so "United Kingdom
        Leeds" is not read as a country "United" in a city "Kingdom Leeds".
    """
    if _EXCERPT_LABEL.search(line):
        return None  # an excerpt, even one that starts with a country's name
    tokens = list(re.finditer(r"\S+", line))
    for count in range(len(tokens), 0, -1):
        country = aliases.country(line[: tokens[count - 1].end()])
        if country:
            break
    else:
        return None
    rest = tokens[count:]
    start = next((i for i, t in enumerate(rest) if _is_period_token(t.group())), len(rest))
    cities = line[rest[0].start() : rest[start - 1].end()] if start else ""
    period = line[rest[start].start() :] if start < len(rest) else None
    return {"country": country, "cities": _split_cities(cities), "period": period}


def _is_period_token(token: str) -> bool:
    """Tell whether a word of the place line starts the period ("2009", "since", "March")."""
    if token.casefold() == "à":
        return True
    word = strip_accents(token).casefold().strip(".,;:()[]-–")
    if not word:
        return False
    return word[0].isdigit() or word in _PERIOD_WORDS or word.startswith(("ongoing", "on-going"))


def _split_cities(text: str) -> list[str]:
    """Split "Turin, Milan and Palermo" into its cities, as the listing spells them."""
    cities = (part.strip(" -–") for part in _CITY_SEPARATOR.split(text))
    return [city for city in cities if city]


def _split_excerpt(excerpt: str) -> dict[str, str]:
    """Split a listing excerpt at its "Purpose:" / "Process:" labels.

    Returns:
        Text before the first label as `subtitle`, each label's text under its field name;
        an excerpt without labels is all `purpose`. The listing's trailing "..." is dropped.
    """
    text = _TRAILING_ELLIPSIS.sub("", excerpt).strip()
    labels = list(_EXCERPT_LABEL.finditer(text))
    if not labels:
        return {"purpose": text} if text else {}
    parts = {"subtitle": text[: labels[0].start()].strip()}
    ends = [label.start() for label in labels[1:]] + [len(text)]
    for label, end in zip(labels, ends, strict=True):
        # A label seen twice keeps its first text: the listing repeats none, so a second one
        # is more likely quoted text than a new section.
        parts.setdefault(label.group(1).lower(), text[label.end() : end].strip())
    return {name: value for name, value in parts.items() if value}
