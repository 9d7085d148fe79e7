"""Answers to the template: checking what a member typed, and the practice they describe. Pure.

Every check returns the value to keep or what is wrong, as HTML with the user's text escaped.
"""

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from importlib import resources
from typing import Any, Protocol
from urllib.parse import urlsplit

from rapidfuzz import fuzz, process

from bot import place_names
from bot.aliases import is_short, short_name_problem, unknown_name_problem
from bot.cards import embed
from bot.i18n import ENGLISH, Translator
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
        offer: with an error, a corrected value the member may take with one button (a long
            text shortened at a sentence end, links with https:// added); None otherwise.
    """

    value: Any = None
    error: str | None = None
    suggestions: tuple[str, ...] = ()
    offer: Any = None


@functools.cache
def skip_words() -> frozenset[str]:
    """Return the folded words that mean "skip this step" in the languages the bot reads.

    Source: `bot/data/skip_words.json` (one list per language; "skip", "passer",
    "überspringen", "saltar" …).
    """
    path = resources.files("bot.data").joinpath("skip_words.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    words = (fold(word) for key, values in data.items() if key != "_about" for word in values)
    return frozenset(word for word in words if word)


def is_skip_word(text: str) -> bool:
    """Return True for a message that only says "skip" in some language ("Passer", "skip!")."""
    folded = fold(text)
    return bool(folded) and folded in skip_words()


class Places(Protocol):
    """The place names answers are matched against (`bot.aliases.Aliases`)."""

    countries: dict[str, str]
    city_countries: dict[str, list[str]]

    def city(self, name: str) -> str | None: ...

    def country(self, name: str) -> str | None: ...

    def country_or_code(self, name: str) -> str | None: ...


def check_answer(
    field: Field, text: str, places: Places, current_year: int, t: Translator = ENGLISH
) -> Answer:
    """Check a typed answer against its field's rules.

    Args:
        field: the step answered (not "topics", which is answered with buttons).
        text: the message as typed.
        places: known cities and countries.
        current_year: for the period's plausibility.
        t: the member's language, for the error.

    Returns:
        The value to keep, or an error (with suggestions for a misspelt country).
    """
    text = clean_text(text)
    if not text:
        return Answer(error=t._("That answer is empty."))
    if is_skip_word(text):  # never kept as an answer (the dialogue takes it as Skip first)
        error = t._("‘{word}’ means Skip: press Skip on an optional step, or write the answer.")
        return Answer(error=error.format(word=embed(text, 40)))
    if field.kind == "line":
        return _check_line(field, " ".join(text.split()), t)
    if field.kind == "text":
        return _check_text(field, text, t)
    if field.kind == "cities":
        return _check_cities(field, text, places, t)
    if field.kind == "country":
        return _check_country(text, places, t)
    if field.kind == "period":
        return _check_period(field, " ".join(text.split()), current_year, t)
    if field.kind == "links":
        return _check_links(field, text, t)
    if field.kind == "contact":
        return _check_contact(field, " ".join(text.split()), t)
    name = escape(t.gettext(field.name))
    return Answer(error=t._("{name} is answered with the buttons above.").format(name=name))


def clean_text(text: str) -> str:
    """Drop control characters (keeping new lines and tabs) and blank runs of lines."""
    text = text.replace("\r\n", "\n").translate(_CONTROL)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()


_CONTROL = {n: None for n in (*range(0, 9), 11, 12, *range(14, 32), 127)}
_BLANK_RUN = re.compile(r"\n{3,}")


def _too_long(field: Field, text: str, t: Translator) -> Answer:
    """Refuse an answer over its field's limit; a text or a line is offered shortened.

    A period or a contact cut short would say something else (a year, an e-mail address
    lost), so those are only asked again.
    """
    if field.kind not in ("text", "line"):
        error = t._(
            "That is {count} characters; {name} takes at most {most}. "
            "Please shorten it and send it again."
        )
        return Answer(
            error=error.format(
                count=t.format_number(len(text)),
                name=escape(t.gettext(field.name)),
                most=t.format_number(field.limit),
            )
        )
    shorter = shorten_to(text, field.limit)
    error = t._(
        "That is {count} characters; {name} takes at most {most}. Keep it shortened to "
        "{kept} characters, or send a shorter version. Shortened, it would end:"
    ).format(
        count=t.format_number(len(text)),
        name=escape(t.gettext(field.name)),
        most=t.format_number(field.limit),
        kept=t.format_number(len(shorter)),
    )
    ending = shorter[-_ENDING:]
    ending = ("…" + ending.lstrip()) if len(shorter) > _ENDING else ending
    return Answer(error=f"{error}\n<i>{escape(ending)}</i>", offer=shorter)


_ENDING = 120  # characters of a shortened answer's end shown before it is kept
_SENTENCE_END = re.compile(r"[.!?…。]['\"’”»)]*(?=\s|$)")


def shorten_to(text: str, limit: int) -> str:
    """Return text cut to at most `limit` characters at the last sentence end that fits.

    Without a sentence end in the second half of the room, it is cut at a word end and ends
    with "…". Returns text unchanged when it fits.
    """
    if len(text) <= limit:
        return text
    room = text[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(room)]
    if ends and ends[-1] >= limit // 2:
        return room[: ends[-1]].rstrip()
    room = text[: limit - 1]
    space = room.rfind(" ")
    cut = room[:space] if space >= limit // 2 else room
    return cut.rstrip(" ,;:-–—") + "…"


def _check_line(field: Field, text: str, t: Translator) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text, t)
    if not any(ch.isalpha() for ch in text) or len(text) < 3:
        name = escape(t.gettext(field.name))
        return Answer(error=t._("{name} needs at least a few letters.").format(name=name))
    return Answer(value=text)


def _check_text(field: Field, text: str, t: Translator) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text, t)
    if len(text) < MIN_TEXT:
        if field.required:
            error = t._("Please write at least a sentence ({count} characters).")
        else:
            error = t._("Please write at least a sentence ({count} characters), or press Skip.")
        return Answer(error=error.format(count=MIN_TEXT))
    if sum(ch.isalpha() for ch in text) < MIN_TEXT // 2:
        # Emoji, digits or punctuation alone are not a sentence, however many there are.
        name = escape(t.gettext(field.name))
        error = t._("{name} needs words, not only emoji or signs: please write a sentence.")
        return Answer(error=error.format(name=name))
    return Answer(value=text)


def _check_cities(field: Field, text: str, places: Places, t: Translator) -> Answer:
    names = [" ".join(part.split()) for part in re.split(r"[,;\n]", text)]
    cities: list[str] = []
    for name in filter(None, names):
        if len(name) > 60 or not any(ch.isalpha() for ch in name):
            return Answer(error=t._("‘{name}’ is not a city name.").format(name=embed(name, 60)))
        city = places.city(name) or name
        if fold(city) not in {fold(c) for c in cities}:
            cities.append(city)
    if not cities:
        return Answer(error=t._("Write the name of at least one city."))
    if len(cities) > field.limit:
        error = t._("That is {count} cities; at most {most}, please.")
        return Answer(
            error=error.format(
                count=t.format_number(len(cities)), most=t.format_number(field.limit)
            )
        )
    return Answer(value=cities)


def _check_country(text: str, places: Places, t: Translator) -> Answer:
    country = places.country_or_code(text)
    if country:
        return Answer(value=country)
    shown = embed(text, 60)
    if is_short(text):
        return Answer(error=short_name_problem("country", shown, t))
    suggestions = country_suggestions(text, places)
    named = t._(" or ").join(escape(place_names.country(name, t)) for name in suggestions)
    if suggestions:
        hint = t._("Did you mean {names}?").format(names=named)
    else:
        hint = t._("Write its name in English or in its own language.")
    unknown = unknown_name_problem("country", shown, t)
    return Answer(error=f"{unknown} {hint}", suggestions=suggestions)


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


def cities_elsewhere(
    cities: Sequence[str], country: str, places: Places
) -> list[tuple[str, list[str]]]:
    """Return the cities known to lie only in other countries than the one answered.

    Args:
        cities: the draft's cities, as stored (canonical when known).
        country: the draft's country (canonical).
        places: the alias tables (`city_countries`: GeoNames, see scripts/build_aliases.py).

    Returns:
        (city, the countries it lies in) for each city that is known and lies in none of
        `country` ("Berlin" with Italy → ("Berlin", ["Germany"])); a city not known, or one
        that also exists in `country`, is left out: the member may know a small place.
    """
    found = []
    for city in cities:
        countries = places.city_countries.get(places.city(city) or city, [])
        if countries and country not in countries:
            found.append((city, list(countries)))
    return found


def _check_period(field: Field, text: str, current_year: int, t: Translator) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text, t)
    years = period_years(text, current_year)
    if years is None:
        return Answer(
            error=t._(
                "Give the years it ran, or say it is ongoing: e.g. <i>2018 - ongoing</i> "
                "or <i>2015-2020</i>."
            )
        )
    if years[0] > current_year + 1:
        error = t._("That starts in {year}; give the years it has run so far.")
        return Answer(error=error.format(year=years[0]))
    return Answer(value=text)


_URL_EDGE_START = "<([{«“‘\"'"
_URL_EDGE_END = ".,;:!?)]}>»”’\"'"
_HOST = re.compile(r"^[^\W_](?:[\w-]*[^\W_])?(?:\.[^\W_](?:[\w-]*[^\W_])?)+$")


def _check_links(field: Field, text: str, t: Translator) -> Answer:
    links: list[str] = []
    fixed: list[str] = []  # the links with https:// added where it was missing
    problems: list[str] = []
    for token in text.split():
        link = token.lstrip(_URL_EDGE_START).rstrip(_URL_EDGE_END)
        problem = url_problem(link, t) if link else None
        if problem and url_problem("https://" + link) is None:
            fixed.append("https://" + link)
            problems.append(problem)
            continue
        if problem:
            return Answer(error=problem)
        if link and link not in links:
            links.append(link)
            fixed.append(link)
    if problems and len(set(fixed)) <= field.limit:
        offer = list(dict.fromkeys(fixed))
        shown = escape(" ".join(offer))
        accept = t._("Take the corrected form with the button below: {links}").format(links=shown)
        return Answer(error=" ".join(problems) + "\n" + accept, offer=offer)
    if problems:
        return Answer(error=problems[0])
    if not links:
        return Answer(error=t._("Write at least one link, or press Skip."))
    if len(links) > field.limit:
        error = t._("That is {count} links; at most {most}, please.")
        return Answer(
            error=error.format(
                count=t.format_number(len(links)), most=t.format_number(field.limit)
            )
        )
    return Answer(value=links)


def url_problem(link: str, t: Translator = ENGLISH) -> str | None:
    """Return what is wrong with a link (HTML, in t's language), or None for an http(s) URL."""
    shown = embed(link, 80)
    if len(link) > 500:
        return t._("‘{link}’ is too long for a link (at most 500 characters).").format(link=shown)
    try:
        parts = urlsplit(link)
        host = parts.hostname or ""
    except ValueError:
        return t._("‘{link}’ is not a web address.").format(link=shown)
    if parts.scheme.lower() in ("http", "https") and _HOST.match(host):
        return None
    if not parts.scheme and _HOST.match(link.split("/", 1)[0]):
        return t._("‘{link}’ needs http:// or https:// in front, e.g. https://{link}").format(
            link=shown
        )
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return t._("Only http:// and https:// links are accepted, not ‘{link}’.").format(
            link=shown
        )
    return t._("‘{link}’ is not a web address starting with http:// or https://.").format(
        link=shown
    )


_EMPTY_BRACKETS = re.compile(r"[<(\[]\s*[>)\]]")
_EMAIL_IN_TEXT = re.compile(r"[^\s<>(),;:\"'\[\]]+@[^\s<>(),;:\"'\[\]]+")
_EMAIL = re.compile(r"^[\w.!#$%&'*+/=?^`{|}~-]+@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}$")


def _check_contact(field: Field, text: str, t: Translator) -> Answer:
    if len(text) > field.limit:
        return _too_long(field, text, t)
    emails = _EMAIL_IN_TEXT.findall(text)
    if not emails:
        return Answer(error=t._("I found no e-mail address. Write one name and one e-mail."))
    if len(emails) > 1:
        return Answer(
            error=t._("I found more than one e-mail address. Write one name and one e-mail.")
        )
    email = emails[0].rstrip(".")
    if not email_is_valid(email):
        error = t._("‘{email}’ is not a valid e-mail address.")
        return Answer(error=error.format(email=embed(email, 80)))
    rest = _EMPTY_BRACKETS.sub(" ", text.replace(emails[0], " "))
    # "Ana Silva, City of Lisbon": the name, then (optional) the organisation or city.
    parts = [p for p in (" ".join(part.split()).strip(" ;:-–") for part in rest.split(",")) if p]
    name, organisation = (parts[0] if parts else ""), ", ".join(parts[1:])
    if len(name) < 2 or not any(ch.isalpha() for ch in name):
        return Answer(error=t._("Write the contact person's name as well as the e-mail."))
    value = {"name": name, "email": email, "public": None}
    if any(ch.isalpha() for ch in organisation):
        value["organisation"] = organisation
    return Answer(value=value)


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


def topic_tap(arg: str) -> tuple[int, bool | None] | None:
    """Read a topic button's argument: "3+" ticks topic 3 of TOPICS, "3-" unticks it, "3"
    (buttons sent before they said which) ticks or unticks it.

    Returns:
        (index, tick: True, False or None for either), or None for anything else.
    """
    match = re.fullmatch(r"(\d{1,3})([+-]?)", arg)
    if match is None:
        return None
    return int(match[1]), {"+": True, "-": False}.get(match[2])


def toggle_topic(
    selected: list[str], index: int, t: Translator = ENGLISH, tick: bool | None = None
) -> tuple[list[str], str | None]:
    """Tick or untick the topic at `index` of TOPICS.

    Args:
        tick: True ticks, False unticks (what is so already stays, so a second quick tap
            of the same button changes nothing); None does the opposite of now.

    Returns:
        The new selection in programme order, and an error when the tick is not allowed.
    """
    if not 0 <= index < len(TOPICS):
        return selected, t._("That topic is not in the list.")
    topic = TOPICS[index]
    if tick is (topic in selected):
        return selected, None
    if topic in selected:
        return [t for t in selected if t != topic], None
    limit = FIELDS_BY_KEY["topics"].limit
    if len(selected) >= limit:
        return selected, t._("At most {count} topics: untick one first.").format(
            count=t.format_number(limit)
        )
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
