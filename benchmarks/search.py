"""Search latency and cold start at 1,000 and 10,000 practices: a script, not a test.

    .venv/bin/python benchmarks/search.py            # the table and the targets
    .venv/bin/python benchmarks/search.py --profile  # and cProfile of the slowest queries

(`python -m benchmarks.search` from the repository root works too.) Missed targets are
profiled automatically.

For each size it writes a synthetic catalogue (`benchmarks.catalogue`) to a JSON file, then

* cold start: read the file, build `Practice` objects, load the alias tables and build the
  `Catalog` (its `SearchIndex`), as `python -m bot` does after opening the database;
* query latency: `Catalog.search(text)` (parse and rank, what every handler calls) for each
  kind of query, after a warm-up, 50+ runs each; median and 95th percentile.

Targets: p95 ≤ 10 ms at 1,000 practices, ≤ 50 ms at 10,000, cold start ≤ 2 s at 10,000.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.catalogue import make_catalogue
from bot.aliases import load_aliases
from bot.catalog import Catalog
from bot.models import Practice
from bot.vocabulary import load_vocabulary

SIZES = (1_000, 10_000)
RUNS = 60
WARMUP = 5
COLD_RUNS = 5
P95_TARGET_MS = {1_000: 10.0, 10_000: 50.0}
COLD_TARGET_S = {10_000: 2.0}
PROFILED = 3  # how many of the slowest query kinds to profile

_LONG = (
    "intercultural mediation in schools with roma families and refugee children, language "
    "courses for parents, anti rumour training for teachers and municipal staff, welcoming "
    "newcomers in libraries and sports clubs in the neighbourhoods of barcelona and lisbon"
)
QUERIES: list[tuple[str, str]] = [
    ("title words", "anti racism cockpit"),
    ("typos", "anti rasism cokpit"),
    ("place alone", "turin"),
    ("other-language place", "Torino"),
    ("filters", "topic:roma country:spain"),
    ("filter + words", "country:italy anti racism"),
    ("French topic word", "réfugiés"),
    ("no match", "pizza recipe"),
    ("question with a verb", "¿cómo apoyan las ciudades a los refugiados?"),
    ("compound", "Sprachpaten"),
    ("short typo", "refugee jbos"),
    ("misspelt filter", "topic:refugess country:portugl"),
    ("long (200 chars)", _LONG[:200]),
]


class ListSource:
    """A `PracticeSource` over a list, standing in for the store."""

    def __init__(self, practices: list[Practice]) -> None:
        self._practices = practices

    def all(self, status: str | None = "published") -> list[Practice]:
        return self._practices


@dataclass
class Stats:
    median_ms: float
    p95_ms: float
    results: int


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of the values."""
    ordered = sorted(values)
    rank = max(1, round(fraction * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def cold_start(path: Path) -> tuple[Catalog, dict[str, float]]:
    """Load a catalogue file as the bot does at start-up; return it with the phase times."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    records = json.loads(path.read_text(encoding="utf-8"))
    practices = [Practice.from_dict(record) for record in records]
    times["practices"] = time.perf_counter() - start
    mark = time.perf_counter()
    aliases = load_aliases()
    times["aliases"] = time.perf_counter() - mark
    # The vocabulary (stop words, stemmers, concepts) is read once per process: every cold
    # start pays it, so it is timed afresh each run.
    load_vocabulary.cache_clear()
    mark = time.perf_counter()
    load_vocabulary()
    times["languages"] = time.perf_counter() - mark
    mark = time.perf_counter()
    catalog = Catalog(ListSource(practices), aliases)
    times["index"] = time.perf_counter() - mark
    times["total"] = time.perf_counter() - start
    return catalog, times


def time_query(
    search: Callable[[str], object],
    text: str,
    runs: int,
    reset: Callable[[], None] = lambda: None,
) -> list[float]:
    """Return the latency in milliseconds of `runs` searches, after a warm-up.

    `reset` runs before each timed search: the index's cache of what each word matched is
    dropped, so each run costs what a query asked for the first time costs.
    """
    for _ in range(WARMUP):
        search(text)
    samples = []
    gc.collect()
    for _ in range(runs):
        reset()
        start = time.perf_counter()
        search(text)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def profile_query(catalog: Catalog, text: str, runs: int = 20, top: int = 12) -> str:
    """Return the cProfile table (cumulative time) of `runs` searches for `text`."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        catalog.search(text)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(top)
    return out.getvalue()


def bench_size(size: int, directory: Path, runs: int) -> tuple[dict, dict[str, Stats], Catalog]:
    path = directory / f"practices-{size}.json"
    path.write_text(json.dumps(make_catalogue(size), ensure_ascii=False), encoding="utf-8")
    colds = []
    catalog = None
    for _ in range(COLD_RUNS if size <= 1_000 else 3):
        gc.collect()
        catalog, times = cold_start(path)
        colds.append(times)
    assert catalog is not None
    cold = {key: statistics.median(t[key] for t in colds) for key in colds[0]}
    cold["vocabulary"] = len(catalog.index.terms.words)
    cold["file_mb"] = path.stat().st_size / 1e6
    latency = {}
    for kind, text in QUERIES:
        samples = time_query(catalog.search, text, runs, catalog.index.forget_cached)
        latency[kind] = Stats(
            statistics.median(samples),
            percentile(samples, 0.95),
            len(catalog.search(text).practices),
        )
    cold["add_ms"] = time_adds(catalog)
    return cold, latency, catalog


def time_adds(catalog: Catalog, count: int = 20) -> float:
    """Return the milliseconds `Catalog.add` takes per newly published practice."""
    practices = [
        Practice.from_dict({**p.to_dict(), "id": f"{p.id}-published-{n}"})
        for n, p in enumerate(catalog.index.practices[:count])
    ]
    start = time.perf_counter()
    for practice in practices:
        catalog.add([practice])
    return (time.perf_counter() - start) / count * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, help="timed runs per query (≥ 50)")
    parser.add_argument("--profile", action="store_true", help="cProfile the slowest queries")
    args = parser.parse_args(argv)
    runs = max(args.runs, 50)

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            results[size] = bench_size(size, Path(tmp), runs)

    print(f"Search latency, Catalog.search(), {runs} runs after {WARMUP} warm-up (ms)")
    header = f"{'query kind':<22} {'query':<28}"
    for size in SIZES:
        header += f" | {size:>6,} med {'p95':>6} {'hits':>5}"
    print(header)
    print("-" * len(header))
    for kind, text in QUERIES:
        shown = text if len(text) <= 26 else text[:23] + "…"
        line = f"{kind:<22} {shown!r:<28}"
        for size in SIZES:
            stat = results[size][1][kind]
            line += f" | {stat.median_ms:>10.2f} {stat.p95_ms:>6.2f} {stat.results:>5}"
        print(line)

    print()
    print(
        "Cold start (median; JSON → Practice objects, alias tables, languages = stop words,"
        " stemmers and concepts, Catalog + SearchIndex)"
    )
    for size in SIZES:
        cold = results[size][0]
        print(
            f"  {size:>6,} practices ({cold['file_mb']:.1f} MB, {cold['vocabulary']:,} words): "
            f"total {cold['total'] * 1000:7.0f} ms = practices {cold['practices'] * 1000:.0f}"
            f" + aliases {cold['aliases'] * 1000:.0f} + languages {cold['languages'] * 1000:.0f}"
            f" + index {cold['index'] * 1000:.0f}"
        )
    print("Publishing one more practice (Catalog.add of one; an import adds its batch at once)")
    for size in SIZES:
        print(f"  {size:>6,} practices: {results[size][0]['add_ms']:.1f} ms per practice")

    print()
    verdicts = []
    missed: list[tuple[int, str]] = []
    for size, target in P95_TARGET_MS.items():
        worst_kind, worst = max(results[size][1].items(), key=lambda item: item[1].p95_ms)
        met = worst.p95_ms <= target
        verdicts.append(
            f"p95 ≤ {target:g} ms at {size:,}: {'met' if met else 'MISSED'} "
            f"(worst {worst.p95_ms:.1f} ms, {worst_kind})"
        )
        missed += [(size, kind) for kind, stat in results[size][1].items() if stat.p95_ms > target]
    for size, target in COLD_TARGET_S.items():
        total = results[size][0]["total"]
        met = total <= target
        verdicts.append(
            f"cold start ≤ {target:g} s at {size:,}: {'met' if met else 'MISSED'} ({total:.2f} s)"
        )
    print("Targets: " + "; ".join(verdicts))

    if args.profile and not missed:
        missed = [(SIZES[-1], kind) for kind, _ in QUERIES]
    worst_first = sorted(missed, key=lambda m: -results[m[0]][1][m[1]].p95_ms)
    for size, kind in worst_first[:PROFILED]:
        print(f"\ncProfile of {kind!r} at {size:,} practices (20 runs, by own time):")
        print(profile_query(results[size][2], dict(QUERIES)[kind]).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
