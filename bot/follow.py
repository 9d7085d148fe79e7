"""What a user wants to follow, read from what they type: names resolved, or suggestions. Pure.

Names are read as search reads them (folding, other-language names) and confirmed back in
their canonical form; an unknown or ambiguous name gets the closest known ones to pick from.
"""

import bisect
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass
from html import escape

from rapidfuzz import fuzz, process

from bot import place_names
from bot.aliases import Aliases, is_short, short_name_problem
from bot.cards import QUERY_ECHO_LIMIT, embed
from bot.i18n import ENGLISH, N_, Translator
from bot.query import FILTER_NAMES, close_topics, match_topics, parse_query
from bot.search_texts import unknown_filter_text
from bot.template import topic_name
from bot.text import fold

MAX_KEYWORD = 100
MAX_SUBSCRIPTIONS = 50
MAX_CHOICES = 5
_TYPED = re.compile(r"(?is)^\s*(\w+)\s*:\s*(.*)$")
_QUOTES = "\"'“”‘’«»"
_SUGGEST_CUTOFF = 72


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed name resolved to.

    Attributes:
        kind: "topic", "country", "city" or "keyword".
        value: the canonical name (or the keyword), when it resolved.
        choices: names to pick from when it is ambiguous or unknown.
        problem: an escaped HTML line saying what is wrong, when it did not resolve.
    """

    kind: str
    value: str | None = None
    choices: tuple[str, ...] = ()
    problem: str | None = None


def parse_follow(text: str) -> tuple[str, str]:
    """Split `/subscribe` arguments into a kind and a value.

    `topic:refugees`, `country:portugal` and `city:lisboa` (also `theme:`, `pays:`,
    `ville:`) name one thing; anything else is a keyword (a saved search).
    """
    match = _TYPED.match(text)
    kind = FILTER_NAMES.get(match.group(1).casefold()) if match else None
    if match and kind in ("topic", "country", "city"):
        return kind, match.group(2).strip().strip(_QUOTES).strip()
    return "keyword", " ".join(text.split())


class Resolver:
    """Resolve names of topics, countries and cities, and check keywords."""

    def __init__(self, aliases: Aliases, topics: Sequence[str]) -> None:
        self.aliases = aliases
        self.topics = tuple(topics)
        self._city_keys = sorted(aliases.cities)
        self._country_keys = sorted(aliases.countries)

    def resolve(
        self, kind: str, value: str, places: set[str], t: Translator = ENGLISH
    ) -> Resolution:
        """Resolve a typed value of a kind.

        Args:
            kind: "topic", "country", "city" or "keyword".
            value: what the user typed.
            places: canonical place names that have practices (catalogue spellings count).
            t: the user's language, for the problem text.
        """
        if kind == "keyword":
            return self._keyword(value, places, t)
        if not fold(value):
            return Resolution(kind, problem=t.gettext(_WHICH[kind]))
        if kind == "topic":
            return self._topic(value, t)
        if kind == "country":
            found = self.aliases.country_or_code(value)
        else:
            found = self.aliases.city(value) or _same_name(value, places)
        return Resolution(kind, found) if found else self._unknown(kind, value, places, t)

    def _topic(self, value: str, t: Translator) -> Resolution:
        shown = embed(value, QUERY_ECHO_LIMIT)
        if is_short(value) and fold(value) not in self.aliases.topics:
            return Resolution("topic", problem=short_name_problem("topic", shown, t))
        # A follow lasts: a misspelt topic is offered to pick, not taken as a search takes it.
        found = match_topics(value, self.topics, self.aliases, typos=False)
        if len(found) == 1:
            return Resolution("topic", found[0])
        if found:
            several = t._("‘{value}’ fits several topics: pick one.").format(value=shown)
            return Resolution("topic", choices=tuple(found[:MAX_CHOICES]), problem=several)
        folded = {topic: fold(topic) for topic in self.topics}
        close = process.extract(fold(value), folded, scorer=fuzz.WRatio, score_cutoff=80)
        misspelt = close_topics(value, self.topics, self.aliases)
        choices = tuple(dict.fromkeys([*misspelt, *(topic for _, _, topic in close)]))[:3]
        return Resolution("topic", choices=choices, problem=unknown_filter_text(t, "topic", value))

    def _unknown(self, kind: str, value: str, places: set[str], t: Translator) -> Resolution:
        if is_short(value):
            shown = embed(value, QUERY_ECHO_LIMIT)
            return Resolution(kind, problem=short_name_problem(kind, shown, t))
        table = self.aliases.cities if kind == "city" else self.aliases.countries
        keys = self._city_keys if kind == "city" else self._country_keys
        choices = suggest(fold(value), table, keys, prefer=places)
        return Resolution(kind, choices=choices, problem=unknown_filter_text(t, kind, value))

    def _keyword(self, value: str, places: set[str], t: Translator) -> Resolution:
        text = " ".join(value.split())
        if not fold(text):
            return Resolution("keyword", problem=t.gettext(EMPTY_KEYWORD))
        if len(text) > MAX_KEYWORD:
            problem = t.gettext(LONG_KEYWORD).format(count=MAX_KEYWORD)
            return Resolution("keyword", problem=problem)
        query = parse_query(text, self.aliases, self.topics, places)
        if query.unknown:
            name, bad = query.unknown[0]
            return Resolution("keyword", problem=unknown_filter_text(t, name, bad))
        if query.is_empty:
            return Resolution("keyword", problem=t.gettext(VAGUE_KEYWORD))
        return Resolution("keyword", text)

    def is_known(self, kind: str, name: str, places: set[str]) -> bool:
        """Return True when a canonical name (from a button) is one this kind knows."""
        if kind == "topic":
            return name in self.topics
        if kind == "country":
            return self.aliases.country(name) == name
        return self.aliases.city(name) == name or name in places

    def describe(self, kind: str, value: str, t: Translator = ENGLISH) -> str:
        """Return the escaped canonical form: "the city <b>Lisbon</b> (Portugal)"."""
        if kind == "topic":
            shown = topic_name(t, value)
        elif kind == "country":
            shown = place_names.country(value, t)
        elif kind == "city":
            shown = place_names.city(value, t)
        else:  # a keyword, as typed
            shown = value
        name = embed(shown, 80)
        where = ""
        if kind == "city":
            countries = [
                place_names.country(c, t) for c in self.aliases.city_countries.get(value, [])
            ]
            where = f" ({escape(', '.join(countries[:2]))})" if countries else ""
        if kind == "keyword" and len(value.split()) > 1:
            kind = "words"  # a phrase is "the words", not "the keyword"
        return t.gettext(_THE[kind]).format(name=name, where=where)


def suggest(
    folded: str, table: dict[str, str], keys: Sequence[str], prefer: Set[str] = frozenset()
) -> tuple[str, ...]:
    """Return canonical names close to a folded name: similar spellings, then prefixes.

    Names in `prefer` (places that have practices) come first.
    """
    choices: list[str] = []
    if folded and not is_short(folded):  # see bot.aliases.SHORT_NAME
        close = process.extract(
            folded, keys, scorer=fuzz.ratio, score_cutoff=_SUGGEST_CUTOFF, limit=30
        )
        found = [table[key] for key, _, _ in close]
        if len(folded) >= 3:
            start = bisect.bisect_left(keys, folded)
            found += [table[key] for key in keys[start : start + 50] if key.startswith(folded)]
        for name in found:
            if name not in choices:
                choices.append(name)
    choices.sort(key=lambda name: name not in prefer)
    return tuple(choices[:MAX_CHOICES])


def _same_name(value: str, places: set[str]) -> str | None:
    """Return the catalogue's spelling of a place missing from the alias table."""
    folded = fold(value)
    return next((place for place in sorted(places) if fold(place) == folded), None)


_WHICH = {
    "topic": N_("Which topic? Type its name after <code>topic:</code>."),
    "country": N_("Which country? Type its name after <code>country:</code>."),
    "city": N_("Which city? Type its name after <code>city:</code>."),
}
# What is followed, as a confirmation names it ({where}: the city's country, or "").
_THE = {
    "topic": N_("the topic <b>{name}</b>{where}"),
    "country": N_("the country <b>{name}</b>{where}"),
    "city": N_("the city <b>{name}</b>{where}"),
    "keyword": N_("the keyword <b>“{name}”</b>{where}"),
    "words": N_("the words <b>“{name}”</b>{where}"),
}
EMPTY_KEYWORD = N_("Type the words to follow, e.g. <code>/subscribe anti-rumour</code>.")
LONG_KEYWORD = N_("That is too long for a keyword: keep it under {count} characters.")
VAGUE_KEYWORD = N_(
    "Those words are too common to follow. Try something more specific, "
    "e.g. <code>/subscribe roma education</code>."
)
