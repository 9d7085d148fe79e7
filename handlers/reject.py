"""Rejecting a submission: the moderator types a reason, sees it back, and sends it.

Reject opens a wait of `REASON_MINUTES`: the moderator's next typed message is
the reason. It is shown back with Send, Edit, Cancel and
"It was a search" (searches it, and the reason is still awaited); only Send rejects
the submission and tells its author. The wait is stored with its start time, so it closes
after its stated time also when the bot restarted meanwhile (PTB's conversation timeout does
not survive a restart); a message after that is what it would be without the wait (a
search). A command, or a text that starts with "/", is never a reason; a command other
than /cancel also sets the rejection aside (`end_on_command`), as it ends every other wait.
"""

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot.answers import clean_text
from bot.callbacks import Reason, Reopen
from bot.cards import embed
from bot.contribute import decided_text, reason_preview_text
from bot.i18n import N_, Translator
from bot.models import ReasonRequest, Submission
from handlers import fallback, results, search
from handlers.deps import services, submissions
from handlers.drafts import strip_buttons
from handlers.language import tr, tr_for
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
from handlers.updates import (
    chat_of,
    message_of,
    pressed_full_message,
    pressed_message,
    query_of,
    user_of,
)

REASON = "reason"
REASON_LIMIT = 1000
REASON_MINUTES = 30
REASON_TIMEOUT = REASON_MINUTES * 60  # seconds
NO_REASON_WAITING = N_("No rejection is waiting for a reason.")
CANCEL = N_("✖️ Cancel")
NOT_A_REASON = N_(
    "A command is not taken as a reason. Type the reason as plain text, or press Cancel."
)


def _cancel(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext(CANCEL), callback_data=Reason("x").pack())


def _confirm_keyboard(t: Translator) -> InlineKeyboardMarkup:
    send = InlineKeyboardButton(t._("✅ Send to the submitter"), callback_data=Reason("rs").pack())
    edit = InlineKeyboardButton(t._("✏️ Edit"), callback_data=Reason("re").pack())
    # A moderator checking for a duplicate may type a search while the reason is awaited.
    search_it = InlineKeyboardButton(
        t._("🔎 It was a search: search it"), callback_data=Reason("rq").pack()
    )
    return InlineKeyboardMarkup([[send], [edit, _cancel(t)], [search_it]])


async def on_reject(update: Update, context: Context) -> object:
    """Ask the moderator for the reason of a rejection; their next message is the reason."""
    submission = await checked_submission(update, context)
    if submission is None:
        return END
    await query_of(update).answer()
    submissions(context).ask_reason(user_of(update).id, submission.id, _now(context))
    t = tr(update, context)
    await context.bot.send_message(
        chat_of(update).id,
        t._(
            "✍️ Why is #{number} “{title}” not accepted? Type the reason in one message. You "
            "will see it before it is sent; the submitter can then fix the submission and send "
            "it again. (I wait {minutes} minutes.)"
        ).format(number=submission.id, title=title_of(submission), minutes=REASON_MINUTES),
        reply_markup=InlineKeyboardMarkup([[_cancel(t)]]),
    )
    return REASON


async def on_reason(update: Update, context: Context) -> object:
    """Show the typed reason back with Send / Edit / Cancel; nothing is rejected yet."""
    moderator, message = user_of(update), message_of(update)
    request = await _open_request(update, context)
    if request is None:
        return END
    text = message.text or ""
    if text.lstrip().startswith("/"):
        await message.reply_text(tr(update, context).gettext(NOT_A_REASON))
        return REASON
    submission = await _still_pending(update, context, request)
    if submission is None:
        return END
    reason = clean_text(text)
    t = tr(update, context)
    if len(reason) > REASON_LIMIT:
        await message.reply_text(
            t._(
                "That is {count} characters; please keep the reason under {most} and send it "
                "again."
            ).format(count=t.format_number(len(reason)), most=t.format_number(REASON_LIMIT))
        )
        return REASON
    submissions(context).ask_reason(moderator.id, submission.id, _now(context), reason)
    shown = embed(reason, REASON_LIMIT)
    await message.reply_text(
        reason_preview_text(submission.id, title_of(submission), shown, t),
        reply_markup=_confirm_keyboard(t),
    )
    return REASON


