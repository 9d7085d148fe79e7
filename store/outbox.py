"""The outbox: alerts waiting to be sent, and what became of them.

Rows are queued in TinyDB, one write per publication (inside the publication's own
transaction, so a practice and its alerts are stored together or not at all). TinyDB rewrites
its whole file on every write, so the mark that a row was sent is not written there row by
row: each mark is one JSON line appended to a journal next to the database, which costs one
small write. Marks are folded into TinyDB in one write now and then and at start-up, and
then the journal is emptied; folding twice is harmless. A crash can lose only the mark being
written (a torn last line is ignored), so at most one alert is sent again per crash.
"""

import json
import logging
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tinydb import Query

from bot.alerts import DROPPED, FAILED, PENDING, OutboxRow
from store.db import JOURNAL_SUFFIX as JOURNAL_SUFFIX  # where tests find it
from store.db import Database, journal_path
from store.practices import utc_now

log = logging.getLogger(__name__)
_Q = Query()
FOLD_AFTER = 2000
RETENTION = timedelta(days=30)
FSYNC_EVERY = 0.2  # seconds; a process crash loses nothing the OS has, a power cut this much


class Journal:
    """Append-only JSON lines; a None path keeps nothing on disk (in-memory databases)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._synced = 0.0

    def append(self, mark: dict[str, Any]) -> None:
        """Write one mark; it survives a crash of this process as soon as this returns."""
        if self.path is None:
            return
        line = json.dumps(mark, ensure_ascii=False, separators=(",", ":")) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            if time.monotonic() - self._synced >= FSYNC_EVERY:
                os.fsync(fd)
                self._synced = time.monotonic()
        finally:
            os.close(fd)

    def read(self) -> list[dict[str, Any]]:
        """Return every whole mark; a line torn by a crash is skipped."""
        if self.path is None or not self.path.exists():
            return []
        marks = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                mark = json.loads(line)
            except json.JSONDecodeError:
                log.warning("skipped a torn line of %s", self.path)
                continue
            if isinstance(mark, dict) and isinstance(mark.get("id"), int):
                marks.append(mark)
        return marks

    def clear(self) -> None:
        """Empty the journal once its marks are in the database."""
        if self.path is not None and self.path.exists():
            self.path.unlink()


@dataclass(slots=True)
class OutboxStats:
    """Delivery state for moderators."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)


