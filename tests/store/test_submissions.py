"""The store of drafts, submissions and rejection-reason requests, in memory and on file."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Draft, ReasonRequest, Submission
from store.db import Database
from store.persistence import set_state
from store.submissions import DRAFT_RETENTION, SubmissionStore


@pytest.fixture
def store(store_database: Database) -> SubmissionStore:
    return SubmissionStore(store_database)


@pytest.fixture
def reopened(reopen_database: Callable[[], Database]) -> Callable[[], SubmissionStore]:
    """Return the store read back from its file (in memory: the same data)."""
    return lambda: SubmissionStore(reopen_database())


def test_draft_is_saved_with_its_step_and_answers_and_read_back(
    store: SubmissionStore, reopened: Callable[[], SubmissionStore]
) -> None:
    draft = Draft(user_id=7, answers={"title": "T", "cities": ["Lisbon"]}, step="country", rev=5)
    store.save_draft(draft)
    found = reopened().draft(7)
    assert found == draft and found.updated_at
    assert reopened().draft(8) is None


def test_one_draft_per_user_and_deleting_it(store: SubmissionStore) -> None:
    store.save_draft(Draft(user_id=7, step="title"))
    store.save_draft(Draft(user_id=7, step="period"))
    assert store.draft(7).step == "period"
    store.delete_draft(7)
    assert store.draft(7) is None


def test_submissions_are_numbered_and_kept_with_their_state(
    store: SubmissionStore, reopened: Callable[[], SubmissionStore]
) -> None:
    first = store.add(Submission(user_id=7, answers={"title": "A"}, sent_at="2025-01-01"))
    second = store.add(Submission(user_id=8, answers={"title": "B"}))
    assert (first.id, second.id) == (1, 2)
    first.status, first.reason, first.messages = "rejected", "Why", [[9001, 100]]
    store.save(first)
    again = reopened()
    found = again.get(1)
    assert found.status == "rejected" and found.reason == "Why"
    assert found.messages == [[9001, 100]] and found.user_id == 7
    assert again.get(3) is None


def test_queue_and_lists_come_in_their_order(store: SubmissionStore) -> None:
    for user_id in (7, 8, 7):
        store.add(Submission(user_id=user_id, answers={}))
    done = store.get(2)
    done.status, done.practice_id = "approved", "b-practice"
    store.save(done)
    assert [s.id for s in store.pending()] == [1, 3]
    assert [s.id for s in store.of_user(7)] == [3, 1]
    assert store.by_practice("b-practice").id == 2
    assert store.by_practice("other") is None


def test_reason_request_is_remembered_per_moderator(
    store: SubmissionStore, reopened: Callable[[], SubmissionStore]
) -> None:
    store.ask_reason(9001, 4, started_at=100.0)
    store.ask_reason(9001, 5, started_at=200.0, reason="Too vague.")
    store.ask_reason(9002, 6, started_at=300.0)
    again = reopened()
    assert again.reason_request(9001) == ReasonRequest(5, 200.0, "Too vague.")
    assert again.reason_request(9002) == ReasonRequest(6, 300.0, None)
    again.clear_reason_request(9001)
    assert again.reason_request(9001) is None


def test_a_reason_request_expires_after_its_time_from_its_start() -> None:
    request = ReasonRequest(5, started_at=1000.0)
    assert not request.expired(1000.0 + 1800, timeout=1800)
    assert request.expired(1000.0 + 1801, timeout=1800)
    assert ReasonRequest(5).expired(1_700_000_000.0, timeout=1800)  # stored without a start


def test_forget_erases_drafts_unpublished_submissions_and_contacts(
    store: SubmissionStore,
) -> None:
    contact = {"name": "Ana", "email": "ana@example.org", "public": True}
    answers = {"title": "T", "contact": contact}
    store.save_draft(Draft(user_id=7, answers=answers))
    pending = store.add(Submission(user_id=7, answers=dict(answers), user_name="Ana"))
    approved = store.add(Submission(user_id=7, answers=dict(answers), status="approved"))
    other = store.add(Submission(user_id=8, answers=dict(answers)))
    store.forget_user(7)
    assert store.draft(7) is None
    erased = store.get(pending.id)
    assert erased.status == "withdrawn" and erased.answers == {} and erased.user_name == ""
    kept = store.get(approved.id)
    assert kept.status == "approved" and kept.answers == {"title": "T"}
    # No submission is linked to the member any more: /mysubmissions is empty.
    assert erased.user_id == kept.user_id == 0 and store.of_user(7) == []
    assert store.get(other.id).answers == answers
    assert store.add(Submission(user_id=9, answers={})).id == 4  # numbers are never reused


def test_drafts_idle_past_the_retention_and_stale_states_are_pruned(
    store: SubmissionStore, store_database: Database
) -> None:
    now = datetime.now(UTC)
    for user_id in (1, 2):
        store.save_dialogue(Draft(user_id=user_id), "submit", (user_id, user_id), "asking")
    store.save_dialogue(Draft(user_id=3), "submit", (3, 3), "asking")
    states = store_database.table("conversations")
    # Draft 1 idle for longer than the retention; draft 2 just inside it.
    old = (now - DRAFT_RETENTION - timedelta(minutes=1)).isoformat()
    store_database.table("drafts").update({"updated_at": old}, doc_ids=[1])
    store_database.table("drafts").update(
        {"updated_at": (now - DRAFT_RETENTION + timedelta(minutes=1)).isoformat()}, doc_ids=[2]
    )
    # A state whose draft is gone, and an old one of another dialogue (a moderator's).
    set_state(states, "submit", (4, 4), "asking")
    set_state(states, "reject", (9, 9), "reason")
    states.update({"at": old}, lambda doc: doc["name"] == "reject")
    set_state(states, "reject", (8, 8), "reason")

    assert store.prune("submit", now) == (1, 3)
    assert store.draft(1) is None and store.draft(2) and store.draft(3)
    left = sorted((doc["name"], doc["key"][0]) for doc in states.all())
    assert left == [("reject", 8), ("submit", 2), ("submit", 3)]
    assert store.prune("submit", now) == (0, 0)
