"""In-chat import end to end: a moderator sends a practice file to the running bot (the fake
Bot API serves it through getFile and the file URL), subscribers get their alerts."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.process import (
    ADMIN_ID,
    ROMA_IN_BARCELONA,
    BotProcess,
    RecordingBotApi,
    alerts_by_chat,
    next_reply,
    say,
)

MEMBER = 501
INVALID = {"title": "", "country": "Nowhere"}


def send_file(
    api: RecordingBotApi,
    user_id: int,
    content: bytes,
    name: str,
    caption: str | None = "/import",
    size: int | None = None,
) -> dict[str, Any]:
    """The user sends a document; return the bot's reply."""
    seen = sum(m["chat"]["id"] == user_id for m in api.bot_messages)
    document = api.add_file(content, name, "application/json")
    if size is not None:
        document["file_size"] = size
    api.push_document(user_id, document, caption)
    return next_reply(api, user_id, seen)


def test_a_moderator_imports_a_file_and_subscribers_are_alerted_once(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    say(api, MEMBER, "/subscribe topic:roma")
    content = json.dumps([ROMA_IN_BARCELONA, INVALID]).encode()
    reply = send_file(api, ADMIN_ID, content, "new.json")["text"]
    assert reply.splitlines()[0] == "<b>new.json</b>: added 1, updated 0, unchanged 0, rejected 1"
    assert "rejected record 2: title is required" in reply
    api.wait_for(lambda: alerts_by_chat(api).get(MEMBER) == 1, 15)

    again = send_file(api, ADMIN_ID, content, "new.json")["text"]
    assert again.startswith("<b>new.json</b>: added 0, updated 0, unchanged 1, rejected 1")
    assert "Roma mentors" in say(api, MEMBER, "roma mentors barcelona")["text"]
    assert alerts_by_chat(api)[MEMBER] == 1
    assert running_bot.popen.poll() is None


def test_the_import_prompt_takes_the_next_file(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    assert "Send the file of practices" in say(api, ADMIN_ID, "/import")["text"]
    practice = {**ROMA_IN_BARCELONA, "title": "Roma mediators in Lisbon", "cities": ["Lisbon"]}
    practice["country"] = "Portugal"
    reply = send_file(api, ADMIN_ID, json.dumps(practice).encode(), "one.json", caption=None)
    assert reply["text"].startswith("<b>one.json</b>: added 1, updated 0")
    # Without the prompt, a document is no import: the moderator is told how to import it.
    other = send_file(api, ADMIN_ID, b"{}", "x.json", caption=None)["text"]
    assert other.startswith("To import practices from a file, send it with the caption /import")


def test_files_that_cant_be_imported_are_refused_with_a_reason(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    content = json.dumps([ROMA_IN_BARCELONA]).encode()
    member = send_file(api, MEMBER, content, "new.json")["text"]
    assert member == "This is for moderators only."
    big = send_file(api, ADMIN_ID, content, "big.json", size=3 * 1024 * 1024)["text"]
    assert "big.json is 3.0 MB; the limit is 2 MB" in big
    pdf = send_file(api, ADMIN_ID, b"%PDF-1.4", "practices.pdf")["text"]
    assert "not practices.pdf" in pdf
    broken = send_file(api, ADMIN_ID, b'[{"title": "x",', "broken.json")["text"]
    assert broken.startswith("Nothing was imported: broken.json: malformed JSON at line 1")
    text = send_file(api, ADMIN_ID, b"just some words", "notes.txt")["text"]
    assert text.startswith("Nothing was imported: notes.txt: no practice found")
    # Nothing of it reached the catalogue, and the oversized file was never downloaded.
    assert "Roma mentors" not in say(api, MEMBER, "roma mentors barcelona")["text"]
    assert not [c for c in api.calls if c[0] == "getFile" and c[1]["file_id"] == "file-2"]


def test_member_commands_say_import_is_for_moderators(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    assert say(api, MEMBER, "/import")["text"] == "This is for moderators only."
