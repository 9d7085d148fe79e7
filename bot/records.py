"""Validate one practice record of an import file against the rules of DESIGN §3."""

import difflib
import functools
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bot.aliases import Aliases
from bot.i18n import N_, Message
from bot.models import PRACTICE_FIELDS, Practice
from bot.template import TOPICS
from bot.text import fold, slugify

MAX_TITLE_LENGTH = 300
MAX_ID_LENGTH = 200
MAX_TEXT_LENGTH = 20_000
# Country, city, period, keyword, source: one-line values; the cap only stops garbage.
MAX_SHORT_LENGTH = 300
MAX_URL_LENGTH = 2_000
DEFAULT_SOURCE = "import"
DEFAULT_LANGUAGE = "en"

TEXT_FIELDS = ("subtitle", "purpose", "rationale", "process", "impact")
_ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_LANGUAGE_PATTERN = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")
_TOPICS_BY_FOLD = {fold(topic): topic for topic in TOPICS}
# JSON can spell half of a UTF-16 pair ("\ud800"): Python reads it as a lone surrogate, which
# is no character at all and can't be written as UTF-8 (or sent to Telegram).
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidRecord(ValueError):
    """One record breaks a rule; the message is the reason shown in the import report.

    Its first argument is a `bot.i18n.Message`: English as text, in any language rendered.
    """

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


_JSON_TYPES = {
    dict: N_("an object"),
    list: N_("a list"),
    str: N_("a string"),
    bool: N_("a boolean"),
    type(None): N_("null"),
}


def json_type(value: Any) -> Message:
    """Name a JSON value's type as JSON calls it, for messages."""
    return Message(_JSON_TYPES.get(type(value), N_("a number")))


def record_label(item: Any, number: int) -> str:
    """Name a record in the report: its title when it has a usable one, else its position."""
    title = item.get("title") if isinstance(item, dict) else None
    if isinstance(title, str) and title.strip():
        title = _SURROGATE.sub("\ufffd", " ".join(title.split()))
        # A label is one line of a report, so a runaway title is cut short.
        return title if len(title) <= 80 else title[:79] + "…"
    return Message(N_("record {number}"), number=number)


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
    broken = _fields_with_surrogates(data)
    if broken:
        raise InvalidRecord(
            Message(
                N_("{fields}: not valid text (a lone UTF-16 surrogate such as \\ud800)"),
                fields=", ".join(broken),
            )
        )
    errors: list[str] = [_unknown_keys_reason(data)] if set(data) - set(PRACTICE_FIELDS) else []
    values: dict[str, Any] = {}
    for name, check in _field_checks(aliases).items():
        try:
            values[name] = check(data)
        except InvalidRecord as exc:
            errors.append(exc.reason)
    if "title" in values:
        try:
            values["id"] = _practice_id(data.get("id"), values["title"])
        except InvalidRecord as exc:
            errors.append(exc.reason)
    if errors:
        raise InvalidRecord(Message.joined("; ", errors))
    return Practice(**values)


def _fields_with_surrogates(data: dict[str, Any]) -> list[str]:
    """Name the keys whose value (or the key itself) holds a lone surrogate, at any depth."""

    def broken(value: Any) -> bool:
        if isinstance(value, str):
            return bool(_SURROGATE.search(value))
        if isinstance(value, dict):
            return any(broken(k) or broken(v) for k, v in value.items())
        if isinstance(value, list):
            return any(broken(item) for item in value)
        return False

    return [
        _SURROGATE.sub("\ufffd", str(key))
        for key, value in data.items()
        if broken(key) or broken(value)
    ]


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
        checks[name] = functools.partial(_text, name=name, limit=MAX_TEXT_LENGTH)
    return checks


def _unknown_keys_reason(data: dict[str, Any]) -> Message:
    """Name the unknown keys, with the likely intended key, so typos are easy to fix."""
    names: list[str] = []
    for key in sorted(map(str, set(data) - set(PRACTICE_FIELDS))):
        guess = difflib.get_close_matches(key.lower(), PRACTICE_FIELDS, n=1)
        if guess:
            names.append(
                Message(N_("{name} (did you mean {guess}?)"), name=repr(key), guess=repr(guess[0]))
            )
        else:
            names.append(repr(key))
    many = len(names) > 1
    message = N_("unknown keys {names}") if many else N_("unknown key {names}")
    return Message(message, names=Message.joined(", ", names))


