"""Running for years, end to end: webhook mode, JSON logs, and a clean stop mid-drain.

`python -m bot` runs against the loopback fake Bot API; in webhook mode the test plays
Telegram by POSTing updates to PTB's real webhook server on a free loopback port.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from bot.models import Subscription
from store.db import open_database
from store.subscriptions import SubscriptionStore
from tests.e2e.process import (
    ROMA_IN_BARCELONA,
    TOKEN_SECRET,
    Launcher,
    RecordingBotApi,
    alerts_by_chat,
    bot_env,
    next_reply,
    post_update,
    run_cli,
    say,
    wait_polling,
    webhook_env,
)

SECRET = "right-secret_123"


def test_webhook_refuses_a_wrong_or_missing_secret_and_answers_the_right_one(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    env = webhook_env(tmp_path, api, SECRET, LOG_FORMAT="json")
    bot = launch(env=env, name="webhook")
    wrong = post_update(env, api.push_message(601, "/start"), "wrong-secret")
    missing = post_update(env, api.push_message(602, "/start"), None)
    right = post_update(env, api.push_message(603, "/start"), SECRET)
    assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
    assert "Intercultural" in next_reply(api, 603, 0)["text"]
    assert api.webhook is not None
    assert api.webhook["url"] == "https://bot.example.org/telegram/hook"
    assert api.webhook["secret_token"] == SECRET
    assert bot.stop(signal.SIGTERM) == 0
    # Updates are handled one after another: the refused ones, posted first, never were.
    assert {m["chat"]["id"] for m in api.bot_messages} == {603}
    assert not api.calls_of("getUpdates")
    lines = bot.stderr.splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert TOKEN_SECRET not in bot.stderr and SECRET not in bot.stderr


def test_polling_after_webhook_mode_deletes_the_webhook(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    env = webhook_env(tmp_path, api, SECRET)
    bot = launch(env=env, name="webhook")
    post_update(env, api.push_message(603, "/help"), SECRET)
    assert bot.stop(signal.SIGTERM) == 0
    bot = launch(env=bot_env(tmp_path, api), name="polling")
    wait_polling(api, bot)
    assert api.webhook is None
    assert bot.stop(signal.SIGTERM) == 0


@pytest.mark.parametrize("mode", ["polling", "webhook"])
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_mid_drain_exits_0_and_loses_and_repeats_nothing(
    launch: Launcher, tmp_path: Path, mode: str, sig: signal.Signals
) -> None:
    chats = range(20_001, 20_121)
    # Latency keeps sends in flight at the signal: they must finish and be marked.
    with RecordingBotApi(latency=0.05) as api:
        env = bot_env(tmp_path, api, ALERT_RATE="40")
        if mode == "webhook":
            env = webhook_env(tmp_path, api, SECRET, ALERT_RATE="40")
        database = open_database(Path(env["DB_PATH"]))
        store = SubscriptionStore(database)
        for chat in chats:
            store.add(Subscription(chat, chat, "topic", "Roma"), limit=50)
        database.close()
        (tmp_path / "new.json").write_text(json.dumps([ROMA_IN_BARCELONA]), encoding="utf-8")
        assert run_cli(tmp_path, "import", "new.json", env=bot_env(tmp_path)).returncode == 0

        bot = launch(env=env, name="stopped")
        api.wait_for(lambda: sum(alerts_by_chat(api).values()) >= 20, 20)
        assert bot.stop(sig) == 0
        stopped_at = alerts_by_chat(api)
        assert len(stopped_at) < len(chats), "the drain had finished before the signal"
        assert max(stopped_at.values()) == 1

        bot = launch(env=env, name="restarted")
        api.wait_for(lambda: alerts_by_chat(api).keys() >= set(chats), 20)
        assert bot.stop(sig) == 0
        assert alerts_by_chat(api) == dict.fromkeys(chats, 1)


def test_stats_command_prints_the_figures_as_text_and_json(tmp_path: Path) -> None:
    env = bot_env(tmp_path)
    text = run_cli(tmp_path, "stats", env=env)
    assert text.returncode == 0, text.stderr
    assert "By status: Published 75" in text.stdout and "Found nothing, 30 days:" in text.stdout
    figures = json.loads(run_cli(tmp_path, "stats", "--json", env=env).stdout)
    assert figures["practices_by_status"] == {"published": 75}
    assert figures["members"] == 0 and len(figures["searches_per_week"]) == 12
    assert set(figures["alerts_week"]) == {"sent", "failed", "dropped", "pending"}


def test_stats_counts_searches_while_the_bot_runs_and_after_it_stops(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    env = bot_env(tmp_path, api)
    bot = launch(env=env, name="searched")
    wait_polling(api, bot)
    say(api, 701, "anti rumours")
    running = run_cli(tmp_path, "stats", "--json", env=env)  # from a snapshot the bot takes
    assert running.returncode == 0, running.stderr
    figures = json.loads(running.stdout)
    assert figures["practices_by_status"] == {"published": 75}
    assert figures["top_queries"] == {"anti rumours": 1}
    say(api, 702, "qwxzv")
    assert bot.stop(signal.SIGTERM) == 0  # the last counts are written as the bot stops
    figures = json.loads(run_cli(tmp_path, "stats", "--json", env=env).stdout)
    assert figures["top_queries"] == {"anti rumours": 1, "qwxzv": 1}
    assert figures["zero_result_queries"] == {"qwxzv": 1}
