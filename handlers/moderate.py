"""Moderation: each moderator's copy of a submission, Approve, Read in full.

Rejecting is in `handlers/reject.py`, `/pending` in `handlers/pending.py`. Every press
re-checks that the user is in ADMIN_IDS and that the submission still waits for a decision; a
second decision changes nothing.
"""

import logging
from datetime import tzinfo
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes, ConversationHandler

from bot.answers import practice_from_answers
from bot.callbacks import CallbackDataError, Moderate
from bot.cards import embed
from bot.contribute import decided_text, full_text_parts, moderation_text, outcome_line
from bot.i18n import N_, Translator
from bot.models import Practice, Submission, new_practice_id
from bot.practice_updates import Changes, changes, merged_answers, updated_practice
from handlers.cards import send_card
from handlers.deps import MODERATORS_ONLY, services, submissions
from handlers.language import tr, tr_for
from handlers.updates import chat_of, query_of, user_of
from store.practices import utc_now

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
END = ConversationHandler.END
UNKNOWN = N_("That submission does not exist.")


def decision_keyboard(submission: Submission, t: Translator) -> InlineKeyboardMarkup:
    """Return Approve / Reject for a pending submission."""
    approve = InlineKeyboardButton(
        t._("✅ Approve"), callback_data=Moderate("a", submission.id).pack()
    )
    reject = InlineKeyboardButton(
        t._("❌ Reject"), callback_data=Moderate("r", submission.id).pack()
    )
    return InlineKeyboardMarkup([[approve, reject]])


def moderation_keyboard(submission: Submission, t: Translator) -> InlineKeyboardMarkup:
    """Return Approve / Reject while the submission is pending, and Read in full always."""
    rows = []
    if submission.status == "pending":
        rows += [list(row) for row in decision_keyboard(submission, t).inline_keyboard]
    read = InlineKeyboardButton(
        t._("📄 Read in full"), callback_data=Moderate("f", submission.id).pack()
    )
    rows.append([read])
    return InlineKeyboardMarkup(rows)


def card_practice(context: Context, submission: Submission) -> Practice:
    """Return the practice a submission describes, under its published or future id.

    A suggested update's is the practice it updates: until approved, with the member's
    answers applied (what approving publishes, `bot.practice_updates`); once approved, as
    published.
    """
    published = _updated(context, submission)
    if published is not None:
        approved = submission.status == "approved"
        return published if approved else updated_practice(published, submission.answers)
    title = submission.answers.get("title") or "practice"
    practice_id = (
        submission.practice_id
        or submission.update_of
        or new_practice_id(title, services(context).practices.ids())
    )
    return practice_from_answers(submission.answers, practice_id)


def _updated(context: Context, submission: Submission) -> Practice | None:
    """Return the stored practice a suggested update is of (None for other submissions)."""
    return services(context).practices.get(submission.update_of) if submission.update_of else None


def update_changes(context: Context, submission: Submission) -> Changes | None:
    """Return what a suggested update changes in its practice (None for other submissions).

    Once approved, what the approval changed (kept in its history event, since the practice
    now holds it); before, what approving would change in the practice as published now.
    """
    published = _updated(context, submission)
    if published is None or not submission.answers:
        return None
    if submission.status == "approved":
        events = [e for e in submission.history if e.get("event") == "approved"]
        return Changes.from_dict(events[-1].get("update") or {}) if events else None
    return changes(published, submission.answers)


def copy_answers(context: Context, submission: Submission) -> dict[str, Any]:
    """Return the answers a moderator reads in full: a suggested update's as approving
    publishes them (with the member's contact), another submission's as sent."""
    if _updated(context, submission) is None or not submission.answers:
        return submission.answers
    return merged_answers(card_practice(context, submission), submission.answers)


def _copy_context(
    context: Context, submission: Submission
) -> tuple[tzinfo, Practice | None, Changes | None]:
    """Return what a moderator's copy shows beside the submission: the time zone, the
    published practice it updates or whose title is close to its own, and what the update
    changes in it."""
    svc = services(context)
    related_id = submission.update_of or submission.similar_to
    related = svc.practices.get(related_id) if related_id else None
    return svc.settings.timezone, related, update_changes(context, submission)


