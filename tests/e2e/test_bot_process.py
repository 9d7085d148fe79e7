"""End to end: the real `python -m bot` in a subprocess, talking to a loopback fake Bot API.

Each test starts its own processes with an environment of their own (token, API URLs,
`DB_PATH` in `tmp_path`, working directory `tmp_path` so that no `.env` of the repository is
read) and kills whatever is still running in the fixture teardown. The tests play the user's
side through `FakeBotApi.push_*` and check what the bot sent.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_bot_api import DEFAULT_TOKEN, DEFAULT_USERNAME, FakeBotApi
from tests.e2e.process import (
    REPLY_TIMEOUT,
    TOKEN_SECRET,
    BotProcess,
    Launcher,
    RecordingBotApi,
    bot_env,
    buttons,
    next_reply,
    one_line,
    run_cli,
    say,
    wait_polling,
)

COCKPIT_KEY = "an-anti-racism-cockpit"
COCKPIT_URL = "https://www.coe.int/en/web/interculturalcities/-/an-anti-racism-cockpit"
BUNDLED_COUNT = 75

NEW_PRACTICES = [
    {
        "id": "welcome-desk-for-newcomers-in-ghent",
        "title": "Welcome desk for newcomers in Ghent",
        "subtitle": "One door for every question of a newly arrived resident",
        "cities": ["Ghent"],
        "country": "Belgium",
        "period": "2017 onwards",
        "topics": ["Welcoming and social integration"],
        "purpose": "Give newcomers one place to ask about housing, language courses and work.",
        "rationale": None,
        "process": "City services and migrant associations staff the desk together.",
        "impact": None,
        "keywords": ["newcomers", "one-stop shop"],
        "url": "https://example.org/ghent-welcome-desk",
        "language": "en",
        "source": "import",
    },
    {
        "id": "multilingual-story-hours-in-bergen",
        "title": "Multilingual story hours in Bergen",
        "subtitle": None,
        "cities": ["Bergen"],
        "country": "Norway",
        "period": "2020-2023",
        "topics": ["Multilingualism", "Education"],
        "purpose": "Read to children in the languages spoken at home, in public libraries.",
        "rationale": None,
        "process": None,
        "impact": None,
        "keywords": ["libraries", "children"],
        "url": "https://example.org/bergen-story-hours",
        "language": "en",
        "source": "import",
    },
]


def assert_cockpit_card(message: dict[str, Any]) -> None:
    text = message["text"]
    assert "An Anti-Racism Cockpit" in text
    assert "Turin, Italy" in text
    assert f"https://t.me/{DEFAULT_USERNAME}?start=p_{COCKPIT_KEY}" in text
    assert message["params"]["parse_mode"] == "HTML"
    read_more = [b for b in buttons(message) if "Read more" in b["text"]]
    assert read_more == [{"text": "📖 Read more", "url": COCKPIT_URL}]


def db_practices(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))["practices"].values())


# --- talking to the running bot -------------------------------------------------------------


def test_start_up_registers_commands_and_writes_the_database(
    api: RecordingBotApi, running_bot: BotProcess, tmp_path: Path
) -> None:
    names = [name for name, _ in api.calls]
    assert names.index("setMyCommands") < names.index("getUpdates")
    commands = {c["command"] for c in api.calls_of("setMyCommands")[-1]["commands"]}
    assert {"start", "search", "help", "topics", "countries", "latest"} <= commands
    # The bundled catalogue is loaded on the first start, through the atomic storage.
    db_path = tmp_path / "data" / "bot.json"
    assert len(db_practices(db_path)) == BUNDLED_COUNT
    assert not (tmp_path / "data" / ".bot.json.tmp").exists()
    assert "is ready" in running_bot.stderr


def test_start_welcomes_with_buttons(api: RecordingBotApi, running_bot: BotProcess) -> None:
    reply = say(api, 501, "/start")
    assert "Intercultural Cities" in reply["text"]
    data = {b.get("callback_data") for b in buttons(reply)}
    assert {"help", "browse|topics", "browse|countries", "browse|latest"} <= data


def test_an_update_the_library_cant_read_is_skipped_and_everyone_is_still_answered(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    # A poll as an older Bot API sent it (options without persistent_id): PTB 22 can't read
    # it, and it used to fail every getUpdates batch again and again, answering nobody.
    options = [{"text": "yes", "voter_count": 0}]
    poll = {
        "id": "p1",
        "question": "?",
        "options": options,
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
    }
    skipped = api.push_update({"poll": poll})
    reply = say(api, 502, "/start")
    assert "Intercultural Cities" in reply["text"]
    log = running_bot.stderr
    assert f"update {skipped['update_id']} can't be read" in log
    assert log.count("can't be read") == 1  # skipped once, not fetched again
    assert "Traceback" not in log


def test_search_result_button_and_deep_link_open_the_card(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    chat = 502
    results = say(api, chat, "anti racism turin")
    # Every row carries its own deep link, and the button with the row's number opens it.
    rows = results["text"].split("\n\n")[1:]
    assert rows and all(f"https://t.me/{api.username}?start=p_" in row for row in rows)
    link = f"https://t.me/{api.username}?start=p_{COCKPIT_KEY}"
    (number,) = [n for n, row in enumerate(rows, 1) if link in row]
    assert "An Anti-Racism Cockpit" in rows[number - 1]
    assert number <= 2, "the practice that matches every word should rank at the top"
    button = {b["text"]: b for b in buttons(results)}[str(number)]
    assert button["callback_data"] == f"c|{COCKPIT_KEY}"

    seen = sum(m["chat"]["id"] == chat for m in api.bot_messages)
    api.push_callback(chat, button["callback_data"], results["message_id"])
    card = next_reply(api, chat, seen)
    assert_cockpit_card(card)
    answers = api.wait_for(lambda: api.calls_of("answerCallbackQuery"), REPLY_TIMEOUT)
    assert not answers[-1].get("show_alert")

    assert_cockpit_card(say(api, chat, f"/start p_{COCKPIT_KEY}"))


def test_unknown_deep_link_says_so(api: RecordingBotApi, running_bot: BotProcess) -> None:
    reply = say(api, 503, "/start p_no-such-practice")
    assert "not in the catalogue" in reply["text"]
    assert not buttons(reply)


def test_inline_query_answers_with_articles(api: RecordingBotApi, running_bot: BotProcess) -> None:
    api.push_inline_query(504, "anti rumours")
    answer = api.wait_for(lambda: api.calls_of("answerInlineQuery"), REPLY_TIMEOUT)[-1]
    results = answer["results"]
    assert 1 <= len(results) <= 50
    assert all(r["type"] == "article" for r in results)
    assert any("Anti-Rumour" in r["title"] or "Anti-rumour" in r["title"] for r in results)
    for result in results:
        assert result["url"].startswith(f"https://t.me/{api.username}?start=p_")
        assert result["input_message_content"]["parse_mode"] == "HTML"
        assert len(result["id"].encode()) <= 64


# --- the process: logs, signals, the database lock ------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_signal_stops_cleanly_and_releases_the_database(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path, sig: signal.Signals
) -> None:
    env = bot_env(tmp_path, api)
    first = launch(env=env, name="first")
    wait_polling(api, first)
    say(api, 505, "/start")
    assert first.stop(sig) == 0
    assert "Traceback" not in first.stderr
    assert DEFAULT_TOKEN not in first.stderr and TOKEN_SECRET not in first.stderr
    assert DEFAULT_TOKEN not in first.stdout
    assert len(db_practices(Path(env["DB_PATH"]))) == BUNDLED_COUNT

    # The lock went with the process: the same database opens again, and is not reloaded.
    polls = len(api.calls_of("getUpdates"))
    second = launch(env=env, name="second")
    wait_polling(api, second, polls + 1)
    assert "Intercultural Cities" in say(api, 505, "/start")["text"]
    assert second.stop(signal.SIGTERM if sig == signal.SIGINT else signal.SIGINT) == 0
    assert len(db_practices(Path(env["DB_PATH"]))) == BUNDLED_COUNT
    assert TOKEN_SECRET not in second.stderr


def test_a_second_bot_on_the_same_database_is_refused(
    api: RecordingBotApi, running_bot: BotProcess, launch: Launcher, tmp_path: Path
) -> None:
    before = (tmp_path / "data" / "bot.json").read_bytes()
    calls_before = len(api.calls)
    second = launch(env=bot_env(tmp_path, api), name="second")
    assert second.wait() != 0
    line = one_line(second.stderr)
    assert "in use" in line and "bot.json" in line
    assert "Traceback" not in second.stderr
    # It stopped before talking to Telegram or touching the file; the first one still answers.
    assert all(method != "getMe" for method, _ in api.calls[calls_before:])
    assert (tmp_path / "data" / "bot.json").read_bytes() == before
    assert running_bot.popen.poll() is None
    assert "Intercultural Cities" in say(api, 506, "/start")["text"]


@pytest.mark.parametrize("token", [None, "", "   "], ids=["unset", "empty", "blank"])
def test_without_a_token_it_stops_with_one_line(
    launch: Launcher, tmp_path: Path, token: str | None
) -> None:
    env = bot_env(tmp_path)
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    process = launch(env=env)
    assert process.wait() != 0
    assert "@BotFather" in one_line(process.stderr)
    assert process.stdout == ""
    assert not Path(env["DB_PATH"]).exists()


def test_a_corrupt_database_stops_start_up_and_is_left_untouched(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    db_path = tmp_path / "data" / "bot.json"
    db_path.parent.mkdir()
    garbage = b'{"practices": {"1": {"id": "x"}}, "meta": garb\x00age'
    db_path.write_bytes(garbage)
    process = launch(env=bot_env(tmp_path, api))
    assert process.wait() != 0
    line = one_line(process.stderr)
    assert "bot.json" in line and "not a valid database" in line
    assert db_path.read_bytes() == garbage
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["bot.json", "bot.json.lock"]
    assert not api.calls_of("getUpdates")


def test_debug_log_never_contains_the_token(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    process = launch(env=bot_env(tmp_path, api, LOG_LEVEL="DEBUG"))
    wait_polling(api, process)
    say(api, 507, "anti racism turin")
    assert process.stop() == 0
    assert "DEBUG" in process.stderr
    assert TOKEN_SECRET not in process.stderr


def test_a_rejected_token_stops_with_one_line_without_the_token(
    launch: Launcher, tmp_path: Path
) -> None:
    with FakeBotApi(token="999:ANOTHER-TOKEN") as strict_api:
        process = launch(env=bot_env(tmp_path, strict_api))
        code = process.wait()
    assert code != 0
    assert TOKEN_SECRET not in process.stderr
    assert "token" in one_line(process.stderr).lower()


def test_an_unreachable_bot_api_stops_with_one_line(launch: Launcher, tmp_path: Path) -> None:
    with FakeBotApi() as gone:
        env = bot_env(tmp_path, gone)
    process = launch(env=env)  # the port is closed now
    assert process.wait() != 0
    assert TOKEN_SECRET not in process.stderr
    assert "Traceback" not in process.stderr
    one_line(process.stderr)


# --- the data commands ----------------------------------------------------------------------


def test_import_export_stats(tmp_path: Path) -> None:
    env = bot_env(tmp_path)
    source = tmp_path / "new.json"
    source.write_text(json.dumps(NEW_PRACTICES), encoding="utf-8")

    first = run_cli(tmp_path, "import", str(source), env=env)
    assert first.returncode == 0, first.stderr
    assert "added 2" in first.stdout
    again = run_cli(tmp_path, "import", str(source), env=env)
    assert again.returncode == 0, again.stderr
    assert "added 0" in again.stdout and "unchanged 2" in again.stdout

    out = tmp_path / "out.json"
    exported = run_cli(tmp_path, "export", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    records = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(records, list) and len(records) == BUNDLED_COUNT + 2
    by_id = {record["id"]: record for record in records}
    for practice in NEW_PRACTICES:
        assert by_id[practice["id"]] == practice

    stats = run_cli(tmp_path, "stats", env=env)
    assert stats.returncode == 0, stats.stderr
    assert f"Published {BUNDLED_COUNT + 2}" in stats.stdout
    for result in (first, again, exported, stats):
        assert "Traceback" not in result.stderr


def test_import_while_the_bot_runs_is_refused(
    api: RecordingBotApi, running_bot: BotProcess, tmp_path: Path
) -> None:
    source = tmp_path / "new.json"
    source.write_text(json.dumps(NEW_PRACTICES), encoding="utf-8")
    db_path = tmp_path / "data" / "bot.json"
    before = db_path.read_bytes()
    result = run_cli(tmp_path, "import", str(source), env=bot_env(tmp_path))
    assert result.returncode != 0
    assert "in use" in one_line(result.stderr)
    assert "added" not in result.stdout
    assert db_path.read_bytes() == before
    assert running_bot.popen.poll() is None


@pytest.mark.parametrize(
    "content",
    [b'[{"title": "Half a record", "country": "Spain"', b"\xff\xfe not utf-8", b'"a string"'],
    ids=["truncated", "not-utf8", "not-a-list"],
)
def test_importing_a_broken_file_imports_nothing(tmp_path: Path, content: bytes) -> None:
    env = bot_env(tmp_path)
    assert run_cli(tmp_path, "stats", env=env).returncode == 0  # the bundled catalogue
    db_path = Path(env["DB_PATH"])
    before = db_path.read_bytes()
    broken = tmp_path / "broken.json"
    broken.write_bytes(content)

    result = run_cli(tmp_path, "import", str(broken), env=env)
    assert result.returncode != 0
    assert "broken.json" in one_line(result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert db_path.read_bytes() == before


def test_the_log_never_contains_the_token(api: RecordingBotApi, running_bot: BotProcess) -> None:
    say(api, 508, "anti racism turin")
    api.push_inline_query(508, "anti rumours")
    api.wait_for(lambda: api.calls_of("answerInlineQuery"), REPLY_TIMEOUT)
    time.sleep(0.1)  # let the last log lines reach the file
    log = running_bot.stderr + running_bot.stdout
    assert "INFO" in log
    assert DEFAULT_TOKEN not in log and TOKEN_SECRET not in log
