"""Alerts: which subscribers a publication concerns, and what they are sent. Pure.

A subscription is turned into the same `Query` that search runs (a keyword is parsed exactly
as a typed search), and the new practices alone are indexed, so a keyword subscription
matches a practice exactly when searching for the keyword would find it: the same folding,
other-language names, ranking and cut-off.
"""

from collections.abc import Callable, Iterable, Sequence, Set

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks, place_names
from bot.aliases import Aliases
from bot.cards import MAX_MESSAGE, card_keyboard, card_text, embed, result_row
from bot.i18n import ENGLISH, N_, Translator
from bot.menus import card_buttons
from bot.models import DROPPED as DROPPED  # the statuses and the row are read here too
from bot.models import FAILED as FAILED
from bot.models import PENDING as PENDING
from bot.models import SENT as SENT
from bot.models import OutboxRow, Practice, Subscription
from bot.query import Query, parse_query
from bot.search import SearchIndex
from bot.template import TOPICS
from bot.text import fold, telegram_length

MAX_PLACE_WORDS = 4  # as search reads place names

# More new matches than this for one chat in one publication become a single digest.
DIGEST_AFTER = 5
WHY_LIMIT = 300
# Sends the list as a new message, so that the alert itself stays.
MANAGE_LABEL = N_("⚙️ My subscriptions")
LATEST_LABEL = N_("🆕 Latest")

Target = tuple[str, str]


def subscription_query(
    kind: str, value: str, aliases: Aliases, topics: Sequence[str], places: Set[str]
) -> Query:
    """Return the search query a subscription stands for.

    Args:
        kind: "topic", "country", "city" or "keyword".
        value: the canonical name, or the keyword text.
        aliases: other-language names, for parsing keywords.
        topics: the programme's topics.
        places: place names that have practices (a keyword word naming one is a filter).
    """
    if kind == "topic":
        return Query(topics=frozenset({value}))
    if kind == "country":
        return Query(countries=frozenset({value}))
    if kind == "city":
        return Query(cities=frozenset({value}))
    return parse_query(value, aliases, topics, places)


class AlertMatcher:
    """Find the chats a batch of new practices concerns, and why."""

    def __init__(self, aliases: Aliases, topics: Sequence[str]) -> None:
        self.aliases = aliases
        self.topics = tuple(topics)
        # Parsing is most of a keyword's cost, so each target is parsed once. A parse depends
        # on the known places only for keywords that name a place: only those are redone
        # when a publication brings a new place.
        self._queries: dict[Target, Query] = {}
        self._place_bound: set[Target] = set()
        self._places: frozenset[str] = frozenset()

    def prepare(self, groups: dict[Target, list[Subscription]], places: set[str]) -> None:
        """Parse every subscription ahead of the first publication (at start-up)."""
        self._use_places(frozenset(places))
        for target, subs in groups.items():
            self._query(target, subs[0].value)

    def match(
        self,
        practices: Sequence[Practice],
        groups: dict[Target, list[Subscription]],
        places: set[str],
        current_year: int,
    ) -> dict[int, dict[str, list[str]]]:
        """Return chat id → practice id → labels of the subscriptions that matched it.

        Args:
            practices: the newly published practices, in publication order.
            groups: the active subscriptions by what they follow (`group_by_target`).
            places: place names of the whole catalogue, as search knows them.
            current_year: the year an ongoing practice runs to.
        """
        index = SearchIndex(practices, self.aliases, self.topics, current_year)
        self._use_places(frozenset(places | index.places))
        order = {practice.id: n for n, practice in enumerate(practices)}
        hits: dict[int, dict[str, list[Subscription]]] = {}
        for target, subs in groups.items():
            matched = index.run(self._query(target, subs[0].value))
            for practice in matched:
                for sub in subs:
                    hits.setdefault(sub.chat_id, {}).setdefault(practice.id, []).append(sub)
        return {chat: _labels(by_practice, order) for chat, by_practice in hits.items()}

    def _use_places(self, places: frozenset[str]) -> None:
        if places == self._places:
            return
        if self._places - places:  # a place went away (a reload): start afresh
            self._queries.clear()
            self._place_bound.clear()
        for target in self._place_bound:
            self._queries.pop(target, None)
        self._place_bound.clear()
        self._places = places

    def _query(self, target: Target, value: str) -> Query:
        query = self._queries.get(target)
        if query is None:
            query = subscription_query(target[0], value, self.aliases, self.topics, self._places)
            self._queries[target] = query
            if target[0] == "keyword" and self._names_place(target[1]):
                self._place_bound.add(target)
        return query

    def _names_place(self, keyword: str) -> bool:
        """Return True when a run of words of a keyword is a city or country name."""
        words = fold(keyword).split()
        runs = (
            " ".join(words[i : i + n])
            for i in range(len(words))
            for n in range(1, MAX_PLACE_WORDS + 1)
        )
        return any(run in self.aliases.cities or run in self.aliases.countries for run in runs)


def _labels(
    by_practice: dict[str, list[Subscription]], order: dict[str, int]
) -> dict[str, list[str]]:
    """Return practice id → labels, practices in publication order, labels oldest first."""
    return {
        pid: list(dict.fromkeys(s.label for s in sorted(subs, key=lambda s: s.id)))
        for pid, subs in sorted(by_practice.items(), key=lambda item: order[item[0]])
    }


def group_by_target(subscriptions: Iterable[Subscription]) -> dict[Target, list[Subscription]]:
    """Group subscriptions that follow the same thing, so each is matched once."""
    groups: dict[Target, list[Subscription]] = {}
    for sub in subscriptions:
        groups.setdefault(sub.target, []).append(sub)
    return groups


