"""The language each user is spoken to in, and `/language` to choose it.

Language buttons (`bot.callbacks.Language`) name a language; the choice is stored with the
member (`store.members`), survives restarts and wins over Telegram's `language_code`; /forget
deletes it.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import ContextTypes

from bot.callbacks import CallbackDataError, Language
from bot.i18n import Translator, language_name, languages, resolve, translator
from handlers.deps import Services, services


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


def tr_for(svc: Services, chat_id: int) -> Translator:
    """Return the translator of a chat's user (a group's chat id gives English)."""
    return translator(language_of_user(svc, chat_id))


def tr_user(context: ContextTypes.DEFAULT_TYPE, user: User | None) -> Translator:
    """Return the translator of a Telegram user (English for None)."""
    if user is None:
        return translator(None)
    return translator(language_of_user(services(context), user.id, user.language_code or ""))


def tr(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Translator:
    """Return the translator of the user an update comes from."""
    return tr_user(context, update.effective_user)


def language_markup() -> InlineKeyboardMarkup:
    """Return one button per language, each named in itself."""
    buttons = [
        InlineKeyboardButton(language_name(code), callback_data=Language(code).pack())
        for code in languages()
    ]
    return InlineKeyboardMarkup([buttons[i : i + 3] for i in range(0, len(buttons), 3)])


async def language_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the bot's languages."""
    t = tr(update, context)
    text = t._("Choose the language I speak to you in:")
    await update.effective_message.reply_text(text, reply_markup=language_markup())


async def on_language_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the language a button names, then confirm in that language."""
    query = update.callback_query
    code = Language.parse(query.data).code
    if code not in languages() or update.effective_user is None:
        raise CallbackDataError(f"no language {code!r}")
    services(context).members.choose(update.effective_user.id, code)
    t = translator(code)
    await query.answer()
    await query.edit_message_text(
        t._("From now on I speak {language} with you. /language changes it.").format(
            language=language_name(code)
        )
    )
