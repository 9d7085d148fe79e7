"""The language each user and each group is spoken to in, and `/language` to choose it.

Language buttons (`bot.callbacks.Language`) name a language; the choice is stored with the
member (`store.members`), survives restarts and wins over Telegram's `language_code`; /forget
deletes it.

A group chat has one language for everyone in it: the one chosen with /language in the group,
else the language of the member who first subscribed there (noted at that moment). Alerts to
the group and the bot's answers there use it. Since it changes what everyone there reads, only
the group's administrators choose it (asked of Telegram with getChatMember at the command and
again at the button, as the rights may have changed between them); anyone else is told so and
pointed to the private chat, where they choose their own.
"""

import logging

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.callbacks import CallbackDataError, Language
from bot.i18n import (
    N_,
    Translator,
    language_in_text,
    language_name,
    languages,
    resolve,
    translator,
)
from bot.vocabulary import LANGUAGES as SEARCH_LANGUAGES
from handlers.deps import Services, services
from handlers.updates import message_of, query_of

log = logging.getLogger(__name__)
GROUP_ADMINS_ONLY = N_(
    "Only this group's administrators choose the language I speak here. You can choose the "
    "language I speak to you in our private chat, with /language there."
)
# A button's answer holds at most 200 characters (CallbackQueryLimit), in every language.
GROUP_ADMINS_ONLY_SHORT = N_("Only this group's administrators choose the language I speak here.")


def language_of_user(svc: Services, user_id: int, telegram_code: str | None = None) -> str:
    """Return the language to speak to a user: their choice, else Telegram's, else English.

    Args:
        svc: the services.
        user_id: the Telegram user id (also the id of their private chat).
        telegram_code: the `language_code` of the update at hand; None to use the last one
            Telegram reported (alerts, a moderator's decision sent to the submitter).
    """
    store = svc.members
    code = telegram_code if telegram_code is not None else store.telegram_language(user_id)
    return resolve(store.chosen(user_id), code)


def is_group(chat_id: int) -> bool:
    """Return True for a group, supergroup or channel id (Telegram gives them negative ids)."""
    return chat_id < 0


def tr_for(svc: Services, chat_id: int) -> Translator:
    """Return the translator of a chat: its user's, or a group's own (English when unknown)."""
    if is_group(chat_id):
        return translator(svc.members.chosen(chat_id))
    return translator(language_of_user(svc, chat_id))


def note_group_language(svc: Services, chat_id: int, t: Translator) -> None:
    """Keep t's language as a group's language when the group has none yet (a subscription)."""
    if is_group(chat_id) and svc.members.chosen(chat_id) is None:
        svc.members.choose(chat_id, t.language)


def tr_user(context: ContextTypes.DEFAULT_TYPE, user: User | None) -> Translator:
    """Return the translator of a Telegram user (English for None)."""
    if user is None:
        return translator(None)
    return translator(language_of_user(services(context), user.id, user.language_code or ""))


def tr(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """Return the translator of an update: its group's language if it has one, else its user's."""
    chat = update.effective_chat
    return tr_in_chat(context, chat.id if chat else None, update.effective_user)


def tr_in_chat(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int | None, user: User | None
) -> Translator:
    """Return the translator for what user said in a chat: a group's own language when it has
    chosen one (everyone in the group reads the answer), else the user's."""
    if chat_id is not None and is_group(chat_id):
        chosen = services(context).members.chosen(chat_id)
        if chosen is not None:
            return translator(chosen)
    return tr_user(context, user)


def language_markup(current: str | None = None) -> InlineKeyboardMarkup:
    """Return one button per language, each named in itself; the `current` one ticked."""
    buttons = [
        InlineKeyboardButton(
            f"✓ {language_name(code)}" if code == current else language_name(code),
            callback_data=Language(code).pack(),
        )
        for code in languages()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


async def is_group_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Return True when the update's sender administers its group (True in a private chat).

    An anonymous administrator writes as the group itself (`sender_chat`). Telegram is asked
    with getChatMember; when it can't answer, the sender is not taken for an administrator.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or not is_group(chat.id):
        return True
    message = update.effective_message
    if update.callback_query is None and message is not None and message.sender_chat:
        return message.sender_chat.id == chat.id
    return user is not None and await administers(context, chat.id, user.id)


async def administers(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int) -> bool:
    """Return True when Telegram says the user is an administrator (or the owner) of the group.

    False when Telegram can't answer (logged): rights are never assumed.
    """
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
    except TelegramError as error:
        log.warning("could not ask Telegram who administers a group: %s", error)
        return False
    return member.status in (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the bot's languages (in a group, to its administrators only)."""
    t = tr(update, context)
    chat = update.effective_chat
    if chat is not None and is_group(chat.id):
        if not await is_group_admin(update, context):
            await message_of(update).reply_text(t.gettext(GROUP_ADMINS_ONLY))
            return
        text = t._("Choose the language I speak in this group (alerts included):")
    else:
        text = t._("Choose the language I speak to you in:")
    # Searching understands more languages than the bot speaks: say so, in case theirs is one.
    understood = t._("I understand questions in {searched}.").format(
        searched=t.language_names(SEARCH_LANGUAGES)
    )
    markup = language_markup(current=t.language)
    await message_of(update).reply_text(f"{understood}\n{text}", reply_markup=markup)


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the language a button names, then confirm in that language."""
    query = query_of(update)
    code = Language.parse(query.data).code
    if code not in languages() or update.effective_user is None:
        raise CallbackDataError(f"no language {code!r}")
    chat = update.effective_chat
    group = chat is not None and is_group(chat.id)
    chooser = chat.id if group and chat is not None else update.effective_user.id
    if group and not await is_group_admin(update, context):
        await query.answer(tr(update, context).gettext(GROUP_ADMINS_ONLY_SHORT), show_alert=True)
        return
    services(context).members.choose(chooser, code)
    t = translator(code)
    await query.answer()
    if group:
        done = t._("From now on I speak {language} in this group. /language changes it.")
    else:
        done = t._("From now on I speak {language} with you. /language changes it.")
    await query.edit_message_text(done.format(language=language_in_text(code)))