def without_submitters(
    practices: Sequence[Practice], matches: dict[int, dict[str, list[str]]]
) -> dict[int, dict[str, list[str]]]:
    """Return the matches without each practice's alert to the member who submitted it.

    Approval sends the submitter one message, the published card (`handlers.moderate`); an
    alert with the same card in their private chat (its id is their user id) would repeat it.
    Other subscribers, and the submitter's other new practices, are kept.

    Args:
        practices: the practices being published (`submitted_by`: the submitter's user id).
        matches: chat id → {practice id → why} (`AlertMatcher.match`).
    """
    own = {(p.submitted_by, p.id) for p in practices if p.submitted_by is not None}
    if not own:
        return matches
    kept: dict[int, dict[str, list[str]]] = {}
    for chat_id, by_practice in matches.items():
        rest = {pid: why for pid, why in by_practice.items() if (chat_id, pid) not in own}
        if rest:
            kept[chat_id] = rest
    return kept


def plan_rows(
    practices: Sequence[Practice], matches: dict[int, dict[str, list[str]]]
) -> list[OutboxRow]:
    """Turn matches into outbox rows: one per (practice, chat), or one digest per chat.

    Rows are interleaved (every chat's first alert, then every chat's second …) so that the
    per-chat pause between two alerts never holds the queue up.
    """
    keys = {practice.id: practice.key for practice in practices}
    per_chat: list[list[OutboxRow]] = []
    for chat_id, by_practice in matches.items():
        if len(by_practice) > DIGEST_AFTER:
            why = _merge(by_practice.values())
            per_chat.append([OutboxRow(chat_id, [keys[p] for p in by_practice], why)])
        else:
            per_chat.append([OutboxRow(chat_id, [keys[p]], w) for p, w in by_practice.items()])
    rounds = max((len(rows) for rows in per_chat), default=0)
    return [rows[n] for n in range(rounds) for rows in per_chat if n < len(rows)]


def _merge(label_lists: Iterable[list[str]]) -> list[str]:
    merged: list[str] = []
    for labels in label_lists:
        merged += [label for label in labels if label not in merged]
    return merged


def _why_label(label: str, t: Translator) -> str:
    if label.startswith("“") and label.endswith("”"):  # a keyword (`Subscription.label`)
        return t.quote(label[1:-1])
    if label in TOPICS:
        return t.gettext(label)
    return place_names.any_place(label, t)


def why_line(why: Sequence[str], t: Translator = ENGLISH) -> str:
    """Return the escaped line that says why an alert came: "🔔 You follow: Refugees".

    Labels that are topics are shown in t's language, places as `bot.place_names` names them
    for t, keywords as typed, in t's quotation marks.
    """
    followed = embed(" · ".join(_why_label(label, t) for label in why), WHY_LIMIT)
    return "🔔 <i>" + t._("You follow: {what}").format(what=followed) + "</i>"


def alert_text(
    practice: Practice, why: Sequence[str], bot_username: str, t: Translator = ENGLISH
) -> str:
    """Return an alert: the practice's card under the line saying why it came."""
    return card_text(practice, bot_username, note=why_line(why, t), t=t)


def digest_text(
    practices: Sequence[Practice], why: Sequence[str], bot_username: str, t: Translator = ENGLISH
) -> str:
    """Return one message listing several new practices, each linked to its card.

    Rows that would pass Telegram's message limit are left out and counted instead.
    """
    count = len(practices)
    title = t.ngettext("{count} new practice", "{count} new practices", count)
    text = f"{why_line(why, t)}\n\n🆕 <b>{title.format(count=t.format_number(count))}</b>"
    for number, practice in enumerate(practices, start=1):
        row = "\n\n" + result_row(number, practice, bot_username, t)
        left = count - number + 1
        more = "\n\n" + t.ngettext(
            "… and {count} more: /latest", "… and {count} more: /latest", left
        ).format(count=t.format_number(left))
        if telegram_length(text + row + more) > MAX_MESSAGE - 20:
            return text + more
        text += row
    return text


def row_practices(row: OutboxRow, lookup: Callable[[str], Practice | None]) -> list[Practice]:
    """Return the row's practices that are still published, in order."""
    return [p for p in (lookup(key) for key in row.keys) if p is not None]


def alert_message(
    row: OutboxRow, practices: Sequence[Practice], bot_username: str, t: Translator = ENGLISH
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the text and buttons of a row: a card, or a digest of several practices.

    Args:
        row: the outbox row.
        practices: its practices that are still published (at least one).
        bot_username: the bot's username, for deep links.
        t: the language of the chat's member.
    """
    manage = InlineKeyboardButton(
        t.gettext(MANAGE_LABEL), callback_data=callbacks.Subscriptions("ls").pack()
    )
    if len(practices) == 1 and not row.is_digest:
        practice = practices[0]
        text = alert_text(practice, row.why, bot_username, t)
        # The same buttons as any card (Read more, Share, Follow, Full text), then "My
        # subscriptions" on a row of its own.
        keyboard = card_keyboard(practice, card_buttons(practice, t), t)
        rows = [*(keyboard.inline_keyboard if keyboard else ()), (manage,)]
        return text, InlineKeyboardMarkup(rows)
    text = digest_text(practices, row.why, bot_username, t)
    latest = InlineKeyboardButton(
        t.gettext(LATEST_LABEL), callback_data=callbacks.Browse("latest").pack()
    )
    return text, InlineKeyboardMarkup([[manage, latest]])
