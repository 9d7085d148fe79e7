"""The submission dialogue's state diagram, drawn from its moves (`bot.dialogue.move`).

Regenerate the committed diagram after changing a move (a test compares them):

    python -m bot.dialogue_diagram > bot/dialogue.mmd
"""

import sys

from bot.dialogue import FIELD_STEPS, FIRST, Event, Position, move, positions

_ENTRY = {
    Event.START: "/submit (no draft) or 🔄 Start over",
    Event.REOPEN: "✏️ Reopen a rejected submission",
}


def edges() -> dict[tuple[str, str], list[str]]:
    """Return the diagram's arrows: (from, to) → the events that lead there, in table order.

    A field being edited is drawn as the field itself, its events marked "(editing)"; every
    field picked from the list is drawn as one arrow to each field.
    """
    found: dict[tuple[str, str], list[str]] = {}
    for at in positions():
        for event in Event:
            if event in _ENTRY or event is Event.RESUME:
                continue  # drawn from [*] and as the note
            for field in FIELD_STEPS if event in (Event.PICK, Event.MISSING) else (None,):
                to = move(at, event, field)
                if to is None:
                    continue
                target = to.step.value if isinstance(to, Position) else to.value.capitalize()
                # "(editing)" only where editing leads elsewhere than the same step's event.
                plain = at.editing and move(at._replace(editing=False), event, field) == to
                label = event.value + (" (editing)" if at.editing and not plain else "")
                labels = found.setdefault((at.step.value, target), [])
                if label not in labels:
                    labels.append(label)
    return found


def mermaid() -> str:
    """Return the Mermaid state diagram of the dialogue, generated from `move`."""
    lines = [
        "%% The submission dialogue, generated from `move` (bot/dialogue.py) by",
        "%%     python -m bot.dialogue_diagram > bot/dialogue.mmd",
        "%% Change the moves there, not here: tests/test_dialogue_transitions.py compares them.",
        "%% Every arrow writes the draft before its screen is shown.",
        "stateDiagram-v2",
        "    direction TB",
    ]
    for event, label in _ENTRY.items():
        to = move(Position(FIRST), event)
        assert isinstance(to, Position)
        lines.append(f"    [*] --> {to.step.value}: {event.value}, {label}")
    for (source, target), labels in edges().items():
        lines.append(f"    {source} --> {target}: {', '.join(labels)}")
    lines += [
        "    Menu --> [*]",
        "    Paused --> [*]: 🗑 Delete the draft",
        "    Sent --> [*]: pending, moderators get Approve / Reject",
        "    note right of Paused",
        "        resume: ▶️ Continue (or /submit, then ▶️ Continue), or a restart,",
        "        goes on at the step the draft stands at",
        "    end note",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(mermaid())
