"""What is left over: unknown commands, non-text messages and expired buttons."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.cards import embed
from bot.texts import STALE_BUTTON

NOT_TEXT = "I can only read text. Type what you are looking for, or see /help."


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that a command is unknown and where the known ones are."""
    command = (update.effective_message.text or "").split(maxsplit=1)[0]
    await update.effective_message.reply_text(
        f"I don't know {embed(command, 40)}. /help shows what I can do."
    )


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer photos, stickers and the like in a private chat."""
    await update.effective_message.reply_text(NOT_TEXT)


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button that no handler knows: forged, or from an older version of the bot."""
    await update.callback_query.answer(STALE_BUTTON, show_alert=True)
