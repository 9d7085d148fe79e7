"""Members and dialogues sharded by member: what a write touches, migration, backups, faults."""

import json
import signal
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from tinydb.table import Document

from bot.models import Draft, Subscription
from bot.waits import Wait
from store.backup import backup_stopped, restore, write_archive
from store.db import (
    CATALOGUE,
    CONCERNS,
    DIALOGUES,
    MEMBERS,
    OUTBOX,
    SCHEMA_VERSION,
    SHARDED,
    SHARDS,
    TABLES,
    DatabaseCorrupt,
    concern_files,
    concern_path,
    database_files,
    legacy_files,
    member_of,
    open_database,
    shard_paths,
)
from store.keys import conversation_id
from store.members import MemberStore
from store.submissions import SubmissionStore
from store.subscriptions import SubscriptionStore
from store.waits import WaitStore

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.json"


def stamps(path: Path) -> dict[Path, tuple[int, int]]:
    """Return (inode, mtime) of every data file: a rewrite renames a new file (new inode)."""
    return {
        file: (file.stat().st_ino, file.stat().st_mtime_ns) for file in database_files(path)[:-1]
    }


def changed(before: dict[Path, tuple[int, int]], path: Path) -> list[str]:
    after = stamps(path)
    return sorted(file.name for file in before if before[file] != after[file])


def tables_on_disk(path: Path, concern: str) -> dict[str, dict]:
    """Return a concern's tables as its files hold them, every shard's documents together."""
    tables: dict[str, dict] = {}
    for file in concern_files(path, concern):
        for name, table in json.loads(file.read_bytes()).items():
            tables.setdefault(name, {}).update(table)
    return tables


def shard_holding(path: Path, concern: str, table: str, key: str) -> list[int]:
    """Return the shards whose file holds a document."""
    return [
        n
        for n, file in enumerate(shard_paths(path, concern))
        if key in json.loads(file.read_bytes()).get(table, {})
    ]


# --- what one member's write touches ---------------------------------------------------------


def test_a_members_subscription_language_and_dialogue_step_rewrite_only_their_shard(
    path: Path,
) -> None:
    database = open_database(path)
    subscriptions, members = SubscriptionStore(database), MemberStore(database)
    submissions = SubmissionStore(database)
    for user in (7, 8, 1007, 123_456_789):  # others, in this shard and elsewhere
        subscriptions.add(Subscription(user, user, "topic", "Roma"), 50)
        members.seen(user, "en")
    before = stamps(path)
    subscriptions.add(Subscription(4207, 4207, "keyword", "housing"), 50)
    assert changed(before, path) == ["bot.members.07.json"]

    before = stamps(path)
    members.choose(4207, "fr")
    assert changed(before, path) == ["bot.members.07.json"]

    before, writes = stamps(path), database.storage(DIALOGUES).writes
    draft = Draft(user_id=4207, step="subtitle")
    submissions.save_dialogue(draft, "submit", (4207, 4207), "asking")
    assert changed(before, path) == ["bot.dialogues.07.json"]
    assert database.storage(DIALOGUES).writes == writes + 1

    before = stamps(path)
    WaitStore(database).open(4207, Wait("follow_city", 4207, 1.0, 2.0))
    assert changed(before, path) == ["bot.dialogues.07.json"]
    database.close()
    # Draft and conversation state are in the member's shard, and nowhere else.
    state = str(conversation_id("submit", (4207, 4207)))
    assert shard_holding(path, DIALOGUES, "drafts", "4207") == [7]
    assert shard_holding(path, DIALOGUES, "conversations", state) == [7]


def test_every_shard_file_is_small_and_holds_only_its_members(path: Path) -> None:
    database = open_database(path)
    subscriptions = SubscriptionStore(database)
    for user in range(1000, 1300):
        subscriptions.add(Subscription(user, user, "topic", "Roma"), 50)
        subscriptions.add(Subscription(-user, user, "topic", "Sport"), 50)  # a group's, by user
    database.close()
    for n, file in enumerate(shard_paths(path, MEMBERS)):
        docs = json.loads(file.read_bytes())["subscriptions"].values()
        assert {member_of(doc["user_id"]) for doc in docs} <= {n}
        assert len(docs) == 6  # 300 members spread evenly: three each, two subscriptions each


