"""The welcome, /help, and deep links that open a practice's card."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.texts import UNKNOWN_PRACTICE, WELCOME, help_text
from handlers.deps import services
from handlers.search import send_card

PRACTICE_PREFIX = "p_"


def welcome_markup(context: ContextTypes.DEFAULT_TYPE) -> InlineKeyboardMarkup:
    """Return the welcome buttons: search help and browsing, then each capability's own."""
    rows = [
        [
            InlineKeyboardButton("🔎 How to search", callback_data="help"),
            InlineKeyboardButton("🗂 Topics", callback_data="browse|topics"),
        ],
        [
            InlineKeyboardButton("🌍 Countries", callback_data="browse|countries"),
            InlineKeyboardButton("🆕 Latest", callback_data="browse|latest"),
        ],
    ]
    extra = services(context).welcome_buttons
    rows += [extra[i : i + 2] for i in range(0, len(extra), 2)]
    return InlineKeyboardMarkup(rows)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user, or open the practice a deep link names."""
    message = update.effective_message
    payload = context.args[0] if context.args else ""
    if payload.startswith(PRACTICE_PREFIX):
        practice = services(context).catalog.get(payload.removeprefix(PRACTICE_PREFIX))
        if practice is None:
            await message.reply_text(UNKNOWN_PRACTICE)
        else:
            await send_card(context, message.chat.id, practice)
        return
    await message.reply_text(WELCOME, reply_markup=welcome_markup(context))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain searching, filters and browsing."""
    await update.effective_message.reply_text(help_text(context.bot.username))


async def on_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the welcome's "How to search" button."""
    await update.callback_query.answer()
    await context.bot.send_message(update.effective_chat.id, help_text(context.bot.username))
