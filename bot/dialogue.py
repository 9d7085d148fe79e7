"""The submission dialogue's state machine: its steps, the events that move it, and its moves.

Pure: no Telegram, no I/O. A draft stands at a `Position` (its `step`, and whether that step
was chosen from the preview to be edited); `move(position, event)` returns where an event
leads: another position, an `Exit` (the dialogue ends or pauses), or None when the event is
not accepted on that screen (the handler then says so and shows the same screen again).
The handlers in `handlers/submit_steps.py` and `handlers/submit_preview.py` decide which event
happened (is the answer valid? is a title like a published one?) and show where it leads.

The state diagram `bot/dialogue.mmd` is generated from `move` (`bot.dialogue_diagram`); a
test fails when the committed file differs. Regenerate it with:

    python -m bot.dialogue_diagram > bot/dialogue.mmd
"""

from collections.abc import Iterator
from enum import StrEnum
from typing import NamedTuple

from bot.template import FIELD_KEYS, FIELDS_BY_KEY


class Step(StrEnum):
    """A screen of the dialogue, stored as its value in `Draft.step` (the values never change:
    drafts saved by earlier versions hold them). The first twelve are the template's fields,
    in order (`bot.template.FIELDS`)."""

    TITLE = "title"
    SUBTITLE = "subtitle"
    CITIES = "cities"
    COUNTRY = "country"
    PERIOD = "period"
    TOPICS = "topics"
    PURPOSE = "purpose"
    RATIONALE = "rationale"
    PROCESS = "process"
    IMPACT = "impact"
    LINKS = "links"
    CONTACT = "contact"
    CONSENT = "consent"  # may the contact be published? (the contact step's second question)
    PREVIEW = "preview"  # the card as it will be published, with Send and Edit
    FIELDS = "fields"  # the list of fields, to pick the one to edit
    DUPLICATE = "duplicate"  # is it the published practice with a similar title?
    UPDATE = "update"  # it is: send it as a suggested update of that practice, or keep it?


FIELD_STEPS: tuple[Step, ...] = tuple(Step(key) for key in FIELD_KEYS)
FIRST = FIELD_STEPS[0]
# Screens answered with buttons only: a typed message there is not an answer.
BUTTONS_ONLY = frozenset(
    {Step.TOPICS, Step.CONSENT, Step.PREVIEW, Step.FIELDS, Step.DUPLICATE, Step.UPDATE}
)


class Event(StrEnum):
    """What happened on the current screen (the handler has checked the input already)."""

    ANSWER = "answer"  # an answer taken: typed, a country button, Keep, Done, consent Yes/No
    SKIP = "skip"  # ⏭ Skip
    BACK = "back"  # ◀️ Back (◀️ Back to preview, when editing)
    EDIT = "edit"  # ✏️ Edit a field, on the preview
    PICK = "pick"  # a field picked from the list (the field comes with the event)
    TO_PREVIEW = "to preview"  # ◀️ Back to preview, on the list of fields, duplicate, update
    MISSING = "missing"  # 📨 Send, with a required field empty (the field comes with it)
    SIMILAR = "similar"  # 📨 Send, with a title like a published practice's
    SEND = "send"  # 📨 Send ("No, send mine", "Send as an update"): sent to the moderators
    SAME = "same"  # "Yes, the same one": offered as a suggested update of that practice
    CANCEL = "cancel"  # ✖️ Cancel, 💾 Keep it as a draft, /cancel, /submit meanwhile, or idle
    RESUME = "resume"  # ▶️ Continue a paused draft, or the screen shown again after a restart
    START = "start"  # /submit with no draft, or 🔄 Start over: an empty draft
    REOPEN = "reopen"  # ✏️ Reopen a rejected submission: a draft of it, at its preview


class Exit(StrEnum):
    """Where the dialogue ends: the draft's step stays as it was (a paused draft resumes there)."""

    MENU = "menu"  # ◀️ Back to menu from the first step; a draft with answers is kept
    PAUSED = "paused"  # the draft is kept, /submit or ▶️ Continue goes on with it
    SENT = "sent"  # the draft became a pending submission


