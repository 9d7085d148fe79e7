"""Files written in the database's writer thread: in order, merged, durable when awaited."""

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from tinydb.table import Document

from store import files
from store.db import CONCERNS, DIALOGUES, MEMBERS, Database, concern_files, open_database


def on_disk(path: Path, concern: str, table: str) -> dict[str, Any]:
    """Return a table as the files of its concern hold it (every shard's documents)."""
    docs: dict[str, Any] = {}
    for file in concern_files(path, concern):
        docs.update(json.loads(file.read_text(encoding="utf-8")).get(table, {}))
    return docs


class Gate:
    """Holds the writer thread before each file it writes until the test opens the gate."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.open = threading.Event()
        self.written: list[str] = []
        self.fail: OSError | None = None
        real = files.write_durably

        def write_durably(target: Path, data: Any) -> int:
            self.open.wait()
            if self.fail is not None:
                raise self.fail
            self.written.append(target.name)
            return real(target, data)

        monkeypatch.setattr(files, "write_durably", write_durably)


def held_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Database, Gate]:
    """Open a database whose writer thread waits at the gate before each file."""
    path = tmp_path / "bot.json"
    database = open_database(path)
    gate = Gate(monkeypatch)
    database.write_in_background()
    return path, database, gate


async def test_a_send_waits_for_the_writes_before_it_and_bursts_are_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, database, gate = held_writer(tmp_path, monkeypatch)
    members = database.table("members")
    for n in range(5):  # five writes of one shard (ids 7, 107, …) while the thread is held
        members.insert(Document({"n": n}, 7 + 100 * n))
    with database.transaction():  # one change across two files
        members.insert(Document({"n": 5}, 507))
        database.table("drafts").insert({"step": "title"})
    saved = asyncio.ensure_future(database.saved())
    await asyncio.sleep(0)
    assert not saved.done() and on_disk(path, MEMBERS, "members") == {}
    gate.open.set()
    await saved
    assert sorted(doc["n"] for doc in on_disk(path, MEMBERS, "members").values()) == list(range(6))
    assert list(on_disk(path, DIALOGUES, "drafts").values()) == [{"step": "title"}]
    database.close()
    # The first job may have been taken alone; everything queued behind it went in one step
    # through the commit note: at most one write of the members' shard before it.
    assert gate.written.count("bot.members.07.json") <= 1
    assert gate.written.count(".bot.members.07.json.tmp") <= 2
    assert not path.with_name("bot.json.commit").exists()


async def test_a_failed_write_fails_the_send_and_memory_returns_to_the_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    members = database.table("members")
    members.insert({"name": "kept"})
    gate = Gate(monkeypatch)
    database.write_in_background()
    gate.fail = OSError(28, "No space left on device")
    members.insert({"name": "lost"})
    gate.open.set()
    with pytest.raises(OSError, match="No space"):
        await database.saved()
    await asyncio.sleep(0)  # the loop reloads what is on disk
    assert [doc["name"] for doc in database.table("members").all()] == ["kept"]
    gate.fail = None
    members.insert({"name": "after"})
    await database.saved()
    names = sorted(doc["name"] for doc in on_disk(path, MEMBERS, "members").values())
    assert names == ["after", "kept"]
    database.close()


async def test_closing_writes_what_is_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, database, gate = held_writer(tmp_path, monkeypatch)
    database.table("drafts").insert({"step": "subtitle"})
    gate.open.set()
    database.close()
    assert list(on_disk(path, DIALOGUES, "drafts").values()) == [{"step": "subtitle"}]
    reopened = open_database(path)
    assert [c for c in CONCERNS if reopened.storage(c).dirty] == []
    reopened.close()
