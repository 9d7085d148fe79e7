"""The welcome, /help, and deep links: a practice's card, or a flow started from a group.

`/start <payload>` (from `t.me/<bot>?start=<payload>`): `p_<key>` opens a practice's card;
the payloads of `handlers.gate` start the flow a group's button pointed to. `submit` starts
the submission dialogue, so it is an entry point of that dialogue (`gate.OWN_FLOW_LINK`).
"""

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import follow_texts as ft
from bot.cards import PRACTICE_PREFIX
from bot.i18n import Translator
from bot.menus import welcome_markup
from bot.search_texts import UNKNOWN_PRACTICE, WELCOME, help_text
from handlers.cards import send_card
from handlers.deps import services
from handlers.gate import FOLLOW_CITY, FOLLOW_KEYWORD, FORGET, kept_for_member
from handlers.language import tr
from handlers.updates import chat_of, message_of, query_of


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user, or open the practice a deep link names."""
    message = message_of(update)
    t = tr(update, context)
    payload = context.args[0] if context.args else ""
    if message.chat.type == message.chat.PRIVATE and await _start_flow(message, payload, t):
        return
    if payload.startswith(PRACTICE_PREFIX):
        practice = services(context).catalog.get(payload.removeprefix(PRACTICE_PREFIX))
        if practice is None:
            await message.reply_text(t.gettext(UNKNOWN_PRACTICE))
        else:
            await send_card(context, message.chat.id, practice, t=t)
        return
    await message.reply_text(t.gettext(WELCOME), reply_markup=welcome_markup(t))


async def _start_flow(message: Message, payload: str, t: Translator) -> bool:
    """Start the private flow a deep link names; False when it names none."""
    if payload in (FOLLOW_CITY, FOLLOW_KEYWORD):
        kind = payload.removeprefix("follow_")
        prompt = t.gettext(ft.PROMPTS[kind])
        await message.reply_text(prompt, reply_markup=ft.prompt_markup(kind))
    elif payload == FORGET:
        await message.reply_text(t.gettext(ft.FORGET_ASK), reply_markup=ft.forget_markup(t))
    else:
        return False
    return True


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain searching, filters and browsing."""
    text = help_text(tr(update, context), context.bot.username)
    await message_of(update).reply_text(text)


async def on_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the welcome's "How to search" button."""
    await query_of(update).answer()
    await context.bot.send_message(
        chat_of(update).id,
        help_text(tr(update, context), context.bot.username),
        reply_parameters=kept_for_member(update),
    )
