"""The secretariat's figures: what `/stats` and `python -m bot stats` show.

`Stats` holds plain counts gathered from the stores (`handlers.stats.collect`); this module
only turns them into text (HTML for Telegram, plain for a terminal) and JSON.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from html import escape
from typing import Any

from babel import Locale, UnknownLocaleError
from telegram.constants import MessageLimit

from bot import place_names
from bot.i18n import ENGLISH, N_, Translator
from bot.template import topic_name

TOP = 10  # queries shown in each list
NAME_SHOWN = 60  # characters of a query or name shown
CHART_HINT = N_("For a chart, install the charts extra: pip install 'icc-practice-bot[charts]'.")
# The words the stores use for a practice's status and a subscription's kind, as shown.
STATUS_NAMES = {"published": N_("Published"), "pending": N_("Pending"), "hidden": N_("Hidden")}
KIND_NAMES = {
    "topic": N_("Topics"),
    "country": N_("Countries"),
    "city": N_("Cities"),
    "keyword": N_("Keywords"),
}


@dataclass(slots=True)
class Stats:
    """Figures at one moment. Weeks are ISO weeks (Monday first), days UTC.

    Attributes:
        practices_by_status: {"published": 80, "pending": 2, …}.
        practices_by_topic, practices_by_country: published practices, most first.
        members: people who used the bot; members_active: of them, seen in the last 30 days.
        members_by_language: Telegram's language_code ("" when unknown) → members.
        subscriptions_by_kind: active subscriptions by kind (topic, country, city, keyword).
        alerts_week: alerts sent and failed in the last 7 days, and pending now.
        submissions: "started" (drafts in progress and sent), "sent", and by decision.
        searches_per_week: (Monday, counted searches), oldest first.
        top_queries, zero_result_queries: (query, count) over the last 30 days.
    """

    practices_by_status: dict[str, int]
    practices_by_topic: list[tuple[str, int]]
    practices_by_country: list[tuple[str, int]]
    members: int
    members_active: int
    members_by_language: dict[str, int]
    subscriptions_by_kind: dict[str, int]
    alerts_week: dict[str, int]
    submissions: dict[str, int]
    searches_per_week: list[tuple[date, int]] = field(default_factory=list)
    top_queries: list[tuple[str, int]] = field(default_factory=list)
    zero_result_queries: list[tuple[str, int]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the figures as JSON-ready data (dates as ISO strings, pairs as objects)."""
        data = asdict(self)
        data["practices_by_topic"] = dict(self.practices_by_topic)
        data["practices_by_country"] = dict(self.practices_by_country)
        data["searches_per_week"] = {d.isoformat(): n for d, n in self.searches_per_week}
        data["top_queries"] = dict(self.top_queries)
        data["zero_result_queries"] = dict(self.zero_result_queries)
        return data


def _pairs(
    pairs: list[tuple[str, int]] | dict[str, int],
    limit: int | None = None,
    t: Translator = ENGLISH,
    name_of: Callable[[str], str] = str,
) -> str:
    """Return "name 3, name 2" with each name through name_of and each count in t's format."""
    items = list(pairs.items() if isinstance(pairs, dict) else pairs)[:limit]
    unknown = t._("unknown")
    shown = (
        f"{escape((name_of(name) if name else unknown)[:NAME_SHOWN])} {t.format_number(count)}"
        for name, count in items
    )
    return ", ".join(shown) or t._("none")


def _word(names: dict[str, str], t: Translator) -> Callable[[str], str]:
    """Return the function that shows a stored word (a status, a kind) in t's language."""
    return lambda word: t.gettext(names[word]) if word in names else word


def _language(t: Translator) -> Callable[[str], str]:
    """Return the function that names a Telegram language code ("fr") in t's language."""

    def name(code: str) -> str:
        try:
            return Locale.parse(code.replace("-", "_")).get_display_name(t.language) or code
        except (ValueError, UnknownLocaleError):
            return code

    return name


def chunks(lines: list[str], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Join lines into messages of at most `limit` characters (Telegram's limit), whole lines
    kept together; a line longer than the limit is cut."""
    messages: list[str] = []
    for line in lines:
        line = line[:limit]
        if messages and len(messages[-1]) + 1 + len(line) <= limit:
            messages[-1] += "\n" + line
        else:
            messages.append(line)
    return messages


def render(stats: Stats, html: bool = True, t: Translator = ENGLISH) -> list[str]:
    """Return the report as lines; `html` makes headings bold for Telegram.

    Every name (topic, country, query, language) is HTML-escaped either way. `t`: the
    moderator's language (the command line writes English): topic, country and language
    names, status and kind words, numbers and dates are all in that language.
    """

    def head(text: str) -> str:
        return f"<b>{text}</b>" if html else text.upper()

    def pairs(
        items: list[tuple[str, int]] | dict[str, int],
        limit: int | None = None,
        name_of: Callable[[str], str] = str,
    ) -> str:
        return _pairs(items, limit, t, name_of)

    def number(value: int) -> str:
        return t.format_number(value)

    week = stats.alerts_week
    subs = stats.submissions
    weeks = ", ".join(f"{t.format_day(d)} {number(n)}" for d, n in stats.searches_per_week) or t._(
        "none"
    )
    by_language = sorted(stats.members_by_language.items(), key=lambda i: -i[1])
    return [
        head(t._("Practices")),
        t._("By status: {pairs}").format(
            pairs=pairs(stats.practices_by_status, name_of=_word(STATUS_NAMES, t))
        ),
        t._("By topic: {pairs}").format(
            pairs=pairs(stats.practices_by_topic, name_of=lambda name: topic_name(t, name))
        ),
        t._("By country: {pairs}").format(
            pairs=pairs(
                stats.practices_by_country, name_of=lambda name: place_names.country(name, t)
            )
        ),
        "",
        head(t._("Members")),
        t._("Members: {count} ({active} active in the last 30 days)").format(
            count=number(stats.members), active=number(stats.members_active)
        ),
        t._("By language: {pairs}").format(pairs=pairs(by_language, name_of=_language(t))),
        t._("Subscriptions by kind: {pairs}").format(
            pairs=pairs(stats.subscriptions_by_kind, name_of=_word(KIND_NAMES, t))
        ),
        t._("Alerts, last 7 days: sent {sent}, failed {failed}; pending now {pending}").format(
            sent=number(week.get("sent", 0)),
            failed=number(week.get("failed", 0)),
            pending=number(week.get("pending", 0)),
        ),
        t._(
            "Submissions: started {started}, sent {sent}, approved {approved}, "
            "rejected {rejected}, pending {pending}"
        ).format(
            started=number(subs.get("started", 0)),
            sent=number(subs.get("sent", 0)),
            approved=number(subs.get("approved", 0)),
            rejected=number(subs.get("rejected", 0)),
            pending=number(subs.get("pending", 0)),
        ),
        "",
        head(t._("Searches")),
        t._("Per week (from Monday): {weeks}").format(weeks=weeks),
        t._("Most frequent, 30 days: {pairs}").format(pairs=pairs(stats.top_queries, TOP)),
        t._("Found nothing, 30 days: {pairs}").format(pairs=pairs(stats.zero_result_queries, TOP)),
    ]
