"""The screens of the submission dialogue: each step's text and its buttons. Pure.

What a screen shows beyond the draft (the reader's language, the bot's name, the practice a
preview shows, a look-alike practice, the countries to offer) is fetched by the handler
(`handlers.screens`) and given here as `ScreenData`.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import place_names
from bot.callbacks import StepAction, StepButton, Submit
from bot.cards import MAX_MESSAGE, card_keyboard, card_text, embed
from bot.contribute import consent_text, preview_text, prompt_text, update_lines
from bot.dialogue import Event, Exit, Position, Step, move
from bot.i18n import N_, Translator
from bot.models import Draft, Practice
from bot.practice_updates import changes
from bot.template import FIELDS, FIELDS_BY_KEY, TOPICS, Field, topic_name
from bot.text import collation_key, telegram_length

Screen = tuple[str, InlineKeyboardMarkup]


@dataclass(frozen=True, slots=True)
class ScreenData:
    """What the draft's current screen shows beyond the draft itself.

    Attributes:
        t: the translator of the draft's author.
        username: the bot's username, for deep links on cards.
        practice: the practice the draft describes, with the id it would be published under
            (the preview; None on other screens).
        reopened_reason: why the submission the draft reopens was not accepted (preview).
        duplicate: a published practice whose title names the same practice (duplicate step).
        countries: the countries offered as buttons on the country step.
        elsewhere: (city, its countries) for cities that lie in another country than the
            draft's (preview; `bot.answers.cities_elsewhere`).
    """

    t: Translator
    username: str
    practice: Practice | None = None
    reopened_reason: str | None = None
    duplicate: Practice | None = None
    countries: Sequence[str] = ()
    elsewhere: Sequence[tuple[str, Sequence[str]]] = ()


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


def start_over_keyboard(t: Translator) -> InlineKeyboardMarkup:
    """Return the buttons that confirm deleting a draft to start over, or keep it."""
    wipe = InlineKeyboardButton(
        t._("🗑 Yes, delete it and start over"), callback_data=Submit("wipe").pack()
    )
    keep = InlineKeyboardButton(t._("▶️ No, continue it"), callback_data=Submit("go").pack())
    return InlineKeyboardMarkup([[wipe], [keep]])


def render_screen(draft: Draft, data: ScreenData, error: str | None = None) -> Screen:
    """Return the text and buttons of the draft's current screen.

    Args:
        draft: the draft; its step names the screen, its rev goes into every button. A
            duplicate step whose look-alike is gone (`data.duplicate` None) shows the preview.
        data: what the screen shows beyond the draft.
        error: what was wrong with the last input (HTML), shown at the top.
    """
    t = data.t
    # Fixed errors are English source text (N_); formatted ones come already translated.
    error = t.gettext(error) if error else error
    if draft.step is Step.CONSENT:
        return consent_text(draft.answers, error, t), _consent_keyboard(draft, t)
    asks_about_it = draft.step in (Step.DUPLICATE, Step.UPDATE)
    if draft.step is Step.PREVIEW or (asks_about_it and data.duplicate is None):
        return _preview(draft, data, error)
    if draft.step is Step.FIELDS:
        return _with_error(_fields(draft, t), error)
    if draft.step is Step.DUPLICATE and data.duplicate is not None:
        return _with_error(_duplicate(draft, data.duplicate, data), error)
    if draft.step is Step.UPDATE and data.duplicate is not None:
        return _with_error(_update(draft, data.duplicate, t), error)
    field = FIELDS_BY_KEY[draft.step]
    text = prompt_text(field, draft.answers, error, t)
    return text, _field_keyboard(draft, field, data.countries, t)


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
    if field is not None and has_answer and not draft.editing and field.kind != "topics":
        row.append(button(t._("Keep ↪️"), draft, "k"))
    return row


BACK = N_("◀️ Back")
BACK_TO_PREVIEW = N_("◀️ Back to preview")
CANCEL = N_("✖️ Cancel")


def _field_keyboard(
    draft: Draft, field: Field, countries: Sequence[str], t: Translator
) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    if field.kind == "topics":
        chosen = draft.answers.get("topics") or []
        # Alphabetical in the member's language; buttons carry the topic's number in TOPICS.
        names = {index: topic_name(t, topic) for index, topic in enumerate(TOPICS)}
        for index, name in sorted(names.items(), key=lambda item: collation_key(item[1])):
            topic = TOPICS[index]
            label = f"✅ {name}" if topic in chosen else name
            # Untick (-) or tick (+), as shown: a second quick tap of it changes nothing.
            tap = f"{index}-" if topic in chosen else f"{index}+"
            rows.append([button(label, draft, "t", tap)])
        done = t._("✔️ Done ({count} of at most {most})").format(
            count=t.format_number(len(chosen)), most=t.format_number(field.limit)
        )
        rows.append([button(done, draft, "d")])
    if field.kind == "country":
        buttons = [button(place_names.country(name, t), draft, "c", name) for name in countries]
        rows += [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    if draft.offer is not None:  # a corrected answer to take (bot.answers.Answer.offer)
        label = (
            t._("✅ Use the corrected links")
            if field.kind == "links"
            else t._("✂️ Keep it shortened")
        )
        rows.append([button(label, draft, "ok")])
    rows.append(_nav_row(draft, field, t))
    rows.append([button(t.gettext(CANCEL), draft, "x")])
    return InlineKeyboardMarkup([row for row in rows if row])


def _consent_keyboard(draft: Draft, t: Translator) -> InlineKeyboardMarkup:
    yes = button(t._("✅ Yes, publish it"), draft, "y")
    no = button(t._("🔒 No, moderators only"), draft, "n")
    back, cancel = button(t.gettext(BACK), draft, "b"), button(t.gettext(CANCEL), draft, "x")
    return InlineKeyboardMarkup([[yes, no], [back, cancel]])


def _preview(draft: Draft, data: ScreenData, error: str | None) -> Screen:
    t = data.t
    notes = [f"⚠️ {error}"] if error else []
    if draft.reopened_from:
        reason = embed(data.reopened_reason or "", 300, 600)
        notes.append(
            t._("↩️ Submission #{number} was not accepted: <i>{reason}</i>").format(
                number=draft.reopened_from, reason=reason
            )
        )
    for city, countries in data.elsewhere:
        # The city is the member's text: escaped like every answer shown back.
        text = t._(
            "⚠️ {city} lies in {countries}, not in {country}: check the cities or the country."
        )
        notes.append(
            text.format(
                city=escape(place_names.city(city, t)),
                countries=escape(", ".join(place_names.country(c, t) for c in countries)),
                country=escape(place_names.country(str(draft.answers.get("country") or ""), t)),
            )
        )
    practice = data.practice
    if practice is None:
        raise ValueError("a preview needs the practice the draft describes (ScreenData)")
    text = preview_text(practice, draft.answers, data.username, "\n".join(notes), t)
    # The published card's buttons, but Share: a draft is in no catalogue yet.
    card = card_keyboard(practice, t=t, share=False)
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


def _duplicate(draft: Draft, found: Practice, data: ScreenData) -> Screen:
    t = data.t
    head = t._("🤔 <b>Is it already in the catalogue?</b> This practice has a very similar title:")
    card = card_text(found, data.username, note=head, t=t)
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


def _update(draft: Draft, found: Practice, t: Translator) -> Screen:
    """Ask whether the draft goes to the moderators as a suggested update of `found`."""
    title = embed(found.title, 100)
    head = t._(
        "✏️ <b>Suggest an update of “{title}”?</b>\n"
        "Your draft can go to the moderators as a suggested update of that practice. If they "
        "approve it, the published practice takes your answers: what you skipped stays as "
        "published, and the cities and topics you chose are added to its own. Or keep it as "
        "a draft for now."
    ).format(title=title)
    text = "\n\n".join([head, "\n".join(update_lines(changes(found, draft.answers), t))])
    text = text if telegram_length(text) <= MAX_MESSAGE else head
    rows = [
        [button(t._("📨 Send as an update"), draft, "upd")],
        [button(t._("💾 Keep it as a draft"), draft, "kd")],
        [button(t.gettext(BACK_TO_PREVIEW), draft, "v")],
    ]
    return text, InlineKeyboardMarkup(rows)


def full_text_screen(draft: Draft, parts: Sequence[str], number: int, t: Translator) -> Screen:
    """Return part `number` (from 1) of a draft's full text as a screen of the preview.

    It replaces the preview in its message: ◀️/▶️ move between parts, ◀️ Back to preview and
    📨 Send stay under every part, so the full text never pushes Send out of sight.
    """
    rows: list[list[InlineKeyboardButton]] = []
    arrows = []
    if number > 1:
        arrows.append(
            button(t._("◀️ Part {number}").format(number=number - 1), draft, "full", number - 1)
        )
    if number < len(parts):
        arrows.append(
            button(t._("Part {number} ▶️").format(number=number + 1), draft, "full", number + 1)
        )
    rows += [arrows] if arrows else []
    rows.append(
        [button(t.gettext(BACK_TO_PREVIEW), draft, "v"), button(t._("📨 Send"), draft, "send")]
    )
    return parts[number - 1], InlineKeyboardMarkup(rows)
