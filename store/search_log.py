"""What members search for, without who searched: counts per day and query, kept 90 days.

Its own TinyDB file beside the database, `<DB_PATH stem>.searches<suffix>` (data/bot.json →
data/bot.searches.json), one document per (day, query): `{"day": "2026-11-30", "query":
"roma education", "count": 3, "results": 0}`, `results` being how many practices the last
such search found (0: the catalogue lacks it).

Counted once per member per day: a search counts when this member has not made the same
query today. To know that without keeping who asked, the process holds in memory only a set of
keyed hashes of (user id, query) made with a random key drawn for the day; at the first search
of the next day the set and the key are dropped, and nothing of them is ever written. (After a
restart the set starts empty, so a member repeating a query on the day of a restart can count
twice: the price of never storing who asked.)

Counts are kept in memory and written by `flush()` (the bot calls it every
`FLUSH_SECONDS` and when it stops), not at every search: a search is the most frequent thing
members do, and one write of a 90-day log costs tens of milliseconds on the event loop. A crash
loses at most the counts of the last `FLUSH_SECONDS`.
"""

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tinydb import Query

from bot.text import fold
from store.files import open_file, write_atomically

RETENTION = timedelta(days=90)
MAX_QUERY = 100  # characters kept of a query
FLUSH_SECONDS = 60
_Q = Query()


def search_log_path(db_path: Path) -> Path:
    """Return the search log's file for the database at DB_PATH."""
    return db_path.with_name(f"{db_path.stem}.searches{db_path.suffix}")


def normalise(query: str) -> str:
    """Return the query as counted: case and accents folded, spaces collapsed, cut short."""
    return " ".join(fold(query).split())[:MAX_QUERY]


class SearchLog:
    """The `searches` table of the search log file (or of memory, for tests)."""

    def __init__(
        self, path: Path | None, today: Callable[[], date] = lambda: datetime.now(UTC).date()
    ) -> None:
        if path is not None and not path.exists():
            write_atomically(path, b"{}")  # `FileStorage` reads an existing file only
        self._db = open_file(path)
        self._table = self._db.table("searches")
        self._today = today
        self._day: date | None = None
        self._key = b""
        self._seen: set[bytes] = set()
        self._unwritten = False  # a storage batch is open: counts not on disk yet
        # (day, query) → document id: a search costs no scan of the table.
        self._ids = {(doc["day"], doc["query"]): doc.doc_id for doc in self._table.all()}

    def record(self, user_id: int, query: str, results: int) -> bool:
        """Count a search unless this member made the same query today; return if counted."""
        text = normalise(query)
        if not text:
            return False
        day = self._today()
        if day != self._day:
            self._day, self._key, self._seen = day, os.urandom(32), set()
            self.prune()
        mark = hashlib.blake2b(f"{user_id}\0{text}".encode(), key=self._key).digest()
        if mark in self._seen:
            return False
        self._seen.add(mark)
        if not self._unwritten:
            self._db.storage.begin()  # type: ignore[attr-defined]
            self._unwritten = True
        key = (day.isoformat(), text)
        doc = self._table.get(doc_id=self._ids[key]) if key in self._ids else None
        if doc is None:
            fields = {"day": key[0], "query": text, "count": 1, "results": results}
            self._ids[key] = self._table.insert(fields)
        else:
            fields = {"count": doc["count"] + 1, "results": results}
            self._table.update(fields, doc_ids=[doc.doc_id])
        return True

    def prune(self) -> int:
        """Delete the counts older than RETENTION; return how many documents went."""
        cutoff = (self._today() - RETENTION).isoformat()
        self._ids = {key: i for key, i in self._ids.items() if key[0] >= cutoff}
        return len(self._table.remove(_Q.day < cutoff))

    def per_week(self, weeks: int) -> list[tuple[date, int]]:
        """Return (Monday, searches) for the last `weeks` weeks, oldest first, this one last."""
        today = self._today()
        monday = today - timedelta(days=today.weekday())
        starts = [monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
        totals = dict.fromkeys(starts, 0)
        for doc in self._table.all():
            day = date.fromisoformat(doc["day"])
            start = day - timedelta(days=day.weekday())
            if start in totals:
                totals[start] += doc["count"]
        return list(totals.items())

    def top(self, days: int, limit: int, zero_only: bool = False) -> list[tuple[str, int]]:
        """Return the most frequent queries of the last `days` days (today included).

        Args:
            zero_only: only queries whose last search found nothing.
        """
        since = (self._today() - timedelta(days=days - 1)).isoformat()
        counts: Counter[str] = Counter()
        last: dict[str, tuple[str, int]] = {}
        for doc in self._table.search(_Q.day >= since):
            counts[doc["query"]] += doc["count"]
            if doc["day"] >= last.get(doc["query"], ("", 0))[0]:
                last[doc["query"]] = (doc["day"], doc["results"])
        if zero_only:
            counts = Counter({q: n for q, n in counts.items() if last[q][1] == 0})
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]

    def flush(self) -> bool:
        """Write the counts made since the last flush in one atomic write; return if any.

        Raises:
            OSError: the file can't be written; the counts since the last flush are dropped
                and the log is what the file holds.
        """
        if not self._unwritten:
            return False
        self._unwritten = False
        try:
            self._db.storage.end()  # type: ignore[attr-defined]
        except OSError:
            # The storage went back to the file's content: so do the ids of its documents.
            self._table.clear_cache()
            self._ids = {(doc["day"], doc["query"]): doc.doc_id for doc in self._table.all()}
            raise
        return True

    def close(self) -> None:
        """Write what is left and close the file."""
        self.flush()
        self._db.close()
