"""Render practices as Telegram HTML: cards, result pages and inline results. Pure.

Every text that comes from a user or an import is cut first and escaped after, so that no
entity is ever split and no message exceeds Telegram's limits. Escaping can make a text up to
six times longer ("'" becomes "&#x27;"), so each field also has a budget of escaped characters:
a card, or a page of PAGE_SIZE rows, fits one message whatever the data holds.
"""

from collections.abc import Callable, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.helpers import create_deep_linked_url

from bot import callbacks, place_names
from bot.i18n import ENGLISH, Translator
from bot.models import Practice
from bot.template import topic_name
from bot.text import cut_to_telegram_length, isolate, telegram_length

# Telegram's limits. Lengths of text are counted as Telegram counts them, in UTF-16 code units
# (`bot.text.telegram_length`), so every limit, budget and cut below is in those units.
MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH
MAX_CALLBACK_BYTES = callbacks.MAX_BYTES  # enforced in bot/callbacks.py
PAGE_SIZE = 5
PRACTICE_PREFIX = "p_"  # `/start p_<key>` opens a practice's card (`deep_link`)
TITLE_LIMIT = 200
SUBTITLE_LIMIT = 300
PURPOSE_LIMIT = 700
PLACE_LIMIT = 200
QUERY_ECHO_LIMIT = 60
PERIOD_LIMIT = 100
TOPICS_LIMIT = 300
SUMMARY_LIMIT = 90
# Escaped characters each field may take. A result row is at most ~160 characters of markup
# and link plus TITLE, ROW_PLACE, PERIOD_ROW and SUMMARY budgets; five of them and a header
# fit 4096.
TITLE_BUDGET = 300
PLACE_BUDGET = 200
ROW_PLACE_BUDGET = 120
SUMMARY_BUDGET = 110
PERIOD_ROW_BUDGET = 70
SUBTITLE_BUDGET = 600
PERIOD_BUDGET = 200
TOPICS_BUDGET = 450
QUERY_ECHO_BUDGET = 120


