"""The submission dialogue's shared parts: moving the draft, button data, and the current screen.

The draft (`store.submissions`) is the truth about where a dialogue stands: `draft.step` names
the screen (its moves are `bot.dialogue.move`), `draft.rev` the version of it. The conversation
state only says that a dialogue is open, so that typed messages are taken as its answers;
`ask()` writes it with the draft in one write before the screen is shown, so after a crash the
member goes on exactly where the last screen they saw says.

Dialogue buttons (`bot.callbacks.StepButton`) carry the draft's rev; a button whose
rev is not the draft's belongs to an older screen and is refused, whatever it says.
"""

import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes, ConversationHandler

from bot.callbacks import StepButton
from bot.contribute import step_label
from bot.dialogue import Event, Outcome, Position, Step, move
from bot.i18n import ENGLISH, N_, Translator
from bot.models import Draft
from bot.submit_screens import paused_keyboard
from handlers import fallback, search
from handlers.deps import services, submissions
from handlers.editing import edit_or_ignore
from handlers.language import tr, tr_for
from handlers.screens import duplicate_of, screen
from handlers.updates import chat_of, message_of, query_of, user_of
from store.submissions import DRAFT_RETENTION

log = logging.getLogger(__name__)

# The one state of the dialogue's ConversationHandler: a dialogue is open, and a typed message
# answers its draft's step. The value is what earlier versions stored for the question steps.
OPEN = "asking"
# The states earlier versions also stored, which named the screen; they still route alike.
STORED_BEFORE = ("preview", "duplicate")
END = ConversationHandler.END
CONVERSATION = "submit"  # the ConversationHandler's name, under which its states are stored
IDLE_TIMEOUT = 2 * 60 * 60  # seconds without an answer before the dialogue pauses

CLOSED = N_(
    "This submission is not open any more: it is paused. Send /submit to continue your draft."
)
NO_DRAFT = N_("There is no draft open any more. Send /submit to start a new submission.")
ALREADY_SENT = N_(
    "Your submission #{number} is already sent to the moderators: /mysubmissions shows where "
    "it stands. Send /submit to start a new one."
)
IDLE_PAUSE = N_("⏸ I've paused your submission: there was no answer for 2 hours.")
OUTDATED = N_("That button belongs to an earlier screen. Here is where you are now.")

Context = ContextTypes.DEFAULT_TYPE
# An attribute of the per-update CallbackContext (PTB makes one for all handler groups of an
# update; it has a `__dict__` for such additions): set when the update showed a screen.
_SHOWN = "dialogue_screen_shown"
ButtonStep = Callable[[Update, Context, Draft, str], Awaitable[object]]
MessageStep = Callable[[Update, Context, Draft], Awaitable[object]]


def advance(draft: Draft, event: Event, field: Step | None = None) -> Outcome:
    """Move the draft where `event` on its screen leads (`bot.dialogue.move`).

    Returns:
        Where it led: the draft's new position; an Exit, or None (event not accepted here),
        which leave the draft where it was.
    """
    to = move(Position(draft.step, draft.editing), event, field)
    if isinstance(to, Position):
        draft.step, draft.editing = to
        draft.offer = None  # an offer belongs to the screen it was made on
    return to


async def ask(
    update: Update,
    context: Context,
    draft: Draft,
    error: str | None = None,
    choices: Sequence[str] = (),
    same_screen: bool = False,
    intro: str | None = None,
) -> str:
    """Save the draft, then show its current screen; return the conversation state.

    The screen is rendered first (`handlers.screens.screen`), the draft saved with the state,
    then the screen is sent (`show`): nothing is shown before it is saved.

    Args:
        update: the update being answered.
        context: its context.
        draft: the draft, already moved to the screen to show.
        error: what was wrong with the last input (HTML), shown first.
        choices: countries to offer on the country step.
        same_screen: the screen only changes in place (a topic ticked), so its buttons stay
            valid: several quick taps on it all count.
        intro: a message sent before the screen (once the draft is saved).
    """
    if not same_screen:
        draft.rev += 1
    draft.active = True
    if draft.step in (Step.DUPLICATE, Step.UPDATE) and duplicate_of(context, draft) is None:
        advance(draft, Event.TO_PREVIEW)  # the similar practice is gone meanwhile
    text, keyboard = screen(context, draft, error, choices)
    # Saved before shown: the screen and the state that routes its answer, in one write.
    submissions(context).save_dialogue(draft, CONVERSATION, conversation_key(update), OPEN)
    if intro:
        t = tr_for(services(context), draft.user_id)
        await context.bot.send_message(chat_of(update).id, t.gettext(intro))
    await show(update, context, draft, text, keyboard)
    return OPEN