class Position(NamedTuple):
    """Where a draft stands: its step, and whether the preview comes back after it."""

    step: Step
    editing: bool = False


Outcome = Position | Exit | None


def move(at: Position, event: Event, field: Step | None = None) -> Outcome:
    """Return where `event` on the screen `at` leads.

    Args:
        at: the draft's position.
        event: what happened.
        field: the field picked (PICK) or found missing (MISSING); ignored otherwise.

    Returns:
        The next position; an Exit; or None when the event is not accepted on this screen
        (Skip on a required step, Back on the preview, a field that is not one), so that the
        same screen is shown again with a word on why.
    """
    at = Position(Step(at.step), at.editing)  # a step given as its stored string, too
    if event is Event.RESUME:  # the screen the draft stands at, whatever came between
        return at
    if event in _ANYWHERE:
        return _ANYWHERE[event]
    if at.step in FIELD_STEPS or at.step is Step.CONSENT:
        return _asking(at, event)
    return _after_asking(at, event, field)


# Events that lead to the same place from every screen.
_ANYWHERE: dict[Event, Outcome] = {
    Event.START: Position(FIRST),
    Event.REOPEN: Position(Step.PREVIEW),
    Event.CANCEL: Exit.PAUSED,
}


def _asking(at: Position, event: Event) -> Outcome:
    """Moves on a question: a field's step, or the consent to publish the contact."""
    if event is Event.ANSWER:
        return _next(at)
    if event is Event.SKIP:
        optional = at.step in FIELD_STEPS and not _required(at.step)
        return _next(at) if optional else None
    if event is Event.BACK:
        return _previous(at)
    return None


def _required(step: Step) -> bool:
    """Return True for a field that can't be skipped (`bot.template`, DESIGN §4)."""
    return FIELDS_BY_KEY[step].required


def _next(at: Position) -> Position:
    if at.step is Step.CONTACT:  # the contact's second question, also when editing it
        return Position(Step.CONSENT, at.editing)
    if at.editing or at.step is Step.CONSENT:
        return Position(Step.PREVIEW)
    return Position(FIELD_STEPS[FIELD_STEPS.index(at.step) + 1])


def _previous(at: Position) -> Outcome:
    if at.step is Step.CONSENT:
        return Position(Step.CONTACT, at.editing)
    if at.editing:
        return Position(Step.PREVIEW)
    if at.step is FIRST:
        return Exit.MENU
    return Position(FIELD_STEPS[FIELD_STEPS.index(at.step) - 1])


def _after_asking(at: Position, event: Event, field: Step | None) -> Outcome:
    """Moves on the preview, the list of fields, the duplicate and the update questions."""
    picked = Position(field, editing=True) if field is not None and field in FIELD_STEPS else None
    moves: dict[tuple[Step, Event], Outcome] = {
        (Step.PREVIEW, Event.EDIT): Position(Step.FIELDS),
        (Step.PREVIEW, Event.MISSING): picked if picked and _required(picked.step) else None,
        (Step.PREVIEW, Event.SIMILAR): Position(Step.DUPLICATE),
        (Step.PREVIEW, Event.SEND): Exit.SENT,
        (Step.FIELDS, Event.PICK): picked,
        (Step.FIELDS, Event.TO_PREVIEW): Position(Step.PREVIEW),
        (Step.DUPLICATE, Event.TO_PREVIEW): Position(Step.PREVIEW),
        (Step.DUPLICATE, Event.SEND): Exit.SENT,
        (Step.DUPLICATE, Event.SAME): Position(Step.UPDATE),
        (Step.UPDATE, Event.SEND): Exit.SENT,
        (Step.UPDATE, Event.TO_PREVIEW): Position(Step.PREVIEW),
    }
    return moves.get((at.step, event))


def positions() -> Iterator[Position]:
    """Yield every position a draft can stand at: each step, and each field being edited."""
    for step in Step:
        yield Position(step)
        if step in FIELD_STEPS or step is Step.CONSENT:
            yield Position(step, editing=True)
