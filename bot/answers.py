"""Answers to the template: checking what a member typed, and the practice they describe. Pure.

Every check returns the value to keep or what is wrong, as HTML with the user's text escaped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from typing import Any, Protocol
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from bot.aliases import is_short, short_name_problem
from bot.cards import embed
from bot.models import Practice, period_years
from bot.template import FIELDS, FIELDS_BY_KEY, MIN_TEXT, TOPICS, Field
from bot.text import fold


@dataclass(frozen=True, slots=True)
class Answer:
    """The result of checking one answer: the value to keep, or what is wrong with it.

    Attributes:
        value: the cleaned value (str, list of str, or for the contact a dict).
        error: what is wrong, as HTML with the user's text escaped; None when valid.
        suggestions: names to offer as buttons (countries for a misspelt country).
    """

    value: Any = None
    error: str | None = None
    suggestions: tuple[str, ...] = ()


class Places(Protocol):
    """The place names answers are matched against (`bot.aliases.Aliases`)."""

    countries: dict[str, str]
    city_countries: dict[str, list[str]]

    def city(self, name: str) -> str | None: ...

    def country(self, name: str) -> str | None: ...

    def country_or_code(self, name: str) -> str | None: ...


def check_answer(field: Field, text: str, places: Places, current_year: int) -> Answer:
    """Check a typed answer against its field's rules.

    Args:
        field: the step answered (not "topics", which is answered with buttons).
        text: the message as typed.
        places: known cities and countries.
        current_year: for the period's plausibility.

    Returns:
        The value to keep, or an error (with suggestions for a misspelt country).
    """
    text = clean_text(text)
    if not text:
        return Answer(error="That answer is empty.")
    if field.kind == "line":
        return _check_line(field, " ".join(text.split()))
    if field.kind == "text":
        return _check_text(field, text)
    if field.kind == "cities":
        return _check_cities(field, text, places)
    if field.kind == "country":
        return _check_country(text, places)
    if field.kind == "period":
        return _check_period(field, " ".join(text.split()), current_year)
    if field.kind == "links":
        return _check_links(field, text)
    if field.kind == "contact":
        return _check_contact(field, " ".join(text.split()))
    return Answer(error=f"{field.name} is answered with the buttons above.")


def clean_text(text: str) -> str:
    """Drop control characters (keeping new lines and tabs) and blank runs of lines."""
    text = text.replace("\r\n", "\n").translate(_CONTROL)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


_CONTROL = {n: None for n in (*range(0, 9), 11, 12, *range(14, 32), 127)}
_BLANK_RUN = re.compile(r"\n{3,}")


def _too_long(field: Field, text: str) -> Answer:
    return Answer(
        error=f"That is {len(text):,} characters; {escape(field.name)} takes at most "
        f"{field.limit:,}. Please shorten it and send it again."
    )


def _check_line(field: Field, text: str) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text)
    if not any(ch.isalpha() for ch in text) or len(text) < 3:
        return Answer(error=f"{escape(field.name)} needs at least a few letters.")
    return Answer(value=text)


def _check_text(field: Field, text: str) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text)
    if len(text) < MIN_TEXT:
        skip = "" if field.required else ", or press Skip"
        return Answer(error=f"Please write at least a sentence ({MIN_TEXT} characters){skip}.")
    return Answer(value=text)


def _check_cities(field: Field, text: str, places: Places) -> Answer:
    names = [" ".join(part.split()) for part in re.split(r"[,;\n]", text)]
    cities: list[str] = []
    for name in filter(None, names):
        if len(name) > 60 or not any(ch.isalpha() for ch in name):
            return Answer(error=f"‘{embed(name, 60)}’ is not a city name.")
        city = places.city(name) or name
        if fold(city) not in {fold(c) for c in cities}:
            cities.append(city)
    if not cities:
        return Answer(error="Write the name of at least one city.")
    if len(cities) > field.limit:
        return Answer(error=f"That is {len(cities)} cities; at most {field.limit}, please.")
    return Answer(value=cities)


def _check_country(text: str, places: Places) -> Answer:
    country = places.country_or_code(text)
    if country:
        return Answer(value=country)
    shown = embed(text, 60)
    if is_short(text):
        return Answer(error=short_name_problem("country", shown))
    suggestions = country_suggestions(text, places)
    named = " or ".join(escape(name) for name in suggestions)
    hint = f" Did you mean {named}?" if suggestions else " Write its name in English."
    return Answer(error=f"I don't know the country ‘{shown}’.{hint}", suggestions=suggestions)


def country_suggestions(text: str, places: Places, limit: int = 3) -> tuple[str, ...]:
    """Return the countries whose names (in any language) are closest to a misspelt name."""
    folded = fold(text)
    if not folded or is_short(folded):  # see bot.aliases.SHORT_NAME
        return ()
    matches = process.extract(
        folded, list(places.countries), scorer=fuzz.WRatio, limit=30, score_cutoff=80
    )
    found: list[str] = []
    for alias, _score, _index in matches:
        country = places.countries[alias]
        if country not in found:
            found.append(country)
    return tuple(found[:limit])


def countries_of(cities: list[str], places: Places, limit: int = 3) -> list[str]:
    """Return the countries the given cities lie in, as known, for the country step."""
    found: list[str] = []
    for city in cities:
        for country in places.city_countries.get(city, []):
            if country not in found:
                found.append(country)
    return found[:limit]


def _check_period(field: Field, text: str, current_year: int) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text)
    years = period_years(text, current_year)
    if years is None:
        return Answer(
            error="Give the years it ran, or say it is ongoing: e.g. <i>2018 - ongoing</i> "
            "or <i>2015-2020</i>."
        )
    if years[0] > current_year + 1:
        return Answer(error=f"That starts in {years[0]}; give the years it has run so far.")
    return Answer(value=text)


_URL_EDGE_START = "<([{«“‘\"'"
_URL_EDGE_END = ".,;:!?)]}>»”’\"'"
_HOST = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+$")


def _check_links(field: Field, text: str) -> Answer:
    links: list[str] = []
    for token in text.split():
        link = token.lstrip(_URL_EDGE_START).rstrip(_URL_EDGE_END)
        problem = url_problem(link) if link else None
        if problem:
            return Answer(error=problem)
        if link and link not in links:
            links.append(link)
    if not links:
        return Answer(error="Write at least one link, or press Skip.")
    if len(links) > field.limit:
        return Answer(error=f"That is {len(links)} links; at most {field.limit}, please.")
    return Answer(value=links)


def url_problem(link: str) -> str | None:
    """Return what is wrong with a link (HTML), or None for an http or https URL."""
    shown = embed(link, 80)
    if len(link) > 500:
        return f"‘{shown}’ is too long for a link (at most 500 characters)."
    try:
        parts = urlsplit(link)
        host = parts.hostname or ""
    except ValueError:
        return f"‘{shown}’ is not a web address."
    if parts.scheme.lower() in ("http", "https") and _HOST.match(host):
        return None
    if not parts.scheme and _HOST.match(link.split("/", 1)[0]):
        return f"‘{shown}’ needs http:// or https:// in front, e.g. https://{shown}"
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return f"Only http:// and https:// links are accepted, not ‘{shown}’."
    return f"‘{shown}’ is not a web address starting with http:// or https://."


_EMPTY_BRACKETS = re.compile(r"[<(\[]\s*[>)\]]")
_EMAIL_IN_TEXT = re.compile(r"[^\s<>(),;:\"'\[\]]+@[^\s<>(),;:\"'\[\]]+")
_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}$")


def _check_contact(field: Field, text: str) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text)
    emails = _EMAIL_IN_TEXT.findall(text)
    if len(emails) != 1:
        found = "no e-mail address" if not emails else "more than one e-mail address"
        return Answer(error=f"I found {found}. Write one name and one e-mail.")
    email = emails[0].rstrip(".")
    if not email_is_valid(email):
        return Answer(error=f"‘{embed(email, 80)}’ is not a valid e-mail address.")
    name = _EMPTY_BRACKETS.sub(" ", text.replace(emails[0], " "))
    name = " ".join(name.strip(" ,;:-–").split())
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return Answer(error="Write the contact person's name as well as the e-mail.")
    return Answer(value={"name": name, "email": email, "public": None})


def email_is_valid(email: str) -> bool:
    """Return True when an address has the form of an e-mail address (not that it exists)."""
    local = email.partition("@")[0]
    return (
        len(email) <= 254
        and bool(_EMAIL.match(email))
        and ".." not in email
        and not local.startswith(".")
        and not local.endswith(".")
    )


def toggle_topic(selected: list[str], index: int) -> tuple[list[str], str | None]:
    """Tick or untick the topic at `index` of TOPICS.

    Returns:
        The new selection in programme order, and an error when the tick is not allowed.
    """
    if not 0 <= index < len(TOPICS):
        return selected, "That topic is not in the list."
    topic = TOPICS[index]
    if topic in selected:
        return [t for t in selected if t != topic], None
    limit = FIELDS_BY_KEY["topics"].limit
    if len(selected) >= limit:
        return selected, f"At most {limit} topics: untick one first."
    return [t for t in TOPICS if t in selected or t == topic], None


def missing_fields(answers: dict[str, Any]) -> list[Field]:
    """Return the required fields a draft has no answer for (the contact needs its consent)."""
    missing = [f for f in FIELDS if f.required and not answers.get(f.key)]
    contact = answers.get("contact")
    if contact and contact.get("public") is None:
        missing.append(FIELDS_BY_KEY["contact"])
    return missing


def practice_from_answers(answers: dict[str, Any], practice_id: str) -> Practice:
    """Return the practice a complete draft describes, as it would be published.

    The first link becomes the card's "Read more"; the contact is not part of the practice.
    """
    links = answers.get("links") or []
    return Practice(
        id=practice_id,
        title=answers.get("title") or "",
        subtitle=answers.get("subtitle"),
        cities=list(answers.get("cities") or []),
        country=answers.get("country") or "",
        period=answers.get("period"),
        topics=list(answers.get("topics") or []),
        purpose=answers.get("purpose"),
        rationale=answers.get("rationale"),
        process=answers.get("process"),
        impact=answers.get("impact"),
        url=links[0] if links else None,
        source="submission",
    )


def same_title(title: str, other: str) -> bool:
    """Return True when two titles name the same practice, typos and small additions aside.

    Both orders of the words must match closely, or one title must hold nearly all the other's
    words while being of similar length; a shared word alone ("Roma") is not enough.
    """
    a, b = fold(title), fold(other)
    if not a or not b:
        return False
    if fuzz.token_sort_ratio(a, b) >= 85:
        return True
    similar_length = min(len(a), len(b)) / max(len(a), len(b)) >= 0.6
    return similar_length and fuzz.token_set_ratio(a, b) >= 90


def find_same_title(title: str, practices: Iterable[Practice]) -> Practice | None:
    """Return the first practice whose title names the same practice as `title`, or None."""
    return next((p for p in practices if same_title(title, p.title)), None)
