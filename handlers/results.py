"""A query's answer in the chat: the first page of results or why there are none, and the
buttons that page through them. Shared by search, browsing and moderation (a reason that was
really a search)."""

from collections import OrderedDict
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import ContextTypes

from bot import place_names
from bot.callbacks import Browse, Page, RememberedPage
from bot.cards import results_keyboard, results_text
from bot.follow_texts import target_button
from bot.i18n import ENGLISH, Translator
from bot.models import Practice
from bot.search import SearchResult
from bot.search_texts import (
    missing_place_line,
    not_found_text,
    result_note,
    too_long_note,
)
from bot.template import TOPICS
from handlers.deps import services
from handlers.language import tr_in_chat

# Queries too long for callback data are remembered here under a short id; after a restart
# their buttons say they have expired.
_SEARCHES_KEY = "searches"
_SEARCHES_KEPT = 1000


def browse_row(t: Translator) -> list[InlineKeyboardButton]:
    """Return the row of browse buttons under an answer that found nothing."""
    return [
        InlineKeyboardButton(t._("🗂 Topics"), callback_data=Browse("topics").pack()),
        InlineKeyboardButton(t._("🌍 Countries"), callback_data=Browse("countries").pack()),
        InlineKeyboardButton(t._("🆕 Latest"), callback_data=Browse("latest").pack()),
    ]


async def reply_with_results(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    label: str | None = None,
    t: Translator | None = None,
) -> None:
    """Search and reply with the first page of results, or say why there are none.

    A real place with no practice yet gets its own line with a button to follow it, above
    the practices of its country when there are some.
    """
    svc = services(context)
    t = t or tr_in_chat(context, message.chat.id, message.from_user)
    result = svc.catalog.search(text)
    record_search(context, message, text, len(result.practices))
    follow_row = _follow_missing_place(t, result)
    if not result.practices:
        reply = not_found_text(t, text, result, svc.catalog.aliases)
        rows = [browse_row(t), *follow_row]
        await message.reply_text(reply, reply_markup=InlineKeyboardMarkup(rows))
        return
    if result.missing:
        await message.reply_text(
            missing_place_line(t, result), reply_markup=InlineKeyboardMarkup(follow_row)
        )
    page_text, keyboard = results_page(context, text, result.practices, 0, label, t)
    note = result_note(t, result)
    if note:
        page_text = f"{note}\n\n{page_text}"
    if result.query.too_long:
        page_text = f"{too_long_note(t)}\n\n{page_text}"
    await message.reply_text(page_text, reply_markup=keyboard)


def _follow_missing_place(t: Translator, result: SearchResult) -> list[list[InlineKeyboardButton]]:
    """Return a row with the button that follows the place a search named but has none of."""
    if not result.missing:
        return []
    kind, name = result.missing
    button = target_button(kind, name, TOPICS)
    if button is None:
        return []
    shown = (place_names.country if kind == "country" else place_names.city)(name, t)
    label = t._("🔔 Follow {name}").format(name=shown)
    return [[InlineKeyboardButton(label, callback_data=button.callback_data)]]


def results_page(
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    practices: list[Practice],
    page: int,
    label: str | None = None,
    t: Translator = ENGLISH,
) -> tuple[str, InlineKeyboardMarkup]:
    """Return the text and buttons of one page of results for a query, in t's language."""
    page_data = page_callbacks(context, text)
    username = context.bot.username
    return (
        results_text(label or text, practices, page, username, t),
        results_keyboard(practices, page, page_data, t),
    )


def page_callbacks(context: ContextTypes.DEFAULT_TYPE, text: str) -> Callable[[int], str]:
    """Return a function giving the callback data that shows page n of a query's results."""
    # Page 999 stands for the widest page number, so that all pages travel alike.
    search_id = None if Page(999, text).try_pack() else _remember(context, text)

    def page_data(number: int) -> str:
        if search_id is None:
            return Page(number, text).pack()
        return RememberedPage(number, search_id).pack()

    return page_data


def _remember(context: ContextTypes.DEFAULT_TYPE, text: str) -> str:
    searches: OrderedDict[str, str] = context.bot_data.setdefault(_SEARCHES_KEY, OrderedDict())
    search_id = format(len(searches) + context.bot_data.get("search_seq", 0), "x")
    context.bot_data["search_seq"] = context.bot_data.get("search_seq", 0) + 1
    searches[search_id] = text
    while len(searches) > _SEARCHES_KEPT:
        searches.popitem(last=False)
    return search_id


def remembered(context: ContextTypes.DEFAULT_TYPE, search_id: str) -> str | None:
    """Return the query remembered under a short id (`RememberedPage`); None once forgotten."""
    return context.bot_data.get(_SEARCHES_KEY, {}).get(search_id)


def record_search(
    context: ContextTypes.DEFAULT_TYPE, message: Message, query: str, found: int
) -> None:
    """Count the search a member's message made, in the search log (without who asked)."""
    if message.from_user is not None and not message.from_user.is_bot:
        services(context).search_log.record(message.from_user.id, query, found)