async def show(
    update: Update, context: Context, draft: Draft, text: str, keyboard: InlineKeyboardMarkup
) -> None:
    """Show a saved draft's screen, so that only one screen has live buttons.

    A button pressed on the current screen edits it in place; anything else sends the screen
    anew and takes the buttons off the previous one.
    """
    query = update.callback_query
    setattr(context, _SHOWN, True)  # one context per update: `screen_shown` reads it
    if query and query.message and query.message.message_id == draft.prompt_message_id:
        await edit_or_ignore(query.message, text, keyboard)
        return
    await strip_buttons(context, chat_of(update).id, draft.prompt_message_id)
    sent = await context.bot.send_message(chat_of(update).id, text, reply_markup=keyboard)
    draft.prompt_message_id = sent.message_id
    submissions(context).note_prompt(draft.user_id, sent.message_id)


def screen_shown(context: Context) -> bool:
    """Return whether this update showed the dialogue's screen (then it is the last message,
    and a reminder of where the dialogue stands would only repeat it)."""
    return bool(getattr(context, _SHOWN, False))


def conversation_key(update: Update) -> tuple[int, int]:
    """Return the dialogue's ConversationHandler key for this update: (chat id, user id)."""
    return (chat_of(update).id, user_of(update).id)


async def strip_buttons(context: Context, chat_id: int, message_id: int | None) -> None:
    """Take the buttons off an earlier message; a message too old or gone is left as it is."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except (BadRequest, Forbidden) as error:
        log.debug("could not take the buttons off message %s: %s", message_id, error)


def button_step(func: ButtonStep) -> Callable[[Update, Context], Coroutine[Any, Any, object]]:
    """Wrap a dialogue button's handler: check the draft is open and the button current."""

    @functools.wraps(func)
    async def handler(update: Update, context: Context) -> object:
        query = query_of(update)
        button = StepButton.parse(query.data)
        draft = submissions(context).draft(user_of(update).id)
        pressed = query.message.message_id if query.message else None
        if draft is None or not draft.active:
            text = closed_text(context, draft, user_of(update).id, tr(update, context))
            await query.answer(text, True)
            await strip_buttons(context, chat_of(update).id, pressed)
            return END
        if button.rev != draft.rev:
            await query.answer(tr(update, context).gettext(OUTDATED), show_alert=True)
            await strip_buttons(context, chat_of(update).id, pressed)
            return await ask(update, context, draft)
        await query.answer()
        return await func(update, context, draft, button.arg)

    return handler


def closed_text(
    context: Context, draft: Draft | None, user_id: int, t: Translator = ENGLISH
) -> str:
    """Return what a button of a closed dialogue is answered: what is true of it now.

    A paused draft waits for /submit; with no draft, the member's latest submission was most
    likely sent from that very screen (a second press of Send), so it is named.
    """
    if draft is not None:
        return t.gettext(CLOSED)
    sent = submissions(context).of_user(user_id)
    if not sent:
        return t.gettext(NO_DRAFT)
    latest = max(sent, key=lambda submission: (submission.sent_at or "", submission.id))
    return t.gettext(ALREADY_SENT).format(number=latest.id)


def message_step(func: MessageStep) -> Callable[[Update, Context], Coroutine[Any, Any, object]]:
    """Wrap a typed answer's handler: check the draft is open and has not been idle too long.

    A conversation restored after a restart has no timeout running, so idleness is checked
    here as well.
    """

    @functools.wraps(func)
    async def handler(update: Update, context: Context) -> object:
        draft = submissions(context).draft(user_of(update).id)
        if draft is not None and draft.active:
            if idle_seconds(draft, services(context).clock()) <= IDLE_TIMEOUT:
                return await func(update, context, draft)
            # Idle too long (the timeout did not run: a restart came between): the dialogue
            # pauses, and the message is not taken as an answer.
            await pause(update, context, draft)
        # No open dialogue (the state outlived its draft, deleted by /forget or paused): the
        # message is what it would be outside the dialogue.
        if message_of(update).text:
            await search.search_message(update, context)
        else:
            await fallback.not_text(update, context)
        return END

    return handler


def idle_seconds(draft: Draft, now: float) -> float:
    """Return how long the draft has not changed, in seconds up to `now` (epoch seconds)."""
    if not draft.updated_at:
        return 0.0
    return now - datetime.fromisoformat(draft.updated_at).timestamp()


async def pause(update: Update, context: Context, draft: Draft, why: str = "") -> object:
    """Close the dialogue but keep the draft, and say how to go on with it."""
    draft.active = False
    store = submissions(context)
    store.save_dialogue(draft, CONVERSATION, conversation_key(update), None)
    chat_id = chat_of(update).id
    await strip_buttons(context, chat_id, draft.prompt_message_id)
    t = tr_for(services(context), draft.user_id)
    reason = t.gettext(why or IDLE_PAUSE)
    kept = t._(
        "Your answers are kept for {days} days. Send /submit or press Continue to go on "
        "from {where}."
    ).format(days=DRAFT_RETENTION.days, where=step_label(draft.step, t))
    await context.bot.send_message(chat_id, f"{reason}\n{kept}", reply_markup=paused_keyboard(t))
    return END
