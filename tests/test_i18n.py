"""The catalogues: complete, really translated, same placeholders and tags, template up to date."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, languages, resolve, translator

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = LOCALES / "messages.pot"
TRANSLATED = [code for code in languages() if code != "en"]
# Translations allowed to read as the English: names and words both languages use as they are.
# Keep it short: each entry is a word the French and German texts really use unchanged.
SAME_AS_ENGLISH = frozenset(
    {
        "Roma",  # the programme's topic: the German word too
        "in {places}",  # German uses the same preposition ("in Oslo")
        "<b>{name}:</b> {value}",  # German punctuates a label as English does
        "{name}: {value}",  # likewise
    }
)
PLACEHOLDER = re.compile(r"\{[a-z_]*\}|%\(?\w*\)?[sd]")
TAG = re.compile(r"</?[a-z]+")


def _catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def _ids(catalogue) -> set:
    return {
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in catalogue
        if message.id
    }


def _forms(message) -> tuple[list[str], list[str]]:
    """Return (English forms, translated forms) of a message."""
    ids = [message.id] if isinstance(message.id, str) else list(message.id)
    strings = [message.string] if isinstance(message.string, str) else list(message.string)
    return ids, strings


def test_french_and_german_are_languages_of_the_bot() -> None:
    assert {"en", "fr", "de"} <= set(languages())


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code: str) -> None:
    catalogue = _catalogue(LOCALES / code / "LC_MESSAGES" / "messages.po", code)
    assert _ids(catalogue) == _ids(_catalogue(TEMPLATE)), "run pybabel update (README)"
    missing = [m.id for m in catalogue if m.id and (m.fuzzy or not all(_forms(m)[1]))]
    assert not missing, f"{code}: untranslated or fuzzy: {missing}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_no_translation_keeps_the_english(code: str) -> None:
    catalogue = _catalogue(LOCALES / code / "LC_MESSAGES" / "messages.po", code)
    same = []
    for message in catalogue:
        english, translated = _forms(message)
        kept = message.id and english[0] not in SAME_AS_ENGLISH
        if kept and any(text == english[0] for text in translated[:1]):
            same.append(english[0])
    assert not same, f"{code}: kept in English: {same}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_and_tags_match_the_english(code: str) -> None:
    catalogue = _catalogue(LOCALES / code / "LC_MESSAGES" / "messages.po", code)
    wrong = []
    for message in catalogue:
        if not message.id:
            continue
        english, translated = _forms(message)
        want_fields = sorted(set(PLACEHOLDER.findall(english[-1])))
        want_tags = sorted(TAG.findall(english[-1]))
        for text in translated:
            if (
                sorted(set(PLACEHOLDER.findall(text))) != want_fields
                or sorted(TAG.findall(text)) != want_tags
            ):
                wrong.append((english[0], text))
    assert not wrong, f"{code}: placeholders or tags differ: {wrong}"


def test_the_committed_template_lists_every_message_of_the_code() -> None:
    extracted: set = set()
    method_map = [("bot/**.py", "python"), ("handlers/**.py", "python"), ("store/**.py", "python")]
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map):
        extracted.add(message if isinstance(message, str) else tuple(message[:2]))
    committed = _ids(_catalogue(TEMPLATE))
    assert extracted == committed, (
        f"messages.pot is stale (README: updating the catalogues): "
        f"new {sorted(map(str, extracted - committed))}, "
        f"gone {sorted(map(str, committed - extracted))}"
    )


def test_the_compiled_catalogue_translates_and_counts() -> None:
    fr, de = translator("fr"), translator("de")
    assert fr.gettext("Browse practices by topic") != "Browse practices by topic"
    assert de.gettext("Browse practices by topic") != "Browse practices by topic"
    assert translator("en").gettext("Browse practices by topic") == "Browse practices by topic"


@pytest.mark.parametrize(
    ("chosen", "telegram", "expected"),
    [
        (None, "fr", "fr"),
        (None, "fr-CA", "fr"),
        (None, "de-AT", "de"),
        (None, "it", "en"),
        (None, None, "en"),
        ("de", "fr", "de"),
        ("en", "fr", "en"),
        ("xx", "de", "de"),
    ],
)
def test_language_is_the_choice_else_telegrams_else_english(
    chosen: str | None, telegram: str | None, expected: str
) -> None:
    assert resolve(chosen, telegram) == expected


def test_dates_and_numbers_follow_the_language() -> None:
    from datetime import date

    day = date(2026, 11, 30)
    assert translator("en").format_number(12345) == "12,345"
    assert translator("de").format_number(12345) == "12.345"
    assert translator("fr").format_number(12345).replace("\u202f", " ") == "12 345"
    assert "nov" in translator("fr").format_date(day)
    assert translator("de").format_date(day) == "30.11.2026"
    assert translator("en").format_date(day) == "Nov 30, 2026"


def test_a_catalogue_compiles_in_memory_when_the_mo_is_missing(tmp_path: Path) -> None:
    from bot.i18n import compile_catalogues

    target = tmp_path / "fr" / "LC_MESSAGES"
    target.mkdir(parents=True)
    source = LOCALES / "fr" / "LC_MESSAGES" / "messages.po"
    (target / "messages.po").write_bytes(source.read_bytes())
    written = compile_catalogues(tmp_path)
    assert written == [target / "messages.mo"]
    assert compile_catalogues(tmp_path) == []  # up to date: not compiled again
    assert BytesIO((target / "messages.mo").read_bytes()).read(4) in (
        b"\xde\x12\x04\x95",
        b"\x95\x04\x12\xde",
    )


def test_no_message_is_looked_up_inside_an_f_string() -> None:
    # Babel's extractor does not read calls inside f-strings: a `t._("…")` there never
    # reaches the catalogues, and every reader gets it in English.
    import ast

    root = Path(__file__).resolve().parents[1]
    found = []
    for package in ("bot", "handlers", "store"):
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for call in ast.walk(node):
                    func = getattr(call, "func", None)
                    name = getattr(func, "attr", None) or getattr(func, "id", None)
                    args = getattr(call, "args", [])
                    literal = args and isinstance(args[0], ast.Constant)
                    if name in ("_", "gettext", "ngettext", "N_") and literal:
                        found.append(f"{path.relative_to(root)}:{call.lineno}")
    assert found == []
