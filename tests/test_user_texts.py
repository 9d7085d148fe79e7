"""No user-facing English literal outside the catalogue.

Every text the bot sends, edits, answers or puts on a button (and every word drawn on the
/stats chart) must come from a catalogue message (`_()`, `gettext`, `ngettext`, `N_()` or a
`Message`) so that it exists in each language. This scans the sources of `bot/` and
`handlers/` for calls that send text and fails on a string literal (or f-string) with English
words in it; placeholders, HTML tags and entities don't count as words.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.chart import chart_texts
from bot.i18n import translator
from bot.stats import Stats

ROOT = Path(__file__).resolve().parent.parent
# Calls whose text argument is shown to a person, and the argument names that hold it.
SENDERS = {
    "reply_text",
    "reply_html",
    "reply_photo",
    "reply_document",
    "send_message",
    "send_photo",
    "send_document",
    "edit_message_text",
    "edit_text",
    "edit_or_ignore",
    "answer",
    "answer_callback_query",
    "set_title",
    "set_xlabel",
    "set_ylabel",
}
TEXT_ARGUMENTS = {"text", "caption", "label"}
WORDS = re.compile(r"[A-Za-z]{2,}")


def _letters(node: ast.AST) -> str:
    """Return the literal parts of a string expression, without tags and placeholders."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.sub(r"<[^>]*>|\{[^}]*\}|&\w+;", "", node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(_letters(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _letters(node.left) + " " + _letters(node.right)
    return ""


def _shown_literals(source: str) -> Iterator[tuple[int, str]]:
    """Yield (line, code) of English literals passed as shown text in a module's source."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in SENDERS:
            candidates = [*node.args[:2]]
        elif name == "InlineKeyboardButton":
            candidates = [*node.args[:1]]
        else:
            continue
        candidates += [k.value for k in node.keywords if k.arg in TEXT_ARGUMENTS]
        for argument in candidates:
            if WORDS.search(_letters(argument)):
                yield node.lineno, ast.unparse(argument)


def _sources() -> list[Path]:
    return sorted(p for root in ("bot", "handlers") for p in (ROOT / root).rglob("*.py"))


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_english_literal_is_sent_outside_the_catalogue(path: Path) -> None:
    found = [f"{path.name}:{line}: {code}" for line, code in _shown_literals(path.read_text())]
    assert not found, "text shown to users must be a catalogue message:\n" + "\n".join(found)


def test_the_scan_finds_literals_of_every_shape() -> None:
    source = """
async def f(message, query, t, name):
    await message.reply_text("Hello there")
    await query.answer(f"Stopped {name} for you")
    await message.reply_photo(png, caption="Searches per week")
    InlineKeyboardButton("Read more", url=u)
    await message.reply_text("<b>" + "Done" + "</b>")
    await message.reply_text(t._("Hello there"))
    await message.reply_text(f"{name} ({count})")
    await message.reply_text("<b>{name}</b> &amp; 🔔")
"""
    assert sorted(line for line, _ in _shown_literals(source)) == [3, 4, 5, 6, 7]


def test_the_chart_is_drawn_in_the_readers_language() -> None:
    from datetime import date

    stats = Stats(
        practices_by_status={},
        practices_by_topic=[("Education", 7), ("Refugees", 8)],
        practices_by_country=[],
        members=0,
        members_active=0,
        members_by_language={},
        subscriptions_by_kind={},
        alerts_week={},
        submissions={},
        searches_per_week=[(date(2026, 11, 2), 4)],
    )
    french = chart_texts(stats, translator("fr"))
    assert french.weeks_title.startswith("Recherches par semaine")
    assert french.topics_title == "Pratiques publiées par thème"
    assert french.topic_labels == ["Réfugiés", "Éducation"]
    assert french.week_labels == ["2 nov."]
    german = chart_texts(stats, translator("de"))
    assert german.week_labels == ["2. Nov."] and "Bildung" in german.topic_labels
    assert chart_texts(stats, translator("en")).week_labels == ["Nov 2"]