async def on_reason_send(update: Update, context: Context) -> object:
    """Reject the submission with the reason shown, and tell its author."""
    query, store, moderator = query_of(update), submissions(context), user_of(update)
    request = await _open_request(update, context)
    if request is None or request.reason is None:
        return END
    await query.answer()
    await strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    submission = await _still_pending(update, context, request)
    if submission is None:
        return END
    with services(context).database.transaction():
        decide(submission, "rejected", moderator, request.reason)
        store.save(submission)
        store.clear_reason_request(moderator.id)
    done = tr(update, context)._(
        "❌ Rejected #{number}; the submitter is told why. /pending lists the others."
    )
    await context.bot.send_message(chat_of(update).id, done.format(number=submission.id))
    await mark_copies(context, submission)
    await _tell_rejected(context, submission)
    return END


async def on_reason_edit(update: Update, context: Context) -> object:
    """Ask for the reason again; the next typed message replaces the one shown."""
    query = query_of(update)
    request = await _open_request(update, context)
    if request is None:
        return END
    await query.answer()
    await strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    store = submissions(context)
    store.ask_reason(user_of(update).id, request.submission_id, _now(context))
    t = tr(update, context)
    text = t._("✍️ Type the new reason for #{number}.").format(number=request.submission_id)
    if request.reason:
        # Shown as code: one tap copies it, to send again with a few words changed.
        previous = t._("The reason so far (tap to copy):")
        text = f"{text}\n\n{previous}\n<code>{html.escape(request.reason)}</code>"
    await context.bot.send_message(
        chat_of(update).id, text, reply_markup=InlineKeyboardMarkup([[_cancel(t)]])
    )
    return REASON


async def on_reason_search(update: Update, context: Context) -> object:
    """Search for the text shown back instead of sending it; the reason is still awaited."""
    query = query_of(update)
    request = await _open_request(update, context)
    if request is None or request.reason is None:
        return END if request is None else REASON
    await query.answer()
    await strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    submissions(context).ask_reason(user_of(update).id, request.submission_id, _now(context))
    t = tr(update, context)
    await results.reply_with_results(pressed_full_message(query), context, request.reason, t=t)
    await context.bot.send_message(
        chat_of(update).id,
        t._(
            "✍️ The rejection of #{number} still waits for its reason: type it when you are "
            "ready, or press Cancel."
        ).format(number=request.submission_id),
        reply_markup=InlineKeyboardMarkup([[_cancel(t)]]),
    )
    return REASON


async def on_reason_not_text(update: Update, context: Context) -> object:
    """Ask for the reason as text."""
    if await _open_request(update, context) is None:
        return END
    text = tr(update, context)._("Please type the reason, or press Cancel.")
    await message_of(update).reply_text(text)
    return REASON


async def on_reason_cancel(update: Update, context: Context) -> object:
    """Give up rejecting: the submission stays pending."""
    store, query = submissions(context), update.callback_query
    request = store.reason_request(user_of(update).id)
    store.clear_reason_request(user_of(update).id)
    t = tr(update, context)
    if query:
        answer = None if request else t.gettext(NO_REASON_WAITING)
        await query.answer(answer, show_alert=not request)
        await strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    if request:
        await context.bot.send_message(
            chat_of(update).id,
            t._("OK, #{number} is not rejected: it is still waiting.").format(
                number=request.submission_id
            ),
        )
    return END


async def on_reason_timeout(update: Update, context: Context) -> None:
    """Forget a reason that never came (while the bot ran; `_open_request` after a restart)."""
    submissions(context).clear_reason_request(user_of(update).id)
    text = _closed_text(None, tr(update, context))
    await context.bot.send_message(chat_of(update).id, text)


