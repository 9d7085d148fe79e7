"""Search: `/search <words>`, plain messages in a private chat, result pages and cards.

What a query's answer looks like and how its pages are built lives in `handlers.results`;
sending a card in `handlers.cards`.
"""

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.callbacks import CallbackDataError, Card, Page, RememberedPage
from bot.cards import PAGE_SIZE
from bot.menus import welcome_markup
from bot.query import small_talk
from bot.search_texts import NOTHING_LEFT, SEARCH_USAGE, THANKS, WELCOME, help_text, result_note
from handlers.cards import practice_of_button, send_card
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import tr
from handlers.results import remembered, reply_with_results, results_page
from handlers.updates import chat_of, message_of, query_of, text_of


async def search_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/search <words>`."""
    message = message_of(update)
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.reply_text(tr(update, context).gettext(SEARCH_USAGE))
        return
    await reply_with_results(message, context, parts[1])


async def search_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Treat a plain message in a private chat as a search, unless it is a greeting, thanks
    or a call for help, which get the welcome or /help instead."""
    message = message_of(update)
    kind = small_talk(message.text or "")
    if kind is None:
        await reply_with_results(message, context, text_of(message))
        return
    t = tr(update, context)
    if kind == "help":
        await message.reply_text(help_text(t, context.bot.username))
    else:
        source = THANKS if kind == "thanks" else WELCOME
        text = t.gettext(source)
        await message.reply_text(text, reply_markup=welcome_markup(t))


async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of a query's results when Back or Next is pressed."""
    button = Page.parse(query_of(update).data)
    await _show_page(update, context, button.page, button.query)


async def on_remembered_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show another page of a long query's results; after a restart the query is forgotten."""
    button = RememberedPage.parse(query_of(update).data)
    text = remembered(context, button.search_id)
    if text is None:
        raise CallbackDataError(f"search {button.search_id} is not remembered")
    await _show_page(update, context, button.page, text)


async def _show_page(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
) -> None:
    query = query_of(update)
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


async def on_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the full card of a result when its number is pressed."""
    key = Card.parse(query_of(update).data).key
    practice = await practice_of_button(update, context, key)
    if practice is not None:
        await query_of(update).answer()
        await send_card(
            context,
            chat_of(update).id,
            practice,
            kept_for_member(update),
            tr(update, context),
        )
