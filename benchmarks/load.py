"""Answers at the programme's size and at ten times it: a script that prints tables, not a test.

    .venv/bin/python benchmarks/load.py            # both sizes, with and without a drain
    .venv/bin/python benchmarks/load.py --quick    # fewer samples

Each size runs in a child process of its own (so its memory is its own):
* programme size: 400 practices, 5,000 members (one to four subscriptions each), a month of
  alerts at one publication a day (30 publications, each to a tenth of the members), 500
  drafts part-filled; 10×: 4,000 practices, 50,000 members, 5,000 drafts, 30 publications
  to 5,000 members each. The files are written as the previous version left them (schema 2:
  one file per concern, every alert of the month kept as a row in the outbox), so the first
  start also shows what sharding the members and dialogues and summarising the history do.
* The real application (`build_application`, its persistence, send limiter and JobQueue)
  is started and fed real `Update`s through its update queue, as polling does; a recording
  request answers every Bot API call at once (`tests/fakes.py`). A closed loop of members
  (3 searching, 3 subscribing to something new each time, 3 in the submission dialogue,
  editing a field from the preview: a typed answer and two button presses per round) each
  wait for their answer, then think 0.3–0.6 s. Update → reply is the time from putting the
  update in the queue to the Bot API call that shows the answer (the message or the edit).
* "drain": the same while the delivery job sends a publication to a fifth of the members at
  ALERT_RATE (25/s); then, the drain still going, the bar of the issue: 12 members searching
  continuously (1 s between an answer and the next search, as `benchmarks/alerts.py`), p95 of
  their answers ≤ 0.5 s with alerts still flowing.
  The drain is measured for the window of the members' rounds (tens of seconds), not until
  the last alert: at ×10 that would be 10,000 alerts, over six minutes at 25/s.
* Files are written by the database's writer thread, as in the running bot
  (`Database.write_in_background`); every reply waits for the writes made before it.
* Writes: what one action costs the store alone (save a dialogue step, add a subscription):
  the part on the event loop (what changed is encoded, the write queued), the time until it is
  on disk (written, flushed and renamed in the writer thread), and the file it rewrote (one
  shard of the concern: the largest is shown).
* Where an answer's time goes (the members' run): per Bot API call, the wait for the writes
  made before it (`saved`: `disk`, the writer thread's part, then the update's turn coming
  back from other members' updates) and for a slot of the send budget (pacing at 30/s);
  the event loop's lag (how late a 5 ms timer fires: time the loop was busy with other
  work, i.e. queueing behind other members' handlers); and the garbage collector's pauses.
* Burst: 50 `/subscribe` queued at once (as after a pause in polling); the time until the
  last is handled is how long fetched updates wait in memory, i.e. what a crash can lose.
Target: p95 ≤ 100 ms without a drain at both sizes.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update

from benchmarks.alerts import population, settings
from bot.app import build_application, build_services, freeze_startup_objects
from bot.models import Draft
from bot.template import TOPICS
from store.db import CONCERNS, concern_files, concern_path, open_database
from store.keys import conversation_id
from store.practices import utc_now
from store.submissions import SubmissionStore
from tests.fakes import FakeRequest, user, user_message

SEED = 11
MEMBERS = 5_000
PRACTICES = 400
DRAFTS = 500
DAYS = 30
THINK = (0.3, 0.6)
TARGET_MS = 100.0
SHOWN = ("search", "subscribe", "dialogue")
SEARCHES = ["roma education", "refugees lisbon", "anti rumour", "housing geneva", "sport"]
FIRST_CHAT = 1_000_000


# ----- building the database ---------------------------------------------------------------


def build(path: Path, scale: int) -> None:
    """Write the four files of a database of this scale, as the previous version left it."""
    database = open_database(None)
    services = build_services(settings(path, 25), database)
    bundled = services.practices.all()
    places = services.alerts._catalog.index.places
    rng = random.Random(SEED)
    practices = {}
    for n in range(PRACTICES * scale):
        base = bundled[n % len(bundled)]
        doc = base.to_dict() | {"id": f"{base.id}-{n}", "title": f"{base.title} {n}"}
        practices[str(n + 1)] = doc
    members = MEMBERS * scale
    subs = population(services, places, members)
    database.close()
    outbox, row, now = {}, itertools.count(1), utc_now()
    for day in range(DAYS):
        done_at = f"2026-{10 + day // 28:02d}-{day % 28 + 1:02d}T10:00:00+00:00"
        for chat in rng.sample(range(FIRST_CHAT, FIRST_CHAT + members), members // 10):
            outbox[str(next(row))] = {
                "chat_id": chat,
                "keys": [f"p{day}"],
                "why": ["Roma"],
                "status": "sent",
                "queued_at": done_at,
                "done_at": done_at,
            }
    drafts, states = {}, {}
    for n in range(DRAFTS * scale):
        chat = FIRST_CHAT + n
        draft = Draft(user_id=chat, answers=_answers(rng, n), step="purpose", rev=1)
        draft.updated_at = now
        drafts[str(chat)] = draft.to_dict()
        state = {"name": "submit", "key": [chat, chat], "state": "asking", "at": now}
        states[str(conversation_id("submit", (chat, chat)))] = state
    files = {
        "catalogue": {
            "meta": {"1": {"schema": 2, "bundled_catalogue_loaded": True}},
            "practices": practices,
            "submissions": {},
        },
        "members": {"subscriptions": {str(i + 1): d for i, d in enumerate(subs)}, "chats": {}},
        "dialogues": {"drafts": drafts, "conversations": states, "reason_requests": {}},
        "outbox": {"outbox": outbox},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    for concern in CONCERNS:
        text = json.dumps(files[concern], ensure_ascii=False, separators=(",", ":"))
        concern_path(path, concern).write_text(text, encoding="utf-8")


def _answers(rng: random.Random, n: int) -> dict[str, Any]:
    text = "We bring newcomers and long-time residents together in weekly meetings. " * 8
    return {
        "title": f"Neighbourhood welcome circles {n}",
        "subtitle": "Residents welcome newcomers street by street",
        "cities": ["Lisbon"],
        "country": "Portugal",
        "period": "2019 - ongoing",
        "topics": rng.sample(TOPICS, 2),
        "purpose": text,
        "process": text,
        "contact": {"text": "Ana Silva, ana.silva@example.org", "public": False},
    }


def sizes(path: Path) -> dict[str, float]:
    """Return MB per concern (all its files), and of its largest file (`<concern> file`)."""
    found: dict[str, float] = {}
    for concern in CONCERNS:
        files = [f for f in concern_files(path, concern) if f.exists()]
        files = files or [concern_path(path, concern)]  # not sharded yet
        mb = [f.stat().st_size / 1e6 for f in files]
        found[concern], found[concern + " file"] = sum(mb), max(mb)
    return found


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


# ----- driving the running application -----------------------------------------------------


class Recorder(FakeRequest):
    """Answers like Telegram, and wakes whoever waits for a chat's next screen."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, asyncio.Future[tuple[float, dict[str, Any]]]] = {}

    async def do_request(self, url: str, method: str, request_data: Any = None, **kw: Any):
        answer = await super().do_request(url, method, request_data, **kw)
        name = url.rsplit("/", 1)[-1]
        if name in ("sendMessage", "editMessageText") and request_data is not None:
            chat = int(request_data.parameters.get("chat_id", 0))
            future = self.waiting.pop(chat, None)
            if future is not None and not future.done():
                future.set_result(
                    (time.perf_counter(), self.calls[-1].result | {"p": self.calls[-1].params})
                )
        return answer


