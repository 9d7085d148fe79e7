"""The dialogue's moves (`bot.dialogue.move`), row by row, and its diagram against them.

A row of TABLE reads: on this screen, this event leads there; an event not in the row is
refused (None), so every step × every event is checked.
"""

from pathlib import Path

import pytest

import bot.dialogue
from bot.dialogue import FIELD_STEPS, Event, Exit, Outcome, Position, Step, move
from bot.dialogue_diagram import edges, mermaid
from bot.models import Draft
from bot.template import FIELD_KEYS, FIELDS, Field

S = Step
E = Event
P = Position

# What every screen does with the events that lead to the same place from anywhere.
ANYWHERE: dict[Event, Outcome] = {
    E.START: P(S.TITLE),
    E.REOPEN: P(S.PREVIEW),
    E.CANCEL: Exit.PAUSED,
}

# Every screen, not editing: the events it takes and where they lead (any other event: None).
# Optional fields (subtitle, rationale, impact, links) take Skip; the first step's Back leaves.
TABLE: dict[Step, dict[Event, Outcome]] = {
    S.TITLE: {E.ANSWER: P(S.SUBTITLE), E.BACK: Exit.MENU},
    S.SUBTITLE: {E.ANSWER: P(S.CITIES), E.SKIP: P(S.CITIES), E.BACK: P(S.TITLE)},
    S.CITIES: {E.ANSWER: P(S.COUNTRY), E.BACK: P(S.SUBTITLE)},
    S.COUNTRY: {E.ANSWER: P(S.PERIOD), E.BACK: P(S.CITIES)},
    S.PERIOD: {E.ANSWER: P(S.TOPICS), E.BACK: P(S.COUNTRY)},
    S.TOPICS: {E.ANSWER: P(S.PURPOSE), E.BACK: P(S.PERIOD)},
    S.PURPOSE: {E.ANSWER: P(S.RATIONALE), E.BACK: P(S.TOPICS)},
    S.RATIONALE: {E.ANSWER: P(S.PROCESS), E.SKIP: P(S.PROCESS), E.BACK: P(S.PURPOSE)},
    S.PROCESS: {E.ANSWER: P(S.IMPACT), E.BACK: P(S.RATIONALE)},
    S.IMPACT: {E.ANSWER: P(S.LINKS), E.SKIP: P(S.LINKS), E.BACK: P(S.PROCESS)},
    S.LINKS: {E.ANSWER: P(S.CONTACT), E.SKIP: P(S.CONTACT), E.BACK: P(S.IMPACT)},
    S.CONTACT: {E.ANSWER: P(S.CONSENT), E.BACK: P(S.LINKS)},
    S.CONSENT: {E.ANSWER: P(S.PREVIEW), E.BACK: P(S.CONTACT)},
    S.PREVIEW: {
        E.EDIT: P(S.FIELDS),
        E.MISSING: P(S.PURPOSE, editing=True),  # with field=PURPOSE
        E.SIMILAR: P(S.DUPLICATE),
        E.SEND: Exit.SENT,
    },
    S.FIELDS: {E.PICK: P(S.PURPOSE, editing=True), E.TO_PREVIEW: P(S.PREVIEW)},
    # "Yes, the same one" asks whether to send the draft as a suggested update of it.
    S.DUPLICATE: {E.TO_PREVIEW: P(S.PREVIEW), E.SEND: Exit.SENT, E.SAME: P(S.UPDATE)},
    S.UPDATE: {E.TO_PREVIEW: P(S.PREVIEW), E.SEND: Exit.SENT},
}


def expected(at: Position, event: Event) -> Outcome:
    if event is E.RESUME:
        return at
    if event in ANYWHERE:
        return ANYWHERE[event]
    return TABLE[at.step].get(event)


def test_the_table_covers_every_step() -> None:
    assert set(TABLE) == set(Step)


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("step", list(Step))
def test_every_step_and_event_leads_where_the_table_says(step: Step, event: Event) -> None:
    at = P(step)
    assert move(at, event, S.PURPOSE) == expected(at, event)


# A field being edited (chosen from the preview): Back, an answer and Skip lead back to the
# preview, except the contact, whose consent question comes first.
EDITING: dict[Step, dict[Event, Outcome]] = {
    **{
        step: {E.ANSWER: P(S.PREVIEW), E.BACK: P(S.PREVIEW)}
        for step in FIELD_STEPS
        if step is not S.CONTACT
    },
    S.CONTACT: {E.ANSWER: P(S.CONSENT, editing=True), E.BACK: P(S.PREVIEW)},
    S.CONSENT: {E.ANSWER: P(S.PREVIEW), E.BACK: P(S.CONTACT, editing=True)},
}
for _step in (S.SUBTITLE, S.RATIONALE, S.IMPACT, S.LINKS):
    EDITING[_step][E.SKIP] = P(S.PREVIEW)


