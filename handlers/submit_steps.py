"""The steps of the submission dialogue: typed answers, and the buttons of each step."""

from datetime import UTC, datetime
from html import escape

from telegram import Update

from bot.answers import check_answer, is_skip_word, toggle_topic, topic_tap
from bot.callbacks import named
from bot.cards import MAX_MESSAGE
from bot.dialogue import Event, Exit, Position, Step, move
from bot.i18n import N_
from bot.menus import welcome_markup
from bot.models import Draft
from bot.search_texts import WELCOME
from bot.template import FIELDS_BY_KEY
from bot.text import fold, telegram_length
from handlers.deps import NOT_TEXT, services, submissions
from handlers.drafts import (
    CONVERSATION,
    END,
    Context,
    advance,
    ask,
    button_step,
    conversation_key,
    message_step,
    strip_buttons,
)
from handlers.language import tr
from handlers.updates import chat_of, message_of, user_data_of

USE_TOPIC_BUTTONS = N_("Tick the topics with the buttons below, then press Done.")
USE_CONSENT_BUTTONS = N_("Press Yes or No below (or type yes or no).")
USE_PREVIEW_BUTTONS = N_("Use the buttons below: Edit a field, Send, or Cancel.")
# Screens that are answered with buttons only: what a message sent there is told.
USE_BUTTONS = {
    Step.TOPICS: USE_TOPIC_BUTTONS,
    Step.CONSENT: USE_CONSENT_BUTTONS,
    Step.PREVIEW: USE_PREVIEW_BUTTONS,
    Step.FIELDS: N_("Use the buttons below: pick the field to change."),
    Step.DUPLICATE: N_("Use the buttons below: is it the same practice or not?"),
    Step.UPDATE: N_("Use the buttons below: send it as an update, or keep it as a draft."),
}
CONTINUATION = N_(
    "That looks like the rest of the same long text: Telegram cuts long messages into "
    "parts. I've left it out as well; please send a shorter version in one message."
)
YES = frozenset({"yes", "y", "oui", "ja", "si", "sim", "da", "tak"})
NO = frozenset({"no", "n", "non", "nein", "nee", "nao", "nie", "ne"})
# Telegram apps cut a paste longer than 4096 characters into several messages. When such a part
# was refused as too long, the parts after it arrive within a second or two and must not be
# taken as answers of their own: the time of the refused part is kept here.
_LONG_REFUSED = "submit_long_refused_at"
_BURST_SECONDS = 2
_CUT_MIN = 3900


@message_step
async def on_answer(update: Update, context: Context, draft: Draft) -> object:
    """Check a typed answer; keep it and go to the next step, or say what is wrong.

    The draft's step, not the conversation state, says what the answer is for.
    """
    message = message_of(update)
    if _is_rest_of_refused_text(context, message.date):
        await message.reply_text(tr(update, context).gettext(CONTINUATION))
        return None  # the step's question above stays the current screen
    # Editing this message in Telegram later changes this answer (handlers/edits.py).
    draft.last_answer_id, draft.last_answer_step = message.message_id, draft.step
    draft.offer = None  # a new answer replaces what was offered for the last one
    if draft.step is Step.CONSENT:
        return await _typed_consent(update, context, draft, fold(message.text or ""))
    field = FIELDS_BY_KEY.get(draft.step)
    if field is None or field.kind == "topics":
        if is_skip_word(message.text or "") and draft.step is Step.TOPICS:
            return await _typed_skip(update, context, draft)
        return await ask(update, context, draft, USE_BUTTONS[draft.step])
    if is_skip_word(message.text or ""):  # "skip", "passer", "überspringen" … is never stored
        return await _typed_skip(update, context, draft)
    svc = services(context)
    t = tr(update, context)
    year = datetime.now(UTC).year
    answer = check_answer(field, message.text or "", svc.catalog.aliases, year, t)
    if answer.error:
        if _looks_cut_by_telegram(message.text or ""):
            user_data_of(context)[_LONG_REFUSED] = message.date.timestamp()
        draft.offer = answer.offer
        return await ask(update, context, draft, answer.error, answer.suggestions)
    if field.key == "title" and answer.value != draft.answers.get("title"):
        draft.not_duplicate = False  # "No, send mine" was said of the title before
    draft.answers[field.key] = answer.value
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)


async def _typed_skip(update: Update, context: Context, draft: Draft) -> object:
    """A typed skip word: Skip on an optional step; refused with the reason on a required one."""
    if move(Position(draft.step, draft.editing), Event.SKIP) is None:
        t = tr(update, context)
        name = escape(t.gettext(FIELDS_BY_KEY[draft.step].name))
        error = t._("{name} is required, so it can't be skipped: please write it.")
        return await ask(update, context, draft, error.format(name=name))
    skipped = draft.step
    advance(draft, Event.SKIP)
    draft.answers.pop(skipped, None)
    return await ask(update, context, draft)


