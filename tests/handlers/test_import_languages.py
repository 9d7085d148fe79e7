"""An import's report in the moderator's language, rejection reasons included, through a real
Application (a document with the caption /import), and the command line's in the terminal's."""

import json

from bot.aliases import bundled_aliases
from bot.i18n import ENGLISH, terminal_translator
from bot.import_report import import_lines
from bot.importers import read_practice_file
from store.practices import ImportReport
from tests.fakes import ADMIN_ID, BotHarness, Call, FakeRequest, make_settings, memory_database

GOOD = {
    "title": "Language cafés in Bergen",
    "country": "Norway",
    "cities": ["Bergen"],
    "topics": ["Multilingualism"],
    "purpose": "Weekly language cafés run by volunteers.",
    "url": "https://example.org/bergen",
}
BAD = [
    GOOD,
    {"country": "Spain"},
    42,
    {**GOOD, "title": "Typo", "url": "ftp://x.org", "topcs": ["Roma"]},
    {**GOOD, "title": "Odd topic", "topics": ["Educaton"]},
]


def reply_text(calls: list[Call]) -> str:
    return [c for c in calls if c.method == "sendMessage"][-1].text


async def import_as(language: str | None, content: bytes, name: str) -> str:
    """Send a file with /import as the moderator, in a language ("fr", "de", None: English)."""
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as bot:
        if language:
            offer = (await bot.send("/language", user_id=ADMIN_ID))[-1]
            label = {"fr": "Français", "de": "Deutsch"}[language]
            await bot.click(offer, label, user_id=ADMIN_ID)
        return reply_text(await bot.send_file(content, name, ADMIN_ID, caption="/import"))


async def test_rejection_reasons_follow_the_moderators_language() -> None:
    content = json.dumps(BAD).encode()
    english = await import_as(None, content, "mixed.json")
    assert "rejected record 2: title is required" in english
    assert "rejected record 3: a practice must be a JSON object, not a number" in english
    assert "url must be an http or https address, not &#x27;ftp://x.org&#x27;" in english
    assert "unknown key &#x27;topcs&#x27; (did you mean &#x27;topics&#x27;?)" in english
    french = await import_as("fr", content, "mixed.json")
    assert "ajoutées 1, mises à jour 0, inchangées 0, refusées 4" in french
    assert "refusée enregistrement 2 : title est obligatoire" in french
    assert "une pratique doit être un objet JSON, pas un nombre" in french
    assert "url doit être une adresse http ou https" in french
    assert "clé inconnue &#x27;topcs&#x27; (vouliez-vous dire &#x27;topics&#x27; ?)" in french
    assert (
        "thème inconnu &#x27;Educaton&#x27; (vouliez-vous dire &#x27;Education&#x27; ?)" in french
    )
    german = await import_as("de", content, "mixed.json")
    assert "abgelehnt Eintrag 2: title ist erforderlich" in german
    assert "ein Praxisbeispiel muss ein JSON-Objekt sein, nicht eine Zahl" in german
    for english_word in ("required", "must be", "unknown key", "did you mean", "record 2"):
        assert english_word not in french and english_word not in german


async def test_a_file_that_cant_be_read_is_explained_in_the_moderators_language() -> None:
    french = await import_as("fr", b'[{"title": "x",', "cassé.json")
    assert "cassé.json : JSON mal formé à la ligne 1" in french
    german = await import_as("de", b"nur ein paar Worte", "notizen.txt")
    assert "notizen.txt: kein Praxisbeispiel gefunden" in german


def test_the_command_line_writes_in_the_terminals_language(tmp_path) -> None:
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(BAD), encoding="utf-8")
    batch = read_practice_file(path, bundled_aliases())
    empty = ImportReport()
    french = "\n".join(
        import_lines(empty, batch.rejected, terminal_translator({"LANG": "fr_FR.UTF-8"}))
    )
    assert "enregistrement 2" in french and "title est obligatoire" in french
    german = terminal_translator({"LC_ALL": "de_AT.UTF-8", "LANG": "fr_FR.UTF-8"})
    assert german.language == "de"
    assert terminal_translator({"LANG": "C.UTF-8"}) is ENGLISH
    assert terminal_translator({}) is ENGLISH


async def test_a_moderators_file_without_import_says_how_to_import_and_imports_nothing() -> None:
    from tests.fakes import USER_ID

    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as bot:
        before = len(bot.app.bot_data["services"].practices.all())
        content = json.dumps([{"title": "A practice", "country": "Spain"}]).encode()
        told = reply_text(await bot.send_file(content, "practices.json", user_id=ADMIN_ID))
        assert "/import" in told and "caption" in told
        assert len(bot.app.bot_data["services"].practices.all()) == before
        # A member's file still gets the answer about text.
        member = reply_text(await bot.send_file(content, "practices.json", user_id=USER_ID))
        assert "/import" not in member
