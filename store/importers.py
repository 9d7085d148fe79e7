"""Read practice files for `python -m bot import FILE`: parsing and validation only.

Two inputs are understood: JSON in the DESIGN §3 shape (a list of practices, or one practice),
and the text of the programme's listing page (`seeds/`). Nothing here touches the database: the
caller gets an `ImportBatch` of valid practices plus the records it rejected, with reasons.
"""

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.aliases import Aliases
from bot.models import PRACTICE_FIELDS, Practice
from bot.template import TOPICS
from bot.text import fold, slugify, strip_accents

MAX_TITLE_LENGTH = 300
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
# Country, city, period, keyword, source: one-line values; the cap only stops garbage.
MAX_SHORT_LENGTH = 300
MAX_URL_LENGTH = 2_000
LISTING_URL = "https://www.coe.int/en/web/interculturalcities/-/{id}"
LISTING_SOURCE = "coe-listing"
DEFAULT_SOURCE = "import"
DEFAULT_LANGUAGE = "en"

TEXT_FIELDS = ("subtitle", "purpose", "rationale", "process", "impact")
_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_TOPICS_BY_FOLD = {fold(topic): topic for topic in TOPICS}

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


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing from it may be imported."""


class InvalidRecord(ValueError):
    """One record breaks a rule; the message is the reason shown in the import report."""


@dataclass
class ImportBatch:
    """What a file yielded: practices to write, and records left out with the reason.

    Attributes:
        practices: valid practices, in file order, one per id.
        rejected: (label of the record, reason) for each record that was left out.
        partial: the records carry only some fields (the listing page has no topics,
            keywords or full texts), so an update must keep what the store already has.
    """

    practices: list[Practice] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    partial: bool = False


# --- reading a file ---------------------------------------------------------------------------


def read_practice_file(path: Path, aliases: Aliases) -> ImportBatch:
    """Read a JSON or listing-text file of practices and validate every record.

    Args:
        path: the file; `.json` files, or text starting with `[` or `{`, are read as JSON,
            anything else as the programme's listing-page text.
        aliases: place names, used to canonicalise and recognise countries.

    Returns:
        The valid practices and the rejected records. When two records share an id the last
        one wins and the earlier ones are rejected as "duplicate id".

    Raises:
        ImportFileError: the file is missing, not UTF-8, malformed JSON, JSON that is neither
            a list nor an object, or text in which no practice can be recognised.
    """
    text = _read_text(path)
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _validate_entries(_json_entries(path, text), aliases)
    entries = _listing_entries(text, aliases)
    if not entries:
        raise ImportFileError(
            f"{path}: no practice found (expected JSON, or the listing-page text"
            " with a 'Read More' line after each practice)"
        )
    batch = _validate_entries(entries, aliases)
    batch.partial = True
    return batch


def _read_text(path: Path) -> str:
    """Return the file's text, or raise ImportFileError with one line saying why not."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        # utf-8-sig: files saved by some Windows editors start with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"{path}: not UTF-8 text (byte {raw[exc.start]:#04x} on line {line})"
        ) from None
    if not text.strip():
        raise ImportFileError(f"{path}: the file is empty")
    return text


def _json_entries(path: Path, text: str) -> list[tuple[str, Any]]:
    """Parse JSON text into (label, record) pairs; records are checked later."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path}: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ImportFileError(
            f"{path}: JSON must be a list of practices or one practice object,"
            f" not {_json_type(data)}"
        )
    return [(_record_label(item, number), item) for number, item in enumerate(data, 1)]


def _record_label(item: Any, number: int) -> str:
    """Name a record in the report: its title when it has a usable one, else its position."""
    title = item.get("title") if isinstance(item, dict) else None
    if isinstance(title, str) and title.strip():
        title = " ".join(title.split())
        # A label is one line of a report, so a runaway title is cut short.
        return title if len(title) <= 80 else title[:79] + "…"
    return f"record {number}"


def _json_type(value: Any) -> str:
    """Name a JSON value's type as JSON calls it, for messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _validate_entries(entries: list[tuple[str, Any]], aliases: Aliases) -> ImportBatch:
    """Validate each entry, keep the last record of each id, and report the rest."""
    outcomes = [(label, _outcome(item, aliases)) for label, item in entries]
    last_index = {o.id: i for i, (_, o) in enumerate(outcomes) if isinstance(o, Practice)}
    batch = ImportBatch()
    for index, (label, outcome) in enumerate(outcomes):
        if isinstance(outcome, str):
            batch.rejected.append((label, outcome))
        elif last_index[outcome.id] != index:
            reason = f"duplicate id {outcome.id!r}: a later record in the file replaces it"
            batch.rejected.append((label, reason))
        else:
            batch.practices.append(outcome)
    return batch


