"""End to end: the real `python -m bot` in a subprocess, talking to a loopback fake Bot API.

Each test starts its own processes with an environment of their own (token, API URLs,
`DB_PATH` in `tmp_path`, working directory `tmp_path` so that no `.env` of the repository is
read) and kills whatever is still running in the fixture teardown. The tests play the user's
side through `FakeBotApi.push_*` and check what the bot sent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.fake_bot_api import DEFAULT_TOKEN, DEFAULT_USERNAME, FakeBotApi, Params

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN_SECRET = DEFAULT_TOKEN.partition(":")[2]
ADMIN_ID = 900_001
COCKPIT_KEY = "an-anti-racism-cockpit"
COCKPIT_URL = "https://www.coe.int/en/web/interculturalcities/-/an-anti-racism-cockpit"
BUNDLED_COUNT = 75

START_TIMEOUT = 20.0  # start-up to the first getUpdates: about 0.5 s on a laptop
REPLY_TIMEOUT = 10.0
EXIT_TIMEOUT = 15.0
CLI_TIMEOUT = 30.0

# Settings the bot reads; an inherited value must never leak into a test's process.
SETTING_NAMES = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "TELEGRAM_API_FILE_URL",
    "DB_PATH",
    "ADMIN_IDS",
    "ALERT_RATE",
    "LOG_LEVEL",
)

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


class RecordingBotApi(FakeBotApi):
    """The fake, also remembering every message the bot sent with the id Telegram gave it."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bot_messages: list[dict[str, Any]] = []

    def dispatch(self, token: str, method: str, params: Params) -> tuple[int, Params]:
        status, payload = super().dispatch(token, method, params)
        if status == 200 and method.lower() == "sendmessage":
            with self._changed:
                self.bot_messages.append({**payload["result"], "params": params})
                self._changed.notify_all()
        return status, payload


def bot_env(tmp_path: Path, api: FakeBotApi | None = None, **settings: str) -> dict[str, str]:
    """Return an environment for `python -m bot`: inherited basics plus these settings only."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    # The repository first, so the bot runs from this tree even if the installed copy is stale.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env["DB_PATH"] = str(tmp_path / "data" / "bot.json")
    env["LOG_LEVEL"] = "INFO"
    if api is not None:
        env.update(
            TELEGRAM_BOT_TOKEN=DEFAULT_TOKEN,
            TELEGRAM_API_BASE_URL=api.base_url,
            TELEGRAM_API_FILE_URL=api.file_url,
            ADMIN_IDS=str(ADMIN_ID),
        )
    env.update(settings)
    return env


class BotProcess:
    """One `python -m bot …` subprocess; its output goes to files so no pipe can fill up."""

    def __init__(self, cwd: Path, env: dict[str, str], args: tuple[str, ...], name: str) -> None:
        self.out_path = cwd / f"{name}.stdout"
        self.err_path = cwd / f"{name}.stderr"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = EXIT_TIMEOUT) -> int:
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"python -m bot did not exit within {timeout}s; stderr:\n{self.stderr}")

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int:
        """Send a signal and return the exit code."""
        self.popen.send_signal(sig)
        return self.wait()

    def kill(self) -> None:
        """Make sure the process is gone: terminate, then kill."""
        if self.popen.poll() is not None:
            return
        self.popen.terminate()
        try:
            self.popen.wait(5)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(5)


Launcher = Callable[..., BotProcess]


@pytest.fixture
def api() -> Iterator[RecordingBotApi]:
    with RecordingBotApi() as fake:
        yield fake


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Launcher]:
    """Start `python -m bot …` processes; every one still running is killed at teardown."""
    processes: list[BotProcess] = []

    def start(*args: str, env: dict[str, str], name: str | None = None) -> BotProcess:
        process = BotProcess(tmp_path, env, args, name or f"bot{len(processes)}")
        processes.append(process)
        return process

    yield start
    for process in processes:
        process.kill()


def run_cli(tmp_path: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run a data command to completion (no token in `env` unless the caller put one)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT,
        check=False,
    )


def wait_polling(api: FakeBotApi, process: BotProcess, polls: int = 1) -> None:
    """Wait until the bot has called getUpdates `polls` times; fail early if it died."""

    def polling() -> bool:
        if process.popen.poll() is not None:
            return True
        return len(api.calls_of("getUpdates")) >= polls

    api.wait_for(polling, START_TIMEOUT)
    if process.popen.poll() is not None:
        pytest.fail(f"the bot exited with {process.popen.returncode}; stderr:\n{process.stderr}")


@pytest.fixture
def running_bot(api: RecordingBotApi, launch: Launcher, tmp_path: Path) -> BotProcess:
    """The bot, polling the fake API."""
    process = launch(env=bot_env(tmp_path, api), name="bot")
    wait_polling(api, process)
    return process


def next_reply(api: RecordingBotApi, chat_id: int, after: int) -> dict[str, Any]:
    """Wait for the first message the bot sends to `chat_id` beyond the `after` ones seen."""

    def arrived() -> list[dict[str, Any]]:
        return [m for m in api.bot_messages if m["chat"]["id"] == chat_id][after:]

    return api.wait_for(arrived, REPLY_TIMEOUT)[0]


def say(api: RecordingBotApi, chat_id: int, text: str) -> dict[str, Any]:
    """The user sends `text` in a private chat; return the bot's reply."""
    seen = sum(m["chat"]["id"] == chat_id for m in api.bot_messages)
    api.push_message(chat_id, text)
    return next_reply(api, chat_id, seen)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


def one_line(text: str) -> str:
    """Assert the text is exactly one non-empty line and return it."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{text}"
    return lines[0]


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
    assert f"published {BUNDLED_COUNT + 2}" in stats.stdout
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
