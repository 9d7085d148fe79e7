"""Practices in TinyDB: the catalogue, its imports and publications."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tinydb import Query
from tinydb.table import Document

from bot.models import Practice
from store.db import Database

_P = Query()


@dataclass(slots=True)
class ImportReport:
    """What an import changed, by practice id."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def utc_now() -> str:
    """Return the current time as an ISO 8601 string in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class PracticeStore:
    """The `practices` table; documents are `Practice.to_dict()`."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._table = database.table("practices")

    def all(self, status: str | None = "published") -> list[Practice]:
        """Return practices in the order they were stored, optionally of one status."""
        docs = self._table.all()
        return [
            Practice.from_dict(doc)
            for doc in docs
            if status is None or doc.get("status", "published") == status
        ]

    def get(self, practice_id: str) -> Practice | None:
        """Return the practice with this id, whatever its status."""
        doc = self._table.get(_P.id == practice_id)
        return Practice.from_dict(doc) if doc else None

    def ids(self) -> set[str]:
        """Return every id in use, so new ids stay unique.

        Read from the stored documents as they are: every screen of the submission dialogue
        asks (the id the draft would get), and wrapping 4,000 practices in TinyDB Documents
        first took most of a dialogue step's time (`benchmarks/load.py`, py-spy).
        """
        return {doc["id"] for doc in self._table._read_table().values()}

    def count(self) -> dict[str, int]:
        """Return the number of practices by status."""
        counts: dict[str, int] = {}
        for doc in self._table.all():
            status = doc.get("status", "published")
            counts[status] = counts.get(status, 0) + 1
        return counts

    def save(self, practice: Practice) -> None:
        """Insert or replace one practice."""
        self._table.upsert(practice.to_dict(), _P.id == practice.id)

    def unlink_submitter(self, user_id: int) -> list[Practice]:
        """Remove a member's link (`submitted_by`) from the practices they submitted.

        Returns:
            The practices changed (they stay published: they belong to the catalogue).
        """
        changed = [p for p in self.all(status=None) if p.submitted_by == user_id]
        for practice in changed:
            practice.submitted_by = None
            self.save(practice)
        return changed

    def import_practices(self, practices: list[Practice], partial: bool = False) -> ImportReport:
        """Add new practices and update changed ones, in one atomic write.

        Args:
            practices: validated practices; an id already stored is an update.
            partial: the practices carry only some fields; empty ones keep the stored value.

        Returns:
            The ids added, updated and unchanged. Publication state of stored practices
            (status, published_at, submitter) is kept.
        """
        report = ImportReport()
        existing = {doc["id"]: doc for doc in self._table.all()}
        with self._db.transaction():
            for practice in practices:
                old = existing.get(practice.id)
                if old is None:
                    practice.published_at = practice.published_at or utc_now()
                    doc = practice.to_dict()
                    # Known from now on, so the same id again in this list is an update.
                    existing[practice.id] = Document(doc, self._table.insert(doc))
                    report.added.append(practice.id)
                    continue
                merged = practice.to_public_dict()
                if partial:
                    merged = {k: v for k, v in merged.items() if v not in (None, [], "")}
                if all(old.get(key) == value for key, value in merged.items()):
                    report.unchanged.append(practice.id)
                else:
                    self._table.update(merged, doc_ids=[old.doc_id])
                    existing[practice.id] = Document({**old, **merged}, old.doc_id)
                    report.updated.append(practice.id)
        return report
