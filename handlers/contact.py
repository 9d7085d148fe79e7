"""`/contact`: a member writes to the secretariat; a moderator replies through the bot.

The member's next message after the prompt (`bot.waits.CONTACT`) is stored, then copied to
every moderator (ADMIN_IDS) with a Reply button; a moderator's next message after Reply
(`bot.waits.CONTACT_REPLY`) is stored as the reply, then sent to the member, and every copy
is updated to say who replied (a later Reply is refused). `bot.contact` holds the hourly
limit, `bot.contact_texts` the texts.
"""

import logging

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import contact_texts as ct
from bot.answers import clean_text
from bot.callbacks import Contact, ContactAbout, ContactReply, parse_one_of
from bot.cards import embed
from bot.contact import MAX_LENGTH as MAX_MESSAGE
from bot.contact import ContactMessage, minutes_until_allowed
from bot.i18n import Translator
from bot.waits import CONTACT, CONTACT_REPLY, Wait
from handlers.deps import MODERATORS_ONLY, services
from handlers.gate import CONTACT as CONTACT_LINK
from handlers.gate import private_link
from handlers.language import tr, tr_for
from handlers.updates import message_of, pressed_message, query_of, user_of

log = logging.getLogger(__name__)
BUTTONS = (Contact, ContactAbout, ContactReply)
Context = ContextTypes.DEFAULT_TYPE


def _cancel_markup(t: Translator) -> InlineKeyboardMarkup:
    cancel = InlineKeyboardButton(t._("✖️ Cancel"), callback_data=Contact("x").pack())
    return InlineKeyboardMarkup([[cancel]])


def _reply_markup(t: Translator, number: int) -> InlineKeyboardMarkup:
    reply = InlineKeyboardButton(t._("↩️ Reply"), callback_data=ContactReply(number).pack())
    return InlineKeyboardMarkup([[reply]])


def _name(user: User) -> str:
    return f"{user.full_name} (@{user.username})" if user.username else user.full_name


async def contact_command(update: Update, context: Context) -> None:
    """Answer `/contact`: ask for the message (in a private chat; a group gets the link)."""
    message = message_of(update)
    t = tr(update, context)
    if message.chat.type != message.chat.PRIVATE:
        link = embed(private_link(context, CONTACT_LINK), 200)
        here = t._('<a href="{link}">Open it here</a>.').format(link=link)
        private = t._("Write to the secretariat in our private chat.")
        await message.reply_text(f"{private} {here}")
        return
    await ask_message(message, context, user_of(update).id, t)


async def ask_message(
    message: MaybeInaccessibleMessage, context: Context, user_id: int, t: Translator, key: str = ""
) -> None:
    """Ask a member for their message (about practice `key` when given), within the limit."""
    svc = services(context)
    now = svc.clock()
    minutes = minutes_until_allowed(svc.contacts.sent_times(user_id), now)
    if minutes:
        await message.chat.send_message(ct.limit_text(t, minutes))
        return
    if not svc.settings.admin_ids:
        await message.chat.send_message(t.gettext(ct.NO_MODERATOR))
        return
    practice = svc.catalog.get(key) if key else None
    wait = Wait.opened(CONTACT, message.chat.id, now, practice.key if practice else "")
    svc.waits.open(user_id, wait)
    minutes = int(wait.expires_at - wait.started_at) // 60
    if practice is not None:
        title = embed(practice.title, 100)
        text = t.gettext(ct.PROMPT_ABOUT).format(title=title, minutes=minutes)
    else:
        text = t.gettext(ct.PROMPT).format(minutes=minutes)
    await message.chat.send_message(text, reply_markup=_cancel_markup(t))


async def on_button(update: Update, context: Context) -> None:
    """Answer Write to the secretariat, Suggest a correction, Cancel, and a moderator's Reply."""
    query = query_of(update)
    t = tr(update, context)
    button = parse_one_of(query.data, *BUTTONS)
    if not isinstance(query.message, Message):
        await query.answer()
        return
    svc = services(context)
    if isinstance(button, Contact) and button.what == "x":
        waiting = svc.waits.get(query.from_user.id)
        if waiting is None or waiting.kind not in (CONTACT, CONTACT_REPLY):
            # Already sent (or the wait ended): Cancel must not say that nothing was sent.
            await query.answer(t.gettext(ct.NOTHING_TO_CANCEL), show_alert=True)
            await query.message.edit_reply_markup(None)
            return
        await query.answer()
        svc.waits.close(query.from_user.id)
        await query.message.edit_text(t.gettext(ct.CANCELLED))
    elif isinstance(button, ContactReply):
        await _on_reply_button(update, context, button.message, t)
    else:
        await query.answer()
        key = button.key if isinstance(button, ContactAbout) else ""
        await ask_message(query.message, context, query.from_user.id, t, key)


