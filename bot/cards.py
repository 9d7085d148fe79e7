"""Render practices as Telegram HTML: cards, result pages and inline results. Pure.

Every text that comes from a user or an import is cut first and escaped after, so that no
entity is ever split and no message exceeds Telegram's limits. Escaping can make a text up to
six times longer ("'" becomes "&#x27;"), so each field also has a budget of escaped characters:
a card, or a page of PAGE_SIZE rows, fits one message whatever the data holds.
"""

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from rapidfuzz import fuzz
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit
from telegram.helpers import create_deep_linked_url

from bot import callbacks, place_names
from bot.i18n import ENGLISH, Translator
from bot.models import Practice
from bot.template import topic_name
from bot.text import cut_to_telegram_length, fold, isolate, telegram_length

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
SUBJECT_LIMIT = 120
SUBJECT_BUDGET = 240


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

    A subtitle that says what the purpose says (`repeats`) is shown once, and a practice with
    neither shows its keywords in their place; a purpose longer
    than the card takes is cut at a sentence or word end with "…" (`excerpt`), and the card's
    "Full text" button (`bot.menus.full_text_button`, `has_more_text`) offers the rest.

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
    if practice.subtitle and not repeats(practice.subtitle, practice.purpose):
        lines.append(f"<i>{embed(practice.subtitle, SUBTITLE_LIMIT, SUBTITLE_BUDGET)}</i>")
    elif not practice.subtitle and not practice.purpose and practice.keywords:
        # Neither says what it is (some of the programme's listing entries): its keywords
        # do, as its row in a list already shows them.
        keywords = " · ".join(practice.keywords[:6])
        lines.append(f"<i>{embed(keywords, SUBTITLE_LIMIT, SUBTITLE_BUDGET)}</i>")
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
            shown, _cut = excerpt(practice.purpose, PURPOSE_LIMIT)
            text += head + embed(shown, PURPOSE_LIMIT + 2, room - 2)
    # Only a note longer than a message could still need this cut.
    return cut_to_telegram_length(text, MAX_MESSAGE)


_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)]*(?=\s|$)")


