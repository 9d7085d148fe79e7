"""What is left over: unknown commands, non-text messages and expired buttons."""

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.cards import embed
from bot.i18n import N_, Translator
from bot.search_texts import STALE_BUTTON
from bot.waits import IMPORT, STILL_WAITING
from handlers.deps import NOT_TEXT, services
from handlers.language import tr
from handlers.updates import message_of, query_of

log = logging.getLogger(__name__)
NOT_TEXT_HINT = N_("Type what you are looking for, or see /help.")


def not_text_reply(t: Translator) -> str:
    """Return the answer to a non-text message outside a dialogue, in t's language."""
    return f"{t.gettext(NOT_TEXT)} {t.gettext(NOT_TEXT_HINT)}"


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that a command is unknown and where the known ones are."""
    command = (message_of(update).text or "").split(maxsplit=1)[0]
    text = tr(update, context)._("I don't know {command}. /help shows what I can do.")
    await message_of(update).reply_text(text.format(command=embed(command, 40)))


async def unknown_group_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer an unknown command in a group when it names this bot (`/frobnicate@<bot>`).

    A bare unknown command in a group is left alone: it may be another bot's.
    """
    command = (message_of(update).text or "").split(maxsplit=1)[0]
    _, _, addressed = command.partition("@")
    if addressed and addressed.casefold() == (context.bot.username or "").casefold():
        await unknown_command(update, context)


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer photos, stickers and the like in a private chat; while a question waits for a
    typed answer (`bot.waits`), say what it still waits for."""
    message, t = message_of(update), tr(update, context)
    svc = services(context)
    wait = svc.waits.get(message.from_user.id) if message.from_user else None
    if wait is not None and wait.takes(message.chat.id, svc.clock()):
        waiting = t.gettext(STILL_WAITING[wait.kind])
        # A file is what an import waits for: only the other questions want text.
        await message.reply_text(
            waiting if wait.kind == IMPORT else f"{t.gettext(NOT_TEXT)} {waiting}"
        )
        return
    await message.reply_text(not_text_reply(t))


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a button whose data is forged, cut, or from an older version of the bot.

    The one answer to such data: reached when no handler's pattern takes it, and from the error
    handler when a handler finds it names nothing (`bot.callbacks.CallbackDataError`).
    """
    query = query_of(update)
    log.debug("stale or forged callback data %r from user %s", query.data, query.from_user.id)
    await query.answer(tr(update, context).gettext(STALE_BUTTON), show_alert=True)