def _looks_cut_by_telegram(text: str) -> bool:
    """Return True for a message as long as the parts apps cut a longer paste into."""
    return _CUT_MIN <= telegram_length(text) <= MAX_MESSAGE


def _is_rest_of_refused_text(context: Context, sent: datetime) -> bool:
    refused_at = user_data_of(context).get(_LONG_REFUSED)
    if refused_at is None or sent.timestamp() - refused_at > _BURST_SECONDS:
        user_data_of(context).pop(_LONG_REFUSED, None)
        return False
    user_data_of(context)[_LONG_REFUSED] = sent.timestamp()
    return True


async def _typed_consent(update: Update, context: Context, draft: Draft, word: str) -> object:
    if word in YES or word in NO:
        return await _consent(update, context, draft, word in YES)
    return await ask(update, context, draft, USE_CONSENT_BUTTONS)


@message_step
async def on_not_text(update: Update, context: Context, draft: Draft) -> object:
    """Answer a photo, sticker or file sent instead of text, and ask again."""
    return await ask(update, context, draft, USE_BUTTONS.get(draft.step, NOT_TEXT))


@button_step
async def on_back(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Go back one step (to the preview when editing; from the first, to the main menu)."""
    if advance(draft, Event.BACK) is Exit.MENU:
        return await _back_to_menu(update, context, draft)
    return await ask(update, context, draft)


async def _back_to_menu(update: Update, context: Context, draft: Draft) -> object:
    """Leave the dialogue for the welcome menu; a draft with answers is kept for /submit."""
    await strip_buttons(context, chat_of(update).id, draft.prompt_message_id)
    t = tr(update, context)
    kept, key = "", conversation_key(update)
    if draft.answers:
        draft.active = False
        submissions(context).save_dialogue(draft, CONVERSATION, key, None)
        kept = "\n\n<i>" + t._("Your draft is kept: /submit to continue it.") + "</i>"
    else:
        submissions(context).end_dialogue(draft.user_id, CONVERSATION, key)
    await context.bot.send_message(
        chat_of(update).id,
        t.gettext(WELCOME) + kept,
        reply_markup=welcome_markup(t),
    )
    return END


@button_step
async def on_skip(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Leave an optional field empty and go on."""
    skipped = draft.step
    if advance(draft, Event.SKIP) is None:
        return await ask(update, context, draft, N_("This step can't be skipped."))
    draft.answers.pop(skipped, None)
    return await ask(update, context, draft)


@button_step
async def on_accept(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Take the corrected answer offered (shortened text, links with https://) and go on."""
    if draft.offer is None or draft.step not in FIELDS_BY_KEY:
        return await ask(update, context, draft, N_("There is nothing to take any more."))
    draft.answers[draft.step] = draft.offer
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)


@button_step
async def on_keep(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Keep the current answer and go on."""
    if not draft.answers.get(draft.step):
        return await ask(update, context, draft, N_("There is no answer to keep yet."))
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)


@button_step
async def on_topic(update: Update, context: Context, draft: Draft, arg: str) -> object:
    """Tick or untick a topic."""
    tap = topic_tap(arg)
    if draft.step is not Step.TOPICS or tap is None:
        return await ask(update, context, draft)
    index, tick = tap
    chosen, error = toggle_topic(
        draft.answers.get("topics") or [], index, tr(update, context), tick
    )
    draft.answers["topics"] = chosen
    return await ask(update, context, draft, error, same_screen=True)


@button_step
async def on_topics_done(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Finish picking topics: at least one."""
    if not draft.answers.get("topics"):
        return await ask(update, context, draft, N_("Pick at least one topic."))
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)


@button_step
async def on_country(update: Update, context: Context, draft: Draft, arg: str) -> object:
    """Take a suggested country (named in the button, or by its token when long)."""
    aliases = services(context).catalog.aliases
    name = named(arg, set(aliases.countries.values())) or ""
    country = aliases.country(name)
    if draft.step is not Step.COUNTRY or not name or country != name:
        return await ask(update, context, draft, N_("That country is not in the list."))
    draft.answers["country"] = country
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)


@button_step
async def on_publish_contact(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Agree that the contact is published with the practice."""
    return await _consent(update, context, draft, True)


@button_step
async def on_private_contact(update: Update, context: Context, draft: Draft, _: str) -> object:
    """Keep the contact for the moderators only."""
    return await _consent(update, context, draft, False)


async def _consent(update: Update, context: Context, draft: Draft, public: bool) -> object:
    contact = draft.answers.get("contact")
    if draft.step is not Step.CONSENT or not contact:
        return await ask(update, context, draft)
    draft.answers["contact"] = {**contact, "public": public}
    advance(draft, Event.ANSWER)
    return await ask(update, context, draft)
