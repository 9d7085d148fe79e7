"""`/pending`: the moderation queue, a page of copies at a time, with a button to page on.

Each submission is a copy of its own (a message with Approve / Reject), so a page is sent as
messages, and the button under the last one sends the next page below it (`bot.pending`).
`/pending 3` opens page 3 directly. A copy shown again replaces the moderator's earlier copy
of the same submission (`moderate.send_copy`), so paging back and forth piles nothing up.
"""

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.callbacks import PendingNext
from bot.i18n import Translator
from bot.pending import PAGE_SIZE, QueuePage, page_after, page_count, page_number
from handlers.deps import MODERATORS_ONLY, services, submissions
from handlers.language import tr
from handlers.moderate import point_to_newer, refused_press, send_copy
from handlers.updates import message_of, pressed_message, query_of, user_of

Context = ContextTypes.DEFAULT_TYPE


async def pending(update: Update, context: Context) -> None:
    """List the submissions waiting for a decision, a page of copies with Approve and Reject."""
    message = message_of(update)
    t = tr(update, context)
    if not services(context).is_admin(user_of(update).id):
        await message.reply_text(t.gettext(MODERATORS_ONLY))
        return
    argument = "".join(context.args or [])
    if argument and not (argument.isdecimal() and int(argument) >= 1):
        usage = t._("Write /pending for the oldest waiting, or /pending 2 for page 2, and so on.")
        await message.reply_text(usage)
        return
    queue = submissions(context).pending()
    if not queue:
        await message.reply_text(t._("✅ No submission is waiting for a decision."))
        return
    page = page_number(queue, int(argument or 1))
    if not page.shown:
        pages = page_count(len(queue))
        past = t._("There is no page {page}: the last is /pending {pages}.")
        await message.reply_text(past.format(page=t.format_number(int(argument)), pages=pages))
        return
    count = len(queue)
    waiting = t.ngettext(
        "⏳ <b>{count} waiting</b>, oldest first: ✅ Approve or ❌ Reject it below.",
        "⏳ <b>{count} waiting</b>, oldest first: ✅ Approve or ❌ Reject each below.",
        count,
    )
    await message.reply_text(waiting.format(count=t.format_number(count)))
    await _send_page(context, message.chat.id, page, t)


async def on_next(update: Update, context: Context) -> None:
    """Send the next page of the queue below the button, which then goes."""
    query = query_of(update)
    t = tr(update, context)
    if await refused_press(update, context):
        return
    queue = submissions(context).pending()
    page = page_after(queue, PendingNext.parse(query.data).after)
    if not page.shown:
        none = t._("Nothing else is waiting: /pending shows the queue from its start.")
        await query.answer(none if queue else t._("✅ No submission is waiting for a decision."))
        return
    await query.answer()
    pressed = pressed_message(query)
    # The button has done its work: the page follows below it. A message that can't be edited
    # keeps it; pressed again, it sends the same page, whose copies replace these.
    with contextlib.suppress(TelegramError):
        await context.bot.edit_message_reply_markup(pressed.chat.id, pressed.message_id)
    await _send_page(context, pressed.chat.id, page, t)


async def _send_page(context: Context, chat_id: int, page: QueuePage, t: Translator) -> None:
    """Send the page's copies, then where it stands in the queue and a button to page on."""
    for submission in page.shown:
        older = await send_copy(context, chat_id, submission)
        submissions(context).save(submission)
        await point_to_newer(context, chat_id, submission, older)
    if page.total <= PAGE_SIZE:
        return  # one page holds the whole queue: the count above says it all
    shown = t._("Shown: {first}–{last} of {total}, oldest first.").format(
        first=t.format_number(page.first),
        last=t.format_number(page.last),
        total=t.format_number(page.total),
    )
    if not page.rest:
        await context.bot.send_message(chat_id, shown)
        return
    label = t.ngettext("Next {count} ▶", "Next {count} ▶", min(page.rest, PAGE_SIZE))
    after = PendingNext(page.shown[-1].id).pack()
    button = InlineKeyboardButton(
        label.format(count=t.format_number(min(page.rest, PAGE_SIZE))), callback_data=after
    )
    await context.bot.send_message(chat_id, shown, reply_markup=InlineKeyboardMarkup([[button]]))
