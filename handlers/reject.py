"""Rejecting a submission: the moderator's next message is the reason, sent to its author."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.answers import clean_text
from bot.cards import embed
from bot.contribute import decided_text
from bot.models import Submission
from handlers.deps import services, submissions
from handlers.drafts import strip_buttons
from handlers.moderate import (
    END,
    MODERATORS_ONLY,
    UNKNOWN,
    Context,
    checked_submission,
    decide,
    mark_copies,
    tell_author,
    title_of,
)

REASON = "reason"
REASON_LIMIT = 1000
REASON_TIMEOUT = 30 * 60
NO_REASON_WAITING = "No rejection is waiting for a reason."


async def on_reject(update: Update, context: Context) -> object:
    """Ask the moderator for the reason of a rejection; their next message is the reason."""
    submission = await checked_submission(update, context)
    if submission is None:
        return END
    query = update.callback_query
    await query.answer()
    submissions(context).ask_reason(update.effective_user.id, submission.id)
    cancel = InlineKeyboardButton("✖️ Cancel", callback_data="mod|x")
    await context.bot.send_message(
        update.effective_chat.id,
        f"✍️ Why is #{submission.id} “{title_of(submission)}” not accepted? Write the reason in "
        "one message: it is sent to the submitter as you write it, and they can fix the "
        "submission and send it again.",
        reply_markup=InlineKeyboardMarkup([[cancel]]),
    )
    return REASON


async def on_reason(update: Update, context: Context) -> object:
    """Reject the submission with the reason typed, and tell its author."""
    moderator, store = update.effective_user, submissions(context)
    number = store.reason_request(moderator.id)
    submission = store.get(number) if number else None
    message = update.effective_message
    if submission is None or not services(context).is_admin(moderator.id):
        store.clear_reason_request(moderator.id)
        await message.reply_text(MODERATORS_ONLY if submission else UNKNOWN)
        return END
    if submission.status != "pending":
        store.clear_reason_request(moderator.id)
        await message.reply_text(decided_text(submission) + " Your reason was not sent.")
        return END
    reason = clean_text(message.text or "")
    if len(reason) > REASON_LIMIT:
        await message.reply_text(
            f"That is {len(reason):,} characters; please keep the reason under "
            f"{REASON_LIMIT:,} and send it again."
        )
        return REASON
    with services(context).database.transaction():
        decide(submission, "rejected", moderator, reason)
        store.save(submission)
        store.clear_reason_request(moderator.id)
    await message.reply_text(f"❌ Rejected #{submission.id}; the submitter is told why.")
    await mark_copies(context, submission)
    await _tell_rejected(context, submission)
    return END


async def on_reason_not_text(update: Update, context: Context) -> object:
    """Ask for the reason as text."""
    await update.effective_message.reply_text("Please type the reason, or press Cancel.")
    return REASON


async def on_reason_cancel(update: Update, context: Context) -> object:
    """Give up rejecting: the submission stays pending."""
    store, query = submissions(context), update.callback_query
    waiting = store.reason_request(update.effective_user.id)
    store.clear_reason_request(update.effective_user.id)
    if query:
        await query.answer(None if waiting else NO_REASON_WAITING, show_alert=not waiting)
        await strip_buttons(context, update.effective_chat.id, query.message.message_id)
    if waiting:
        await context.bot.send_message(
            update.effective_chat.id, f"OK, #{waiting} is not rejected: it is still waiting."
        )
    return END


async def on_reason_timeout(update: Update, context: Context) -> None:
    """Forget a reason that never came."""
    submissions(context).clear_reason_request(update.effective_user.id)
    await context.bot.send_message(
        update.effective_chat.id,
        "No reason came for 30 minutes, so nothing was rejected. Press Reject again to retry.",
    )


async def _tell_rejected(context: Context, submission: Submission) -> None:
    reason = embed(submission.reason or "", REASON_LIMIT)
    reopen = InlineKeyboardButton(
        "✏️ Reopen, fix and send again", callback_data=f"sb|reopen|{submission.id}"
    )
    await tell_author(
        context,
        submission,
        f"Your submission #{submission.id} “{title_of(submission)}” was not accepted.\n"
        f"<b>Reason:</b> <i>{reason}</i>\n\n"
        "You can reopen it as a draft, change what is needed and send it again.",
        reply_markup=InlineKeyboardMarkup([[reopen]]),
    )
