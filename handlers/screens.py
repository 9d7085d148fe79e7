"""The screens of the submission dialogue: each step's text and its buttons."""

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ContextTypes

from bot.answers import countries_of, find_same_title, practice_from_answers
from bot.callbacks import Step as StepButton
from bot.callbacks import StepAction, Submit
from bot.cards import MAX_MESSAGE, card_keyboard, card_text, embed
from bot.contribute import consent_text, preview_text, prompt_text
from bot.dialogue import Event, Exit, Position, Step, move
from bot.i18n import N_, Translator
from bot.models import Draft, Practice, new_practice_id
from bot.template import FIELDS, FIELDS_BY_KEY, TOPICS, Field, topic_name
from bot.text import telegram_length
from handlers.deps import services, submissions
from handlers.language import tr_for

Context = ContextTypes.DEFAULT_TYPE
Screen = tuple[str, InlineKeyboardMarkup]


def button(
    label: str, draft: Draft, action: StepAction, arg: str | int = ""
) -> InlineKeyboardButton:
    """Return a dialogue button for the draft's current screen."""
    return InlineKeyboardButton(
        label, callback_data=StepButton(action, draft.rev, str(arg)).pack()
    )


def _continue(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t._("▶️ Continue"), callback_data=Submit("go").pack())


def paused_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Return the buttons under "your submission is paused"."""
    delete = InlineKeyboardButton(t._("🗑 Delete the draft"), callback_data=Submit("del").pack())
    return InlineKeyboardMarkup([[_continue(t), delete]])


def choice_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Return the buttons offered to /submit when a draft exists."""
    start_over = InlineKeyboardButton(t._("🔄 Start over"), callback_data=Submit("over").pack())
    return InlineKeyboardMarkup([[_continue(t), start_over]])


def screen(
    context: Context, draft: Draft, error: str | None = None, choices: Sequence[str] = ()
) -> Screen:
    """Return the text and buttons of the draft's current screen.

    Args:
        context: the callback context, for the catalogue and the bot's name.
        draft: the draft; its step names the screen, its rev goes into every button.
        error: what was wrong with the last input (HTML), shown at the top.
        choices: countries to offer as buttons on the country step.
    """
    t = tr_for(services(context), draft.user_id)
    # Fixed errors are English source text (N_); formatted ones come already translated.
    error = t.gettext(error) if error else error
    if draft.step is Step.CONSENT:
        return consent_text(draft.answers, error, t), _consent_keyboard(draft, t)
    if draft.step is Step.PREVIEW:
        return _preview(context, draft, error, t)
    if draft.step is Step.FIELDS:
        return _with_error(_fields(draft, t), error)
    if draft.step is Step.DUPLICATE:
        # `drafts.ask` moves a draft whose similar practice is gone to its preview first.
        found = duplicate_of(context, draft)
        if found is not None:
            return _with_error(_duplicate(context, draft, found, t), error)
        return _preview(context, draft, error, t)
    field = FIELDS_BY_KEY[draft.step]
    text = prompt_text(field, draft.answers, error, t)
    return text, _field_keyboard(context, draft, field, choices, t)


def _with_error(shown: Screen, error: str | None) -> Screen:
    text, keyboard = shown
    return (f"⚠️ {error}\n\n{text}" if error else text), keyboard


def _nav_row(draft: Draft, field: Field | None, t: Translator) -> list[InlineKeyboardButton]:
    # The buttons offered are the moves the dialogue takes here (`bot.dialogue.move`).
    at = Position(draft.step, draft.editing)
    back = move(at, Event.BACK)
    first = back is Exit.MENU
    row = []
    if back == Position(Step.PREVIEW):
        row.append(button(t.gettext(BACK_TO_PREVIEW), draft, "b"))
    else:  # on the first step, Back leads to the main menu
        row.append(button(t._("◀️ Back to menu") if first else t.gettext(BACK), draft, "b"))
    if move(at, Event.SKIP) is not None:
        row.append(button(t._("Skip ⏭"), draft, "s"))
    has_answer = field is not None and draft.answers.get(field.key)
    if has_answer and not draft.editing and field.kind != "topics":
        row.append(button(t._("Keep ↪️"), draft, "k"))
    return row


