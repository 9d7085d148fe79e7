"""The end of the submission dialogue: the preview, editing a field, and sending."""

from html import escape
from typing import Any

from telegram import Update

from bot.answers import missing_fields
from bot.cards import embed
from bot.contribute import changed_fields, full_text_parts
from bot.dialogue import Event, Step
from bot.i18n import N_
from bot.models import Draft, Submission
from bot.submit_screens import full_text_screen
from bot.template import FIELD_KEYS
from handlers.deps import services, submissions
from handlers.drafts import (
    CONVERSATION,
    END,
    OPEN,
    Context,
    advance,
    ask,
    button_step,
    conversation_key,
    pause,
    show,
    strip_buttons,
)
from handlers.language import tr
from handlers.moderate import notify_moderators
from handlers.screens import duplicate_of
from handlers.updates import chat_of, user_of
from store.practices import utc_now

KEPT = N_("💾 Kept as a draft; nothing is sent.")


@button_step
async def on_edit_menu(update: Update, context: Context, draft: Draft, _: str) -> object:
    """List the fields, to pick the one to change."""
    advance(draft, Event.EDIT)
    return await ask(update, context, draft)


@button_step
async def on_edit_field(update: Update, context: Context, draft: Draft, key: str) -> object:
    """Ask one field again; the preview comes back after it."""
    if key not in FIELD_KEYS:
        return await ask(update, context, draft, N_("That field is not in the template."))
    advance(draft, Event.PICK, Step(key))
    return await ask(update, context, draft)


@button_step
async def on_preview(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Show the preview again."""
    advance(draft, Event.TO_PREVIEW)
    return await ask(update, context, draft)


@button_step
async def on_read_in_full(update: Update, context: Context, draft: Draft, arg: str) -> object:
    """Show the full text as it will be published in the preview's own message, one part at
    a time.

    The part replaces the preview in place, under ◀️ Back to preview and 📨 Send (and the
    parts' arrows), so Send never goes out of sight; nothing is stored (the draft still
    stands at its preview), so the buttons stay valid.
    """
    if draft.step is not Step.PREVIEW:
        return await ask(update, context, draft)
    t = tr(update, context)
    parts = full_text_parts(draft.answers, contact=False, t=t, public=True)
    number = min(max(int(arg) if arg.isdigit() else 1, 1), len(parts))
    text, keyboard = full_text_screen(draft, parts, number, t)
    await show(update, context, draft, text, keyboard)
    return OPEN


@button_step
async def on_send(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Send the draft to the moderators, after checking it is complete and not a duplicate."""
    missing = missing_fields(draft.answers)
    if missing:
        advance(draft, Event.MISSING, Step(missing[0].key))
        t = tr(update, context)
        error = t._("{name} is still missing.").format(name=escape(t.gettext(missing[0].name)))
        return await ask(update, context, draft, error)
    if not draft.not_duplicate and duplicate_of(context, draft) is not None:
        advance(draft, Event.SIMILAR)
        return await ask(update, context, draft)
    return await send_submission(update, context, draft)


@button_step
async def on_same_practice(update: Update, context: Context, draft: Draft, _: str) -> object:
    """It is the published practice: offer to send the draft as a suggested update of it."""
    advance(draft, Event.SAME)
    return await ask(update, context, draft)


@button_step
async def on_send_update(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Send the draft to the moderators as a suggested update of the look-alike practice."""
    found = duplicate_of(context, draft)
    if draft.step is not Step.UPDATE or found is None:
        return await ask(update, context, draft)  # ask() shows the preview when it is gone
    return await send_submission(update, context, draft, update_of=found.id)


@button_step
async def on_keep_draft(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Keep the draft, unsent, for /submit."""
    return await pause(update, context, draft, KEPT)


@button_step
async def on_different_practice(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Send the practice: its author says it is not the similar one."""
    draft.not_duplicate = True
    return await send_submission(update, context, draft)


async def send_submission(
    update: Update, context: Context, draft: Draft, update_of: str | None = None
) -> object:
    """Store the draft as a pending submission, tell its author, and notify the moderators.

    Args:
        update_of: the published practice the draft is sent as a suggested update of.
    """
    svc, store, user = services(context), submissions(context), user_of(update)
    name = f"{user.full_name} (@{user.username})" if user.username else user.full_name
    resent = _resent(context, draft)
    if update_of is None and resent is not None and resent.update_of:
        # A rejected suggested update, reopened and sent again, is still an update of its
        # practice while that practice is published.
        update_of = resent.update_of if svc.practices.get(resent.update_of) else None
    similar = None if update_of else duplicate_of(context, draft)
    with svc.database.transaction():
        submission = resent or Submission(user_id=user.id, answers={})
        changed = changed_fields(submission.answers, draft.answers) if submission.id else {}
        submission.answers, submission.user_name = draft.answers, name
        submission.status, submission.sent_at = "pending", utc_now()
        submission.update_of = update_of
        # The member answered "No, send mine" about it (now, or before a rejection).
        submission.similar_to = similar.id if similar and draft.not_duplicate else None
        event = "resent" if submission.id else "sent"
        record: dict[str, Any] = {"event": event, "at": submission.sent_at, "by": user.id}
        if changed:
            record["changed"] = changed
        submission.history.append(record)
        if submission.id:
            store.save(submission)
        else:
            store.add(submission)
        store.end_dialogue(user.id, CONVERSATION, conversation_key(update))
    await strip_buttons(context, chat_of(update).id, draft.prompt_message_id)
    title = embed(draft.answers.get("title") or "", 100)
    t = tr(update, context)
    if update_of:
        thanks = t._(
            "📨 <b>Thank you!</b> Your update of “{title}” is sent to the programme's "
            "moderators as submission <b>#{number}</b>. I'll tell you here when they have "
            "decided; /mysubmissions shows where it stands."
        )
    else:
        thanks = t._(
            "📨 <b>Thank you!</b> “{title}” is sent to the programme's moderators as "
            "submission <b>#{number}</b>. I'll tell you here when they have decided; "
            "/mysubmissions shows where it stands."
        )
    await context.bot.send_message(
        chat_of(update).id, thanks.format(title=title, number=submission.id)
    )
    await notify_moderators(context, submission)
    return END


def _resent(context: Context, draft: Draft) -> Submission | None:
    """Return the rejected submission this draft fixes, reset for a new decision."""
    if not draft.reopened_from:
        return None
    submission = submissions(context).get(draft.reopened_from)
    if submission is None or submission.user_id != draft.user_id:
        return None
    if submission.status != "rejected":
        return None
    submission.decided_at = submission.decided_by = submission.decided_by_name = None
    submission.reason, submission.messages = None, []
    return submission