def _outcome(item: Any, aliases: Aliases) -> Practice | str:
    """Return the valid practice, or the reason the item is rejected."""
    if isinstance(item, InvalidRecord):
        return str(item)
    if not isinstance(item, dict):
        return f"a practice must be a JSON object, not {_json_type(item)}"
    try:
        return validate_record(item, aliases)
    except InvalidRecord as exc:
        return str(exc)


# --- validating one record ------------------------------------------------------------------


def validate_record(data: dict[str, Any], aliases: Aliases) -> Practice:
    """Check one record against the DESIGN §3 shape and return it as a Practice.

    Every problem of the record is reported at once, so a file can be fixed in one pass.

    Args:
        data: the record, as read from JSON or the listing text.
        aliases: place names, used to canonicalise the country ("Espagne" → "Spain").

    Returns:
        The practice, with whitespace trimmed, topics in their TOPICS spelling and
        defaults filled in (id from the title, language "en", source "import").

    Raises:
        InvalidRecord: the record breaks a rule; the message names each problem.
    """
    errors = [_unknown_keys_reason(data)] if set(data) - set(PRACTICE_FIELDS) else []
    values: dict[str, Any] = {}
    for name, check in _field_checks(aliases).items():
        try:
            values[name] = check(data)
        except InvalidRecord as exc:
            errors.append(str(exc))
    if "title" in values:
        try:
            values["id"] = _practice_id(data.get("id"), values["title"])
        except InvalidRecord as exc:
            errors.append(str(exc))
    if errors:
        raise InvalidRecord("; ".join(errors))
    return Practice(**values)


def _field_checks(aliases: Aliases) -> dict[str, Callable[[dict[str, Any]], Any]]:
    """Return the check of each field but the id, which depends on the title."""
    checks: dict[str, Callable[[dict[str, Any]], Any]] = {
        "title": lambda d: _one_line(d, "title", MAX_TITLE_LENGTH, required=True),
        "country": lambda d: _country(d, aliases),
        "cities": lambda d: _string_list(d, "cities", split_commas=True),
        "period": lambda d: _one_line(d, "period", MAX_SHORT_LENGTH),
        "topics": _topics,
        "keywords": lambda d: _string_list(d, "keywords"),
        "url": _url,
        "language": _language,
        "source": lambda d: _one_line(d, "source", MAX_SHORT_LENGTH) or DEFAULT_SOURCE,
    }
    for name in TEXT_FIELDS:
        checks[name] = lambda d, name=name: _text(d, name, MAX_TEXT_LENGTH)
    return checks


def _unknown_keys_reason(data: dict[str, Any]) -> str:
    """Name the unknown keys, with the likely intended key, so typos are easy to fix."""
    names = []
    for key in sorted(map(str, set(data) - set(PRACTICE_FIELDS))):
        guess = difflib.get_close_matches(key.lower(), PRACTICE_FIELDS, n=1)
        names.append(f"{key!r} (did you mean {guess[0]!r}?)" if guess else repr(key))
    return f"unknown key{'s' if len(names) > 1 else ''} {', '.join(names)}"


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str | None:
    """Return a trimmed string field, None when absent or empty.

    Raises:
        InvalidRecord: not a string, missing when required, or longer than `limit`.
    """
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidRecord(f"{name} must be a string, not {_json_type(value)}")
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidRecord(f"{name} is required")
        return None
    if len(value) > limit:
        raise InvalidRecord(f"{name} is longer than {limit} characters ({len(value)})")
    return value


def _one_line(
    data: dict[str, Any], name: str, limit: int, *, required: bool = False
) -> str | None:
    """Return a string field with inner runs of whitespace, newlines included, made one space.

    Titles, places and periods are shown on one line of a card, so a stray line break in
    the file would otherwise break the layout.
    """
    value = _text(data, name, limit, required=required)
    return " ".join(value.split()) if value else value


def _country(data: dict[str, Any], aliases: Aliases) -> str:
    """Return the canonical country name ("Espagne" → "Spain"); unknown names are kept."""
    value = _one_line(data, "country", MAX_SHORT_LENGTH, required=True)
    assert value is not None  # required=True never returns None
    return aliases.canonical_country(value)


