"""Snapshots and restores (`store/backup.py`, `handlers/backups.py::take_snapshot`)."""

import asyncio
import json
import tarfile
from pathlib import Path

import pytest

import store.outbox
from bot.alerts import PENDING, SENT, OutboxRow
from handlers.backups import take_snapshot
from store.backup import (
    ASIDE_PREFIX,
    BackupError,
    backup_stopped,
    prune,
    read_archive,
    restore,
    snapshot_name,
    write_archive,
)
from store.db import DatabaseLocked, database_files, open_database
from store.outbox import Outbox
from tests.fakes import make_settings

ALL_FILES = [p.name for p in database_files(Path("bot.json"))]


class Writer:
    """Queues alerts and marks them sent without pause, folding the journal now and then."""

    def __init__(self, db_path: Path) -> None:
        self.database = open_database(db_path)
        self.outbox = Outbox(self.database)
        self.queued: set[int] = set()
        self.sent: set[int] = set()
        self.stop = False

    async def run(self) -> None:
        n = 0
        while not self.stop:
            n += 1
            rows = [OutboxRow(1000 + n, [f"p{n}"], ["Roma"])]
            self.outbox.queue(rows)
            self.queued.add(rows[0].id)
            await asyncio.sleep(0)
            if n % 2 == 0:
                self.outbox.mark(rows[0].id, SENT)
                self.sent.add(rows[0].id)
            await asyncio.sleep(0)


def restored_state(db_path: Path) -> tuple[set[int], int]:
    """Open a restored database as the bot would: (ids still pending, how many were sent)."""
    database = open_database(db_path)
    try:
        Outbox(database)  # folds the journal: sent rows become counts, as at start-up
        pending = {d.doc_id for d in database.table("outbox").all() if d["status"] == PENDING}
        summary = database.table("outbox_summary").all()
        return pending, sum(d["count"] for d in summary if d["status"] == SENT)
    finally:
        database.close()


async def test_a_snapshot_taken_during_writing_restores_everything_acknowledged_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.outbox, "FOLD_AFTER", 7)  # folds happen all through the test
    db_path = tmp_path / "live" / "bot.json"
    settings = make_settings(db_path=db_path, backup_dir=tmp_path / "backups")
    writer = Writer(db_path)
    task = asyncio.create_task(writer.run())
    snapshots = []
    for _ in range(5):
        while len(writer.queued) < 40 * (len(snapshots) + 1):
            await asyncio.sleep(0)
        # What the writer had acknowledged when the snapshot began reading the files.
        acknowledged = (set(writer.queued), set(writer.sent))
        snapshots.append((await take_snapshot(settings), acknowledged))
    writer.stop = True
    await task
    writer.database.close()

    target = tmp_path / "restored" / "bot.json"
    for archive, (queued, sent) in snapshots:
        restore(archive, target, tmp_path / "aside")
        assert restored_state(target) == (queued - sent, len(sent))


def files_of(db_path: Path, journal: str | None = None) -> None:
    database = open_database(db_path)
    database.table("practices").insert({"id": "kept"})
    database.close()
    if journal is not None:
        db_path.with_name(db_path.name + ".outbox-journal").write_text(journal, encoding="utf-8")