class Outbox:
    """The `outbox` table plus the journal of marks not yet folded into it."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._table = database.table("outbox")
        self._journal = Journal(journal_path(database.path) if database.path else None)
        self._marks: dict[int, dict[str, Any]] = {m["id"]: m for m in self._journal.read()}
        self._recent: list[int] = []
        self.fold()

    def queue(self, rows: list[OutboxRow]) -> None:
        """Write rows in one write (or in the caller's transaction); set their ids."""
        now = utc_now()
        docs = [_to_doc(row, now) for row in rows]
        with self._db.transaction():
            ids = self._table.insert_multiple(docs)
        for row, row_id in zip(rows, ids, strict=True):
            row.id, row.queued_at = row_id, now
        self._recent += ids

    def pending(self) -> list[OutboxRow]:
        """Return every row still to send, oldest first (at start-up)."""
        self._recent.clear()
        docs = [d for d in self._table.search(_Q.status == PENDING) if d.doc_id not in self._marks]
        return [_from_doc(d.doc_id, d) for d in sorted(docs, key=lambda d: d.doc_id)]

    def take_new(self) -> list[OutboxRow]:
        """Return rows queued since the last call that were really stored and are pending.

        A publication whose write failed leaves ids here that are not in the table.
        """
        ids, self._recent = self._recent, []
        rows = [(i, self._table.get(doc_id=i)) for i in ids]
        return [_from_doc(i, doc) for i, doc in rows if doc and self._is_pending(i, doc)]

    def is_pending(self, row_id: int) -> bool:
        """Return True when a row exists and nothing has become of it yet."""
        doc = self._table.get(doc_id=row_id)
        return doc is not None and self._is_pending(row_id, doc)

    def _is_pending(self, row_id: int, doc: dict[str, Any]) -> bool:
        return doc.get("status") == PENDING and row_id not in self._marks

    def mark(self, row_id: int, status: str, reason: str | None = None) -> None:
        """Record what became of a row (SENT, FAILED or DROPPED) in one small write."""
        mark: dict[str, Any] = {"id": row_id, "s": status}
        if reason:
            mark["r"] = reason[:300]
        self._journal.append(mark)
        self._marks[row_id] = mark
        if len(self._marks) >= FOLD_AFTER:
            self.fold()

    def fold(self) -> None:
        """Write the journal's marks into the table in one write, prune, empty the journal."""
        if not self._marks:
            self._journal.clear()
            return
        groups: dict[tuple[str, str | None], list[int]] = {}
        for row_id, mark in self._marks.items():
            if self._table.contains(doc_id=row_id):
                groups.setdefault((mark["s"], mark.get("r")), []).append(row_id)
        now = utc_now()
        with self._db.transaction():
            for (status, reason), ids in groups.items():
                self._table.update(
                    {"status": status, "reason": reason, "done_at": now}, doc_ids=ids
                )
            self._prune()
        self._journal.clear()
        self._marks.clear()

    def _prune(self) -> None:
        """Forget finished rows older than RETENTION, so the database does not grow forever."""
        cutoff = (datetime.now(UTC) - RETENTION).isoformat(timespec="seconds")
        self._table.remove((_Q.status != PENDING) & (_Q.done_at < cutoff))

    def move_chat(self, old: int, new: int) -> set[int]:
        """Send a chat's pending rows to its new id (a group that became a supergroup).

        A row whose practices are all pending for the new id already is dropped instead
        (MERGED), so the chat gets each practice once.

        Returns:
            The ids of the rows dropped.
        """
        pending = self._table.search(_Q.chat_id.one_of([old, new]) & (_Q.status == PENDING))
        live = [doc for doc in pending if doc.doc_id not in self._marks]
        waiting = {key for doc in live if doc["chat_id"] == new for key in doc["keys"]}
        moving = [doc for doc in live if doc["chat_id"] == old]
        dropped = {doc.doc_id for doc in moving if set(doc["keys"]) <= waiting}
        moved = [doc.doc_id for doc in moving if doc.doc_id not in dropped]
        if moved:
            self._table.update({"chat_id": new}, doc_ids=moved)
        for row_id in dropped:
            self.mark(row_id, DROPPED, MERGED)
        return dropped

    def delete_chat(self, chat_id: int) -> int:
        """Delete every row of a chat (the user asked to be forgotten); return how many."""
        self.fold()
        return len(self._table.remove(_Q.chat_id == chat_id))

    def stats(self) -> OutboxStats:
        """Return row counts by status and the commonest failure reasons."""
        self.fold()
        stats = OutboxStats()
        for doc in self._table.all():
            stats.counts[doc.get("status", PENDING)] += 1
            if doc.get("status") == FAILED:
                stats.failures[doc.get("reason") or "unknown"] += 1
        return stats


MERGED = "the group became a supergroup that was getting it already"


def _to_doc(row: OutboxRow, now: str) -> dict[str, Any]:
    return {
        "chat_id": row.chat_id,
        "keys": row.keys,
        "why": row.why,
        "status": PENDING,
        "queued_at": now,
    }


def _from_doc(row_id: int, doc: dict[str, Any]) -> OutboxRow:
    return OutboxRow(
        chat_id=doc["chat_id"],
        keys=list(doc.get("keys") or []),
        why=list(doc.get("why") or []),
        id=row_id,
        status=doc.get("status", PENDING),
        reason=doc.get("reason"),
        queued_at=doc.get("queued_at"),
    )