def _string_list(data: dict[str, Any], name: str, *, split_commas: bool = False) -> list[str]:
    """Return a list of trimmed, non-empty, distinct strings.

    Args:
        data: the record.
        name: the field.
        split_commas: accept one string of comma-separated items too ("Turin, Milan").
    """
    value = data.get(name)
    if value is None:
        return []
    if split_commas and isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidRecord(f"{name} must be a list of strings")
    items = list(dict.fromkeys(" ".join(item.split()) for item in value))
    items = [item for item in items if item]
    too_long = [item for item in items if len(item) > MAX_SHORT_LENGTH]
    if too_long:
        raise InvalidRecord(f"{name}: an item is longer than {MAX_SHORT_LENGTH} characters")
    return items


def _topics(data: dict[str, Any]) -> list[str]:
    """Return the topics in their TOPICS spelling; case and accents are ignored."""
    names = _string_list(data, "topics")
    unknown = [name for name in names if fold(name) not in _TOPICS_BY_FOLD]
    if unknown:
        raise InvalidRecord("; ".join(_unknown_topic_reason(name) for name in unknown))
    return list(dict.fromkeys(_TOPICS_BY_FOLD[fold(name)] for name in names))


def _unknown_topic_reason(name: str) -> str:
    """Name an unknown topic, with the closest programme topic when one is close."""
    guess = difflib.get_close_matches(fold(name), _TOPICS_BY_FOLD, n=1)
    hint = f" (did you mean {_TOPICS_BY_FOLD[guess[0]]!r}?)" if guess else ""
    return f"unknown topic {name!r}{hint}"


def _url(data: dict[str, Any]) -> str | None:
    """Return the url when it is an http or https address; links are opened by members."""
    value = _text(data, "url", MAX_URL_LENGTH)
    if value is None:
        return None
    parts = urlsplit(value)
    # Any whitespace inside is refused: urlsplit silently drops tabs and newlines.
    spaced = any(ch.isspace() for ch in value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or spaced:
        raise InvalidRecord(f"url must be an http or https address, not {_shorten(value)!r}")
    return value


def _language(data: dict[str, Any]) -> str:
    """Return the language code, "en" when absent."""
    value = _one_line(data, "language", MAX_SHORT_LENGTH)
    if value is None:
        return DEFAULT_LANGUAGE
    if not _LANGUAGE_PATTERN.match(value):
        raise InvalidRecord(f"language must be a code such as 'en' or 'fr', not {value!r}")
    return value


def _practice_id(value: Any, title: str) -> str:
    """Return the record's id, the slug of its title when the record gives none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default_id(title)
    if not isinstance(value, str):
        raise InvalidRecord(f"id must be a string, not {_json_type(value)}")
    value = value.strip()
    if len(value) > MAX_ID_LENGTH:
        raise InvalidRecord(f"id is longer than {MAX_ID_LENGTH} characters ({len(value)})")
    if not _ID_PATTERN.match(value):
        raise InvalidRecord(
            f"id {_shorten(value)!r} must be lower-case letters and digits joined by single '-'"
        )
    return value


def default_id(title: str) -> str:
    """Return the id a title gives (DESIGN §3: its slug), cut at a word to fit 200 characters.

    Raises:
        InvalidRecord: the slug is empty or not plain ASCII (a title in another script);
            such a record needs an explicit id.
    """
    slug = slugify(title)
    if len(slug) > MAX_ID_LENGTH:
        # Cut at the last whole word so the id stays readable; the cut is deterministic, so
        # importing the same file again still finds the same id.
        slug = slug[: MAX_ID_LENGTH + 1].rsplit("-", 1)[0][:MAX_ID_LENGTH]
    if not _ID_PATTERN.match(slug):
        raise InvalidRecord(
            f"the title gives no usable id ({slug!r}); add an 'id' of lower-case ASCII letters,"
            " digits and '-'"
        )
    return slug


def _shorten(text: str, limit: int = 60) -> str:
    """Cut a value quoted in a reason, so a reason stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- the listing page -------------------------------------------------------------------------


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
    return [item for _, item in _listing_entries(text, aliases) if isinstance(item, dict)]


def _listing_entries(text: str, aliases: Aliases) -> list[tuple[str, Any]]:
    """Return (label, record or InvalidRecord) for each block that ends with "Read More"."""
    entries: list[tuple[str, Any]] = []
    for line_number, lines in _listing_blocks(text):
        try:
            record = _parse_block(lines, aliases)
        except InvalidRecord as exc:
            entries.append((f"practice ending at line {line_number}", exc))
        else:
            entries.append((_record_label(record, len(entries) + 1), record))
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
        raise InvalidRecord("no title and place line (a known country first) before 'Read More'")
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