class Driver:
    """Puts updates in the application's queue and times the answers."""

    def __init__(self, app: Any, recorder: Recorder) -> None:
        self.app, self.recorder = app, recorder
        self.ids = itertools.count(1)
        self.latency: dict[str, list[float]] = defaultdict(list)

    async def send(self, kind: str, chat: int, update: dict[str, Any]) -> dict[str, Any]:
        future = asyncio.get_running_loop().create_future()
        self.recorder.waiting[chat] = future
        started = time.perf_counter()
        await self.app.update_queue.put(
            Update.de_json({"update_id": next(self.ids), **update}, self.app.bot)
        )
        answered, message = await asyncio.wait_for(future, 30)
        self.latency[kind].append((answered - started) * 1000)
        return message

    def text(self, chat: int, text: str) -> dict[str, Any]:
        return {"message": user_message(next(self.ids), text, chat, chat)}

    def press(self, chat: int, data: str, message_id: int) -> dict[str, Any]:
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private"},
            "from": {"id": 1, "is_bot": True, "first_name": "bot"},
            "text": "…",
        }
        query = {"id": str(next(self.ids)), "from": user(chat), "chat_instance": "c", "data": data}
        return {"callback_query": query | {"message": message}}


def button(message: dict[str, Any], prefix: str, suffix: str = "") -> str:
    markup = message["p"].get("reply_markup") or {}
    for row in markup.get("inline_keyboard", []):
        for key in row:
            data = key.get("callback_data", "")
            if data.startswith(prefix) and data.endswith(suffix):
                return data
    text = message["p"].get("text", "")[:200]
    raise LookupError(f"no button {prefix}…{suffix} in {text!r}")


