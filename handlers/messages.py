"""Changing a message already sent, shared by the handlers that page or update menus."""

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest


async def edit_or_ignore(message: Message, text: str, keyboard: InlineKeyboardMarkup) -> None:
    """Edit a message in place; pressing the same page twice is not an error."""
    try:
        await message.edit_text(text, reply_markup=keyboard)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise
