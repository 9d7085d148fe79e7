"""Tests for the practices table (`store/practices.py`), on memory and on a real file."""

from collections.abc import Callable

import pytest

from bot.models import Practice
from store.db import Database
from store.practices import PracticeStore


@pytest.fixture
def store(store_database: Database) -> PracticeStore:
    return PracticeStore(store_database)


@pytest.fixture
def reopened(reopen_database: Callable[[], Database]) -> Callable[[], PracticeStore]:
    """Return the store read back from its file (in memory: the same data)."""
    return lambda: PracticeStore(reopen_database())


def make(pid: str = "safer-alta-de-lisboa", **fields) -> Practice:
    values = {
        "id": pid,
        "title": "Safer Alta de Lisboa",
        "country": "Portugal",
        "subtitle": "Community policing",
        "cities": ["Lisbon"],
        "period": "2009 - ongoing",
        "topics": ["Security, justice and safety"],
        "purpose": "Trust between police and residents.",
        "keywords": ["community policing"],
        "url": "https://www.coe.int/en/web/interculturalcities/-/safer-alta-de-lisboa",
        "source": "coe-listing",
    }
    values.update(fields)
    return Practice(**values)


CATALOGUE = [
    make("one", title="One"),
    make("two", title="Two", cities=["Zürich"], country="Switzerland"),
    make("three", title="Three", cities=[], country="Ireland"),
]


def fresh() -> list[Practice]:
    return [Practice.from_dict(p.to_dict()) for p in CATALOGUE]


# --- import ----------------------------------------------------------------------------------


def test_import_adds_new_practices(reopened, store):
    report = store.import_practices(fresh())
    assert report.added == ["one", "two", "three"]
    assert report.updated == report.unchanged == []
    store = reopened()
    assert [p.id for p in store.all()] == ["one", "two", "three"]
    assert store.get("two").cities == ["Zürich"]


def test_import_twice_changes_nothing(reopened, store):
    store.import_practices(fresh())
    before = [p.to_dict() for p in store.all()]
    report = store.import_practices(fresh())
    assert report.unchanged == ["one", "two", "three"]
    assert report.added == report.updated == []
    store = reopened()
    assert [p.to_dict() for p in store.all()] == before


def test_import_twice_writes_no_new_documents(store):
    store.import_practices(fresh())
    store.import_practices(fresh())
    assert store.count() == {"published": 3}


def test_changed_record_updates(reopened, store):
    store.import_practices(fresh())
    changed = fresh()
    changed[1].title = "Two, renamed"
    changed[1].keywords = ["new keyword"]
    report = store.import_practices(changed)
    assert report.updated == ["two"]
    assert report.unchanged == ["one", "three"]
    store = reopened()
    assert store.get("two").title == "Two, renamed"
    assert store.get("two").keywords == ["new keyword"]
    assert store.count() == {"published": 3}


def test_update_keeps_publication_state(store):
    store.import_practices([make("one", published_at="2020-01-01T00:00:00+00:00")])
    stored = store.get("one")
    stored.status, stored.submitted_by = "pending", 42
    store.save(stored)
    report = store.import_practices([make("one", title="Renamed")])
    assert report.updated == ["one"]
    practice = store.get("one")
    assert practice.title == "Renamed"
    assert practice.status == "pending"
    assert practice.published_at == "2020-01-01T00:00:00+00:00"
    assert practice.submitted_by == 42


def test_publication_state_alone_is_not_a_change(store):
    store.import_practices([make("one")])
    stored = store.get("one")
    stored.status = "rejected"
    store.save(stored)
    assert store.import_practices([make("one")]).unchanged == ["one"]
    assert store.get("one").status == "rejected"


def test_new_practice_gets_a_publication_time(store):
    store.import_practices([make("one")])
    assert store.get("one").published_at
    store.import_practices([make("two", published_at="2019-05-01T00:00:00+00:00")])
    assert store.get("two").published_at == "2019-05-01T00:00:00+00:00"


def test_partial_import_keeps_stored_fields_the_record_lacks(reopened, store):
    store.import_practices([make("one")])
    partial = Practice(id="one", title="Renamed", country="Portugal", period="2010 onwards")
    report = store.import_practices([partial], partial=True)
    assert report.updated == ["one"]
    store = reopened()
    practice = store.get("one")
    assert practice.title == "Renamed"
    assert practice.period == "2010 onwards"
    assert practice.subtitle == "Community policing"
    assert practice.purpose == "Trust between police and residents."
    assert practice.keywords == ["community policing"]
    assert practice.cities == ["Lisbon"]


def test_partial_import_of_the_same_fields_is_unchanged(store):
    store.import_practices([make("one")])
    partial = Practice(id="one", title="Safer Alta de Lisboa", country="Portugal")
    assert store.import_practices([partial], partial=True).unchanged == ["one"]


def test_full_import_replaces_fields_the_record_lacks(store):
    store.import_practices([make("one")])
    store.import_practices([make("one", purpose=None, keywords=[])])
    practice = store.get("one")
    assert practice.purpose is None
    assert practice.keywords == []


def test_import_is_all_or_nothing(store_database, reopened, store, monkeypatch):
    store.import_practices([make("one")])
    table = store_database.table("practices")
    real_insert = table.insert
    calls = []

    def failing_insert(document):
        calls.append(document["id"])
        if len(calls) == 2:
            raise OSError("disk full")
        return real_insert(document)

    monkeypatch.setattr(table, "insert", failing_insert)
    with pytest.raises(OSError):
        store.import_practices([make("one", title="Changed"), make("two"), make("three")])
    monkeypatch.undo()
    store = reopened()
    assert [(p.id, p.title) for p in store.all()] == [("one", "Safer Alta de Lisboa")]


def test_same_id_twice_in_one_import_is_stored_once(store):
    report = store.import_practices([make("one", title="First"), make("one", title="Second")])
    assert report.added == ["one"]
    assert [p.title for p in store.all()] == ["Second"]


def test_last_of_repeated_ids_in_one_import_wins(store):
    store.import_practices(
        [make("one", title="A"), make("one", title="B"), make("one", title="A")]
    )
    assert [p.title for p in store.all()] == ["A"]


# --- reading and saving ----------------------------------------------------------------------


def test_all_returns_published_practices_by_default(store):
    store.import_practices(fresh())
    pending = make("four", status="pending")
    store.save(pending)
    assert [p.id for p in store.all()] == ["one", "two", "three"]
    assert [p.id for p in store.all("pending")] == ["four"]
    assert [p.id for p in store.all(None)] == ["one", "two", "three", "four"]
    assert store.count() == {"published": 3, "pending": 1}


def test_get_finds_any_status_and_none_for_unknown(store):
    store.save(make("four", status="rejected"))
    assert store.get("four").status == "rejected"
    assert store.get("nope") is None


def test_save_inserts_then_replaces(reopened, store):
    store.save(make("one"))
    store.save(make("one", title="Replaced", status="pending"))
    store = reopened()
    assert [(p.title, p.status) for p in store.all(None)] == [("Replaced", "pending")]
    assert store.ids() == {"one"}


def test_stored_practice_round_trips_every_field(reopened, store):
    practice = make(
        "one",
        rationale="Why <b>&",
        process="How",
        impact="Effect 🙂",
        language="fr",
        status="pending",
        published_at="2024-01-01T00:00:00+00:00",
        submitted_by=7,
    )
    store.save(practice)
    store = reopened()
    assert store.get("one") == practice


def test_empty_store(store):
    assert store.all() == []
    assert store.ids() == set()
    assert store.count() == {}
