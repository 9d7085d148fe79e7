"""Editing a message the bot sent, in place: the one helper every screen that changes uses."""

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage
from telegram.error import BadRequest


async def edit_or_ignore(
    message: MaybeInaccessibleMessage, text: str, keyboard: InlineKeyboardMarkup | None
) -> None:
    """Edit a message's text and buttons in place (`keyboard` None takes the buttons off).

    Pressing the same button twice is not an error: Telegram refuses an edit that changes
    nothing ("message is not modified"), and that refusal is ignored.

    Raises:
        BadRequest: any other refusal (a message too old to edit, say).
    """
    try:
        await message.get_bot().edit_message_text(
            text, chat_id=message.chat.id, message_id=message.message_id, reply_markup=keyboard
        )
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