async def searcher(
    driver: Driver,
    chat: int,
    rounds: int,
    rng: random.Random,
    kind: str = "search",
    think: tuple[float, float] = THINK,
) -> None:
    for _ in range(rounds):
        await driver.send(kind, chat, driver.text(chat, rng.choice(SEARCHES)))
        await asyncio.sleep(rng.uniform(*think))


async def subscriber(driver: Driver, chat: int, rounds: int, rng: random.Random) -> None:
    for n in range(rounds):
        words = f"{rng.choice(SEARCHES)} {chat % 1000} {n}"
        await driver.send("subscribe", chat, driver.text(chat, f"/subscribe {words}"))
        await asyncio.sleep(rng.uniform(*THINK))


async def author(driver: Driver, chat: int, rounds: int, rng: random.Random) -> None:
    """Edit the title from the preview again and again: type, Edit, pick the field."""
    store: SubmissionStore = driver.app.bot_data["services"].submissions
    draft = store.draft(chat)
    draft.step, draft.editing = "title", True
    store.save_dialogue(draft, "submit", (chat, chat), "asking")
    for n in range(rounds // 3 + 1):
        preview = await driver.send("dialogue", chat, driver.text(chat, f"Welcome circles {n}"))
        await asyncio.sleep(rng.uniform(*THINK))
        menu = await driver.send(
            "dialogue", chat, driver.press(chat, button(preview, "sb|e|"), preview["message_id"])
        )
        await asyncio.sleep(rng.uniform(*THINK))
        data = button(menu, "sb|f|", "|title")
        await driver.send("dialogue", chat, driver.press(chat, data, menu["message_id"]))
        await asyncio.sleep(rng.uniform(*THINK))


async def run_load(path: Path, scale: int, rounds: int, drain: bool) -> dict[str, Any]:
    database = open_database(path)
    recorder = Recorder()
    app = build_application(settings(path, 25), database, request=recorder)
    await app.initialize()
    await app.start()
    database.write_in_background()  # as post_init does under run_polling
    freeze_startup_objects()
    follow = app.bot_data["services"]
    queued = 0
    if drain:
        members = MEMBERS * scale
        publish_to = range(FIRST_CHAT + 100, FIRST_CHAT + 100 + members // 5)  # not the authors
        from bot.alerts import OutboxRow

        # One key, looked up once: reading every practice per row made ×10 take hours.
        key = app.bot_data["services"].practices.all()[0].key
        rows = [OutboxRow(chat, [key], ["Roma"]) for chat in publish_to]
        follow.outbox.queue(rows)
        queued = len(rows)
    driver = Driver(app, recorder)
    parts = watch(app, database)
    lag = asyncio.create_task(loop_lag(parts["loop lag"]))
    rng = random.Random(SEED)
    base = FIRST_CHAT + 10 * MEMBERS * scale  # members not in the dialogue
    tasks = [searcher(driver, base + i, rounds, random.Random(i)) for i in range(3)]
    tasks += [subscriber(driver, base + 100 + i, rounds, random.Random(i)) for i in range(3)]
    tasks += [author(driver, FIRST_CHAT + i, rounds, random.Random(i)) for i in range(3)]
    sent_before = follow.deliverer.sent
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - started
    lag.cancel()
    gc.callbacks.clear()
    parts = {name: list(values) for name, values in parts.items()}  # the members' run only
    sent = follow.deliverer.sent - sent_before
    bar: dict[str, float] = {}
    if drain:  # the drain bar: a dozen members searching continuously, the drain going on
        sent_before, started = follow.deliverer.sent, time.perf_counter()
        bar_rounds = max(10, rounds // 2)
        await asyncio.gather(
            *(
                searcher(driver, base + 200 + i, bar_rounds, random.Random(i), "bar", (1.0, 1.0))
                for i in range(12)
            )
        )
        bar = {
            "seconds": time.perf_counter() - started,
            "sent": follow.deliverer.sent - sent_before,
        }
    burst_ms = await burst(driver, base + 500)
    await app.stop()
    await app.shutdown()
    database.close()  # post_shutdown runs only under run_polling
    del rng
    return {
        "latency": dict(driver.latency),
        "seconds": seconds,
        "alerts_sent": sent,
        "alerts_queued": queued,
        "bar": bar,
        "burst_ms": burst_ms,
        "rss_mb": rss_mb(),
        "parts": parts,
    }


def watch(app: Any, database: Any) -> dict[str, list[float]]:
    """Time, in ms, what each Bot API call waits for and the GC's pauses.

    `saved` is the limiter's whole wait before a call: the writes reaching the disk
    (`disk`, the writer thread's part) and then the update's turn coming back
    (`handlers.ordering`: other members' updates ran meanwhile, and may hold it).
    """
    parts: dict[str, list[float]] = defaultdict(list)
    limiter = app.bot.rate_limiter
    database.saved = timed_into(parts, "disk", database.saved)
    limiter.saved = timed_into(parts, "saved", limiter.saved)
    limiter._slot = timed_into(parts, "send slot", limiter._slot)
    collecting: list[float] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collecting[:] = [time.perf_counter()]
        elif collecting:
            parts["gc pause"].append((time.perf_counter() - collecting[0]) * 1000)

    gc.callbacks.append(on_gc)
    return parts


def timed_into(parts: dict[str, list[float]], name: str, wait: Any) -> Any:
    """Wrap an async callable: each call's time (ms) goes to `parts[name]`."""

    async def wrapper(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return await wait(*args)
        finally:
            parts[name].append((time.perf_counter() - started) * 1000)

    return wrapper


async def loop_lag(lags: list[float], period: float = 0.005) -> None:
    """Record how late a timer of `period` seconds fires (ms): the loop was busy meanwhile."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(period)
        lags.append((time.perf_counter() - started - period) * 1000)


async def burst(driver: Driver, first_chat: int) -> float:
    """Queue 50 /subscribe at once; return the time until the last one is answered."""
    futures = []
    started = time.perf_counter()
    for n in range(50):
        chat = first_chat + n
        future = asyncio.get_running_loop().create_future()
        driver.recorder.waiting[chat] = future
        futures.append(future)
        await driver.app.update_queue.put(
            Update.de_json(
                {"update_id": next(driver.ids), **driver.text(chat, "/subscribe topic:roma")},
                driver.app.bot,
            )
        )
    done = await asyncio.gather(*futures)
    return (max(t for t, _ in done) - started) * 1000


# ----- what one write costs ----------------------------------------------------------------


async def write_costs(path: Path, samples: int) -> dict[str, Any]:
    """Time one dialogue step and one subscription: on the loop, and until on disk."""
    database = open_database(path)
    store = SubmissionStore(database)
    services = build_services(settings(path, 25), database)
    subscriptions = services.subscriptions
    database.write_in_background()
    from bot.models import Subscription

    costs: dict[str, list[float]] = defaultdict(list)

    async def timed(kind: str, write: Any, *args: Any) -> None:
        started = time.perf_counter()
        write(*args)
        costs[kind].append((time.perf_counter() - started) * 1000)
        await database.saved()
        costs[kind + " saved"].append((time.perf_counter() - started) * 1000)

    for n in range(samples):
        chat = FIRST_CHAT + n
        draft = store.draft(chat) or Draft(user_id=chat)
        draft.answers["title"] = f"Title {n}"
        await timed("dialogue", store.save_dialogue, draft, "submit", (chat, chat), "asking")
        await timed(
            "subscribe", subscriptions.add, Subscription(chat, chat, "keyword", f"b {n}"), 50
        )
    database.close()
    return dict(costs)


# ----- one size, in a process of its own ---------------------------------------------------


def note(text: str) -> None:
    print(f"  {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def one_size(scale: int, rounds: int, drain: bool = True) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "bot.json"
        started = time.perf_counter()
        note(f"×{scale}: building")
        build(path, scale)
        built = sizes(path)
        note(f"×{scale}: first start")
        build_s = time.perf_counter() - started
        started = time.perf_counter()
        open_database(path).close()  # first start: members and dialogues are sharded
        database = open_database(path)
        build_services(settings(path, 25), database)  # the outbox history becomes counts
        database.close()
        first_start_s = time.perf_counter() - started
        after = sizes(path)
        note(f"×{scale}: writes")
        writes = asyncio.run(write_costs(path, 100))
        note(f"×{scale}: load")
        plain = asyncio.run(run_load(path, scale, rounds, drain=False))
        drained = None
        if drain:
            note(f"×{scale}: load with a drain")
            drained = asyncio.run(run_load(path, scale, max(3, rounds // 3), drain=True))
        return {
            "scale": scale,
            "build_s": build_s,
            "first_start_s": first_start_s,
            "sizes_before": built,
            "sizes_after": after,
            "writes": writes,
            "plain": plain,
            "drain": drained,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def cell(values: list[float]) -> str:
    return f"{statistics.median(values):>14.1f}{pct(values, 0.95):>14.1f}"


def print_table(results: list[dict[str, Any]]) -> None:
    print("\nUpdate → reply (ms), closed loop of 9 members; target p95 ≤ 100 ms without a drain")
    heads = "".join(f"{k + ' p50':>14}{k + ' p95':>14}" for k in SHOWN)
    print(f"{'size':<10}{'drain':<7}{heads}{'n':>6}{'alerts sent':>13}")
    for r in results:
        for mode in ("plain", "drain"):
            run = r[mode]
            if run is None:
                continue
            cells = "".join(cell(run["latency"][k]) for k in SHOWN)
            n = sum(len(v) for v in run["latency"].values())
            alerts = f"{run['alerts_sent']}/{run['alerts_queued']}" if mode == "drain" else "-"
            drain = "yes" if mode == "drain" else "no"
            print(f"{'×' + str(r['scale']):<10}{drain:<7}{cells}{n:>6}{alerts:>13}")
    print("\nDuring a drain: 12 more members searching continuously; bar p95 ≤ 500 ms")
    for r in results:
        run = r["drain"]
        if run is None:
            continue
        bar, window = run["latency"]["bar"], run["bar"]
        print(
            f"×{r['scale']:<9}search p50 {statistics.median(bar):.0f} ms, p95 "
            f"{pct(bar, 0.95):.0f} ms (n {len(bar)}); alerts {window['sent']} in "
            f"{window['seconds']:.0f} s = {window['sent'] / window['seconds']:.1f}/s "
            f"(during the 9 members' run: {run['alerts_sent'] / run['seconds']:.1f}/s)"
        )
    print("\nWhere the time goes in the members' run without a drain (ms): p50 / p95 / max, n")
    for r in results:
        parts = r["plain"]["parts"]
        cells = []
        for name in ("saved", "disk", "send slot", "loop lag", "gc pause"):
            v = parts.get(name) or [0.0]
            cells.append(
                f"{name} {statistics.median(v):.1f} / {pct(v, 0.95):.1f} / {max(v):.0f}, {len(v)}"
            )
        print(f"×{r['scale']:<9}" + "   ".join(cells))
    print("\nWrites of one action, the store alone (ms): p50 / p95 on the event loop, and until")
    print("on disk (written, flushed, renamed in the writer thread); the file it rewrites")
    print("(the largest shard of its concern)")
    for r in results:
        w, after = r["writes"], r["sizes_after"]
        parts = []
        for kind, concern in (("dialogue", "dialogues"), ("subscribe", "members")):
            loop, disk = w[kind], w[kind + " saved"]
            parts.append(
                f"{kind} {statistics.median(loop):.2f} / {pct(loop, 0.95):.2f} loop, "
                f"{statistics.median(disk):.1f} / {pct(disk, 0.95):.1f} on disk "
                f"({after[concern + ' file']:.3f} MB)"
            )
        print(f"×{r['scale']:<9}" + "   ".join(parts))
    print(
        "\nFiles (MB) as built (a month of alerts kept as rows) → after the first start (counts)"
    )
    for r in results:
        b, a = r["sizes_before"], r["sizes_after"]
        cells = "  ".join(f"{c} {b[c]:.2f}→{a[c]:.2f}" for c in CONCERNS)
        print(f"×{r['scale']:<9}{cells}   first start {r['first_start_s']:.1f} s")
        shards = "  ".join(f"{c} {a[c + ' file'] * 1000:.0f}" for c in CONCERNS)
        print(f"{'':<10}largest file after (KB): {shards}")
    print("\nMemory and the crash window")
    for r in results:
        plain, drain = r["plain"], r["drain"]
        during = f" ({drain['burst_ms']:.0f} ms during a drain)" if drain else ""
        print(
            f"×{r['scale']:<9}RSS {plain['rss_mb']:.0f} MB after the run, peak "
            f"{r['peak_rss_mb']:.0f} MB; 50 /subscribe queued at once all answered in "
            f"{plain['burst_ms']:.0f} ms{during}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--scales", default="1,10", help="comma-separated sizes (1 = programme)")
    parser.add_argument("--drain-scales", default="1,10", help="sizes also run with a drain")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    rounds = args.rounds or (30 if args.quick else 90)
    if args.one:
        drains = {int(s) for s in args.drain_scales.split(",") if s}
        print(json.dumps(one_size(args.one, rounds, args.one in drains)))
        return
    results, drains = [], ["--drain-scales", args.drain_scales]
    for scale in (int(s) for s in args.scales.split(",")):
        print(f"size ×{scale}: building and measuring…", file=sys.stderr)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(scale), "--rounds", str(rounds), *drains],
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print_table(results)


if __name__ == "__main__":
    main()
