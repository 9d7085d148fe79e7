"""Practice cards in a chat: send one with its declared buttons; read the practice a button
names. Shared by the handlers that show or act on a practice (search, start, moderation,
Follow, submissions)."""

from telegram import InlineKeyboardMarkup, ReplyParameters, Update
from telegram.ext import ContextTypes

from bot.cards import card_keyboard, card_text
from bot.i18n import Translator
from bot.menus import card_buttons
from bot.models import Practice
from bot.search_texts import UNKNOWN_PRACTICE
from handlers.deps import services
from handlers.language import tr, tr_for
from handlers.updates import query_of


async def practice_of_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, key: str
) -> Practice | None:
    """Return the practice with the key a button carries, or answer that it is gone."""
    query = query_of(update)
    practice = services(context).catalog.get(key)
    if practice is None:
        await query.answer(tr(update, context).gettext(UNKNOWN_PRACTICE), show_alert=True)
    return practice


async def send_card(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    practice: Practice,
    reply: ReplyParameters | None = None,
    t: Translator | None = None,
    header: str = "",
    menu: InlineKeyboardMarkup | None = None,
) -> None:
    """Send a practice's card with its buttons (quoting `reply`, in a group), in t's language
    (else the language of the chat's member), under `header` (HTML, a line) when given, with
    the rows of `menu` under its own buttons when given."""
    svc = services(context)
    t = t or tr_for(svc, chat_id)
    buttons = card_buttons(practice, t)
    text = card_text(practice, context.bot.username, t=t)
    markup = card_keyboard(practice, buttons, t)
    if menu is not None:
        rows = [*(markup.inline_keyboard if markup else ()), *menu.inline_keyboard]
        markup = InlineKeyboardMarkup(rows)
    await context.bot.send_message(
        chat_id,
        f"{header}\n\n{text}" if header else text,
        reply_markup=markup,
        reply_parameters=reply,
    )
