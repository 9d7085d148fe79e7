"""Backups end to end: `python -m bot backup` beside a bot that is busy sending alerts, and
`python -m bot restore`, refused while the bot runs."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from bot.alerts import PENDING
from bot.models import Subscription
from handlers.backups import request_path
from store.backup import read_archive
from store.db import open_database
from store.outbox import Outbox
from store.subscriptions import SubscriptionStore
from tests.e2e.process import (
    ROMA_IN_BARCELONA,
    Launcher,
    RecordingBotApi,
    alerts_by_chat,
    bot_env,
    run_cli,
    wait_polling,
)

CHATS = range(30_001, 30_161)


def sent_in(db_path: Path) -> set[int]:
    """Open a database as the bot would and return the chats whose alert is no longer pending
    (every chat here has one alert; none fails)."""
    database = open_database(db_path)
    try:
        Outbox(database)  # folds the journal: sent rows become counts, as at start-up
        rows = database.table("outbox").all()
        assert sum(d["count"] for d in database.table("outbox_summary").all()) + len(rows) == len(
            CHATS
        )
        return set(CHATS) - {row["chat_id"] for row in rows if row["status"] == PENDING}
    finally:
        database.close()


def test_a_backup_of_a_busy_bot_restores_a_valid_database_with_what_was_sent(
    launch: Launcher, tmp_path: Path
) -> None:
    with RecordingBotApi(latency=0.02) as api:
        env = bot_env(tmp_path, api, ALERT_RATE="30", BACKUP_DIR=str(tmp_path / "backups"))
        db_path = Path(env["DB_PATH"])
        database = open_database(db_path)
        for chat in CHATS:
            SubscriptionStore(database).add(Subscription(chat, chat, "topic", "Roma"), limit=50)
        database.close()
        (tmp_path / "new.json").write_text(json.dumps([ROMA_IN_BARCELONA]), encoding="utf-8")
        assert run_cli(tmp_path, "import", "new.json", env=bot_env(tmp_path)).returncode == 0

        bot = launch(env=env, name="busy")
        api.wait_for(lambda: sum(alerts_by_chat(api).values()) >= 20, 20)
        before = set(alerts_by_chat(api))
        made = run_cli(tmp_path, "backup", env=env)
        after = set(alerts_by_chat(api))
        assert made.returncode == 0, made.stderr
        archive = Path(made.stdout.strip().removeprefix("snapshot written to "))
        assert archive.parent == tmp_path / "backups" and archive.is_file()

        refused = run_cli(tmp_path, "restore", str(archive), env=env)
        assert refused.returncode == 1 and "stop it first" in refused.stderr
        api.wait_for(lambda: alerts_by_chat(api).keys() >= set(CHATS), 30)
        assert bot.stop(signal.SIGTERM) == 0
    assert len(after) < len(CHATS), "the drain ended before the snapshot"

    restored = run_cli(tmp_path, "restore", str(archive), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "the previous files are kept in" in restored.stdout
    in_snapshot = sent_in(db_path)
    # Everything Telegram had accepted before the backup was asked for is in the snapshot
    # (a send accepted in the last instant is marked a moment later: a few at most), and
    # nothing accepted after the backup had returned.
    assert len(before - in_snapshot) <= 3
    assert in_snapshot <= after


def test_a_snapshot_asked_for_while_the_bot_was_starting_is_written_once_it_runs(
    api: RecordingBotApi, launch: Launcher, tmp_path: Path
) -> None:
    env = bot_env(tmp_path, api)
    db_path = Path(env["DB_PATH"])
    open_database(db_path).close()
    target = tmp_path / "asked" / "snapshot.tar.gz"
    request_path(db_path).write_text(str(target), encoding="utf-8")
    bot = launch(env=env, name="starting")
    wait_polling(api, bot)
    api.wait_for(lambda: target.exists() and not request_path(db_path).exists(), 15)
    assert bot.stop(signal.SIGTERM) == 0
    assert read_archive(target, db_path)[db_path]
