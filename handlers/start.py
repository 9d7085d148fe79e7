"""The welcome, /help, and deep links: a practice's card, or a flow started from a group.

`/start <payload>` (from `t.me/<bot>?start=<payload>`): `p_<key>` opens a practice's card;
the payloads of `handlers.gate` start the flow a group's button pointed to. `submit` starts
the submission dialogue, so it is an entry point of that dialogue (`OWN_FLOW_LINK`).
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes, filters

from bot import follow_texts as t
from bot.texts import UNKNOWN_PRACTICE, WELCOME, help_text
from handlers.deps import services
from handlers.gate import FOLLOW_CITY, FOLLOW_KEYWORD, FORGET, SUBMIT, kept_for_member
from handlers.search import send_card

PRACTICE_PREFIX = "p_"
# `/start submit` in a private chat: taken by the submission dialogue, not by `start`.
OWN_FLOW_LINK = filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)?\s+{SUBMIT}\s*$")


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
    if message.chat.type == message.chat.PRIVATE and await _start_flow(message, payload):
        return
    if payload.startswith(PRACTICE_PREFIX):
        practice = services(context).catalog.get(payload.removeprefix(PRACTICE_PREFIX))
        if practice is None:
            await message.reply_text(UNKNOWN_PRACTICE)
        else:
            await send_card(context, message.chat.id, practice)
        return
    await message.reply_text(WELCOME, reply_markup=welcome_markup(context))


async def _start_flow(message: Message, payload: str) -> bool:
    """Start the private flow a deep link names; False when it names none."""
    if payload in (FOLLOW_CITY, FOLLOW_KEYWORD):
        kind = payload.removeprefix("follow_")
        await message.reply_text(t.PROMPTS[kind], reply_markup=t.prompt_markup(kind))
    elif payload == FORGET:
        await message.reply_text(t.FORGET_ASK, reply_markup=t.forget_markup())
    else:
        return False
    return True


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain searching, filters and browsing."""
    await update.effective_message.reply_text(help_text(context.bot.username))


async def on_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the welcome's "How to search" button."""
    await update.callback_query.answer()
    await context.bot.send_message(
        update.effective_chat.id,
        help_text(context.bot.username),
        reply_parameters=kept_for_member(update),
    )