BACK = N_("◀️ Back")
BACK_TO_PREVIEW = N_("◀️ Back to preview")
CANCEL = N_("✖️ Cancel")


def _field_keyboard(
    context: Context, draft: Draft, field: Field, choices: Sequence[str], t: Translator
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if field.kind == "topics":
        chosen = draft.answers.get("topics") or []
        for index, topic in enumerate(TOPICS):
            name = topic_name(t, topic)
            label = f"✅ {name}" if topic in chosen else name
            rows.append([button(label, draft, "t", index)])
        done = t._("✔️ Done ({count} of at most {most})").format(
            count=len(chosen), most=field.limit
        )
        rows.append([button(done, draft, "d")])
    if field.kind == "country":
        places = services(context).catalog.aliases
        offered = list(choices) or countries_of(draft.answers.get("cities") or [], places)
        buttons = [button(name, draft, "c", name) for name in offered]
        rows += [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(_nav_row(draft, field, t))
    rows.append([button(t.gettext(CANCEL), draft, "x")])
    return InlineKeyboardMarkup([row for row in rows if row])


def _consent_keyboard(draft: Draft, t: Translator) -> InlineKeyboardMarkup:
    yes = button(t._("✅ Yes, publish it"), draft, "y")
    no = button(t._("🔒 No, moderators only"), draft, "n")
    back, cancel = button(t.gettext(BACK), draft, "b"), button(t.gettext(CANCEL), draft, "x")
    return InlineKeyboardMarkup([[yes, no], [back, cancel]])


def draft_practice(context: Context, draft: Draft) -> Practice:
    """Return the practice the draft describes, with the id it would be published under."""
    taken = services(context).practices.ids()
    title = draft.answers.get("title") or "practice"
    return practice_from_answers(draft.answers, new_practice_id(title, taken))


def _preview(context: Context, draft: Draft, error: str | None, t: Translator) -> Screen:
    notes = [f"⚠️ {error}"] if error else []
    if draft.reopened_from:
        earlier = submissions(context).get(draft.reopened_from)
        reason = embed(earlier.reason or "", 300, 600) if earlier else ""
        notes.append(
            t._("↩️ Submission #{number} was not accepted: <i>{reason}</i>").format(
                number=draft.reopened_from, reason=reason
            )
        )
    practice = draft_practice(context, draft)
    text = preview_text(practice, draft.answers, context.bot.username, "\n".join(notes), t)
    card = card_keyboard(practice, t=t)
    rows = [list(row) for row in card.inline_keyboard] if card else []
    rows += [
        [button(t._("📄 Full text"), draft, "full")],
        [button(t._("✏️ Edit a field"), draft, "e"), button(t._("📨 Send"), draft, "send")],
        [button(t.gettext(CANCEL), draft, "x")],
    ]
    return text, InlineKeyboardMarkup(rows)


def _fields(draft: Draft, t: Translator) -> Screen:
    buttons = [button(f"{f.number}. {t.gettext(f.name)}", draft, "f", f.key) for f in FIELDS]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([button(t.gettext(BACK_TO_PREVIEW), draft, "v")])
    return t._("✏️ <b>Which field do you want to change?</b>"), InlineKeyboardMarkup(rows)


def duplicate_of(context: Context, draft: Draft) -> Practice | None:
    """Return a published practice whose title names the same practice as the draft's."""
    title = draft.answers.get("title") or ""
    return find_same_title(title, services(context).catalog.latest())


def _duplicate(context: Context, draft: Draft, found: Practice, t: Translator) -> Screen:
    head = t._("🤔 <b>Is it already in the catalogue?</b> This practice has a very similar title:")
    card = card_text(found, context.bot.username, note=head, t=t)
    question = "\n\n" + t._("Is yours the same practice?")
    text = card + question if telegram_length(card + question) <= MAX_MESSAGE else card
    rows = [
        [
            button(t._("Yes, the same one"), draft, "same"),
            button(t._("No, send mine"), draft, "diff"),
        ],
        [button(t.gettext(BACK_TO_PREVIEW), draft, "v")],
    ]
    return text, InlineKeyboardMarkup(rows)