def _text(data: dict[str, Any], name: str, limit: int, *, required: bool = False) -> str | None:
    """Return a trimmed string field, None when absent or empty.

    Raises:
        InvalidRecord: not a string, missing when required, or longer than `limit`.
    """
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidRecord(_not_a(name, N_("{name} must be a string, not {type}"), value))
    value = (value or "").strip()
    if not value:
        if required:
            raise InvalidRecord(Message(N_("{name} is required"), name=name))
        return None
    if len(value) > limit:
        raise InvalidRecord(_too_long(name, limit, len(value)))
    return value


def _not_a(name: str, message: str, value: Any) -> Message:
    return Message(message, name=name, type=json_type(value))


def _too_long(name: str, limit: int, length: int) -> Message:
    message = N_("{name} is longer than {limit} characters ({length})")
    return Message(message, name=name, limit=limit, length=length)


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
        raise InvalidRecord(Message(N_("{name} must be a list of strings"), name=name))
    items = list(dict.fromkeys(" ".join(item.split()) for item in value))
    items = [item for item in items if item]
    too_long = [item for item in items if len(item) > MAX_SHORT_LENGTH]
    if too_long:
        message = N_("{name}: an item is longer than {limit} characters")
        raise InvalidRecord(Message(message, name=name, limit=MAX_SHORT_LENGTH))
    return items


def _topics(data: dict[str, Any]) -> list[str]:
    """Return the topics in their TOPICS spelling; case and accents are ignored."""
    names = _string_list(data, "topics")
    unknown = [name for name in names if fold(name) not in _TOPICS_BY_FOLD]
    if unknown:
        raise InvalidRecord(
            Message.joined("; ", [_unknown_topic_reason(name) for name in unknown])
        )
    return list(dict.fromkeys(_TOPICS_BY_FOLD[fold(name)] for name in names))


def _unknown_topic_reason(name: str) -> Message:
    """Name an unknown topic, with the closest programme topic when one is close."""
    guess = difflib.get_close_matches(fold(name), _TOPICS_BY_FOLD, n=1)
    if not guess:
        return Message(N_("unknown topic {name}"), name=repr(name))
    message = N_("unknown topic {name} (did you mean {guess}?)")
    return Message(message, name=repr(name), guess=repr(_TOPICS_BY_FOLD[guess[0]]))


def _url(data: dict[str, Any]) -> str | None:
    """Return the url when it is an http or https address; links are opened by members."""
    value = _text(data, "url", MAX_URL_LENGTH)
    if value is None:
        return None
    parts = urlsplit(value)
    # Any whitespace inside is refused: urlsplit silently drops tabs and newlines.
    spaced = any(ch.isspace() for ch in value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or spaced:
        message = N_("url must be an http or https address, not {value}")
        raise InvalidRecord(Message(message, value=repr(_shorten(value))))
    return value


def _language(data: dict[str, Any]) -> str:
    """Return the language code, "en" when absent."""
    value = _one_line(data, "language", MAX_SHORT_LENGTH)
    if value is None:
        return DEFAULT_LANGUAGE
    if not _LANGUAGE_PATTERN.match(value):
        message = N_("language must be a code such as 'en' or 'fr', not {value}")
        raise InvalidRecord(Message(message, value=repr(value)))
    return value


def _practice_id(value: Any, title: str) -> str:
    """Return the record's id, the slug of its title when the record gives none."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default_id(title)
    if not isinstance(value, str):
        raise InvalidRecord(_not_a("id", N_("{name} must be a string, not {type}"), value))
    value = value.strip()
    if len(value) > MAX_ID_LENGTH:
        raise InvalidRecord(_too_long("id", MAX_ID_LENGTH, len(value)))
    if not _ID_PATTERN.match(value):
        message = N_("id {value} must be lower-case letters and digits joined by single '-'")
        raise InvalidRecord(Message(message, value=repr(_shorten(value))))
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
        message = N_(
            "the title gives no usable id ({slug}); add an 'id' of lower-case ASCII letters,"
            " digits and '-'"
        )
        raise InvalidRecord(Message(message, slug=repr(slug)))
    return slug


def _shorten(text: str, limit: int = 60) -> str:
    """Cut a value quoted in a reason, so a reason stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
