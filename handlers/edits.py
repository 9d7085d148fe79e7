"""Messages edited in Telegram: they change a dialogue's last answer, and never start a search.

Telegram sends an edit as an update of its own (`edited_message`). In the submission dialogue,
editing the message that gave the last answer changes that answer, and the bot says so; an edit
of any other message is answered with how answers are changed (Back, or Edit a field from the
preview). Outside the dialogue an edit is left unanswered: the reply to the first version is
there already, and answering again would only repeat it or contradict it. No later handler sees
an edit, so an edit is never taken for a search, a command or a new answer.
"""

from datetime import UTC, datetime
from html import escape

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop

from bot.answers import check_answer
from bot.cards import embed
from bot.contribute import value_text
from bot.i18n import N_
from bot.models import Draft
from bot.template import FIELDS_BY_KEY
from handlers import submit_steps
from handlers.deps import services, submissions
from handlers.drafts import Context, ask
from handlers.language import tr
from handlers.updates import message_of

HOW_TO_CHANGE = N_(
    "✏️ Editing an earlier message doesn't change your draft. To change an answer, press "
    "◀️ Back, or ✏️ Edit a field on the preview."
)
_TYPED_KINDS = frozenset({"line", "text", "cities", "country", "period", "links", "contact"})


async def on_edited_message(update: Update, context: Context) -> None:
    """Apply an edit of the dialogue's last answer; leave every other edit without effect."""
    message = update.edited_message
    if message is not None and message.chat.type == message.chat.PRIVATE:
        await _in_private(update, context, message)
    raise ApplicationHandlerStop


async def _in_private(update: Update, context: Context, message: Message) -> None:
    user = update.effective_user
    draft = submissions(context).draft(user.id) if user else None
    if draft is None or not draft.active:
        return  # outside the dialogue: the first version was answered already
    field = FIELDS_BY_KEY.get(draft.last_answer_step or "")
    is_last = message.message_id == draft.last_answer_id and bool(message.text)
    if not is_last or field is None or field.kind not in _TYPED_KINDS:
        await message.reply_text(tr(update, context).gettext(HOW_TO_CHANGE))
        return
    if field.key == draft.step:  # that answer was refused, or its step is asked again
        await submit_steps.on_answer(update, context)
        return
    await _change_answer(update, context, draft, message.text or "")


async def _change_answer(update: Update, context: Context, draft: Draft, text: str) -> None:
    """Check the edited text against its step; keep it and say so, or say why not."""
    field = FIELDS_BY_KEY[draft.last_answer_step or ""]
    aliases = services(context).catalog.aliases
    t = tr(update, context)
    answer = check_answer(field, text, aliases, datetime.now(UTC).year, t)
    name = escape(t.gettext(field.name))
    if answer.error:
        unchanged = t._(
            "Your answer to {name} is unchanged: edit the message again, or press ◀️ Back to "
            "answer it anew."
        ).format(name=name)
        await ask(update, context, draft, f"{answer.error}\n{unchanged}")
        return
    draft.answers[field.key] = answer.value
    submissions(context).save_draft(draft)
    shown = embed(value_text(field.key, answer.value, t), 200)
    updated = t._("✏️ Updated {name}: {value}").format(name=name, value=shown)
    await message_of(update).reply_text(updated)
    await ask(update, context, draft)  # the current step again, below the confirmation
