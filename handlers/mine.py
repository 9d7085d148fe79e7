"""What members see of contributions: /mysubmissions, and the full text of submitted cards."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.callbacks import FullText, Reopen
from bot.cards import MAX_MESSAGE
from bot.contribute import draft_line, full_text_parts, public_answers, submission_line
from bot.i18n import N_
from bot.text import telegram_length
from handlers.cards import practice_of_button
from handlers.deps import services, submissions
from handlers.language import tr
from handlers.updates import chat_of, message_of, query_of, user_of

NOTHING_YET = N_("You haven't sent a practice yet. /submit shares one with the programme.")
SHOWN = 20


async def on_full_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the published fields of a submitted practice in full, and its contact if allowed."""
    key = FullText.parse(query_of(update).data).key
    practice = await practice_of_button(update, context, key)
    if practice is None:
        return
    await query_of(update).answer()
    submission = submissions(context).by_practice(practice.id)
    answers = public_answers(practice, submission.answers if submission else None)
    for part in full_text_parts(answers, contact=True, t=tr(update, context)):
        await context.bot.send_message(chat_of(update).id, part)


async def my_submissions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the user's draft and submissions with their state; rejected ones can be reopened."""
    user_id = user_of(update).id
    t = tr(update, context)
    store = submissions(context)
    draft = store.draft(user_id)
    mine = store.of_user(user_id)
    if draft is None and not mine:
        await message_of(update).reply_text(t.gettext(NOTHING_YET))
        return
    lines = [t._("<b>Your submissions</b>, newest first:")]
    lines += [draft_line(draft, t)] if draft else []
    shown = 0
    for submission in mine[:SHOWN]:
        zone = services(context).settings.timezone
        line = submission_line(submission, context.bot.username, t, zone)
        if telegram_length("\n\n".join([*lines, line])) > MAX_MESSAGE - 100:
            break
        lines.append(line)
        shown += 1
    if shown < len(mine):
        lines.append(t._("…and {count} older.").format(count=t.format_number(len(mine) - shown)))
    reopen = [
        InlineKeyboardButton(
            t._("✏️ Reopen #{number}").format(number=s.id), callback_data=Reopen(s.id).pack()
        )
        for s in mine[:shown]
        if s.status == "rejected"
    ]
    rows = [reopen[i : i + 3] for i in range(0, len(reopen), 3)]
    keyboard = InlineKeyboardMarkup(rows) if rows else None
    await message_of(update).reply_text("\n\n".join(lines), reply_markup=keyboard)
