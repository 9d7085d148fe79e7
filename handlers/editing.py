"""Editing a message the bot sent, in place: the one helper every screen that changes uses."""

import logging

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message
from telegram.error import BadRequest

log = logging.getLogger(__name__)


async def edit_or_ignore(
    message: MaybeInaccessibleMessage, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Edit a message's text and buttons in place (`keyboard` None takes the buttons off).

    Pressing the same button twice is not an error: Telegram refuses an edit that changes
    nothing ("message is not modified"), and that refusal is ignored. A message too old for
    the bot to see (`MaybeInaccessibleMessage`) can't be edited and is left as it is.

    Raises:
        BadRequest: any other refusal.
    """
    if not isinstance(message, Message):
        log.debug("message %s is not accessible any more: not edited", message.message_id)
        return
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
