"""Follow end to end: `python -m bot` and `python -m bot import` against the fake Bot API.

Subscriptions made in the running bot, an import while it is stopped, the alerts sent when it
runs again; and a bot killed (SIGKILL) in the middle of a drain, restarted on the same files.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.models import Subscription
from store.db import open_database
from store.subscriptions import SubscriptionStore
from tests.e2e.process import (
    ADMIN_ID,
    ROMA_IN_BARCELONA,
    Launcher,
    RecordingBotApi,
    alerts_by_chat,
    bot_env,
    run_cli,
    say,
    wait_polling,
)


def write_import(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps([ROMA_IN_BARCELONA]), encoding="utf-8")


def test_an_import_while_the_bot_is_stopped_is_alerted_when_it_runs_again(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    env = bot_env(tmp_path, api)
    bot = launch(env=env, name="first")
    wait_polling(api, bot)
    assert "the topic <b>Roma</b>" in say(api, 501, "/subscribe topic:roma")["text"]
    assert "the city <b>Barcelona</b>" in say(api, 502, "/subscribe city:barcelona")["text"]
    say(api, 503, "/subscribe topic:roma")
    say(api, 504, "/subscribe topic:refugees")
    assert bot.stop() == 0

    write_import(tmp_path)
    imported = run_cli(tmp_path, "import", "new.json", env=bot_env(tmp_path))
    assert imported.returncode == 0 and "added 1" in imported.stdout
    api.fail_chat(503)  # this user blocked the bot meanwhile

    bot = launch(env=env, name="second")
    api.wait_for(lambda: alerts_by_chat(api).keys() >= {501, 502}, 15)
    report = say(api, ADMIN_ID, "/alerts")["text"]
    assert "Deactivated chats: 1" in report and "503:" in report
    assert alerts_by_chat(api) == {501: 1, 502: 1}
    assert bot.stop() == 0


def test_a_bot_killed_mid_drain_sends_the_rest_after_a_restart(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    chats = range(10_001, 10_121)
    env = bot_env(tmp_path, api, ALERT_RATE="40")
    database = open_database(Path(env["DB_PATH"]))
    store = SubscriptionStore(database)
    for chat in chats:
        store.add(Subscription(chat, chat, "topic", "Roma"), limit=50)
    database.close()
    write_import(tmp_path)
    assert run_cli(tmp_path, "import", "new.json", env=bot_env(tmp_path)).returncode == 0

    bot = launch(env=env, name="killed")
    api.wait_for(lambda: sum(alerts_by_chat(api).values()) >= 30, 20)
    bot.popen.kill()  # SIGKILL: no clean shutdown, marks only in the journal
    bot.popen.wait(10)
    before = sum(alerts_by_chat(api).values())
    assert before < len(chats)

    bot = launch(env=env, name="restarted")
    api.wait_for(lambda: alerts_by_chat(api).keys() >= set(chats), 20)
    assert bot.stop() == 0
    counts = alerts_by_chat(api)
    # Only sends in flight at the kill can come twice: at most one per chat, a few in all.
    assert max(counts.values()) <= 2
    assert sum(counts.values()) - len(chats) <= 3
    assert set(counts) == set(chats)