def test_a_stopped_bot_is_backed_up_under_its_lock_and_restored(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.json"
    files_of(db_path, journal='{"id": 1, "s": "sent"}\n')
    archive = backup_stopped(db_path, tmp_path / "backups", keep=14)
    assert archive.parent == tmp_path / "backups" and archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as tar:
        assert sorted(tar.getnames()) == sorted([*ALL_FILES, "manifest.json"])

    database = open_database(db_path)
    database.table("practices").insert({"id": "later"})
    database.close()
    db_path.with_name("bot.json.outbox-journal").unlink()
    restored = restore(archive, db_path, tmp_path / "backups")
    assert restored.files == sorted(ALL_FILES)
    database = open_database(db_path)
    assert [d["id"] for d in database.table("practices").all()] == ["kept"]
    database.close()
    # The replaced files were archived first, the later practice with them.
    assert restored.aside.name.startswith(ASIDE_PREFIX)
    aside = read_archive(restored.aside, db_path)
    assert b"later" in aside[db_path]


def test_a_restore_removes_a_journal_the_snapshot_did_not_have(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.json"
    files_of(db_path)
    archive = backup_stopped(db_path, tmp_path / "b", keep=14)
    journal = db_path.with_name("bot.json.outbox-journal")
    journal.write_text('{"id": 5, "s": "sent"}\n', encoding="utf-8")
    restore(archive, db_path, tmp_path / "b")
    assert not journal.exists()


def test_a_snapshot_restores_into_a_database_of_another_name(tmp_path: Path) -> None:
    files_of(tmp_path / "old.json", journal='{"id": 1, "s": "sent"}\n')
    archive = backup_stopped(tmp_path / "old.json", tmp_path / "b", keep=14)
    restored = restore(archive, tmp_path / "new" / "bot.json", tmp_path / "b")
    assert restored.files == sorted(ALL_FILES)
    database = open_database(tmp_path / "new" / "bot.json")
    assert [d["id"] for d in database.table("practices").all()] == ["kept"]
    database.close()


def test_backup_and_restore_refuse_while_the_database_is_open(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.json"
    files_of(db_path)
    archive = backup_stopped(db_path, tmp_path / "b", keep=14)
    database = open_database(db_path)
    try:
        with pytest.raises(DatabaseLocked):
            restore(archive, db_path, tmp_path / "b")
        with pytest.raises(DatabaseLocked):
            backup_stopped(db_path, tmp_path / "b", keep=14)
    finally:
        database.close()


@pytest.mark.parametrize(
    ("contents", "expected"),
    [
        ({"bot.json": b"{broken"}, "not valid JSON"),
        ({"bot.json": b'{"meta": {"1": {"schema": 99}}}'}, "newer bot"),
        ({"bot.json": b"{}", "passwords.txt": b"x"}, "no file of this database"),
        ({"bot.json.outbox-journal": b""}, "holds no database file"),
        ({"bot.json": b'{"meta": {"1": {"schema": 2}}}'}, "lacks bot.members.json"),
    ],
)
def test_an_unusable_snapshot_is_refused_and_changes_nothing(
    tmp_path: Path, contents: dict[str, bytes], expected: str
) -> None:
    db_path = tmp_path / "bot.json"
    files_of(db_path)
    before = db_path.read_bytes()
    archive = write_archive(contents, db_path, tmp_path / "bad.tar.gz")
    with pytest.raises(BackupError, match=expected):
        restore(archive, db_path, tmp_path / "b")
    assert db_path.read_bytes() == before
    assert not (tmp_path / "b").exists()


def test_a_file_that_is_no_snapshot_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.tar.gz").write_text("hello", encoding="utf-8")
    with pytest.raises(BackupError, match="not a readable snapshot"):
        read_archive(tmp_path / "x.tar.gz", tmp_path / "bot.json")
    manifestless = tmp_path / "m.tar.gz"
    with tarfile.open(manifestless, "w:gz") as tar:
        tar.add(tmp_path / "x.tar.gz", arcname="bot.json")
    with pytest.raises(BackupError, match="no manifest"):
        read_archive(manifestless, tmp_path / "bot.json")


def test_prune_keeps_the_newest(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    names = [snapshot_name(start + timedelta(days=d)) for d in range(20)]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "before-restore-x.tar.gz").write_bytes(b"")
    deleted = prune(tmp_path, keep=14)
    assert [p.name for p in deleted] == names[:6]
    assert sorted(p.name for p in tmp_path.glob("icc-bot-*")) == names[6:]
    assert (tmp_path / "before-restore-x.tar.gz").exists()


def test_the_manifest_names_the_database(tmp_path: Path) -> None:
    archive = write_archive({"bot.json": b"{}"}, tmp_path / "bot.json", tmp_path / "a.tar.gz")
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["db_name"] == "bot.json" and manifest["files"] == ["bot.json"]
