"""The last resort: log a failed update and tell the user briefly."""

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

log = logging.getLogger(__name__)
APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error with the update id and apologise to the user, never with a traceback."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    try:
        if update.callback_query:
            await update.callback_query.answer(APOLOGY, show_alert=True)
        elif update.effective_chat and update.effective_message:
            await update.effective_chat.send_message(APOLOGY, parse_mode=None)
    except TelegramError:
        log.warning("could not send the apology for update %s", update_id)
