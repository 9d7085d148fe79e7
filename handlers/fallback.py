"""What is left over: unknown commands, non-text messages and expired buttons."""

from telegram import Update
from telegram.ext import ContextTypes

from bot.cards import embed
from bot.i18n import N_
from bot.search_texts import STALE_BUTTON
from handlers.language import tr
from handlers.updates import message_of, query_of

NOT_TEXT = N_("I can only read text. Type what you are looking for, or see /help.")


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that a command is unknown and where the known ones are."""
    command = (message_of(update).text or "").split(maxsplit=1)[0]
    text = tr(update, context)._("I don't know {command}. /help shows what I can do.")
    await message_of(update).reply_text(text.format(command=embed(command, 40)))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer photos, stickers and the like in a private chat."""
    await message_of(update).reply_text(tr(update, context).gettext(NOT_TEXT))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button that no handler knows: forged, or from an older version of the bot."""
    text = tr(update, context).gettext(STALE_BUTTON)
    await query_of(update).answer(text, show_alert=True)
