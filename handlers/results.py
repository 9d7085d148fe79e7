"""A query's answer in the chat: the first page of results or why there are none, and the
buttons that page through them. Shared by search, browsing and moderation (a reason that was
really a search)."""

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.ext import ContextTypes

from bot import place_names
from bot.callbacks import Browse, Page, RememberedPage
from bot.cards import results_keyboard, results_text
from bot.follow_texts import target_button
from bot.i18n import ENGLISH, Translator
from bot.query import without_filters
from bot.search import SearchResult
from bot.search_texts import (
    missing_place_line,
    not_found_text,
    result_note,
    search_subject,
    too_long_note,
)
from bot.template import TOPICS
from handlers.deps import services
from handlers.language import tr_in_chat

# Queries too long for callback data are remembered here under a short id; after a restart
# their buttons say they have expired. The id is a hash of the query, not a counter: a
# counter starts again at a restart, and an old button would then page through another
# member's query.
_SEARCHES_KEY = "searches"
_SEARCHES_KEPT = 1000
_SEARCH_ID_BYTES = 6  # 8 characters of base64url: collisions among 1,000 kept: ~2e-9


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
    page_text, keyboard = results_page(context, text, result, 0, t)
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
    result: SearchResult,
    page: int,
    t: Translator = ENGLISH,
    back: Sequence[InlineKeyboardButton] = (),
    page_data: Callable[[int], str] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """Return the text and buttons of one page of a query's results, in t's language.

    The header says what the filters ask for in words and quotes only the words the member
    typed (`search_subject`, `without_filters`): never filter syntax.

    Args:
        context: the handler's context.
        text: the query (typed, or built by browsing).
        result: its search result (with practices).
        page: the page, from 0.
        t: the reader's language.
        back: a row that leads back to the picker the list was reached from (browsing).
        page_data: the callback data of page n (default: the query's `Page`).
    """
    query = result.query
    subject = search_subject(t, query, services(context).catalog.aliases)
    if result.instead and not subject:  # a place with none yet: its country's practices
        subject = place_names.country(result.instead, t)
    # Words are quoted only when the practices listed match them.
    words = without_filters(text) if query.words and not result.filter_only else ""
    page_text = results_text(subject, result.practices, page, context.bot.username, t, words=words)
    keyboard = results_keyboard(
        result.practices, page, page_data or page_callbacks(context, text), t
    )
    if back:
        keyboard = InlineKeyboardMarkup([*keyboard.inline_keyboard, list(back)])
    return page_text, keyboard


def page_callbacks(context: ContextTypes.DEFAULT_TYPE, text: str) -> Callable[[int], str]:
    """Return a function giving the callback data that shows page n of a query's results."""
    # Page 999 stands for the widest page number, so that all pages travel alike.
    search_id = None if Page(999, text).try_pack() else _remember(context, text)

    def page_data(number: int) -> str:
        if search_id is None:
            return Page(number, text).pack()
        return RememberedPage(number, search_id).pack()

    return page_data


def search_id_of(text: str) -> str:
    """Return the short id a long query is remembered under: 8 characters of its hash."""
    digest = hashlib.blake2b(text.encode("utf-8"), digest_size=_SEARCH_ID_BYTES).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def _remember(context: ContextTypes.DEFAULT_TYPE, text: str) -> str:
    searches: OrderedDict[str, str] = context.bot_data.setdefault(_SEARCHES_KEY, OrderedDict())
    search_id = search_id_of(text)
    searches[search_id] = text
    searches.move_to_end(search_id)  # the most recently shown is forgotten last
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
