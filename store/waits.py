"""Questions waiting for a member's next message (`bot.waits.Wait`), in TinyDB.

The `waits` table (dialogues file): one document per user, its id the user's id:
`{"kind": "follow_city", "chat_id": 1001, "started_at": 1764475200.0, "expires_at": …,
"data": ""}`. Kept in memory too: every plain message of every member asks whether it is an
awaited answer, and this process is the database's only writer. /forget deletes it.
"""

from tinydb.table import Document

from bot.waits import Wait
from store.db import Database


class WaitStore:
    """The `waits` table: at most one question per user (the last one asked)."""

    def __init__(self, database: Database) -> None:
        self._table = database.table("waits")
        self._load()
        database.on_reload(self._load)

    def _load(self) -> None:
        """Read the table into memory (at start, and after a failed write was undone)."""
        self._waits = {
            doc.doc_id: Wait(
                str(doc["kind"]),
                int(doc["chat_id"]),
                float(doc["started_at"]),
                float(doc["expires_at"]),
                str(doc.get("data") or ""),
            )
            for doc in self._table.all()
        }

    def open(self, user_id: int, wait: Wait) -> None:
        """Store the question just asked; it replaces any earlier one of this user."""
        fields = {
            "kind": wait.kind,
            "chat_id": wait.chat_id,
            "started_at": wait.started_at,
            "expires_at": wait.expires_at,
            "data": wait.data,
        }
        self._table.upsert(Document(fields, doc_id=user_id))
        self._waits[user_id] = wait

    def get(self, user_id: int) -> Wait | None:
        """Return the question waiting for this user's answer, expired or not, or None."""
        return self._waits.get(user_id)

    def close(self, user_id: int) -> bool:
        """End the user's wait; return True when there was one (then it cost a write)."""
        if self._waits.pop(user_id, None) is None:
            return False
        self._table.remove(doc_ids=[user_id])
        return True

    def forget_user(self, user_id: int) -> None:
        """Delete what is kept about a user (their wait)."""
        self.close(user_id)
