"""`/forget`: delete everything the bot keeps about a user, after a confirmation.

What goes and what stays is said before and after (`bot.follow_texts.FORGET_ASK`): every
subscription, pending alert, draft, unpublished submission (its number stays, empty, as
"withdrawn"), message to the secretariat, wait and setting goes; published practices stay in
the catalogue without the submitter's name, contact or link (`forget_steps`).
"""

import logging
from collections.abc import Callable
from html import escape

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot import follow_texts as ft
from bot.callbacks import Forget
from bot.i18n import N_
from handlers import contact
from handlers.deps import Services, services
from handlers.gate import FORGET, private_link
from handlers.language import tr
from handlers.moderate import mark_copies
from handlers.updates import message_of, query_of

log = logging.getLogger(__name__)
PARTLY = N_("Some of your data could not be deleted just now. Please try /forget again later.")


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for a confirmation before deleting the user's data."""
    message = message_of(update)
    t = tr(update, context)
    if message.chat.type != "private":
        link = escape(private_link(context, FORGET))
        here = t._('<a href="{link}">Open it here</a>.').format(link=link)
        await message.reply_text(f"{t.gettext(ft.FORGET_IN_PRIVATE)} {here}")
        return
    await message.reply_text(t.gettext(ft.FORGET_ASK), reply_markup=ft.forget_markup(t))


async def on_forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the user's data when confirmed (`forget_steps`)."""
    query = query_of(update)
    confirmed = Forget.parse(query.data).answer == "yes"
    await query.answer()
    if not isinstance(query.message, Message):
        return
    t = tr(update, context)
    if not confirmed:
        await query.message.edit_text(t.gettext(ft.FORGET_KEPT))
        return
    copies = contact.copies_of(context, query.from_user.id)
    store = services(context).submissions
    waiting = [s.id for s in store.of_user(query.from_user.id) if s.status == "pending"]
    done = forget_user(context, query.from_user.id)
    # The moderators' copies of the member's messages say they were deleted, without the text,
    # and their copies of a submission still waiting say it was withdrawn, without its fields.
    await contact.erase_copies(context, copies)
    for number in waiting:
        submission = store.get(number)
        if submission is not None and submission.status == "withdrawn":
            await mark_copies(context, submission)
    # Deleted: the language choice is gone too, so this last answer is in Telegram's language.
    t = tr(update, context)
    await query.message.edit_text(t.gettext(ft.FORGET_DONE if done else PARTLY))


def forget_steps(svc: Services) -> tuple[tuple[str, Callable[[int], object]], ...]:
    """Return what /forget deletes of a user, in order: (what, the deletion by user id).

    A user's private chat has their user id, so the chat's alerts are the user's. Their
    conversation states and PTB's user and chat data are dropped after these (`forget_user`).
    """
    return (
        ("subscriptions", svc.subscriptions.forget_user),
        ("alerts queued for sending", svc.deliverer.queue.remove_chat),
        ("alerts in the outbox", svc.outbox.delete_chat),
        ("drafts and submissions", svc.submissions.forget_user),
        ("submitter link on published practices", lambda uid: _unlink_practices(svc, uid)),
        ("messages to the secretariat", svc.contacts.forget_user),
        ("question waiting for an answer", svc.waits.forget_user),
        ("language and member entry", svc.members.forget),
    )


def _unlink_practices(svc: Services, user_id: int) -> None:
    """Remove the member's link from the practices they submitted; they stay published."""
    if svc.practices.unlink_submitter(user_id):
        svc.catalog.reload()


def forget_user(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> bool:
    """Run every step of `forget_steps` for a user; return False when one of them failed.

    One failing step does not keep the others from deleting their data.
    """
    done = True
    for what, delete in forget_steps(services(context)):
        try:
            delete(user_id)
        except Exception:
            log.exception("/forget could not delete a user's %s", what)
            done = False
    context.application.drop_user_data(user_id)
    context.application.drop_chat_data(user_id)
    return done
