"""Files per concern: what each write touches, no-op writes, migration, commits, the lock."""

import json
import os
from pathlib import Path

import pytest
from tinydb.table import Document

from bot.models import Draft
from store import files
from store.db import (
    CATALOGUE,
    CONCERNS,
    DIALOGUES,
    MEMBERS,
    OUTBOX,
    SCHEMA_VERSION,
    TABLES,
    Database,
    DatabaseLocked,
    concern_files,
    concern_path,
    database_files,
    journal_path,
    member_of,
    open_database,
    shard_paths,
)
from store.keys import conversation_id
from store.persistence import TinyDBPersistence
from store.submissions import SubmissionStore


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.json"


@pytest.fixture
def database(path: Path):
    database = open_database(path)
    yield database
    database.close()


def writes(database: Database) -> dict[str, int]:
    return {concern: database.storage(concern).writes for concern in CONCERNS}


def stamps(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Return (inode, mtime) of every data file of each concern: a rewrite changes the inode
    (rename)."""
    found = {}
    for concern in CONCERNS:
        stats = [file.stat() for file in concern_files(path, concern)]
        found[concern] = [(stat.st_ino, stat.st_mtime_ns) for stat in stats]
    return found


def on_disk(path: Path, concern: str) -> dict:
    """Return a concern's tables as its files hold them (every shard's documents)."""
    tables: dict = {}
    for file in concern_files(path, concern):
        for name, table in json.loads(file.read_text(encoding="utf-8")).items():
            tables.setdefault(name, {}).update(table)
    return tables


# --- the files -------------------------------------------------------------------------------


def test_database_files_lists_every_data_file_and_the_journal(path: Path) -> None:
    names = [p.name for p in database_files(path)]
    assert names == [
        "bot.json",
        *(f"bot.members.{n:02d}.json" for n in range(100)),
        *(f"bot.dialogues.{n:02d}.json" for n in range(100)),
        "bot.outbox.json",
        "bot.json.outbox-journal",
    ]
    assert database_files(path)[-1] == journal_path(path)
    assert [p.name for p in database_files(path, schema=2)] == [
        "bot.json",
        "bot.members.json",
        "bot.dialogues.json",
        "bot.outbox.json",
        "bot.json.outbox-journal",
    ]


def test_a_new_database_is_one_file_per_concern(database: Database, path: Path) -> None:
    for concern in CONCERNS:
        assert all(file.is_file() for file in concern_files(path, concern))
    assert on_disk(path, CATALOGUE)["meta"] == {"1": {"schema": SCHEMA_VERSION}}


def test_each_table_is_written_to_its_concerns_file(database: Database, path: Path) -> None:
    database.table("practices").insert({"id": "p"})
    database.table("subscriptions").insert({"chat_id": 1})
    database.table("drafts").insert({"user_id": 1})
    database.table("outbox").insert({"chat_id": 1})
    assert "practices" in on_disk(path, CATALOGUE)
    assert "subscriptions" in on_disk(path, MEMBERS)
    assert "drafts" in on_disk(path, DIALOGUES)
    assert "outbox" in on_disk(path, OUTBOX)
    assert "drafts" not in on_disk(path, CATALOGUE)


def test_a_dialogue_step_writes_the_dialogues_file_only_and_once(
    database: Database, path: Path
) -> None:
    database.table("practices").insert({"id": "p"})
    database.table("outbox").insert({"chat_id": 1})
    database.table("subscriptions").insert({"chat_id": 1})
    before, counted = stamps(path), writes(database)
    SubmissionStore(database).save_dialogue(
        Draft(user_id=7, step="subtitle"), "submit", (7, 7), "asking"
    )
    after = stamps(path)
    assert {c for c in CONCERNS if before[c] != after[c]} == {DIALOGUES}
    assert writes(database)[DIALOGUES] == counted[DIALOGUES] + 1


# --- no write when nothing changed -----------------------------------------------------------


async def test_writes_that_change_nothing_reach_no_disk(database: Database, path: Path) -> None:
    store, persistence = SubmissionStore(database), TinyDBPersistence(database)
    table = database.table("things")
    table.insert({"n": 1})
    before = stamps(path)
    counted = writes(database)
    store.delete_draft(42)  # there is none
    table.remove(lambda doc: doc["n"] == 99)
    table.update({"n": 1}, doc_ids=[1])  # the same value
    table.upsert({"n": 1}, lambda doc: doc["n"] == 1)
    await persistence.update_conversation("submit", (5, 5), None)  # nothing stored
    await persistence.update_conversation("submit", (5, 5), "asking")
    once = writes(database)
    await persistence.update_conversation("submit", (5, 5), "asking")  # what is stored
    assert writes(database) == once
    assert sum(once.values()) == sum(counted.values()) + 1
    assert stamps(path)[CATALOGUE] == before[CATALOGUE]


def test_an_upsert_that_inserts_is_one_write(database: Database) -> None:
    counted = writes(database)[DIALOGUES]
    SubmissionStore(database).save_draft(Draft(user_id=7))
    assert writes(database)[DIALOGUES] == counted + 1


def test_written_file_equals_the_data_after_many_small_changes(path: Path) -> None:
    database = open_database(path)
    table = database.table("drafts")
    for n in range(30):
        table.upsert(Document({"user_id": n, "text": f"n{n} “ü” \ud800"}, n + 1))
    table.update({"text": "changed"}, doc_ids=[3, 4])
    table.remove(doc_ids=[5, 6])
    table.truncate()
    table.insert_multiple([{"user_id": 1}, {"user_id": 2}])
    table.update({"step": "x"}, lambda doc: doc["user_id"] == 2)
    other = database.table("conversations")
    other.insert({"state": "asking"})
    expected = {"drafts": table._read_table(), "conversations": other._read_table()}
    database.close()
    # Every table of a sharded concern is in its files from the start (empty ones too).
    expected = {name: {} for name, concern in TABLES.items() if concern == DIALOGUES} | expected
    assert on_disk(path, DIALOGUES) == json.loads(json.dumps(expected))


def test_a_lone_surrogate_is_written_and_read_back_unchanged(path: Path) -> None:
    database = open_database(path)
    database.table("drafts").insert({"title": "a\ud800b"})
    database.close()
    database = open_database(path)
    assert database.table("drafts").all() == [{"title": "a\ud800b"}]
    database.close()


# --- the draft and its conversation state in one write ---------------------------------------


def test_draft_and_conversation_state_are_one_write(
    database: Database, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SubmissionStore(database)
    store.save_dialogue(Draft(user_id=7, step="title"), "submit", (7, 7), "asking")
    renames: list[str] = []
    real = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append(Path(b).name), real(a, b)))
    store.save_dialogue(Draft(user_id=7, step="preview"), "submit", (7, 7), "preview")
    assert renames == [shard_paths(path, DIALOGUES)[member_of(7)].name]
    assert renames == ["bot.dialogues.07.json"]


def test_a_crash_in_the_write_keeps_both_old_draft_and_state(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(path)
    store = SubmissionStore(database)
    store.save_dialogue(Draft(user_id=7, step="title"), "submit", (7, 7), "asking")

    def crash(src: object, dst: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.save_dialogue(Draft(user_id=7, step="preview"), "submit", (7, 7), "preview")
    monkeypatch.undo()
    database.close()
    data = on_disk(path, DIALOGUES)
    assert data["drafts"]["7"]["step"] == "title"
    assert data["conversations"][str(conversation_id("submit", (7, 7)))]["state"] == "asking"


# --- several files in one transaction --------------------------------------------------------


@pytest.mark.parametrize(
    "documents",
    [
        [("practices", {"id": "new"}, None), ("outbox", {"chat_id": 1}, None)],
        # Two members' shards of one concern (ids 7 and 8: shards 07 and 08).
        [("members", {"language": "de"}, 7), ("members", {"language": "fr"}, 8)],
    ],
)
def test_a_transaction_over_several_files_is_completed_after_a_crash_at_the_renames(
    path: Path, monkeypatch: pytest.MonkeyPatch, documents: list[tuple[str, dict, int | None]]
) -> None:
    database = open_database(path)
    real, done = files.replace, []

    def crash_after_first(tmp: Path, target: Path, fd: int, lock: object) -> None:
        if done:
            os.close(fd)
            raise KeyboardInterrupt  # the process dies between two renames
        done.append(target)
        real(tmp, target, fd, lock)

    monkeypatch.setattr("store.db.replace", crash_after_first)
    with pytest.raises(KeyboardInterrupt), database.transaction():
        for table, doc, doc_id in documents:
            database.table(table).insert(Document(doc, doc_id) if doc_id else doc)
    monkeypatch.undo()
    assert len(done) == 1
    database.close()
    database = open_database(path)
    for table, doc, _ in documents:
        assert doc in database.table(table).all()
    database.close()
    assert not path.with_name("bot.json.commit").exists()


def test_a_transaction_over_several_files_is_undone_after_a_crash_before_its_commit(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(path)
    real = files.write_atomically

    def crash_at_note(target: Path, data: bytes, lock: object = None) -> None:
        if target.name.endswith(".commit"):
            raise OSError("No space left on device")
        real(target, data, lock)

    monkeypatch.setattr("store.db.write_atomically", crash_at_note)
    with pytest.raises(OSError), database.transaction():
        database.table("practices").insert({"id": "new"})
        database.table("outbox").insert({"chat_id": 1})
    monkeypatch.undo()
    assert database.table("practices").all() == []
    database.close()
    database = open_database(path)
    assert database.table("practices").all() == []
    assert database.table("outbox").all() == []
    database.close()


# --- migration of a schema 1 database --------------------------------------------------------


def old_database(path: Path) -> dict:
    data = {
        "meta": {"1": {"schema": 1, "bundled_catalogue_loaded": True}},
        "practices": {"1": {"id": "p", "title": "P"}},
        "submissions": {"1": {"user_id": 7, "answers": {}}},
        "subscriptions": {"1": {"chat_id": 7, "user_id": 7, "kind": "topic", "value": "Roma"}},
        "chats": {},
        "drafts": {"3": {"user_id": 7, "step": "subtitle"}},
        "conversations": {"9": {"name": "submit", "key": [7, 7], "state": "asking"}},
        "outbox": {"1": {"chat_id": 7, "status": "pending"}},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return data


def test_a_schema_1_file_is_split_into_one_file_per_concern(path: Path) -> None:
    old_database(path)
    database = open_database(path)
    assert database.table("meta").get(doc_id=1)["schema"] == SCHEMA_VERSION
    assert database.table("meta").get(doc_id=1)["bundled_catalogue_loaded"] is True
    assert database.table("practices").all() == [{"id": "p", "title": "P"}]
    assert SubmissionStore(database).draft(7).step == "subtitle"
    assert len(database.table("subscriptions")) == 1
    assert database.table("outbox").get(doc_id=1)["status"] == "pending"
    state = database.table("conversations").get(doc_id=conversation_id("submit", (7, 7)))
    assert state["state"] == "asking" and state["at"]
    database.close()
    assert set(on_disk(path, CATALOGUE)) == {"meta", "practices", "submissions"}
    assert set(on_disk(path, MEMBERS)) == {n for n, c in TABLES.items() if c == MEMBERS}
    assert {"subscriptions", "chats", "members"} <= set(on_disk(path, MEMBERS))


def test_the_old_file_is_kept_until_the_new_files_are_written(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_database(path)
    before = path.read_bytes()
    real = files.write_atomically

    def full_at_members(target: Path, data: bytes, lock: object = None) -> None:
        if target.name == "bot.outbox.json":
            raise OSError(28, "No space left on device")
        real(target, data, lock)

    monkeypatch.setattr("store.db.write_atomically", full_at_members)
    with pytest.raises(Exception, match="No space left"):
        open_database(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    database = open_database(path)  # the next start migrates again, from the whole old file
    assert SubmissionStore(database).draft(7).step == "subtitle"
    database.close()


def test_a_missing_file_of_a_split_database_is_refused(path: Path) -> None:
    open_database(path).close()
    shard_paths(path, MEMBERS)[42].unlink()
    with pytest.raises(Exception, match="missing"):
        open_database(path)


# --- the lock --------------------------------------------------------------------------------


def test_deleting_the_lock_note_does_not_let_a_second_process_in(path: Path) -> None:
    first = open_database(path)
    first.table("practices").insert({"id": "a"})  # a new main file: the lock moved to it
    path.with_name("bot.json.lock").unlink()
    with pytest.raises(DatabaseLocked):
        open_database(path)
    first.table("practices").insert({"id": "b"})
    with pytest.raises(DatabaseLocked):
        open_database(path)
    first.close()
    second = open_database(path)
    assert [d["id"] for d in second.table("practices").all()] == ["a", "b"]
    second.close()


def test_large_tables_are_written_whole_and_in_order_after_scattered_changes(
    path: Path,
) -> None:
    database = open_database(path)
    ordered = database.table("practices")
    ordered.insert_multiple({"n": n} for n in range(1000))
    hashed = database.table("drafts")
    for user_id in range(10**9, 10**9 + 700, 7):
        hashed.insert(Document({"user_id": user_id}, user_id))
    ordered.update({"n": -1}, doc_ids=[3, 600])
    ordered.remove(doc_ids=[256, 257, 999])
    ordered.insert({"n": 1000})
    hashed.remove(doc_ids=[10**9 + 7])
    hashed.update({"step": "x"}, doc_ids=[10**9 + 14])
    expected_order = [doc.doc_id for doc in ordered.all()]
    expected = {"practices": ordered._read_table(), "drafts": hashed._read_table()}
    database.close()
    assert json.loads(concern_path(path, CATALOGUE).read_text())["practices"] == json.loads(
        json.dumps(expected["practices"])
    )
    assert on_disk(path, DIALOGUES)["drafts"] == json.loads(json.dumps(expected["drafts"]))
    database = open_database(path)
    assert [doc.doc_id for doc in database.table("practices").all()] == expected_order
    database.close()


def test_a_file_of_its_own_that_does_not_exist_yet_is_created_at_its_first_write(
    tmp_path: Path,
) -> None:
    db = files.open_file(tmp_path / "log.json")
    db.table("things").remove(lambda doc: True)  # nothing there: no file yet
    assert not (tmp_path / "log.json").exists()
    db.table("things").insert({"n": 1})
    assert json.loads((tmp_path / "log.json").read_text()) == {"things": {"1": {"n": 1}}}
