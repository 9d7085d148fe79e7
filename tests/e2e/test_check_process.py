"""`python -m bot check` against the loopback fake Bot API: one line per finding, exit 1 on any
problem, for each kind of problem."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from store.db import SCHEMA_VERSION, open_database
from tests.e2e.fake_bot_api import DEFAULT_USERNAME, FakeBotApi
from tests.e2e.process import (
    TOKEN_SECRET,
    Launcher,
    RecordingBotApi,
    bot_env,
    free_port,
    run_cli,
    wait_polling,
    webhook_env,
)

SECRET = "check-secret"


def check(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    result = run_cli(tmp_path, "check", env=env)
    assert TOKEN_SECRET not in result.stdout + result.stderr
    for line in result.stdout.splitlines():
        assert line.startswith(("ok  ", "FAIL")), line
    return result


def failures(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith("FAIL")]


def test_a_ready_installation_passes(api: RecordingBotApi, launch: Launcher, tmp_path: Path):
    env = bot_env(tmp_path, api)
    bot = launch(env=env, name="bot")  # creates the database and runs beside the check
    wait_polling(api, bot)
    result = check(tmp_path, env)
    assert result.returncode == 0, result.stdout
    assert f"@{DEFAULT_USERNAME}" in result.stdout
    assert f"the bot is running (pid {bot.popen.pid})" in result.stdout
    assert f"schema {SCHEMA_VERSION}" in result.stdout, result.stdout
    # The shards of a concern are one line (a hundred files each).
    assert "bot.members.00.json … bot.members.99.json: 100 shards" in result.stdout


def test_a_fresh_installation_passes_before_the_first_start(api: FakeBotApi, tmp_path: Path):
    result = check(tmp_path, bot_env(tmp_path, api))
    assert result.returncode == 0, result.stdout
    assert "not created yet" in result.stdout


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"ALERT_RATE": "fast"}, "ALERT_RATE"),
        ({"WEBHOOK_URL": "https://x.example.org/h"}, "WEBHOOK_SECRET is required"),
    ],
)
def test_a_configuration_problem_fails(api: FakeBotApi, tmp_path: Path, settings, expected):
    result = check(tmp_path, bot_env(tmp_path, api, **settings))
    assert result.returncode == 1
    assert expected in failures(result)[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "is not a TinyDB document"),
        ('{"meta": {"1": {"schema": "one"}}}', "no valid schema version"),
        ('{"meta": {"1": {"schema": 99}}}', "newer bot (schema 99"),
    ],
)
def test_a_database_problem_fails(api: FakeBotApi, tmp_path: Path, content, expected):
    env = bot_env(tmp_path, api)
    Path(env["DB_PATH"]).parent.mkdir(parents=True)
    Path(env["DB_PATH"]).write_text(content, encoding="utf-8")
    result = check(tmp_path, env)
    assert result.returncode == 1
    assert [line for line in failures(result) if expected in line]


def test_a_missing_file_of_the_database_fails(api: FakeBotApi, tmp_path: Path):
    env = bot_env(tmp_path, api)
    open_database(Path(env["DB_PATH"])).close()
    Path(env["DB_PATH"]).with_name("bot.members.42.json").unlink()
    result = check(tmp_path, env)
    assert result.returncode == 1
    assert "bot.members.42.json is missing" in failures(result)[0]


def test_a_missing_main_file_beside_the_others_fails_and_the_bot_will_not_start(
    api: FakeBotApi, tmp_path: Path
):
    env = bot_env(tmp_path, api)
    path = Path(env["DB_PATH"])
    database = open_database(path)
    database.table("subscriptions").insert({"chat_id": 5, "user_id": 5, "kind": "topic"})
    database.close()
    path.rename(path.with_name("moved-away.json"))
    result = check(tmp_path, env)
    assert result.returncode == 1
    assert "bot.json is missing, but" in failures(result)[0]
    assert not path.exists()


def test_an_unreadable_database_fails(api: FakeBotApi, tmp_path: Path):
    env = bot_env(tmp_path, api)
    Path(env["DB_PATH"]).mkdir(parents=True)  # a directory where the file should be
    result = check(tmp_path, env)
    assert result.returncode == 1 and "can't be read" in failures(result)[0]


def test_torn_journal_lines_are_reported_but_no_problem(api: FakeBotApi, tmp_path: Path):
    env = bot_env(tmp_path, api)
    open_database(Path(env["DB_PATH"])).close()
    journal = Path(env["DB_PATH"] + ".outbox-journal")
    journal.write_text(json.dumps({"id": 1, "s": "sent"}) + '\n{"id": 2, "s', encoding="utf-8")
    result = check(tmp_path, env)
    assert result.returncode == 0
    assert "1 delivery marks waiting to be folded, 1 torn lines skipped" in result.stdout


def test_a_rejected_token_fails(tmp_path: Path):
    with FakeBotApi(token="999:OTHER") as api:
        result = check(tmp_path, bot_env(tmp_path, api))
    assert result.returncode == 1
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in failures(result)[0]


def test_an_unreachable_bot_api_fails(tmp_path: Path):
    with FakeBotApi() as api:
        env = bot_env(tmp_path, api, TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{free_port()}/bot")
    result = check(tmp_path, env)
    assert result.returncode == 1
    assert "can't reach the Bot API" in failures(result)[0]


def test_webhook_mode_without_a_registered_webhook_fails(api: FakeBotApi, tmp_path: Path):
    result = check(tmp_path, webhook_env(tmp_path, api, SECRET))
    assert result.returncode == 1
    assert "Telegram has no webhook" in failures(result)[0]


def test_webhook_mode_reports_telegrams_last_error(api: FakeBotApi, tmp_path: Path):
    env = webhook_env(tmp_path, api, SECRET)
    api.webhook = {"url": env["WEBHOOK_URL"]}
    api.push_message(5, "hello")
    api.webhook_error = "Connection refused"
    result = check(tmp_path, env)
    assert result.returncode == 1
    assert "1 pending updates; last error" in failures(result)[0]
    assert "Connection refused" in failures(result)[0]


def test_webhook_mode_with_another_url_fails(api: FakeBotApi, tmp_path: Path):
    env = webhook_env(tmp_path, api, SECRET)
    api.webhook = {"url": "https://old.example.org/hook"}
    result = check(tmp_path, env)
    assert result.returncode == 1 and "old.example.org" in failures(result)[0]


def test_a_healthy_webhook_passes(api: FakeBotApi, tmp_path: Path):
    env = webhook_env(tmp_path, api, SECRET)
    api.webhook = {"url": env["WEBHOOK_URL"]}
    result = check(tmp_path, env)
    assert result.returncode == 0, result.stdout
    assert "0 pending updates, no error" in result.stdout