async def on_member_message(update: Update, context: Context, wait: Wait) -> None:
    """Store the member's message, then copy it to every moderator with a Reply button."""
    message, user = message_of(update), user_of(update)
    svc = services(context)
    t = tr(update, context)
    text = clean_text(message.text or "")
    if len(text) > MAX_MESSAGE:
        # The wait stays open: the shortened message is still the answer.
        too_long = t.gettext(ct.TOO_LONG).format(
            count=t.format_number(len(text)), most=t.format_number(MAX_MESSAGE)
        )
        await message.reply_text(too_long, reply_markup=_cancel_markup(t))
        return
    svc.waits.close(user.id)
    now = svc.clock()
    minutes = minutes_until_allowed(svc.contacts.sent_times(user.id), now)
    if minutes:
        await message.reply_text(ct.limit_text(t, minutes))
        return
    stored = svc.contacts.add(ContactMessage(user.id, _name(user), text, now, wait.data))
    for admin_id in sorted(svc.settings.admin_ids):
        mod = tr_for(svc, admin_id)
        try:
            copy = await context.bot.send_message(
                admin_id,
                _copy_text(context, stored, mod),
                reply_markup=_reply_markup(mod, stored.id),
            )
        except TelegramError as error:
            log.info("moderator %s can't get contact message #%s: %s", admin_id, stored.id, error)
            continue
        stored.copies.append((admin_id, copy.message_id))
        svc.contacts.save(stored)
    if not stored.copies:
        await message.reply_text(t.gettext(ct.NO_MODERATOR))
        return
    await message.reply_text(t.gettext(ct.SENT).format(number=stored.id))


def _copy_text(context: Context, stored: ContactMessage, t: Translator) -> str:
    practice = services(context).catalog.get(stored.practice_key) if stored.practice_key else None
    return ct.copy_text(stored, t, practice.title if practice else None)


async def _on_reply_button(update: Update, context: Context, number: int, t: Translator) -> None:
    query = query_of(update)
    svc = services(context)
    if not svc.is_admin(query.from_user.id):
        await query.answer(t.gettext(MODERATORS_ONLY), show_alert=True)
        return
    stored = svc.contacts.get(number)
    if stored is None or not stored.user_id:
        await query.answer(t.gettext(ct.GONE), show_alert=True)
        return
    if stored.replied_by is not None:
        already = t.gettext(ct.ALREADY_ANSWERED).format(name=stored.replied_by_name)
        await query.answer(already[:200], show_alert=True)
        await _update_copies(context, stored)
        return
    await query.answer()
    chat = pressed_message(query).chat
    wait = Wait.opened(CONTACT_REPLY, chat.id, svc.clock(), str(stored.id))
    svc.waits.open(query.from_user.id, wait)
    prompt = t.gettext(ct.REPLY_PROMPT).format(name=embed(stored.user_name, 80), number=stored.id)
    await chat.send_message(prompt, reply_markup=_cancel_markup(t))


async def on_moderator_reply(update: Update, context: Context, wait: Wait) -> None:
    """Store a moderator's reply, send it to the member, and mark every moderator's copy."""
    message, moderator = message_of(update), user_of(update)
    svc = services(context)
    t = tr(update, context)
    svc.waits.close(moderator.id)
    stored = svc.contacts.get(int(wait.data)) if wait.data.isdigit() else None
    if stored is None or not stored.user_id or not svc.is_admin(moderator.id):
        await message.reply_text(t.gettext(ct.GONE))
        return
    if stored.replied_by is not None:
        await message.reply_text(
            t.gettext(ct.REPLY_LATE).format(name=embed(stored.replied_by_name, 80))
        )
        return
    stored.replied_by, stored.replied_by_name = moderator.id, moderator.full_name
    stored.reply = clean_text(message.text or "")[:MAX_MESSAGE]
    svc.contacts.save(stored)
    member = tr_for(svc, stored.user_id)
    name = embed(stored.user_name, 80)
    try:
        await context.bot.send_message(
            stored.user_id, ct.reply_text(stored.reply, moderator.full_name, member)
        )
        await message.reply_text(t.gettext(ct.REPLIED).format(name=name))
    except TelegramError as error:
        log.info("could not send the reply to contact message #%s: %s", stored.id, error)
        await message.reply_text(t.gettext(ct.NOT_DELIVERED).format(name=name))
    await _update_copies(context, stored)


def copies_of(context: Context, user_id: int) -> list[tuple[int, int, int]]:
    """Return (message number, chat id, message id) of every moderator's copy of a member's
    messages (read before /forget empties them)."""
    messages = services(context).contacts.of_user(user_id)
    return [(m.id, chat_id, message_id) for m in messages for chat_id, message_id in m.copies]


async def erase_copies(context: Context, copies: list[tuple[int, int, int]]) -> None:
    """Replace moderators' copies of a member's messages by a line saying they were deleted."""
    svc = services(context)
    for number, chat_id, message_id in copies:
        text = tr_for(svc, chat_id).gettext(ct.ERASED).format(number=number)
        try:
            await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except TelegramError as error:
            log.debug("copy %s/%s of #%s not erased: %s", chat_id, message_id, number, error)


async def _update_copies(context: Context, stored: ContactMessage) -> None:
    """Show every moderator's copy as answered (who, what), without its Reply button."""
    svc = services(context)
    for chat_id, message_id in stored.copies:
        text = _copy_text(context, stored, tr_for(svc, chat_id))
        try:
            await context.bot.edit_message_text(text, chat_id=chat_id, message_id=message_id)
        except TelegramError as error:  # deleted, or already showing this
            log.debug(
                "copy %s/%s of contact #%s not updated: %s", chat_id, message_id, stored.id, error
            )
