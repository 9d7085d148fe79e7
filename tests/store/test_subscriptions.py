"""Tests for subscriptions and chat state (`store/subscriptions.py`), on memory and a file."""

from collections.abc import Callable

import pytest

from bot.models import Subscription
from store.db import Database
from store.subscriptions import ADDED, DUPLICATE, LIMIT, SubscriptionStore


@pytest.fixture
def store(store_database: Database) -> SubscriptionStore:
    return SubscriptionStore(store_database)


@pytest.fixture
def reopened(reopen_database: Callable[[], Database]) -> Callable[[], SubscriptionStore]:
    """Return the store read back from its file (in memory: the same data)."""
    return lambda: SubscriptionStore(reopen_database())


def sub(chat: int, kind: str, value: str, user: int | None = None) -> Subscription:
    return Subscription(chat, chat if user is None else user, kind, value)


def test_add_then_read_back(store: SubscriptionStore, reopened: Callable) -> None:
    result = store.add(sub(1, "topic", "Roma"), limit=50)
    assert result.outcome == ADDED and result.subscription.id == 1
    again = reopened()
    [stored] = again.for_chat(1)
    assert (stored.id, stored.kind, stored.value, stored.user_id) == (1, "topic", "Roma", 1)
    assert stored.created_at and again.get(1) == stored


def test_the_same_thing_twice_is_one_subscription(store: SubscriptionStore) -> None:
    store.add(sub(1, "keyword", "Roma  Education"), limit=50)
    result = store.add(sub(1, "keyword", "roma education"), limit=50)
    assert result.outcome == DUPLICATE and result.subscription.value == "Roma  Education"
    assert store.add(sub(2, "keyword", "roma education"), limit=50).outcome == ADDED
    assert len(store) == 2


def test_the_limit_is_per_chat(store: SubscriptionStore) -> None:
    for n in range(3):
        store.add(sub(1, "keyword", f"word{n}"), limit=3)
    assert store.add(sub(1, "keyword", "more"), limit=3).outcome == LIMIT
    assert len(store.for_chat(1)) == 3


def test_remove_one_and_all(store: SubscriptionStore, reopened: Callable) -> None:
    store.add(sub(1, "topic", "Roma"), limit=50)
    store.add(sub(1, "city", "Oslo"), limit=50)
    store.add(sub(2, "city", "Oslo"), limit=50)
    assert store.remove(1).value == "Roma"
    assert store.remove(1) is None
    assert store.remove_chat(1) == 1
    assert [s.chat_id for s in reopened().active()] == [2]


def test_forget_user_deletes_their_subscriptions_anywhere_and_their_chat_state(
    store: SubscriptionStore, reopened: Callable
) -> None:
    store.add(sub(7, "topic", "Roma"), limit=50)
    store.add(sub(-100, "topic", "Roma", user=7), limit=50)
    store.add(sub(-100, "city", "Oslo", user=8), limit=50)
    store.deactivate(7, "blocked")
    assert store.forget_user(7) == 2
    again = reopened()
    assert [(s.chat_id, s.user_id) for s in again.active()] == [(-100, 8)]
    assert not again.is_inactive(7)


def test_an_inactive_chat_keeps_its_subscriptions_out_of_matching_until_it_is_back(
    store: SubscriptionStore, reopened: Callable
) -> None:
    store.add(sub(1, "topic", "Roma"), limit=50)
    store.add(sub(2, "topic", "Roma"), limit=50)
    assert store.deactivate(1, "Forbidden: bot was blocked by the user")
    assert not store.deactivate(1, "again")
    again = reopened()
    assert [s.chat_id for s in again.active()] == [2]
    assert again.inactive_chats() == {1: "Forbidden: bot was blocked by the user"}
    assert again.reactivate(1) and not again.reactivate(1)
    assert [s.chat_id for s in reopened().active()] == [1, 2]


def test_a_moved_chat_keeps_its_subscriptions(
    store: SubscriptionStore, reopened: Callable
) -> None:
    store.add(sub(-1, "topic", "Roma", user=5), limit=50)
    store.move_chat(-1, -1001)
    [moved] = reopened().for_chat(-1001)
    assert moved.user_id == 5
