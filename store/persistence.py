"""PTB persistence in the bot's own TinyDB database: the states of persistent conversations.

Only conversation states are kept. `bot_data` holds the services (stores, the catalogue) and
must never be written; dialogue answers live in their own store (`store.submissions`), and
`user_data` / `chat_data` hold nothing that has to outlive a restart.
"""

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from tinydb import Query

from store.db import Database

# The shapes PTB hands over (as in `telegram.ext._utils.types`, which is private).
ConversationKey = tuple[int | str, ...]
ConversationDict = dict[ConversationKey, object]
CDCData = tuple[list[tuple[str, float, dict[str, Any]]], dict[str, str]]

_Q = Query()
CONVERSATIONS_ONLY = PersistenceInput(
    bot_data=False, chat_data=False, user_data=False, callback_data=False
)


class TinyDBPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Conversation states in the `conversations` table, one document per conversation.

    Each change is one atomic write of the database file, so the state on disk is never older
    than the last `Application.update_persistence()`.
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
        where = (_Q.name == name) & (_Q.key == list(key))
        if new_state is None:
            self._table.remove(where)
            return
        if not isinstance(new_state, str | int):
            raise TypeError(f"conversation states must be str or int, got {new_state!r}")
        self._table.upsert({"name": name, "key": list(key), "state": new_state}, where)

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