def test_a_document_that_changes_member_moves_to_the_new_shard(path: Path) -> None:
    database = open_database(path)
    subscriptions = SubscriptionStore(database)
    subscriptions.add(Subscription(-1001, 5, "topic", "Roma"), 50)
    subscriptions.deactivate(-1001, "blocked")
    before = stamps(path)
    subscriptions.move_chat(-1001, -2002)  # the chat became a supergroup: its state moves
    shards = [file.name for file in shard_paths(path, MEMBERS)]
    # The subscriber's shard (the subscription's chat changed), the chat's old and new one.
    moved = {shards[member_of(5)], shards[member_of(-1001)], shards[member_of(-2002)]}
    assert changed(before, path) == sorted(moved)
    database.close()
    chat_docs = tables_on_disk(path, MEMBERS)["chats"]
    assert [doc["chat_id"] for doc in chat_docs.values()] == [-2002]
    key = next(iter(chat_docs))
    assert shard_holding(path, MEMBERS, "chats", key) == [member_of(-2002)]
    reopened = open_database(path)
    assert SubscriptionStore(reopened).inactive_chats() == {-2002: "blocked"}
    reopened.close()


def test_writes_of_every_kind_read_back_the_same_from_the_shards(path: Path) -> None:
    database = open_database(path)
    table = database.table("drafts")
    for n in range(250):
        table.insert(Document({"user_id": n, "text": f"n{n} “ü” \ud800"}, n))
    table.update({"text": "changed"}, doc_ids=[3, 103])
    table.remove(doc_ids=[5, 105, 205])
    expected = table._read_table()
    table.truncate()
    table.insert_multiple({"user_id": n} for n in range(3))  # TinyDB's own ids
    database.table("reason_requests").insert({"moderator_id": 9, "submission_id": 1})
    truncated = table._read_table()
    database.close()
    assert expected  # what was there before the truncate is gone from every shard
    on_disk = tables_on_disk(path, DIALOGUES)
    assert on_disk["drafts"] == json.loads(json.dumps(truncated))
    assert shard_holding(path, DIALOGUES, "reason_requests", "1") == [9]
    reopened = open_database(path)
    assert len(reopened.table("drafts")) == 3
    reopened.close()


# --- migration from one file per concern -----------------------------------------------------


