"""The last resort: log a failed update and tell the user briefly."""

import logging

from telegram import CallbackQuery, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.callbacks import CallbackDataError
from bot.i18n import N_
from handlers.fallback import stale_button
from handlers.language import tr

log = logging.getLogger(__name__)
APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with the update id and apologise to the user, never with a traceback.

    Callback data that names nothing is not an error of the bot's: it gets the stale
    button's answer (`handlers.fallback.stale_button`). A chat that refuses the answer
    (403 Forbidden: blocked, or the bot removed) gets nothing more, and it is logged as info.
    """
    stale = isinstance(context.error, CallbackDataError)
    if stale and isinstance(update, Update) and update.callback_query is not None:
        await stale_button(update, context)
        return
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # The member blocked the bot, or the bot was removed from the group, between their
        # message and the answer: an ordinary event, and an apology could not reach them
        # either. Telegram's my_chat_member update says so too (`handlers.chat_state`).
        log.info("update %s not answered: %s", update_id, context.error.message)
        return
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    apology = _apology(update, context)
    if update.callback_query and await _answer_query(update.callback_query, apology):
        return
    chat = update.effective_chat
    if chat is None or chat.type == chat.CHANNEL:  # channel posts get no answer, not even this
        return
    try:
        await chat.send_message(apology, parse_mode=None)
    except TelegramError:
        log.warning("could not send the apology for update %s", update_id)


def _apology(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """Return the apology in the user's language (English if even that lookup fails)."""
    try:
        return tr(update, context).gettext(APOLOGY)
    except Exception:  # the error being handled may come from the very stores read here
        return APOLOGY


async def _answer_query(query: CallbackQuery, apology: str) -> bool:
    """Apologise in the button's alert; False when the query was already answered.

    A query can be answered once: a handler that failed after answering it leaves the
    apology to the chat (Telegram refuses the second answer as "query is too old").
    """
    try:
        await query.answer(apology, show_alert=True)
    except TelegramError:
        return False
    return True
