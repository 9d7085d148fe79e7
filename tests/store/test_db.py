"""Tests for opening the database (`store/db.py`): atomic writes, transactions, schema, lock.

As TinyDB tests itself, every test that can runs on an in-memory database and on a real file.
"""

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from tinydb import Query

from store.db import (
    SCHEMA_VERSION,
    Database,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseLock,
    DatabaseLocked,
    database_files,
    open_database,
)

# Every data file (the members' and dialogues' shards included) and the lock's note.
DATA_FILES = sorted([*(p.name for p in database_files(Path("bot.json"))[:-1]), "bot.json.lock"])


@pytest.fixture
def database(db_path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def path(tmp_path) -> Path:
    return tmp_path / "data" / "bot.json"


def _reopened(db_path: Path | None, database: Database) -> Database:
    """Return the same data seen afresh: from the file when there is one."""
    if db_path is None:
        return database
    database.close()
    return open_database(db_path)


# --- on memory and on file -------------------------------------------------------------------


def test_schema_version_is_stored(db_path, database):
    database = _reopened(db_path, database)
    assert database.table("meta").all() == [{"schema": SCHEMA_VERSION}]
    database.close()


def test_writes_are_kept(db_path, database):
    database.table("things").insert({"name": "one"})
    database = _reopened(db_path, database)
    assert database.table("things").all() == [{"name": "one"}]
    database.close()


def test_transaction_writes_everything_at_its_end(db_path, database):
    with database.transaction():
        database.table("things").insert({"name": "one"})
        database.table("other").insert({"name": "two"})
        assert database.table("things").all() == [{"name": "one"}]
    database = _reopened(db_path, database)
    assert database.table("things").all() == [{"name": "one"}]
    assert database.table("other").all() == [{"name": "two"}]
    database.close()


def test_failed_transaction_writes_nothing(db_path, database):
    database.table("things").insert({"name": "before"})
    with pytest.raises(RuntimeError), database.transaction():
        database.table("things").insert({"name": "one"})
        database.table("things").update({"name": "changed"}, doc_ids=[1])
        database.table("other").insert({"name": "two"})
        assert len(database.table("things").all()) == 2  # seen inside, then undone
        assert database.table("things").search(Query().name == "one") == [{"name": "one"}]
        raise RuntimeError("crash in the middle")
    assert database.table("things").all() == [{"name": "before"}]
    assert database.table("things").search(Query().name == "one") == []
    assert database.table("other").all() == []
    database = _reopened(db_path, database)
    assert database.table("things").all() == [{"name": "before"}]
    assert database.table("other").all() == []
    database.close()


def test_database_is_usable_after_a_failed_transaction(db_path, database):
    with pytest.raises(RuntimeError), database.transaction():
        database.table("things").insert({"name": "lost"})
        raise RuntimeError
    database.table("things").insert({"name": "kept"})
    database = _reopened(db_path, database)
    assert database.table("things").all() == [{"name": "kept"}]
    database.close()


def test_nested_transaction_is_part_of_the_outer_one(database):
    with pytest.raises(RuntimeError), database.transaction():
        database.table("things").insert({"name": "outer"})
        with database.transaction():
            database.table("things").insert({"name": "inner"})
        raise RuntimeError
    assert database.table("things").all() == []


# --- on file: atomic writes ------------------------------------------------------------------


def test_transaction_reaches_the_disk_in_one_rename(path, monkeypatch):
    database = open_database(path)
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (renames.append(b), real_replace(a, b)))
    with database.transaction():
        for n in range(5):
            database.table("things").insert({"n": n})
    database.close()
    assert len(renames) == 1
    assert len(json.loads(path.read_text(encoding="utf-8"))["things"]) == 5


@pytest.mark.parametrize("failing", ["replace", "write"])
def test_crash_while_writing_leaves_the_old_file_intact(path, monkeypatch, failing):
    database = open_database(path)
    database.table("things").insert({"name": "old"})
    before = path.read_bytes()

    real_write = os.write

    def broken_write(fd, data):
        real_write(fd, bytes(data)[:10])  # part of the file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    def broken_writev(fd, pieces):
        return broken_write(fd, b"".join(pieces))

    def broken_replace(src, dst):
        raise OSError("power cut")

    if failing == "write":
        monkeypatch.setattr(os, "write", broken_write)
        monkeypatch.setattr(os, "writev", broken_writev)
    else:
        monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        database.table("things").insert({"name": "new"})
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == DATA_FILES
    assert database.table("things").all() == [{"name": "old"}]
    database.close()
    database = open_database(path)
    assert database.table("things").all() == [{"name": "old"}]
    database.close()


def test_crash_while_writing_a_transaction_leaves_the_old_file_intact(path, monkeypatch):
    database = open_database(path)
    database.table("things").insert({"name": "old"})
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError), database.transaction():
        database.table("things").insert({"name": "a"})
        database.table("things").insert({"name": "b"})
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert database.table("things").all() == [{"name": "old"}]
    database.close()