async def send_copy(context: Context, chat_id: int, submission: Submission) -> list[int]:
    """Send a moderator their copy of a submission and remember it, to mark it later.

    A moderator has one copy to mark: this one replaces the ones sent to them before
    (/pending again), which are no longer marked; save the submission, then let
    `point_to_newer` say so on them.

    Returns:
        The message ids of this moderator's earlier copies (none when the send failed).
    """
    practice = card_practice(context, submission)
    t = tr_for(services(context), chat_id)  # each moderator in their own language
    text = moderation_text(
        submission, practice, context.bot.username, t, *_copy_context(context, submission)
    )
    try:
        sent = await context.bot.send_message(
            chat_id, text, reply_markup=moderation_keyboard(submission, t)
        )
    except TelegramError as error:
        # A moderator who never opened the bot can't be written to; /pending still lists it.
        log.warning("could not send submission #%s to %s: %s", submission.id, chat_id, error)
        return []
    older = [message_id for chat, message_id in submission.messages if chat == chat_id]
    kept = [copy for copy in submission.messages if copy[0] != chat_id]
    submission.messages = [*kept, [chat_id, sent.message_id]]
    return older


async def point_to_newer(
    context: Context, chat_id: int, submission: Submission, older: list[int]
) -> None:
    """Turn a moderator's earlier copies of a submission into a pointer to the newer one
    below, without buttons: only the copy that gets marked with the outcome has them."""
    t = tr_for(services(context), chat_id)
    text = t._("<b>Submission #{number}</b>: shown again below.").format(number=submission.id)
    for message_id in older:
        try:
            await context.bot.edit_message_text(text, chat_id, message_id)
        except TelegramError as error:  # deleted by the moderator, say: nothing to point from
            log.info("could not point copy %s/%s to the newer: %s", chat_id, message_id, error)


async def notify_moderators(context: Context, submission: Submission) -> None:
    """Send every moderator in ADMIN_IDS their copy with Approve and Reject."""
    admins = sorted(services(context).settings.admin_ids)
    if not admins:
        log.warning("submission #%s waits, but ADMIN_IDS names no moderator", submission.id)
    older = {admin_id: await send_copy(context, admin_id, submission) for admin_id in admins}
    submissions(context).save(submission)
    for admin_id, message_ids in older.items():
        await point_to_newer(context, admin_id, submission, message_ids)


async def mark_copies(context: Context, submission: Submission) -> None:
    """Show the outcome, and who decided, on every moderator's copy.

    A submission erased at its author's request (/forget) keeps nothing of what they wrote:
    its copies then say only that it was withdrawn.
    """
    practice = card_practice(context, submission) if submission.answers else None
    for chat_id, message_id in submission.messages:
        t = tr_for(services(context), chat_id)
        try:
            if practice is None:
                await context.bot.edit_message_text(
                    withdrawn_copy(submission, t), chat_id, message_id
                )
            else:
                text = moderation_text(
                    submission,
                    practice,
                    context.bot.username,
                    t,
                    *_copy_context(context, submission),
                )
                await context.bot.edit_message_text(
                    text, chat_id, message_id, reply_markup=moderation_keyboard(submission, t)
                )
        except TelegramError as error:
            log.info("could not mark copy %s/%s: %s", chat_id, message_id, error)


def withdrawn_copy(submission: Submission, t: Translator) -> str:
    """Return what a moderator's copy of an erased submission says (HTML)."""
    head = t._("<b>Submission #{number}</b>").format(number=submission.id)
    return f"{head}\n{outcome_line(submission, '', t)}"


async def checked_submission(update: Update, context: Context) -> Submission | None:
    """Return the pending submission a moderation button names, or answer why not."""
    query = query_of(update)
    t = tr(update, context)
    if not services(context).is_admin(user_of(update).id):
        await query.answer(t.gettext(MODERATORS_ONLY), show_alert=True)
        return None
    submission = submissions(context).get(Moderate.parse(query.data).submission)
    if submission is None:
        await query.answer(t.gettext(UNKNOWN), show_alert=True)
        return None
    if submission.status != "pending":
        await query.answer(
            decided_text(submission, t, services(context).settings.timezone), show_alert=True
        )
        await mark_copies(context, submission)
        return None
    return submission


def decide(submission: Submission, status: str, moderator: User, reason: str | None) -> None:
    """Record a decision on the submission and in its history."""
    now = utc_now()
    submission.status, submission.reason = status, reason
    submission.decided_at, submission.decided_by = now, moderator.id
    submission.decided_by_name = moderator.full_name
    event = {"event": status, "at": now, "by": moderator.id, "reason": reason}
    submission.history.append(event)