@pytest.mark.parametrize("event", list(Event))
@pytest.mark.parametrize("step", list(EDITING))
def test_editing_a_field_returns_to_the_preview(step: Step, event: Event) -> None:
    at = P(step, editing=True)
    if event is E.RESUME:
        want: Outcome = at
    elif event in ANYWHERE:
        want = ANYWHERE[event]
    else:
        want = EDITING[step].get(event)
    assert move(at, event) == want


def test_the_steps_are_the_template_fields_in_order_then_the_end_screens() -> None:
    assert [s.value for s in FIELD_STEPS] == list(FIELD_KEYS)
    ends = [S.CONSENT, S.PREVIEW, S.FIELDS, S.DUPLICATE, S.UPDATE]
    assert list(Step)[len(FIELD_KEYS) :] == ends


def test_back_from_the_first_step_leaves_the_dialogue() -> None:
    assert move(P(S.TITLE), E.BACK) is Exit.MENU
    assert move(P(S.TITLE, editing=True), E.BACK) == P(S.PREVIEW)


@pytest.mark.parametrize("field", FIELDS, ids=lambda f: f.key)
def test_skip_is_taken_on_optional_steps_only(field: Field) -> None:
    step = Step(field.key)
    skipped = move(P(step), E.SKIP)
    if field.required:
        assert skipped is None
    else:
        assert skipped == P(FIELD_STEPS[FIELD_STEPS.index(step) + 1])


@pytest.mark.parametrize("step", [S.CONSENT, S.PREVIEW, S.FIELDS, S.DUPLICATE, S.UPDATE])
def test_screens_answered_with_buttons_cannot_be_skipped(step: Step) -> None:
    assert move(P(step), E.SKIP) is None


@pytest.mark.parametrize("field", FIELD_STEPS)
def test_every_field_picked_from_the_list_is_asked_then_the_preview_comes_back(
    field: Step,
) -> None:
    picked = move(P(S.FIELDS), E.PICK, field)
    assert picked == P(field, editing=True)
    answered = move(picked, E.ANSWER)
    if field is S.CONTACT:  # the consent question, then the preview
        assert answered == P(S.CONSENT, editing=True)
        answered = move(answered, E.ANSWER)
    assert answered == P(S.PREVIEW)
    assert move(picked, E.BACK) == P(S.PREVIEW)


def test_a_pick_that_is_not_a_field_is_refused() -> None:
    assert move(P(S.FIELDS), E.PICK, S.PREVIEW) is None
    assert move(P(S.FIELDS), E.PICK) is None


def test_send_with_a_required_field_missing_asks_that_field() -> None:
    assert move(P(S.PREVIEW), E.MISSING, S.CONTACT) == P(S.CONTACT, editing=True)
    assert move(P(S.PREVIEW), E.MISSING, S.SUBTITLE) is None  # optional: never missing


@pytest.mark.parametrize("at", list(bot.dialogue.positions()))
def test_resume_lands_where_the_draft_stands(at: Position) -> None:
    assert move(at, E.RESUME) == at


@pytest.mark.parametrize("step", list(Step))
def test_a_draft_stored_with_a_string_step_loads_and_stores_the_same_string(step: Step) -> None:
    stored = {"user_id": 7, "step": step.value, "editing": True, "last_answer_step": "title"}
    draft = Draft.from_dict(stored)
    assert draft.step is step and move(P(draft.step, draft.editing), E.RESUME).step is step
    again = draft.to_dict()
    assert type(again["step"]) is str and again["step"] == step.value
    assert type(again["last_answer_step"]) is str


def test_a_stored_step_that_is_no_step_is_an_error() -> None:
    with pytest.raises(ValueError):
        Draft.from_dict({"user_id": 7, "step": "nowhere"})


def test_the_committed_diagram_is_the_one_the_moves_draw() -> None:
    committed = Path(bot.dialogue.__file__).with_suffix(".mmd").read_text(encoding="utf-8")
    assert committed == mermaid(), "regenerate: python -m bot.dialogue_diagram > bot/dialogue.mmd"


def test_the_diagram_has_an_arrow_for_every_move_and_no_other() -> None:
    lines = mermaid().splitlines()
    arrows = {tuple(line.split(":")[0].strip().split(" --> ")) for line in lines if "-->" in line}
    for at in bot.dialogue.positions():
        for event in (E.ANSWER, E.SKIP, E.BACK, E.EDIT, E.SIMILAR, E.SEND, E.SAME, E.CANCEL):
            to = move(at, event)
            if to is not None:
                target = to.step.value if isinstance(to, Position) else to.value.capitalize()
                assert (at.step.value, target) in arrows, (at, event)
    drawn = {(s, t) for s, t in arrows if s != "[*]" and t != "[*]"}
    assert drawn == set(edges())
