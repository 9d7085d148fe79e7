"""The submission dialogue (`/submit`): starting, continuing, pausing and reopening it.

The steps are in `submit_steps`, the preview and sending in `submit_preview`; the handlers are
put together in `handlers/contribute.py`; the moves between steps are `bot.dialogue.move`,
drawn in `bot/dialogue.mmd`.
"""

import logging
import time
from html import escape

from telegram import Update

from bot.callbacks import Reopen, StepButton
from bot.cards import embed
from bot.contribute import step_label
from bot.dialogue import Event
from bot.i18n import N_
from bot.models import Draft
from bot.submit_screens import choice_keyboard, start_over_keyboard
from handlers import drafts
from handlers.deps import submissions
from handlers.drafts import END, Context, advance, ask, pause
from handlers.editing import edit_or_ignore
from handlers.gate import SUBMIT, private_link
from handlers.language import tr
from handlers.updates import chat_of, job_queue_of, message_of, pressed_message, query_of, user_of
from store.submissions import DRAFT_RETENTION

DRAFT_DAYS = DRAFT_RETENTION.days

log = logging.getLogger(__name__)
NOTHING_TO_CANCEL = N_("There is nothing to cancel.")
# {days}: DRAFT_DAYS, filled in where the intro is shown.
_INTRO = N_(
    "✍️ <b>Share a good practice</b>\n"
    "I'll ask for the 12 fields of the programme's template, one at a time. Optional steps can "
    "be skipped; ◀️ Back returns to the step before, and ✖️ Cancel stops with your answers "
    "kept. Nothing is sent until you press <b>Send</b> on the preview at the end. "
    "A draft left untouched for {days} days is deleted."
)
INTRO = _INTRO.format(days=DRAFT_DAYS)  # as English speakers read it


def new_draft(user_id: int) -> Draft:
    """Return an empty draft whose buttons can't be taken for those of an earlier draft."""
    return Draft(user_id=user_id, rev=int(time.time() * 1000))


async def start(update: Update, context: Context) -> object:
    """Start a submission, or offer to continue the draft there is."""
    if update.callback_query:
        await update.callback_query.answer()
    draft = submissions(context).draft(user_of(update).id)
    if draft is None or not draft.answers:
        return await _begin(update, context)
    if draft.active:  # /submit typed in the middle of the dialogue: pause it while choosing
        draft.active = False
        submissions(context).save_draft(draft)
        await drafts.strip_buttons(context, chat_of(update).id, draft.prompt_message_id)
    t = tr(update, context)
    title = embed(draft.answers.get("title") or t._("untitled"), 80)
    text = t._(
        "📝 You have a draft, “{title}”, at {where}. Continue it, or start over with an empty one?"
    ).format(title=title, where=step_label(draft.step, t))
    await context.bot.send_message(chat_of(update).id, text, reply_markup=choice_keyboard(t))
    return END


async def _begin(update: Update, context: Context) -> object:
    old = submissions(context).draft(user_of(update).id)
    if old is not None:
        await drafts.strip_buttons(context, chat_of(update).id, old.prompt_message_id)
    # The new draft replaces the old one in the same write that starts the dialogue.
    intro = tr(update, context).gettext(_INTRO).format(days=DRAFT_DAYS)
    return await ask(update, context, new_draft(user_of(update).id), intro=intro)


async def on_continue(update: Update, context: Context) -> object:
    """Go on with the draft where it stopped."""
    query = query_of(update)
    await query.answer()
    draft = submissions(context).draft(user_of(update).id)
    await drafts.strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    if draft is None:
        text = tr(update, context)._("There is no draft any more.")
        await context.bot.send_message(chat_of(update).id, text)
        return await _begin(update, context)
    return await ask(update, context, draft)


async def on_start_over(update: Update, context: Context) -> object:
    """Ask before deleting the draft: its answers can't be brought back."""
    query = query_of(update)
    await query.answer()
    draft = submissions(context).draft(user_of(update).id)
    if draft is None or not draft.answers:
        await drafts.strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
        return await _begin(update, context)
    t = tr(update, context)
    title = embed(draft.answers.get("title") or t._("untitled"), 80)
    count = len(draft.answers)
    text = t.ngettext(
        "🔄 Delete your draft “{title}” ({count} answer) and start with an empty one? "
        "Its answers can't be brought back.",
        "🔄 Delete your draft “{title}” ({count} answers) and start with an empty one? "
        "Its answers can't be brought back.",
        count,
    ).format(title=title, count=t.format_number(count))
    await edit_or_ignore(pressed_message(query), text, start_over_keyboard(t))
    return END


async def on_start_over_confirmed(update: Update, context: Context) -> object:
    """Delete the draft and start with an empty one (after "Yes, start over")."""
    query = query_of(update)
    await query.answer()
    await drafts.strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)
    return await _begin(update, context)