async def end_on_command(update: Update, context: Context) -> None:
    """End a moderator's wait for a reason when they send another command than /cancel.

    The command is then answered as usual, and the next typed message is what it would be
    without the wait (a search), never a reason; the moderator is told how to resume.
    """
    message, moderator = message_of(update), user_of(update)
    command = (message.text or "").split(maxsplit=1)[0].split("@")[0].lower()
    store = submissions(context)
    request = store.reason_request(moderator.id)
    if command == "/cancel" or request is None or request.expired(_now(context), REASON_TIMEOUT):
        return
    store.clear_reason_request(moderator.id)
    text = tr(update, context)._(
        "The rejection of #{number} is set aside: press ❌ Reject on it again to give the reason."
    )
    await message.reply_text(text.format(number=request.submission_id))


def _now(context: Context) -> float:
    return services(context).clock()


async def _open_request(update: Update, context: Context) -> ReasonRequest | None:
    """Return the moderator's open rejection, or close an expired one and answer for it.

    When the wait is over (or its record is gone), a typed message is handled as it would be
    without the wait: a search in a private chat.
    """
    moderator_id, store = user_of(update).id, submissions(context)
    request = store.reason_request(moderator_id)
    if request is not None and not request.expired(_now(context), REASON_TIMEOUT):
        return request
    store.clear_reason_request(moderator_id)
    chat_id, query = chat_of(update).id, update.callback_query
    t = tr(update, context)
    if query is not None:
        answer = _closed_text(request, t) if request else t.gettext(NO_REASON_WAITING)
        await query.answer(answer, True)
        await strip_buttons(context, chat_id, pressed_message(query).message_id)
        return None
    if request is not None:
        await context.bot.send_message(chat_id, _closed_text(request, t))
    if chat_of(update).type == ChatType.PRIVATE:
        if message_of(update).text:
            await search.search_message(update, context)
        else:
            await fallback.not_text(update, context)
    return None


def _closed_text(request: ReasonRequest | None, t: Translator) -> str:
    if request:
        text = t._(
            "⌛ The rejection of #{number} waited {minutes} minutes for a reason, so it was "
            "dropped: nothing was rejected. Press Reject again to retry."
        )
    else:
        text = t._(
            "⌛ The rejection waited {minutes} minutes for a reason, so it was dropped: nothing "
            "was rejected. Press Reject again to retry."
        )
    number = request.submission_id if request else 0
    return text.format(number=number, minutes=REASON_MINUTES)


async def _still_pending(
    update: Update, context: Context, request: ReasonRequest
) -> Submission | None:
    """Return the submission to reject, or close the request and say why it can't be."""
    moderator_id, store = user_of(update).id, submissions(context)
    submission = store.get(request.submission_id)
    why = None
    t = tr(update, context)
    if submission is None or not services(context).is_admin(moderator_id):
        why = t.gettext(MODERATORS_ONLY if submission else UNKNOWN)
    elif submission.status != "pending":
        why = (
            decided_text(submission, t, services(context).settings.timezone)
            + " "
            + t._("Your reason was not sent.")
        )
    if why is None:
        return submission
    store.clear_reason_request(moderator_id)
    await context.bot.send_message(chat_of(update).id, why)
    return None


async def _tell_rejected(context: Context, submission: Submission) -> None:
    """Tell the submitter, in their own language, why their submission was not accepted."""
    t = tr_for(services(context), submission.user_id)
    reason = embed(submission.reason or "", REASON_LIMIT)
    reopen = InlineKeyboardButton(
        t._("✏️ Reopen, fix and send again"), callback_data=Reopen(submission.id).pack()
    )
    text = t._(
        "Your submission #{number} “{title}” was not accepted.\n"
        "<b>Reason:</b> <i>{reason}</i>\n\n"
        "You can reopen it as a draft, change what is needed and send it again."
    ).format(number=submission.id, title=title_of(submission), reason=reason)
    await tell_author(context, submission, text, reply_markup=InlineKeyboardMarkup([[reopen]]))
