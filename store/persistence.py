"""PTB persistence in the bot's own TinyDB database: the states of persistent conversations.

Only conversation states are kept. `bot_data` holds the services (stores, the catalogue) and
must never be written; dialogue answers live in their own store (`store.submissions`), and
`user_data` / `chat_data` hold nothing that has to outlive a restart.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from tinydb import Query
from tinydb.table import Document, Table

from store.db import Database
from store.keys import conversation_id

# The shapes PTB hands over (as in `telegram.ext._utils.types`, which is private).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

_Q = Query()
CONVERSATIONS_ONLY = PersistenceInput(
    bot_data=False, chat_data=False, user_data=False, callback_data=False
)


def set_state(table: Table, name: str, key: ConversationKey, state: object | None) -> None:
    """Store one conversation's state in the `conversations` table (None deletes it).

    The document id derives from name and key (`store.keys`), so nothing is scanned, and a
    state that is already stored is not written again. The time is kept for pruning.
    """
    doc_id = conversation_id(name, key)
    old = table.get(doc_id=doc_id)
    if state is None:
        if old is not None:
            table.remove(doc_ids=[doc_id])
        return
    if not isinstance(state, str | int):
        raise TypeError(f"conversation states must be str or int, got {state!r}")
    if old is not None and old.get("state") == state:
        return
    at = datetime.now(UTC).isoformat(timespec="seconds")
    table.upsert(Document({"name": name, "key": list(key), "state": state, "at": at}, doc_id))


def prune_states(table: Table, older_than: timedelta, now: datetime | None = None) -> int:
    """Delete conversation states last set longer ago than `older_than`; return how many.

    Args:
        table: the `conversations` table.
        older_than: the age past which a state is stale.
        now: the current time (tests); the clock's by default.
    """
    cutoff = ((now or datetime.now(UTC)) - older_than).isoformat(timespec="seconds")
    stale = [doc.doc_id for doc in table.all() if doc.get("at", "") < cutoff]
    if stale:
        table.remove(doc_ids=stale)
    return len(stale)


class TinyDBPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Conversation states in the `conversations` table, one document per conversation.

    They live in the dialogues file beside the drafts: a dialogue step writes its draft and its
    state in one write (`SubmissionStore.save_dialogue`) before showing the next screen, and the
    same state handed over here afterwards by PTB costs no second write.
    """

    def __init__(self, database: Database, update_interval: float = 5) -> None:
        super().__init__(store_data=CONVERSATIONS_ONLY, update_interval=update_interval)
        self._table = database.table("conversations")

    async def get_conversations(self, name: str) -> ConversationDict:
        """Return the stored states of one named conversation handler."""
        docs = self._table.search(_Q.name == name)
        return {tuple(doc["key"]): doc["state"] for doc in docs}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store a conversation's new state; None (the conversation ended) deletes it."""
        set_state(self._table, name, key, new_state)

    async def flush(self) -> None:
        """Nothing to do: every update is already on disk."""

    # What follows is not stored (see CONVERSATIONS_ONLY); PTB never calls the getters then.
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None