async def on_delete(update: Update, context: Context) -> object:
    """Delete a paused draft."""
    query = query_of(update)
    await query.answer()
    submissions(context).delete_draft(user_of(update).id)
    await edit_or_ignore(
        pressed_message(query), tr(update, context)._("🗑 Your draft is deleted."), None
    )
    return END


async def on_cancel(update: Update, context: Context) -> object:
    """Stop the dialogue and keep the draft (Cancel button or /cancel)."""
    if update.callback_query:
        await update.callback_query.answer()
    draft = submissions(context).draft(user_of(update).id)
    if draft is None:
        text = tr(update, context).gettext(NOTHING_TO_CANCEL)
        await context.bot.send_message(chat_of(update).id, text)
        return END
    return await pause(update, context, draft, N_("✖️ Stopped."))


async def nothing_to_cancel(update: Update, context: Context) -> None:
    """Answer /cancel outside any dialogue."""
    t = tr(update, context)
    draft = submissions(context).draft(user_of(update).id)
    text = t.gettext(NOTHING_TO_CANCEL)
    if draft:
        text += " " + t._("Your draft is kept: /submit to continue it.")
    await message_of(update).reply_text(text)


async def on_reopen(update: Update, context: Context) -> object:
    """Reopen a rejected submission as a draft, at its preview, to fix and send again."""
    query, store, user_id = query_of(update), submissions(context), user_of(update).id
    submission = store.get(Reopen.parse(query.data).submission)
    if submission is None or submission.user_id != user_id or submission.status != "rejected":
        await query.answer(tr(update, context)._("This submission can't be reopened."), True)
        return END
    draft = store.draft(user_id)
    if draft and draft.answers and draft.reopened_from != submission.id:
        text = tr(update, context)._("Send or delete your current draft first (/submit).")
        await query.answer(text, show_alert=True)
        return END
    await query.answer()
    if draft and draft.reopened_from == submission.id:  # reopened before: keep its changes
        return await ask(update, context, draft)
    reopened = new_draft(user_id)
    reopened.answers, reopened.reopened_from = dict(submission.answers), submission.id
    # "No, send mine" or "Yes, the same one" was answered for this title before the
    # rejection: not asked again (a suggested update is sent again as an update of the same
    # practice, `send_submission`).
    reopened.not_duplicate = submission.similar_to is not None or bool(submission.update_of)
    advance(reopened, Event.REOPEN)
    return await ask(update, context, reopened)


async def on_timeout(update: Update, context: Context) -> None:
    """Pause a dialogue idle for 2 hours, keeping the draft."""
    draft = submissions(context).draft(user_of(update).id)
    if draft is not None and draft.active:
        await pause(update, context, draft)
    # The conversation ends after this returns: write that soon rather than at the next
    # update (a job runs after this one), so a restart does not bring the dialogue back.
    job_queue_of(context).run_once(_save_conversations_job, 0)


async def _save_conversations_job(context: Context) -> None:
    await context.application.update_persistence()


async def on_closed_button(update: Update, context: Context) -> None:
    """Answer a dialogue button pressed when no dialogue is open."""
    query = query_of(update)
    StepButton.parse(query.data)  # forged data gets the stale answer, not a draft's news
    draft = submissions(context).draft(user_of(update).id)
    text = drafts.closed_text(context, draft, user_of(update).id, tr(update, context))
    await query.answer(text, True)
    await drafts.strip_buttons(context, chat_of(update).id, pressed_message(query).message_id)


async def in_group(update: Update, context: Context) -> None:
    """Point to the private chat: contributions and moderation are not done in groups.

    /submit links to the private chat with the dialogue started there. A bare /cancel may be
    meant for another bot of the group: only `/cancel@<bot>` is answered.
    """
    message = message_of(update)
    command, _, addressed = (message.text or "").split(maxsplit=1)[0].partition("@")
    if command == "/cancel" and not addressed:
        return
    is_submit = command == "/submit"
    link = escape(private_link(context, SUBMIT if is_submit else None))
    text = tr(update, context)._('Please do this in <a href="{link}">a private chat with me</a>.')
    await message.reply_text(text.format(link=link))


async def remind(update: Update, context: Context) -> None:
    """After another command in the middle of the dialogue, say where the dialogue stands.

    Not when this update showed the dialogue's screen itself (`/start submit`): that screen
    is then the last message, and the reminder would point up to what is just above it.
    """
    if drafts.screen_shown(context):
        return
    draft = submissions(context).draft(user_of(update).id)
    if draft is not None and draft.active:
        t = tr(update, context)
        text = t._("✍️ Your submission is still open at {where}: carry on above, or /cancel.")
        await message_of(update).reply_text(text.format(where=step_label(draft.step, t)))