def excerpt(text: str, limit: int) -> tuple[str, bool]:
    """Return text cut to `limit` (Telegram length) at a sentence or word end, and whether
    anything was cut.

    A cut text always ends with "…": after the last sentence end when that keeps at least
    half of what fits ("… first steps. …"), else after the last whole word. A text that
    itself stops mid-sentence (an excerpt of the programme's listing) counts as cut too,
    and gets its "…".
    """
    text = " ".join(text.split())
    if telegram_length(text) <= limit and _SENTENCE_END.search(text[-3:] or "."):
        return text, False
    room = cut_to_telegram_length(text, limit - 2)
    ends = [m.end() for m in _SENTENCE_END.finditer(room)]
    if ends and ends[-1] >= len(room) // 2:
        return room[: ends[-1]] + " …", True
    if room != text and " " in room[len(room) // 2 :] and not text[len(room)].isspace():
        room = room[: room.rindex(" ")]
    return room.rstrip(" ,;:-–") + "…", True


def repeats(subtitle: str, purpose: str | None) -> bool:
    """Return True when a subtitle says what the purpose says: equal, contained in it, or
    nearly equal once case, accents and punctuation are folded (rapidfuzz ratio ≥ 90)."""
    if not purpose:
        return False
    a, b = fold(subtitle), fold(purpose)
    return bool(a) and (a in b or fuzz.ratio(a, b[: len(a) + 10]) >= 90)


def has_more_text(practice: Practice) -> bool:
    """Return True when the bot holds more of a practice than its card shows: a purpose cut
    for the card, or rationale, process or impact (never on the card)."""
    longer = bool(practice.purpose) and telegram_length(practice.purpose or "") > PURPOSE_LIMIT
    return longer or any((practice.rationale, practice.process, practice.impact))


def share_button(practice: Practice, t: Translator = ENGLISH) -> InlineKeyboardButton:
    """Return the Share button: it opens inline mode in a chat the member picks, with the
    practice's key, so that `handlers.inline` offers exactly this practice to post."""
    return InlineKeyboardButton(
        t._("↗️ Share"), switch_inline_query=f"{PRACTICE_PREFIX}{practice.key}"
    )


def card_keyboard(
    practice: Practice,
    extra: Sequence[InlineKeyboardButton] = (),
    t: Translator = ENGLISH,
    share: bool = True,
) -> InlineKeyboardMarkup | None:
    """Return the card's buttons: "Read more" to the full practice and Share, then `extra`.

    Args:
        practice: the practice of the card.
        extra: buttons of a second row (`bot.menus.card_buttons`: Follow, Full text).
        t: the reader's language.
        share: offer Share (not on a draft's preview: it is in no catalogue yet).
    """
    first: list[InlineKeyboardButton] = []
    if practice.url and practice.url.startswith(("https://", "http://")):
        first.append(InlineKeyboardButton(t._("📖 Read more"), url=practice.url))
    if share:
        first.append(share_button(practice, t))
    rows = [row for row in (first, list(extra)) if row]
    return InlineKeyboardMarkup(rows) if rows else None


def summary(practice: Practice, limit: int = SUMMARY_LIMIT) -> str:
    """Return what a practice is, in one line of plain text (cut at a word with "…").

    Its subtitle, else the start of its purpose, else its keywords; "" when it has none.
    """
    text = practice.subtitle or practice.purpose or " · ".join(practice.keywords[:4])
    return shorten(text, limit) if text else ""


def result_row(
    number: int,
    practice: Practice,
    bot_username: str,
    t: Translator = ENGLISH,
    dated: bool = False,
) -> str:
    """Return one short row of a result list: number, linked title, place and period, and
    a line saying what the practice is (with `dated`, the date it was added first)."""
    row = f"<b>{number}.</b> {_title_link(practice, bot_username)}"
    place = _place_line(practice, t)
    added = added_on(practice, t) if dated else ""
    if added:
        place = " · ".join(part for part in ("🆕 " + added, place) if part)
    if place:
        row += f"\n     {place}"
    line = summary(practice)
    if line:
        row += f"\n     <i>{fit(line, SUMMARY_LIMIT, SUMMARY_BUDGET)}</i>"
    return row


def added_on(practice: Practice, t: Translator = ENGLISH) -> str:
    """Return the date a practice was added to the catalogue, in t's format ("" if unknown).

    `published_at` is the ISO 8601 time of its import or approval (UTC).
    """
    if not practice.published_at:
        return ""
    try:
        moment = datetime.fromisoformat(practice.published_at)
    except ValueError:
        return ""
    return t.format_date(moment.date())


def results_text(
    subject: str,
    practices: Sequence[Practice],
    page: int,
    bot_username: str,
    t: Translator = ENGLISH,
    words: str = "",
    icon: str = "🔎",
    dated: bool = False,
) -> str:
    """Return one page of results under a header said as a person would.

    The header names what is listed, the count, and the rows shown when there are several
    pages: "🔎 Roma · 13 practices · 1–5", "🔎 7 practices for ‘refugee jobs’".

    Args:
        subject: what is listed, in words ("Roma", "Ravenna, Italy"; escaped here); "" for
            a search of typed words only.
        practices: every result, best first.
        page: the page to show, from 0.
        bot_username: the bot's username, for deep links.
        t: the reader's language.
        words: the words the member typed (quoted as theirs; escaped here), or "".
        icon: the header's emoji.
        dated: show on each row the date the practice was added to the catalogue.
    """
    total = len(practices)
    first = page * PAGE_SIZE
    shown = practices[first : first + PAGE_SIZE]
    count = t.format_number(total)
    if words:
        echo = embed(words, QUERY_ECHO_LIMIT, QUERY_ECHO_BUDGET)
        counted = t.ngettext(
            "{count} practice for ‘{words}’", "{count} practices for ‘{words}’", total
        ).format(count=count, words=echo)
    else:
        counted = t.ngettext("{count} practice", "{count} practices", total).format(count=count)
    parts = [f"<b>{embed(subject, SUBJECT_LIMIT, SUBJECT_BUDGET)}</b>"] if subject else []
    parts.append(counted)
    if total > PAGE_SIZE:
        parts.append(f"{t.format_number(first + 1)}–{t.format_number(first + len(shown))}")
    header = f"{icon} " + " · ".join(parts)
    rows = [
        result_row(first + n, practice, bot_username, t, dated)
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