def test_file_is_json_of_the_tables(path):
    database = open_database(path)
    database.table("things").insert({"name": "Zürich 🙂"})
    database.close()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["things"] == {"1": {"name": "Zürich 🙂"}}
    assert data["meta"] == {"1": {"schema": SCHEMA_VERSION}}


def test_missing_folder_is_created(tmp_path):
    database = open_database(tmp_path / "a" / "b" / "bot.json")
    database.table("things").insert({"n": 1})
    database.close()
    assert (tmp_path / "a" / "b" / "bot.json").is_file()


@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_empty_file_is_refused_like_any_invalid_file(path, content):
    # An empty file is not a database the bot wrote (it never writes one): it may be what a
    # full disk or a bad copy left, so it is not silently taken for a new database.
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["bot.json", "bot.json.lock"]


@pytest.mark.parametrize("kept", ["bot.members.07.json", "bot.outbox.json", "bot.members.json"])
def test_a_missing_main_file_is_not_replaced_while_other_files_are_there(path, kept):
    # The main file holds the schema and the lock: a new one would be written over the
    # members' shards, emptying them. Nothing is created or changed.
    database = open_database(path)
    database.table("subscriptions").insert({"chat_id": 7, "user_id": 7, "kind": "topic"})
    database.close()
    for file in path.parent.iterdir():
        if file.name not in (kept, "bot.json.lock"):
            file.unlink()
    if not (path.parent / kept).exists():  # a schema 2 file, left by an older version
        (path.parent / kept).write_text('{"subscriptions": {}}', encoding="utf-8")
    before = {f.name: f.read_bytes() for f in path.parent.iterdir()}
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    assert f"{path} is missing" in str(caught.value) and kept in str(caught.value)
    assert {f.name: f.read_bytes() for f in path.parent.iterdir()} == before


# --- on file: schema -------------------------------------------------------------------------


def test_newer_schema_is_refused_with_a_clear_message(path):
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}}))
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as caught:
        open_database(path)
    message = str(caught.value)
    assert "newer" in message
    assert f"schema {SCHEMA_VERSION + 1}" in message
    assert "\n" not in message
    assert path.read_bytes() == before
    lock = DatabaseLock(path)  # the refused database was released
    lock.acquire()
    lock.release()


def test_same_schema_opens(path):
    open_database(path).close()
    database = open_database(path)
    assert database.table("meta").get(doc_id=1) == {"schema": SCHEMA_VERSION}
    database.close()


# --- on file: corruption ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is not json at all",
        b"\x00\xff\xfe garbage \x81",
        b'{"practices": {"1": {"id": "safer", "title": "Saf',
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"practices": [1, 2]}',
        b'{"practices": "x"}',
        b'{"practices": {"1": "not a document"}}',
        b'{"meta": {"1": {"schema": "one"}}}',
    ],
)
def test_corrupt_file_raises_one_line_and_is_left_untouched(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)
    message = str(caught.value)
    assert str(path) in message
    assert "\n" not in message
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == ["bot.json", "bot.json.lock"]
    lock = DatabaseLock(path)  # the corrupt database was released
    lock.acquire()
    lock.release()


def test_corrupt_is_a_database_error(path):
    path.parent.mkdir(parents=True)
    path.write_text("[]")
    with pytest.raises(DatabaseError):
        open_database(path)


# --- on file: one owning process -------------------------------------------------------------


def test_second_open_of_the_same_file_is_refused_naming_the_owner(path):
    first = open_database(path)
    with pytest.raises(DatabaseLocked) as caught:
        open_database(path)
    message = str(caught.value)
    assert f"pid {os.getpid()}" in message
    assert str(path) in message
    assert "\n" not in message
    first.table("things").insert({"still": "works"})
    first.close()


def test_closing_releases_the_lock(path):
    open_database(path).close()
    second = open_database(path)
    second.table("things").insert({"n": 1})
    second.close()


def test_refused_open_leaves_the_owner_and_file_alone(path):
    first = open_database(path)
    first.table("things").insert({"n": 1})
    before = path.read_bytes()
    with pytest.raises(DatabaseLocked):
        open_database(path)
    assert path.read_bytes() == before
    first.close()


def test_different_files_open_together(tmp_path):
    one, two = open_database(tmp_path / "one.json"), open_database(tmp_path / "two.json")
    one.table("things").insert({"n": 1})
    two.table("things").insert({"n": 2})
    assert one.table("things").all() == [{"n": 1}]
    assert two.table("things").all() == [{"n": 2}]
    one.close()
    two.close()


def test_memory_databases_need_no_lock():
    one, two = open_database(None), open_database(None)
    one.table("things").insert({"n": 1})
    assert two.table("things").all() == []
    one.close()
    two.close()


def test_close_twice_is_harmless(path):
    database = open_database(path)
    database.close()
    database.close()
    again = open_database(path)
    assert again.table("meta").all() == [{"schema": SCHEMA_VERSION}]
    again.close()