async def on_approve(update: Update, context: Context) -> None:
    """Publish a pending submission: searchable at once, alerts queued, its author told."""
    submission = await checked_submission(update, context)
    if submission is None:
        return
    practice = publish(context, submission, user_of(update))
    published = tr(update, context)._("Published #{number}.").format(number=submission.id)
    await query_of(update).answer(published)
    await mark_copies(context, submission)
    author = tr_for(services(context), submission.user_id)  # the submitter in theirs
    # One message: the published card under the news (their alert for it is not queued,
    # `bot.alerts.without_submitters`).
    title = title_of(submission)
    if submission.update_of and practice.id == submission.update_of:
        header = author._(
            "🎉 Your update of “{title}” (submission #{number}) is published: its card now "
            "shows your changes. Thank you!"
        )
        title = embed(practice.title, 100)  # the practice's title, which an update keeps
    else:
        header = author._(
            "🎉 Your practice “{title}” (submission #{number}) is published. "
            "Thank you! Members can find it now:"
        )
    header = header.format(title=title, number=submission.id)
    await _send_card_to_author(context, submission, practice, header)


def publish(context: Context, submission: Submission, moderator: User) -> Practice:
    """Publish the practice and record the approval, together in one write of the database.

    A suggested update (`submission.update_of`) of a practice still stored is applied to
    that practice under its id, through the Publisher (no alert: it is not new): the member's
    answers over the published practice (`bot.practice_updates.updated_practice`), so what
    they did not change (the programme's page, keywords, a skipped field) stays; it keeps its
    first publication date and submitter. What it changed is kept in the approval's history
    event ("update": `Changes.to_dict`), for the moderators' copies.
    """
    svc = services(context)
    with svc.database.transaction():
        updated = _updated(context, submission)
        if updated is not None:
            practice = updated_practice(updated, submission.answers)
            practice.published_at = updated.published_at or utc_now()
            practice.submitted_by = updated.submitted_by or submission.user_id
            applied = changes(updated, submission.answers)
        else:
            title = submission.answers.get("title") or "practice"
            practice_id = new_practice_id(title, svc.practices.ids())
            practice = practice_from_answers(submission.answers, practice_id)
            practice.published_at, practice.submitted_by = utc_now(), submission.user_id
        svc.publisher.publish([practice])
        decide(submission, "approved", moderator, None)
        if updated is not None:
            submission.history[-1]["update"] = applied.to_dict()
        submission.practice_id = practice.id
        submissions(context).save(submission)
    return practice


async def refused_press(update: Update, context: Context) -> bool:
    """Answer the button press of a user not in ADMIN_IDS with the refusal; True if so."""
    if services(context).is_admin(user_of(update).id):
        return False
    text = tr(update, context).gettext(MODERATORS_ONLY)
    await query_of(update).answer(text, show_alert=True)
    return True


async def on_read_in_full(update: Update, context: Context) -> None:
    """Send a moderator every field of a submission in full, in as many messages as it takes."""
    query = query_of(update)
    t = tr(update, context)
    if await refused_press(update, context):
        return
    submission = submissions(context).get(Moderate.parse(query.data).submission)
    if submission is None or not submission.answers:
        await query.answer(t.gettext(UNKNOWN), show_alert=True)
        return
    await query.answer()
    parts = full_text_parts(copy_answers(context, submission), contact=True, t=t)
    for n, part in enumerate(parts, start=1):
        # Approve and Reject under the last part too: the decision is the next step.
        last = n == len(parts) and submission.status == "pending"
        keyboard = decision_keyboard(submission, t) if last else None
        await context.bot.send_message(chat_of(update).id, part, reply_markup=keyboard)


async def on_unknown(update: Update, context: Context) -> None:
    """Refuse a moderation button that names no known action (forged or from an old version)."""
    if services(context).is_admin(user_of(update).id):
        raise CallbackDataError(f"no moderation button {query_of(update).data!r}")
    text = tr(update, context).gettext(MODERATORS_ONLY)
    await query_of(update).answer(text, show_alert=True)


def title_of(submission: Submission) -> str:
    """Return a submission's title, shortened, escaped and isolated for a sentence."""
    return embed(submission.answers.get("title") or "", 100)


async def tell_author(context: Context, submission: Submission, text: str, **kwargs: Any) -> bool:
    """Send the submission's author a message; False when they can't be reached."""
    try:
        await context.bot.send_message(submission.user_id, text, **kwargs)
    except TelegramError as error:
        log.info("could not tell the author of #%s: %s", submission.id, error)
        return False
    return True


async def _send_card_to_author(
    context: Context, submission: Submission, practice: Practice, header: str = ""
) -> None:
    try:
        await send_card(context, submission.user_id, practice, header=header)
    except TelegramError as error:
        log.info("could not send the card of #%s to its author: %s", submission.id, error)
