"""Counts over the stores' tables for the secretariat's figures (`handlers.stats`)."""

from collections import Counter

from tinydb import Query

from store.db import Database

_Q = Query()


def alert_counts(database: Database, since: str) -> dict[str, int]:
    """Return alerts {"sent", "failed", "dropped"} finished since the ISO day `since` (UTC),
    and {"pending"} now.

    Finished alerts are daily counts in `outbox_summary` once their marks are folded: call
    `Outbox.fold()` first.
    """
    counts: Counter[str] = Counter()
    for doc in database.table("outbox_summary").search(_Q.day >= since):
        counts[doc["status"]] += doc.get("count", 0)
    counts["pending"] = len(database.table("outbox").search(_Q.status == "pending"))
    return {key: counts.get(key, 0) for key in ("sent", "failed", "dropped", "pending")}


def submission_counts(database: Database) -> dict[str, int]:
    """Return submissions by status, "sent" (all of them) and "started" (sent, or a draft)."""
    statuses = Counter(doc.get("status", "pending") for doc in database.table("submissions"))
    sent = sum(statuses.values())
    drafts = len(database.table("drafts"))
    return {**statuses, "sent": sent, "started": sent + drafts}
