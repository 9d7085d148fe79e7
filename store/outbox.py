"""The outbox: alerts waiting to be sent, and what became of them, in the outbox file.

Rows are queued in TinyDB, one write per publication (in the publication's own transaction, so
a practice and its alerts are stored together or not at all). The mark that a row was sent is
one JSON line appended to a journal (`store.journal`), which costs one small write; marks are
folded into TinyDB now and then and at start-up, and the journal is emptied; folding twice is
harmless. A crash can lose only the mark being written (a torn last line is ignored), so at
most the sends in flight are sent again per crash.

Folding summarises: a row that is done (sent, failed, dropped) leaves the outbox and becomes a
count in `outbox_summary`, per day and status (and reason, for failures), kept RETENTION. So
the file holds what is pending plus a few counts, whatever the history.

While marks can't be written (a full or read-only disk), `can_mark` says no and delivery sends
nothing: an alert whose mark is lost would be sent again after a restart.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tinydb import Query

from bot.models import DROPPED, FAILED, PENDING, SENT, OutboxRow
from store.db import JOURNAL_SUFFIX as JOURNAL_SUFFIX  # where tests find it
from store.db import Database, journal_path
from store.files import forget_my_failure
from store.journal import Journal
from store.practices import utc_now

log = logging.getLogger(__name__)
_Q = Query()
FOLD_AFTER = 2000
RETENTION = timedelta(days=30)
DONE = frozenset({SENT, FAILED, DROPPED})


def is_mark(mark: dict[str, Any]) -> bool:
    """Return True for a journal line this module wrote: a row id and a final status."""
    reason = mark.get("r")
    return (
        isinstance(mark.get("id"), int)
        and not isinstance(mark.get("id"), bool)
        and mark.get("s") in DONE
        and (reason is None or isinstance(reason, str))
    )


@dataclass(slots=True)
class OutboxStats:
    """Delivery state for moderators."""

    counts: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    blocked: str | None = None  # why delivery is stopped (marks can't be written), if it is


class Outbox:
    """The `outbox` and `outbox_summary` tables, plus the journal of marks not yet folded."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._table = database.table("outbox")
        self._summary = database.table("outbox_summary")
        self._journal = Journal(journal_path(database.path) if database.path else None, is_mark)
        self._marks: dict[int, dict[str, Any]] = {m["id"]: m for m in self._journal.read()}
        self._unwritten: list[dict[str, Any]] = []
        self._recent: list[int] = []
        self.blocked: str | None = None
        self.fold_failed: str | None = None  # why the last fold could not be written, if so
        self.fold(everything=True)

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

    def can_mark(self, sends: int = 1) -> bool:
        """Return True when the marks of `sends` more sends are sure to be written.

        Reserves their room in the journal; while that fails (disk full, read-only), delivery
        must send nothing. Logs when delivery stops and when it resumes.
        """
        try:
            while self._unwritten:
                self._journal.append(self._unwritten[0])
                self._unwritten.pop(0)
            self._journal.reserve(sends)
        except OSError as error:
            self._block(error)
            return False
        if self.blocked:
            log.warning("alert marks can be written again: delivery resumes")
            self.blocked = None
        return True

    def _block(self, error: OSError) -> None:
        if self.blocked is None:
            log.error(
                "alert delivery stopped: the marks of sent alerts can't be written to %s (%s)",
                self._journal.path,
                error.strerror or error,
            )
        self.blocked = f"marks can't be written ({error.strerror or error})"

    def mark(self, row_id: int, status: str, reason: str | None = None) -> None:
        """Record what became of a row (SENT, FAILED or DROPPED) in one small write.

        Never raises: a mark that can't be written is kept in memory, retried by `can_mark`,
        and stops delivery until it is written.
        """
        mark: dict[str, Any] = {"id": row_id, "s": status}
        if reason:
            mark["r"] = reason[:300]
        self._marks[row_id] = mark
        try:
            if self._unwritten:
                raise OSError("earlier marks are still unwritten")
            self._journal.append(mark)
        except OSError as error:
            self._unwritten.append(mark)
            self._block(error)
            return
        if len(self._marks) >= FOLD_AFTER:
            self.fold()

    def fold(self, everything: bool = False) -> None:
        """Summarise the marked rows into counts in one write, prune, empty the journal.

        A write that fails (disk full) is logged and changes nothing: the marks stay in the
        journal and in memory, and the next fold tries again.

        Args:
            everything: also look for finished rows a schema 1 file kept (at start-up).
        """
        if not self._marks and not everything:
            if not self._unwritten:
                self._journal.clear()
            return
        try:
            with self._db.transaction():
                self._fold()
            self._db.wait_saved()  # the journal is emptied only once the counts are on disk
        except OSError as error:
            log.error("could not fold alert marks into the outbox: %s", error)
            self.fold_failed = error.strerror or str(error)
            forget_my_failure()  # handled here: the answer that follows may still go out
            return
        self.fold_failed = None
        if not self._unwritten:  # what could not be written stays for the next fold
            self._journal.clear()
            self._marks.clear()

    def _fold(self) -> None:
        day = datetime.now(UTC).date().isoformat()
        done: Counter[tuple[str, str | None]] = Counter()
        ids = []
        for row_id, mark in self._marks.items():
            if self._table.contains(doc_id=row_id):
                ids.append(row_id)
                done[(mark["s"], mark.get("r") if mark["s"] == FAILED else None)] += 1
        if ids:
            self._table.remove(doc_ids=ids)
        for (status, reason), count in done.items():
            self._count(day, status, reason, count)
        self._prune(day)

    def _count(self, day: str, status: str, reason: str | None, count: int) -> None:
        where = (_Q.day == day) & (_Q.status == status) & (_Q.reason == reason)
        found = self._summary.get(where)
        if found is None:
            self._summary.insert({"day": day, "status": status, "reason": reason, "count": count})
        else:
            self._summary.update({"count": found["count"] + count}, doc_ids=[found.doc_id])

    def _prune(self, today: str) -> None:
        """Forget counts older than RETENTION; fold finished rows a schema 1 file still has."""
        cutoff = (datetime.fromisoformat(today) - RETENTION).date().isoformat()
        self._summary.remove(_Q.day < cutoff)
        finished = self._table.search(_Q.status.one_of(list(DONE)))
        if finished:
            for doc in finished:
                day = str(doc.get("done_at") or today)[:10]
                reason = doc.get("reason") if doc["status"] == FAILED else None
                if day >= cutoff:
                    self._count(day, doc["status"], reason, 1)
            self._table.remove(doc_ids=[doc.doc_id for doc in finished])

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
        """Return counts by status over RETENTION, and the commonest failure reasons."""
        self.fold()
        stats = OutboxStats(blocked=self.blocked)
        for doc in self._table.all():
            mark = self._marks.get(doc.doc_id)
            status = mark["s"] if mark else doc.get("status", PENDING)
            stats.counts[status] += 1
            if status == FAILED:
                stats.failures[(mark or doc).get("r" if mark else "reason") or "unknown"] += 1
        for doc in self._summary.all():
            stats.counts[doc["status"]] += doc["count"]
            if doc["status"] == FAILED:
                stats.failures[doc.get("reason") or "unknown"] += doc["count"]
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
