"""Search: `/search <words>`, plain messages in a private chat, result pages and cards."""

from collections import OrderedDict
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.callbacks import Browse, CallbackDataError, Card, Page, RememberedPage
from bot.cards import PAGE_SIZE, card_keyboard, card_text, results_keyboard, results_text
from bot.follow_texts import target_button
from bot.i18n import ENGLISH, Translator
from bot.models import Practice
from bot.query import small_talk
from bot.search import SearchResult
from bot.search_texts import (
    NOTHING_LEFT,
    SEARCH_USAGE,
    THANKS,
    UNKNOWN_PRACTICE,
    WELCOME,
    help_text,
    missing_place_line,
    not_found_text,
    result_note,
    too_long_note,
)
from bot.template import TOPICS
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import tr, tr_for, tr_user, translated
from handlers.stats import record_search

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


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/search <words>`."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.reply_text(tr(update, context).gettext(SEARCH_USAGE))
        return
    await reply_with_results(message, context, parts[1])


async def search_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat a plain message in a private chat as a search, unless it is a greeting, thanks
    or a call for help, which get the welcome or /help instead."""
    message = update.effective_message
    kind = small_talk(message.text or "")
    if kind is None:
        await reply_with_results(message, context, message.text)
        return
    # Imported here: handlers.start imports this module for its cards.
    from handlers.start import welcome_markup

    t = tr(update, context)
    if kind == "help":
        await message.reply_text(help_text(t, context.bot.username))
    else:
        source = THANKS if kind == "thanks" else WELCOME
        text = t.gettext(source)
        await message.reply_text(text, reply_markup=welcome_markup(context, t))


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
    t = t or tr_user(context, message.from_user)
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
    label = t._("🔔 Follow {name}").format(name=name)
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


async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of a query's results when Back or Next is pressed."""
    button = Page.parse(update.callback_query.data)
    await _show_page(update, context, button.page, button.query)


async def on_remembered_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of a long query's results; after a restart the query is forgotten."""
    button = RememberedPage.parse(update.callback_query.data)
    text = context.bot_data.get(_SEARCHES_KEY, {}).get(button.search_id)
    if text is None:
        raise CallbackDataError(f"search {button.search_id} is not remembered")
    await _show_page(update, context, button.page, text)


async def _show_page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
) -> None:
    query = update.callback_query
    t = tr(update, context)
    result = services(context).catalog.search(text)
    practices = result.practices
    if not practices:
        await query.answer(t.gettext(NOTHING_LEFT), show_alert=True)
        return
    if not isinstance(query.message, Message):
        raise CallbackDataError("a page of results on a message the bot can't see")
    page = min(number, (len(practices) - 1) // PAGE_SIZE)
    page_text, keyboard = results_page(context, text, practices, page, t=t)
    note = result_note(t, result)
    if note:
        page_text = f"{note}\n\n{page_text}"
    await query.answer()
    await edit_or_ignore(query.message, page_text, keyboard)


async def practice_of_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, key: str
) -> Practice | None:
    """Return the practice with the key a button carries, or answer that it is gone."""
    query = update.callback_query
    practice = services(context).catalog.get(key)
    if practice is None:
        await query.answer(tr(update, context).gettext(UNKNOWN_PRACTICE), show_alert=True)
    return practice


async def on_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the full card of a result when its number is pressed."""
    key = Card.parse(update.callback_query.data).key
    practice = await practice_of_button(update, context, key)
    if practice is not None:
        await update.callback_query.answer()
        await send_card(
            context,
            update.effective_chat.id,
            practice,
            kept_for_member(update),
            tr(update, context),
        )


async def send_card(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    practice: Practice,
    reply: ReplyParameters | None = None,
    t: Translator | None = None,
) -> None:
    """Send a practice's card with its buttons (quoting `reply`, in a group), in t's language
    (else the language of the chat's member)."""
    svc = services(context)
    t = t or tr_for(svc, chat_id)
    buttons = [translated(b, t) for extra in svc.card_buttons for b in extra(practice)]
    await context.bot.send_message(
        chat_id,
        card_text(practice, context.bot.username, t=t),
        reply_markup=card_keyboard(practice, buttons, t),
        reply_parameters=reply,
    )
