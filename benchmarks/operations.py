"""Operations timings: a script that prints tables, not a test.

    .venv/bin/python benchmarks/operations.py          # snapshot, /stats, stop (about 1 min)

* Snapshot: how long the running bot's snapshot holds the event loop (reading every database
  file in one step, `store.backup.read_files`) and how long writing the archive takes (in a
  thread), for a database of 2,000 practices, 10,000 members with subscriptions and 5,000
  pending alerts.
* /stats: `handlers.stats.collect` over that database and a search log of 90 days × 120
  queries a day; and what counting one search costs with that log (`SearchLog.record`: one
  write of the log file, on the event loop).
* Stop: `python -m bot` against the loopback fake Bot API in a drain of 300 alerts at 40 a
  second (sends answered after 50 ms), SIGTERM after 20 alerts: seconds from the signal to
  the exit, in polling and in webhook mode; the issue's bound is 10 s.
"""

from __future__ import annotations

import json
import signal
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.alerts import OutboxRow
from bot.models import Practice, Subscription
from handlers.backups import take_snapshot
from handlers.stats import collect
from store.backup import read_files, snapshot_name, write_archive
from store.db import open_database
from store.outbox import Outbox
from store.practices import PracticeStore
from store.search_log import SearchLog
from store.subscriptions import SubscriptionStore
from tests.e2e.process import (
    ROMA_IN_BARCELONA,
    BotProcess,
    RecordingBotApi,
    alerts_by_chat,
    bot_env,
    run_cli,
    webhook_env,
)
from tests.fakes import make_settings

RUNS = 7


def quantiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def seed(db_path: Path) -> None:
    database = open_database(db_path)
    topics = ["Roma", "Education", "Refugees", "Housing and urban planning"]
    practices = [
        Practice(
            id=f"practice-{n}",
            title=f"Practice number {n}",
            country="Spain",
            cities=["Barcelona"],
            topics=[topics[n % 4]],
            purpose="A practice for the benchmark. " * 20,
        )
        for n in range(2000)
    ]
    with database.transaction():
        PracticeStore(database).import_practices(practices)
        subs = SubscriptionStore(database)
        for chat in range(10_000):
            subs.add(Subscription(chat + 1, chat + 1, "topic", topics[chat % 4]), limit=50)
    Outbox(database).queue([OutboxRow(n + 1, ["practice-1"], ["Roma"]) for n in range(5000)])
    database.close()


def seed_searches(log: SearchLog, today: date) -> None:
    """Write 90 days of counts at once (what `record` would have written over 90 days)."""
    docs = [
        {
            "day": (today - timedelta(days=d)).isoformat(),
            "query": f"query {n} words",
            "count": 1 + n % 3,
            "results": n % 7,
        }
        for d in range(90)
        for n in range(120)
    ]
    log._table.insert_multiple(docs)  # the benchmark's shortcut past `record`


def snapshot_table(folder: Path) -> None:
    import asyncio

    from bot.app import build_services

    db_path = folder / "bot.json"
    seed(db_path)
    settings = make_settings(db_path=db_path, backup_dir=folder / "backups")
    sizes = sum(p.stat().st_size for p in folder.glob("bot.*"))
    reads, writes = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        contents = read_files(db_path)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        write_archive(contents, db_path, folder / "backups" / snapshot_name())
        writes.append(time.perf_counter() - start)
    asyncio.run(take_snapshot(settings))
    print(f"\nSnapshot of {sizes / 2**20:.1f} MB of database files, {RUNS} runs")
    print("| step | median | p95 | max |\n|---|---|---|---|")
    for name, samples in (("read all files (holds the loop)", reads), ("write .tar.gz", writes)):
        med, p95, top = quantiles(samples)
        print(f"| {name} | {med * 1000:.1f} ms | {p95 * 1000:.1f} ms | {top * 1000:.1f} ms |")

    database = open_database(db_path)
    svc = build_services(settings, database)
    seed_searches(svc.search_log, date.today())
    times, records = [], []
    log = svc.search_log
    for run in range(RUNS):
        start = time.perf_counter()
        collect(svc)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        log.record(run, f"a new query {run}", 1)
        records.append(time.perf_counter() - start)
    database.close()
    med, p95, top = quantiles(times)
    print("\n/stats figures (10,000 members, 5,000 pending alerts, 90 days × 120 queries)")
    print("| step | median | p95 | max |\n|---|---|---|---|")
    print(f"| collect | {med * 1000:.1f} ms | {p95 * 1000:.1f} ms | {top * 1000:.1f} ms |")
    med, p95, top = quantiles(records)
    print(
        f"| count one search | {med * 1000:.1f} ms | {p95 * 1000:.1f} ms | {top * 1000:.1f} ms |"
    )


def stop_once(folder: Path, mode: str) -> float:
    chats = range(40_001, 40_301)
    with RecordingBotApi(latency=0.05) as api:
        env = bot_env(folder, api, ALERT_RATE="40", LOG_LEVEL="WARNING")
        if mode == "webhook":
            env = webhook_env(folder, api, "bench-secret", ALERT_RATE="40", LOG_LEVEL="WARNING")
        database = open_database(Path(env["DB_PATH"]))
        subs = SubscriptionStore(database)
        for chat in chats:
            subs.add(Subscription(chat, chat, "topic", "Roma"), limit=50)
        database.close()
        (folder / "new.json").write_text(json.dumps([ROMA_IN_BARCELONA]), encoding="utf-8")
        run_cli(folder, "import", "new.json", env=bot_env(folder))
        bot = BotProcess(folder, env, (), f"stop-{mode}")
        try:
            api.wait_for(lambda: sum(alerts_by_chat(api).values()) >= 20, 30)
            start = time.perf_counter()
            bot.popen.send_signal(signal.SIGTERM)
            code = bot.popen.wait(30)
            elapsed = time.perf_counter() - start
        finally:
            if bot.popen.poll() is None:
                bot.popen.kill()
        assert code == 0, bot.stderr
        return elapsed


def stop_table() -> None:
    print(f"\nSIGTERM mid-drain to exit, {RUNS // 2 + 1} runs per mode")
    print("| mode | median | p95 | max |\n|---|---|---|---|")
    for mode in ("polling", "webhook"):
        samples = []
        for _ in range(RUNS // 2 + 1):
            with tempfile.TemporaryDirectory() as folder:
                samples.append(stop_once(Path(folder), mode))
        med, p95, top = quantiles(samples)
        print(f"| {mode} | {med:.2f} s | {p95:.2f} s | {top:.2f} s |")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        snapshot_table(Path(folder))
    stop_table()


if __name__ == "__main__":
    main()
