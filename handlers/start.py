"""The welcome, /help, and deep links: a practice's card, or a flow started from a group.

`/start <payload>` (from `t.me/<bot>?start=<payload>`): `p_<key>` opens a practice's card
(for a first visit, with a line saying what the bot is and the welcome's menu);
the payloads of `handlers.gate` start the flow a group's button pointed to. `submit` starts
the submission dialogue, so it is an entry point of that dialogue (`gate.OWN_FLOW_LINK`).
"""

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import follow_texts as ft
from bot.cards import PRACTICE_PREFIX
from bot.help_texts import INTRO, help_markup, help_overview
from bot.i18n import Translator
from bot.menus import welcome_markup
from bot.search_texts import UNKNOWN_PRACTICE, WELCOME, help_text
from handlers import contact
from handlers.cards import send_card
from handlers.contact import CONTACT_LINK
from handlers.deps import FIRST_VISIT, moderator_section, services
from handlers.gate import FOLLOW_CITY, FOLLOW_KEYWORD, FORGET, kept_for_member
from handlers.language import tr
from handlers.subscribe import ask_for
from handlers.updates import chat_of, message_of, query_of, user_data_of, user_of


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome the user, or open the practice a deep link names."""
    message = message_of(update)
    t = tr(update, context)
    payload = context.args[0] if context.args else ""
    private = message.chat.type == message.chat.PRIVATE
    if private and await _start_flow(message, context, user_of(update).id, payload, t):
        return
    first_visit = user_data_of(context).pop(FIRST_VISIT, None) == update.update_id
    if payload.startswith(PRACTICE_PREFIX):
        practice = services(context).catalog.get(payload.removeprefix(PRACTICE_PREFIX))
        if practice is None:
            await message.reply_text(t.gettext(UNKNOWN_PRACTICE))
        else:
            # Someone new, sent here by a shared link: what the bot is, and the welcome's menu.
            intro = (
                (t.gettext(INTRO), welcome_markup(t, under_card=True))
                if first_visit
                else ("", None)
            )
            await send_card(
                context, message.chat.id, practice, t=t, header=intro[0], menu=intro[1]
            )
        return
    text = t.gettext(WELCOME) + moderator_section(update, context, t)
    await message.reply_text(text, reply_markup=welcome_markup(t))


async def _start_flow(
    message: Message, context: ContextTypes.DEFAULT_TYPE, user_id: int, payload: str, t: Translator
) -> bool:
    """Start the private flow a deep link names; False when it names none."""
    if payload in (FOLLOW_CITY, FOLLOW_KEYWORD):
        await ask_for(message, context, user_id, payload.removeprefix("follow_"), t)
    elif payload == FORGET:
        await message.reply_text(t.gettext(ft.FORGET_ASK), reply_markup=ft.forget_markup(t))
    elif payload == CONTACT_LINK:
        await contact.ask_message(message, context, user_id, t)
    else:
        return False
    return True


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say everything the bot does, in short sections, with a button for each; a moderator's
    also what moderators can do."""
    t = tr(update, context)
    text = help_overview(t, context.bot.username) + moderator_section(update, context, t)
    await message_of(update).reply_text(text, reply_markup=help_markup(t))


async def on_help_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the welcome's and /help's "How to search" button."""
    await query_of(update).answer()
    await context.bot.send_message(
        chat_of(update).id,
        help_text(tr(update, context), context.bot.username),
        reply_parameters=kept_for_member(update),
    )
