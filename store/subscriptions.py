"""Subscriptions and the delivery state of chats, in TinyDB.

Every subscription is also kept in memory: matching a publication against 10,000 subscribers
must not parse the table each time, and this process is the database's only writer.
"""

from dataclasses import dataclass

from tinydb import Query

from bot.models import Subscription
from store.db import Database
from store.practices import utc_now

_Q = Query()
ADDED, DUPLICATE, LIMIT = "added", "duplicate", "limit"


@dataclass(slots=True)
class AddResult:
    """What `SubscriptionStore.add` did: ADDED, DUPLICATE (the existing one) or LIMIT."""

    outcome: str
    subscription: Subscription


class SubscriptionStore:
    """The `subscriptions` table, and the `chats` table of chats that can't be reached."""

    def __init__(self, database: Database) -> None:
        self._db = database
        self._table = database.table("subscriptions")
        self._chats = database.table("chats")
        self._load()
        database.on_reload(self._load)

    def _load(self) -> None:
        """Read the tables into memory (at start, and after a failed write was undone)."""
        self._subs = {doc.doc_id: _from_doc(doc.doc_id, doc) for doc in self._table.all()}
        # A chat's subscriptions without a scan of everyone's (/subscribe, /subscriptions).
        self._by_chat: dict[int, dict[int, Subscription]] = {}
        for sub in self._subs.values():
            self._by_chat.setdefault(sub.chat_id, {})[sub.id] = sub
        self._inactive = {doc["chat_id"]: doc.get("reason") or "" for doc in self._chats.all()}
        # Folding a value costs more than matching it: each target is computed once.
        self._targets = {sub_id: sub.target for sub_id, sub in self._subs.items()}
        self._active: list[Subscription] | None = None
        self._groups: dict[tuple[str, str], list[Subscription]] | None = None

    def add(self, sub: Subscription, limit: int) -> AddResult:
        """Store a subscription unless the chat follows the same thing or has `limit` already.

        Returns:
            The outcome, with the stored (or already existing) subscription.
        """
        mine = self.for_chat(sub.chat_id)
        same = next((old for old in mine if old.target == sub.target), None)
        if same is not None:
            return AddResult(DUPLICATE, same)
        if len(mine) >= limit:
            return AddResult(LIMIT, sub)
        sub.created_at = sub.created_at or utc_now()
        sub.id = self._table.insert(_to_doc(sub))
        self._subs[sub.id] = sub
        self._by_chat.setdefault(sub.chat_id, {})[sub.id] = sub
        self._targets[sub.id] = sub.target
        self._changed()
        return AddResult(ADDED, sub)

    def get(self, sub_id: int) -> Subscription | None:
        """Return a subscription by id."""
        return self._subs.get(sub_id)

    def for_chat(self, chat_id: int) -> list[Subscription]:
        """Return a chat's subscriptions, oldest first."""
        return sorted(self._by_chat.get(chat_id, {}).values(), key=lambda sub: sub.id or 0)

    def active(self) -> list[Subscription]:
        """Return every subscription of chats that can receive alerts."""
        if self._active is None:
            self._active = [s for s in self._subs.values() if s.chat_id not in self._inactive]
        return self._active

    def by_target(self) -> dict[tuple[str, str], list[Subscription]]:
        """Return the active subscriptions grouped by what they follow (`Subscription.target`).

        Kept until the next change, so matching a publication never regroups 10,000 rows.
        """
        if self._groups is None:
            groups: dict[tuple[str, str], list[Subscription]] = {}
            for sub in self.active():
                groups.setdefault(self._targets[sub.id], []).append(sub)
            self._groups = groups
        return self._groups

    def _changed(self) -> None:
        self._active = self._groups = None

    def __len__(self) -> int:
        return len(self._subs)

    def remove(self, sub_id: int) -> Subscription | None:
        """Delete one subscription; return it, or None when there was none."""
        sub = self._subs.pop(sub_id, None)
        if sub is not None:
            self._table.remove(doc_ids=[sub_id])
            self._by_chat.get(sub.chat_id, {}).pop(sub_id, None)
            del self._targets[sub_id]
            self._changed()
        return sub

    def remove_chat(self, chat_id: int) -> int:
        """Delete every subscription of a chat; return how many there were."""
        return self._remove([s.id for s in self.for_chat(chat_id)])

    def forget_user(self, user_id: int) -> int:
        """Delete what is kept about a user: their subscriptions anywhere, their chat's state.

        Returns:
            How many subscriptions were deleted.
        """
        ids = [s.id for s in self._subs.values() if user_id in (s.user_id, s.chat_id)]
        with self._db.transaction():
            removed = self._remove(ids)
            self._chats.remove(_Q.chat_id == user_id)
        self._inactive.pop(user_id, None)
        return removed

    def _remove(self, ids: list[int]) -> int:
        if ids:
            self._table.remove(doc_ids=ids)
            for sub_id in ids:
                sub = self._subs.pop(sub_id)
                del self._targets[sub_id]
                self._by_chat.get(sub.chat_id, {}).pop(sub_id, None)
            self._changed()
        return len(ids)

    def deactivate(self, chat_id: int, reason: str) -> bool:
        """Stop alerts to a chat that blocked the bot or is gone; True when it was active."""
        if chat_id in self._inactive:
            return False
        self._chats.upsert(
            {"chat_id": chat_id, "reason": reason, "since": utc_now()}, _Q.chat_id == chat_id
        )
        self._inactive[chat_id] = reason
        self._changed()
        return True

    def reactivate(self, chat_id: int) -> bool:
        """Resume alerts to a chat that is back; True when it was inactive."""
        if chat_id not in self._inactive:
            return False
        self._chats.remove(_Q.chat_id == chat_id)
        del self._inactive[chat_id]
        self._changed()
        return True

    def is_inactive(self, chat_id: int) -> bool:
        """Return True when alerts to this chat are stopped."""
        return chat_id in self._inactive

    def inactive_chats(self) -> dict[int, str]:
        """Return the chats alerts are stopped for, with the reason."""
        return dict(self._inactive)

    def move_chat(self, old: int, new: int) -> int:
        """Give a chat's subscriptions and state to its new id (a group became a supergroup).

        A subscription the new chat has already (a member followed it again after the
        upgrade) is merged into that one, so each practice still comes once.

        Returns:
            How many duplicates were merged away.
        """
        followed = {sub.target for sub in self.for_chat(new)}
        moving = self.for_chat(old)
        merged = [sub.id for sub in moving if sub.target in followed]
        with self._db.transaction():
            if merged:
                self._table.remove(doc_ids=merged)
            self._table.update({"chat_id": new}, _Q.chat_id == old)
            if new in self._inactive:
                self._chats.remove(_Q.chat_id == old)
            else:
                self._chats.update({"chat_id": new}, _Q.chat_id == old)
        for sub_id in merged:
            del self._subs[sub_id]
            self._targets.pop(sub_id, None)
        for sub in self._by_chat.pop(old, {}).values():
            if sub.id in merged:
                continue
            sub.chat_id = new
            self._by_chat.setdefault(new, {})[sub.id] = sub
        if old in self._inactive:
            reason = self._inactive.pop(old)
            self._inactive.setdefault(new, reason)
        self._changed()
        return len(merged)


def _to_doc(sub: Subscription) -> dict[str, object]:
    return {
        "chat_id": sub.chat_id,
        "user_id": sub.user_id,
        "kind": sub.kind,
        "value": sub.value,
        "created_at": sub.created_at,
    }


def _from_doc(doc_id: int, doc: dict) -> Subscription:
    return Subscription(
        chat_id=doc["chat_id"],
        user_id=doc["user_id"],
        kind=doc["kind"],
        value=doc["value"],
        id=doc_id,
        created_at=doc.get("created_at"),
    )