def shorten(text: str, limit: int) -> str:
    """Cut text to at most `limit` units of Telegram length at a word boundary, ending with "…".

    An emoji or a mathematical letter counts two, as Telegram counts it.
    """
    text = " ".join(text.split())
    if telegram_length(text) <= limit:
        return text
    cut = cut_to_telegram_length(text, limit - 1)
    if " " in cut[len(cut) // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def fit(text: str, limit: int, budget: int) -> str:
    """Return text shortened to `limit` and escaped, within `budget` (Telegram length).

    Escaping can make a text six times longer ("'" is "&#x27;"), so a limit on the text alone
    does not bound what a message holds. Returns "" when not even "…" fits the budget.
    """
    text = shorten(text, limit)
    escaped = escape(text)
    while telegram_length(escaped) > budget and limit > 1:
        limit = max(1, min(limit - 1, limit * budget // telegram_length(escaped)))
        escaped = escape(shorten(text, limit))
    return escaped if telegram_length(escaped) <= budget else ""


def embed(text: str, limit: int, budget: int | None = None) -> str:
    """Return a member's or an import's text ready to sit in a sentence of the bot's.

    Shortened to `limit` (and, escaped, to `budget`), HTML-escaped, and isolated from the
    sentence around it (`bot.text.isolate`), so a right-to-left name or a U+202E inside it
    can't reorder the bot's own words. Every such text goes through here.
    """
    shown = fit(text, limit, budget) if budget else escape(shorten(text, limit))
    return isolate(shown)


def deep_link(bot_username: str, practice: Practice) -> str:
    """Return the link that opens this practice's card in the bot (`/start p_<key>`)."""
    return key_link(bot_username, practice.key)


def key_link(bot_username: str, key: str) -> str:
    """Return the link that opens the card of the practice with this key (`Practice.key`)."""
    return create_deep_linked_url(bot_username, f"{PRACTICE_PREFIX}{key}")


def _title_link(practice: Practice, bot_username: str) -> str:
    title = isolate(fit(practice.title, TITLE_LIMIT, TITLE_BUDGET))
    return f'<a href="{escape(deep_link(bot_username, practice))}">{title}</a>'


def _place_line(practice: Practice, t: Translator) -> str:
    place = place_names.place(practice.cities, practice.country, t)
    parts = [isolate(fit(place, PLACE_LIMIT, ROW_PLACE_BUDGET))] if place else []
    if practice.period:
        parts.append(isolate(fit(practice.period, 60, PERIOD_ROW_BUDGET)))
    return " · ".join(parts)


def card_text(
    practice: Practice, bot_username: str, note: str | None = None, t: Translator = ENGLISH
) -> str:
    """Return the full card of a practice.

    Args:
        practice: the practice to show.
        bot_username: the bot's username, for the deep link on the title.
        note: an already escaped line to show above the card (e.g. why an alert came).
        t: the reader's language (labels and topic names; the practice stays as written).

    Returns:
        HTML text within Telegram's message limit.
    """
    lines = [note, ""] if note else []
    lines.append(f"<b>{_title_link(practice, bot_username)}</b>")
    if practice.subtitle:
        lines.append(f"<i>{embed(practice.subtitle, SUBTITLE_LIMIT, SUBTITLE_BUDGET)}</i>")
    if practice.place:
        place = place_names.place(practice.cities, practice.country, t)
        lines.append(f"📍 {embed(place, PLACE_LIMIT, PLACE_BUDGET)}")
    if practice.period:
        lines.append(f"🗓 {embed(practice.period, PERIOD_LIMIT, PERIOD_BUDGET)}")
    if practice.topics:
        topics = " · ".join(topic_name(t, topic) for topic in practice.topics[:5])
        lines.append(f"🏷 {embed(topics, TOPICS_LIMIT, TOPICS_BUDGET)}")
    text = "\n".join(lines)
    if practice.purpose:
        head = "\n\n<b>" + t._("Purpose:") + "</b> "
        room = MAX_MESSAGE - telegram_length(text) - telegram_length(head)
        if room > 0:
            text += head + embed(practice.purpose, PURPOSE_LIMIT, room - 2)
    # Only a note longer than a message could still need this cut.
    return cut_to_telegram_length(text, MAX_MESSAGE)


def card_keyboard(
    practice: Practice, extra: Sequence[InlineKeyboardButton] = (), t: Translator = ENGLISH
) -> InlineKeyboardMarkup | None:
    """Return the card's buttons: "Read more" to the full practice, then any extra buttons."""
    rows: list[list[InlineKeyboardButton]] = []
    if practice.url and practice.url.startswith(("https://", "http://")):
        rows.append([InlineKeyboardButton(t._("📖 Read more"), url=practice.url)])
    if extra:
        rows.append(list(extra))
    return InlineKeyboardMarkup(rows) if rows else None


def summary(practice: Practice, limit: int = SUMMARY_LIMIT) -> str:
    """Return what a practice is, in one line of plain text (cut at a word with "…").

    Its subtitle, else the start of its purpose, else its keywords; "" when it has none.
    """
    text = practice.subtitle or practice.purpose or " · ".join(practice.keywords[:4])
    return shorten(text, limit) if text else ""


def result_row(number: int, practice: Practice, bot_username: str, t: Translator = ENGLISH) -> str:
    """Return one short row of a result list: number, linked title, place and period, and
    a line saying what the practice is."""
    row = f"<b>{number}.</b> {_title_link(practice, bot_username)}"
    place = _place_line(practice, t)
    if place:
        row += f"\n     {place}"
    line = summary(practice)
    if line:
        row += f"\n     <i>{fit(line, SUMMARY_LIMIT, SUMMARY_BUDGET)}</i>"
    return row


def results_text(
    label: str,
    practices: Sequence[Practice],
    page: int,
    bot_username: str,
    t: Translator = ENGLISH,
) -> str:
    """Return one page of results with a header like "5 of 23 for ‘refugees’".

    Args:
        label: what was searched, as the user typed it (escaped here).
        practices: every result, best first.
        page: the page to show, from 0.
        bot_username: the bot's username, for deep links.
        t: the reader's language.
    """
    total = len(practices)
    shown = practices[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    pages = max(1, -(-total // PAGE_SIZE))
    echo = embed(label, QUERY_ECHO_LIMIT, QUERY_ECHO_BUDGET)
    header = "🔎 " + t.ngettext(
        "<b>{shown} of {total}</b> result for ‘{query}’",
        "<b>{shown} of {total}</b> results for ‘{query}’",
        total,
    ).format(shown=len(shown), total=t.format_number(total), query=echo)
    if pages > 1:
        header += " · " + t._("page {page} of {pages}").format(
            page=t.format_number(page + 1), pages=t.format_number(pages)
        )
    rows = [
        result_row(page * PAGE_SIZE + n, practice, bot_username, t)
        for n, practice in enumerate(shown, start=1)
    ]
    return cut_to_telegram_length("\n\n".join([header, *rows]), MAX_MESSAGE)


def results_keyboard(
    practices: Sequence[Practice],
    page: int,
    page_callback: Callable[[int], str],
    t: Translator = ENGLISH,
) -> InlineKeyboardMarkup:
    """Return buttons that open each shown result's card, then Back / Next.

    Args:
        practices: every result, best first.
        page: the page shown, from 0.
        page_callback: the callback data that shows a given page.
        t: the reader's language.
    """
    first = page * PAGE_SIZE
    shown = practices[first : first + PAGE_SIZE]
    open_row = [
        InlineKeyboardButton(str(first + n), callback_data=callbacks.Card(practice.key).try_pack())
        for n, practice in enumerate(shown, start=1)
    ]
    nav_row = []
    if page > 0:
        nav_row.append(InlineKeyboardButton(t._("◀ Back"), callback_data=page_callback(page - 1)))
    if first + PAGE_SIZE < len(practices):
        nav_row.append(InlineKeyboardButton(t._("Next ▶"), callback_data=page_callback(page + 1)))
    return InlineKeyboardMarkup([row for row in (open_row, nav_row) if row])


def inline_description(practice: Practice, t: Translator = ENGLISH) -> str:
    """Return the one-line description of an inline result (plain text), places in t's."""
    place = place_names.place(practice.cities, practice.country, t)
    parts = [place, practice.period or "", practice.subtitle or practice.purpose or ""]
    return shorten(" · ".join(p for p in parts if p), 200)