def schema_2_database(path: Path) -> dict[str, dict]:
    """Write a database as the previous version left it: one file per concern."""
    state = str(conversation_id("submit", (7, 7)))
    data = {
        CATALOGUE: {
            "meta": {"1": {"schema": 2, "bundled_catalogue_loaded": True}},
            "practices": {"1": {"id": "p", "title": "P"}},
            "submissions": {},
        },
        MEMBERS: {
            "subscriptions": {
                str(n): {"chat_id": u, "user_id": u, "kind": "topic", "value": "Roma"}
                for n, u in enumerate(range(100, 400), start=1)
            },
            "chats": {"1": {"chat_id": -5, "reason": "blocked"}},
            "members": {str(u): {"language": "en"} for u in range(100, 400)},
        },
        DIALOGUES: {
            "drafts": {"7": {"user_id": 7, "step": "subtitle", "answers": {}}},
            "conversations": {state: {"name": "submit", "key": [7, 7], "state": "asking"}},
            "reason_requests": {},
        },
        OUTBOX: {"outbox": {"1": {"chat_id": 7, "status": "pending"}}},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    for concern in CONCERNS:
        concern_path(path, concern).write_text(json.dumps(data[concern]), encoding="utf-8")
    return data


def assert_migrated(path: Path, data: dict[str, dict]) -> None:
    """Open the database (the start that migrates, or completes a migration) and check it."""
    database = open_database(path)
    assert database.table("meta").get(doc_id=1)["schema"] == SCHEMA_VERSION
    assert len(database.table("subscriptions")) == 300
    assert SubmissionStore(database).draft(7).step == "subtitle"
    assert database.table("outbox").get(doc_id=1)["status"] == "pending"
    database.close()
    assert not [file for file in legacy_files(path) if file.exists()]
    for concern in SHARDED:
        assert all(file.is_file() for file in shard_paths(path, concern))
        tables = {name: {} for name, where in TABLES.items() if where == concern}
        assert tables_on_disk(path, concern) == tables | data[concern]  # every table there


def test_a_schema_2_database_is_sharded_at_its_first_start(path: Path) -> None:
    data = schema_2_database(path)
    outbox = concern_path(path, OUTBOX).read_bytes()
    assert_migrated(path, data)
    assert concern_path(path, OUTBOX).read_bytes() == outbox  # not sharded, not rewritten
    # Each member's documents are in the member's shard.
    assert shard_holding(path, MEMBERS, "members", "142") == [42]
    assert shard_holding(path, DIALOGUES, "drafts", "7") == [7]


CHILD = """
import os, signal, sys
from pathlib import Path
import store.db

path, where, at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
calls = 0

def kill_at(real):
    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        if calls == at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapped

setattr(store.db, where, kill_at(getattr(store.db, where)))
store.db.open_database(path).close()
"""


@pytest.mark.parametrize(
    ("where", "at"),
    [
        ("write_atomically", 1),  # before the first shard
        ("write_atomically", 57),  # among the members' shards
        ("write_atomically", 150),  # among the dialogues' shards
        ("write_atomically", 2 * SHARDS + 1),  # all shards written, the main file not yet
        ("remove_legacy", 1),  # the main file says the new schema, the old files remain
    ],
)
def test_a_kill_during_the_migration_is_migrated_again_or_completed_at_the_next_start(
    path: Path, where: str, at: int
) -> None:
    data = schema_2_database(path)
    old_main = path.read_bytes()
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), where, str(at)],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    # The old files are whole (or the new schema is complete) after the kill.
    if where == "write_atomically":
        assert path.read_bytes() == old_main
        assert all(file.exists() for file in legacy_files(path))
    else:
        assert json.loads(path.read_bytes())["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert_migrated(path, data)


# --- faults and backups ----------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b'{"subscriptions": {"1": ', b"[1, 2]"])
def test_a_corrupt_shard_is_refused_in_one_line_and_left_untouched(
    path: Path, content: bytes
) -> None:
    open_database(path).close()
    shard = shard_paths(path, MEMBERS)[42]
    shard.write_bytes(content)
    with pytest.raises(DatabaseCorrupt) as refused:
        open_database(path)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{shard} is not a valid database file")
    assert shard.read_bytes() == content
    from bot.check import check_database

    failures = [f.line() for f in check_database(path) if not f.ok]
    assert len(failures) == 1 and str(shard) in failures[0]


def test_a_snapshot_holds_every_shard_and_restores_a_members_data(
    path: Path, tmp_path: Path
) -> None:
    database = open_database(path)
    SubscriptionStore(database).add(Subscription(4207, 4207, "topic", "Roma"), 50)
    database.close()
    archive = backup_stopped(path, tmp_path / "backups", keep=3)
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {file.name for file in shard_paths(path, MEMBERS)} <= names
    assert {file.name for file in shard_paths(path, DIALOGUES)} <= names

    database = open_database(path)
    SubscriptionStore(database).remove_chat(4207)
    database.close()
    restore(archive, path, tmp_path / "backups")
    database = open_database(path)
    assert [s.value for s in SubscriptionStore(database).for_chat(4207)] == ["Roma"]
    database.close()


def test_a_snapshot_of_the_previous_version_is_restored_and_sharded_at_the_next_start(
    path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old" / "bot.json"
    data = schema_2_database(old)
    contents = {file.name: file.read_bytes() for file in database_files(old, schema=2)[:-1]}
    archive = write_archive(contents, old, tmp_path / "old.tar.gz")
    open_database(path).close()  # a sharded database is there now
    restore(archive, path, tmp_path / "backups")
    assert not any(file.exists() for file in shard_paths(path, MEMBERS))
    assert_migrated(path, data)
