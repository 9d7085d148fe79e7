"""Open the database: TinyDB files per concern, one owning process, a schema version.

The database is several files beside `DB_PATH`, so that a write rewrites only what it
changed (a dialogue step never rewrites the catalogue or the outbox, nor another member's
shard):

| concern   | files (DB_PATH = data/bot.json)       | tables                                    |
|-----------|---------------------------------------|-------------------------------------------|
| catalogue | data/bot.json                         | meta, practices, submissions              |
| members   | data/bot.members.00.json … .99.json   | subscriptions, chats, members, contacts   |
| dialogues | data/bot.dialogues.00.json … .99.json | drafts, conversations, reason_requests,   |
|           |                                       | waits                                     |
| outbox    | data/bot.outbox.json                  | outbox, outbox_summary                    |
|           | data/bot.json.outbox-journal          | marks of sent alerts, not yet folded      |

Members and dialogues are sharded by member: each document is in the shard of the user it
belongs to (`member_of`: the user id modulo SHARDS), so a member's subscription, language or
dialogue step rewrites one shard of about 1/SHARDS of the concern (`benchmarks/load.py`:
at ten times the programme's size the members are 14 MB, a shard about 140 KB), and a
draft and its conversation state (same user, same shard) are one file's one rename. For the
caller a concern is still one TinyDB database (`store.files.FileStorage` maps documents to
shard files).

Each file is replaced whole by rename. A transaction that changes several files first writes
their new versions and a commit note naming them, then renames them: a crash before the note
leaves the old files, a crash after it is completed at the next start. The lock is held on the
main file (`store.lock`), the schema version is in its `meta` table.
"""

import errno
import json
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from store.files import (
    FileStorage,
    StorageCorrupt,
    Version,
    Writer,
    is_tinydb_document,
    load_file,
    open_file,
    replace,
    sync_directory,
    temporary_path,
    write_atomically,
    write_durably,
)
from store.keys import conversation_id
from store.lock import DatabaseLock, LockHeld

# 1: everything in DB_PATH. 2: one file per concern, drafts keyed by user id.
# 3: members and dialogues sharded by member into SHARDS files each.
SCHEMA_VERSION = 3
CATALOGUE, MEMBERS, DIALOGUES, OUTBOX = "catalogue", "members", "dialogues", "outbox"
CONCERNS = (CATALOGUE, MEMBERS, DIALOGUES, OUTBOX)
SHARDED = (MEMBERS, DIALOGUES)
# Shards per sharded concern: at ten times the programme's size (50,000 members) the members
# are about 14 MB, so a shard is about 140 KB, and a member's write rewrites only that.
SHARDS = 100
TABLES = {
    "meta": CATALOGUE,
    "practices": CATALOGUE,
    "submissions": CATALOGUE,
    "subscriptions": MEMBERS,
    "chats": MEMBERS,
    "members": MEMBERS,
    "drafts": DIALOGUES,
    "conversations": DIALOGUES,
    "reason_requests": DIALOGUES,
    "waits": DIALOGUES,
    "contacts": MEMBERS,
    "outbox": OUTBOX,
    "outbox_summary": OUTBOX,
}
JOURNAL_SUFFIX = ".outbox-journal"
COMMIT_SUFFIX = ".commit"


def _by_id(key: str, doc: dict[str, Any]) -> object:
    return key


# The user (or chat) a document of a sharded table belongs to: its shard is that member's.
# A draft (id: its user's id) and its conversation state (key: chat id, user id) fall into
# the same shard, so a dialogue step is one file's write.
MEMBER_FIELDS: dict[str, Callable[[str, dict[str, Any]], object]] = {
    "members": _by_id,
    "drafts": _by_id,
    "conversations": lambda key, doc: (doc.get("key") or [key])[-1],
    "subscriptions": lambda key, doc: doc.get("user_id", key),
    "chats": lambda key, doc: doc.get("chat_id", key),
    "reason_requests": lambda key, doc: doc.get("moderator_id", key),
    "waits": _by_id,
    "contacts": lambda key, doc: doc.get("user_id", key),
}


def member_of(value: object) -> int:
    """Return the shard (0 to SHARDS - 1) of a member id (an int, or any other id by CRC32)."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        value = zlib.crc32(json.dumps(value).encode())
    return value % SHARDS


def shard_of(table: str, key: str, doc: Any) -> int:
    """Return the shard of a document of a sharded table (`MEMBER_FIELDS`; else its id)."""
    member = MEMBER_FIELDS.get(table, _by_id)
    return member_of(member(key, doc) if isinstance(doc, dict) else key)


class DatabaseError(Exception):
    """The database can't be used; the message is one line for the operator."""


class DatabaseCorrupt(DatabaseError):
    """A file is not a database this bot wrote; it is left untouched."""


class DatabaseLocked(DatabaseError):
    """Another process owns the database."""


def concern_path(db_path: Path, concern: str) -> Path:
    """Return the one file of a concern: `DB_PATH` itself for the catalogue, else beside it.

    For a sharded concern (`SHARDED`) this is its file of schema 2, before the sharding.
    """
    if concern == CATALOGUE:
        return db_path
    return db_path.with_name(f"{db_path.stem}.{concern}{db_path.suffix}")


def shard_paths(db_path: Path, concern: str) -> list[Path]:
    """Return the files of a sharded concern, in shard order (`bot.members.00.json` …)."""
    width = len(str(SHARDS - 1))
    return [
        db_path.with_name(f"{db_path.stem}.{concern}.{n:0{width}d}{db_path.suffix}")
        for n in range(SHARDS)
    ]


def concern_files(db_path: Path, concern: str, schema: int = SCHEMA_VERSION) -> list[Path]:
    """Return the files of one concern in the layout of a schema version."""
    if concern in SHARDED and schema >= 3:
        return shard_paths(db_path, concern)
    return [concern_path(db_path, concern)]


def journal_path(db_path: Path) -> Path:
    """Return the outbox journal's file (marks of sent alerts not yet folded)."""
    return db_path.with_name(db_path.name + JOURNAL_SUFFIX)


def database_files(db_path: Path, schema: int = SCHEMA_VERSION) -> list[Path]:
    """List every file that makes up the database at `db_path`, for backups and restores.

    The data files (catalogue first, then every shard of the members and the dialogues,
    then the outbox) and the outbox journal; the journal may not exist (nothing to fold).
    Copy them together while this process's lock is held (or the bot is stopped) and restore
    them together. `<DB_PATH>.lock` (a note of the owner's pid) and temporary `.*.tmp` files
    are not part of the data.

    Args:
        db_path: the `DB_PATH` setting.
        schema: the layout of this schema version (2: one file per concern).

    Returns:
        Paths in a fixed order: catalogue, members, dialogues, outbox, journal.
    """
    files = [path for c in CONCERNS for path in concern_files(db_path, c, schema)]
    return [*files, journal_path(db_path)]


def orphaned_files(db_path: Path) -> list[Path]:
    """Return the database's other files that exist while its main file does not.

    The main file holds the schema version and the lock; without it the others (shards, the
    outbox, the journal, of this schema or the previous one) can't be read as a database, and
    a new one must not be made over them. [] when the main file exists or nothing does.
    """
    if db_path.exists():
        return []
    candidates = dict.fromkeys([*database_files(db_path), *database_files(db_path, 2)])
    return [file for file in candidates if file != db_path and file.exists()]


def legacy_files(db_path: Path) -> list[Path]:
    """Return the files of schema 2 that sharding replaced (members and dialogues)."""
    return [concern_path(db_path, concern) for concern in SHARDED]


class Database:
    """The bot's TinyDB files and the lock that makes this process their only writer."""

    def __init__(self, path: Path | None, lock: DatabaseLock | None = None) -> None:
        self.path = path
        self._lock = lock
        self._writer: Writer | None = None
        # Stores that keep an in-memory copy of their tables rebuild it from these hooks.
        self._reload_hooks: list[Callable[[], None]] = []
        self._files: dict[str, TinyDB] = {
            concern: open_file(
                concern_path(path, concern) if path else None,
                lock if concern == CATALOGUE else None,
                shards=shard_paths(path, concern) if path and concern in SHARDED else None,
                shard_of=shard_of,
                commit=self._commit_files,
            )
            for concern in CONCERNS
        }

    def _commit_files(self, versions: list[Version]) -> None:
        assert self.path is not None
        commit_files(self.path, versions, self._lock)

    def storage(self, concern: str) -> FileStorage:
        """Return the storage of one concern's file (or shard files)."""
        return self._files[concern].storage  # type: ignore[return-value]

    def table(self, name: str) -> Table:
        """Return a TinyDB table, in the file of its concern (the catalogue's if unknown)."""
        return self._files[TABLES.get(name, CATALOGUE)].table(name)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Apply every write inside the block at once at its end, or none on error.

        Files that changed are written together: one rename for one file, a commit note and
        one rename each for several.
        """
        storages = [self.storage(concern) for concern in CONCERNS]
        for storage in storages:
            storage.begin(snapshot=True)
        try:
            yield
        except BaseException:
            for storage in storages:
                storage.abort()
            self._clear_query_caches()
            raise
        for storage in storages:
            storage.end(flush=False)
        if storages[0].depth:
            return  # an inner transaction: the outer one writes
        try:
            self._commit([storage for storage in storages if storage.dirty])
        except BaseException:
            self._clear_query_caches()
            raise

    def _commit(self, dirty: list[FileStorage]) -> None:
        if len(dirty) <= 1 or self.path is None:
            for storage in dirty:
                storage.flush()
            return
        try:
            versions = [version for storage in dirty for version in storage.versions()]
            if not versions:
                return
            if self._writer is not None:
                self._writer.submit(versions)
            else:
                commit_files(self.path, versions, self._lock)
        except BaseException:
            for storage in dirty:
                storage.forget()
            raise
        for storage in dirty:
            storage.writes += 1

    def write_in_background(self) -> None:
        """From now on, write files in a thread of their own (`store.files.Writer`).

        Call it on the running event loop, once the bot runs; every Bot API call must then
        await `saved()` first (the send limiter does). `close()` ends the thread.
        """
        if self.path is None or self._writer is not None:
            return
        path = self.path
        writer = Writer(lambda versions: commit_files(path, versions, self._lock), self._reload)
        self._writer = writer
        for db in self._files.values():
            db.storage.writer = writer  # type: ignore[attr-defined]

    async def saved(self) -> None:
        """Wait until every write made so far is on disk; raise OSError if one failed."""
        if self._writer is not None:
            await self._writer.saved()

    @property
    def writing(self) -> bool:
        """Return True while a write made is not yet on disk."""
        return self._writer is not None and self._writer.busy

    async def idle(self) -> None:
        """Wait until no write is under way: the files on disk are then one consistent state
        until the caller next awaits (snapshots read them in one synchronous step)."""
        if self._writer is not None:
            await self._writer.idle()

    def wait_saved(self) -> None:
        """Block until every write made so far is on disk; raise OSError if one failed.

        For what must not happen before a write is durable and can't wait asynchronously
        (emptying the outbox journal after a fold).
        """
        if self._writer is not None:
            self._writer.wait()

    def on_reload(self, hook: Callable[[], None]) -> None:
        """Call `hook` (on the event loop) whenever a failed background write has put the
        tables back to what the disk holds, so that a store's in-memory copy follows them:
        a member is never shown a change the disk does not hold (a full or read-only disk)."""
        self._reload_hooks.append(hook)

    def _reload(self) -> None:
        # A background write failed: what is in memory is ahead of the disk.
        for concern in CONCERNS:
            self.storage(concern).forget()
        self._clear_query_caches()
        for hook in self._reload_hooks:
            hook()

    def _clear_query_caches(self) -> None:
        # Queries cached inside the block may have seen the writes that were undone.
        for db in self._files.values():
            for table in db._tables.values():
                table.clear_cache()

    def defer_update(self, table: str, doc_id: int, fields: dict[str, Any]) -> bool:
        """Change a document in memory now; it reaches the disk with its file's next write.

        For what a crash may lose without harm (which message shows a draft's screen), so that
        it costs no write of its own. Returns False when there is no such document.
        """
        storage = self.storage(TABLES.get(table, CATALOGUE))
        doc = (storage.read() or {}).get(table, {}).get(str(doc_id))
        if doc is None:
            return False
        doc.update(fields)
        storage.touch(table, [doc_id])
        self.table(table).clear_cache()
        return True

    def close(self) -> None:
        """Write what waits (`defer_update`), forget the data and release the lock."""
        if self._writer is not None:
            self._writer.stop()  # what was submitted reaches the disk first
            self._writer = None
            for db in self._files.values():
                db.storage.writer = None  # type: ignore[attr-defined]
        for db in self._files.values():
            storage: FileStorage = db.storage  # type: ignore[assignment]
            if storage.dirty and self._lock is not None and self._lock.held:
                with suppress(OSError):  # only deferred details: losing them is harmless
                    storage.flush()
            db.close()
        if self._lock:
            self._lock.release()


def commit_files(db_path: Path, versions: list[Version], lock: DatabaseLock | None) -> None:
    """Write several files as one change: new versions, a commit note, then the renames.

    On an error before the note is written the old files stay; after it, a crash is
    completed at the next start (`finish_commit`).
    """
    written: list[tuple[Version, Path, int]] = []
    note = db_path.with_name(db_path.name + COMMIT_SUFFIX)
    try:
        for version in versions:
            tmp = temporary_path(version.path)
            written.append((version, tmp, write_durably(tmp, version.data)))
        names = [[tmp.name, version.path.name] for version, tmp, _ in written]
        write_atomically(note, json.dumps({"rename": names}).encode())
    except BaseException:
        for _, tmp, fd in written:
            os.close(fd)
            with suppress(OSError):
                tmp.unlink()
        raise
    for version, tmp, fd in written:
        replace(tmp, version.path, fd, lock if version.lock is not None else None)
    sync_directory(db_path.parent)
    note.unlink()


def finish_commit(db_path: Path, lock: DatabaseLock) -> None:
    """Complete the renames of a change that was committed when the process stopped."""
    note = db_path.with_name(db_path.name + COMMIT_SUFFIX)
    try:
        names = json.loads(note.read_text(encoding="utf-8"))["rename"]
    except FileNotFoundError:
        return
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise DatabaseCorrupt(
            f"{note} is not a valid commit note; it was left untouched. Restore a backup."
        ) from None
    for tmp_name, target_name in names:
        tmp, target = db_path.with_name(tmp_name), db_path.with_name(target_name)
        if tmp.exists():
            fd = os.open(tmp, os.O_RDONLY)
            replace(tmp, target, fd, lock if target == db_path else None)
    sync_directory(db_path.parent)
    note.unlink()


def open_database(path: Path | None) -> Database:
    """Open (or create) the database, taking its lock; migrate a schema 1 file.

    Args:
        path: `DB_PATH` (the main file), or None for an in-memory database (tests).

    Returns:
        The open database. Raises DatabaseLocked, DatabaseCorrupt or DatabaseError, each
        with a one-line message; nothing is overwritten when opening fails.
    """
    if path is None:
        database = Database(None)
        database.table("meta").insert({"schema": SCHEMA_VERSION})
        return database
    orphans = orphaned_files(path)
    if orphans:
        # Starting afresh here would write empty shards over the members' data.
        raise DatabaseError(
            f"{path} is missing, but {len(orphans)} other files of its database are there "
            f"({orphans[0].name} …): restore it from a backup, or move them all away to "
            "start with an empty database."
        )
    lock = DatabaseLock(path)
    try:
        lock.acquire()
    except LockHeld as held:
        raise DatabaseLocked(
            f"{path} is in use by another bot process (pid {held}); stop it first."
        ) from None
    except OSError as error:
        raise DatabaseError(disk_message(path, error)) from None
    try:
        finish_commit(path, lock)
        return _open_locked(path, lock)
    except OSError as error:
        lock.release()
        raise DatabaseError(disk_message(path, error)) from None
    except BaseException:
        lock.release()
        raise


def _open_locked(path: Path, lock: DatabaseLock) -> Database:
    main = _read(path)
    check_room(path)
    meta = main.get("meta", {}).get("1")
    version = 1 if meta is None else meta.get("schema")
    if not isinstance(version, int) or isinstance(version, bool):
        raise DatabaseCorrupt(_corrupt_message(path, "no valid schema version"))
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"the database was written by a newer version of the bot (schema {version});"
            " upgrade the bot to open it"
        )
    if version < SCHEMA_VERSION:
        migrate(path, main, version, lock)
    else:
        remove_legacy(path)
    database = Database(path, lock)
    for concern in CONCERNS:
        storage = database.storage(concern)
        for file in storage.paths:
            if not file.exists():
                raise DatabaseError(
                    f"{file} is missing: the database is incomplete. Restore the files of "
                    "a backup together, or move them all away to start afresh."
                )
        try:
            storage.read()
        except StorageCorrupt as error:
            raise DatabaseCorrupt(_corrupt_message(error.path, str(error))) from None
    return database


def remove_legacy(path: Path) -> None:
    """Delete the unsharded files of schema 2 a migration cut short by a crash left behind.

    Only called once the main file says schema 3: every shard was written before that.
    """
    removed = False
    for legacy in legacy_files(path):
        with suppress(FileNotFoundError):
            legacy.unlink()
            removed = True
    if removed:
        sync_directory(path.parent)


PROBE_SLACK = 1 << 20  # bytes of room wanted beyond one rewrite of every file


def check_room(path: Path) -> None:
    """Make sure every data file can be written once more, or raise OSError at start-up.

    A full, read-only or non-writable disk is said in one line before the bot starts, rather
    than at the first answer it can't save. Room is reserved (not written) for a probe file
    as large as all data files plus 1 MB, then released.
    """
    size = PROBE_SLACK + sum(p.stat().st_size for p in database_files(path)[:-1] if p.exists())
    probe = path.with_name(f".{path.name}.probe")
    fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            os.posix_fallocate(fd, 0, size)
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise
            os.write(fd, b"\0" * 4096)  # no reservation on this file system: a small write
        os.fsync(fd)
    finally:
        os.close(fd)
        with suppress(OSError):
            probe.unlink()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DatabaseCorrupt(_corrupt_message(path, str(error))) from None
    if not is_tinydb_document(data):
        raise DatabaseCorrupt(_corrupt_message(path, "not a TinyDB document"))
    return data


def migrate(path: Path, old: dict[str, Any], version: int, lock: DatabaseLock) -> None:
    """Bring a database of schema 1 (one file) or 2 (one file per concern) to this schema.

    The new files are written first, each durably, beside the old ones; the main file is
    replaced last (the moment the new schema counts), then the files it replaces are
    deleted. Until the main file is replaced the old files are whole and a crash only means
    migrating again; after it, leftovers are deleted at the next start (`remove_legacy`).
    """
    files: dict[str, dict[str, Any]] = {concern: {} for concern in CONCERNS}
    written: tuple[str, ...]
    if version == 1:
        for name, table in old.items():
            files[TABLES.get(name, CATALOGUE)][name] = table
        _keys_of_schema_2(files[DIALOGUES])
        written = CONCERNS[1:]
    else:
        files[CATALOGUE] = old
        for concern in SHARDED:
            legacy = concern_path(path, concern)
            try:
                files[concern] = load_file(legacy) or {}
            except StorageCorrupt as error:
                raise DatabaseCorrupt(_corrupt_message(legacy, str(error))) from None
            if not legacy.exists():
                raise DatabaseError(
                    f"{legacy} is missing: the database is incomplete. Restore the files of "
                    "a backup together, or move them all away to start afresh."
                )
        written = SHARDED
    for name, concern in TABLES.items():  # every table in every shard: none is new later
        if concern in SHARDED:
            files[concern].setdefault(name, {})
    meta = files[CATALOGUE].setdefault("meta", {})
    meta["1"] = {**meta.get("1", {}), "schema": SCHEMA_VERSION}
    for concern in written:
        if concern in SHARDED:
            for shard, data in zip(shard_paths(path, concern), split(files[concern]), strict=True):
                write_atomically(shard, _dump(data))
        else:
            write_atomically(concern_path(path, concern), _dump(files[concern]))
    write_atomically(path, _dump(files[CATALOGUE]), lock)
    remove_legacy(path)


def split(tables: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Split a concern's tables into SHARDS files' tables by member (`shard_of`).

    Every shard holds every table (empty ones too), so each file says what it is.
    """
    shards: list[dict[str, Any]] = [{name: {} for name in tables} for _ in range(SHARDS)]
    for name, table in tables.items():
        for key, doc in table.items():
            shards[shard_of(name, key, doc)][name][key] = doc
    return shards


def _keys_of_schema_2(dialogues: dict[str, Any]) -> None:
    # A draft's document id is its user's id from schema 2 on: found without a scan.
    drafts = dialogues.get("drafts", {}).values()
    dialogues["drafts"] = {str(doc["user_id"]): doc for doc in drafts if "user_id" in doc}
    # A conversation state's id is derived from its name and key, its time is kept (pruning).
    now = datetime.now(UTC).isoformat(timespec="seconds")
    states = dialogues.get("conversations", {}).values()
    dialogues["conversations"] = {
        str(conversation_id(doc["name"], doc["key"])): {"at": now, **doc}
        for doc in states
        if "name" in doc and isinstance(doc.get("key"), list)
    }


def _dump(data: dict[str, Any]) -> bytes:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8", "backslashreplace")


def disk_message(path: Path, error: OSError) -> str:
    """Say in one line why the database's folder can't be used (full, read-only, denied)."""
    where, reason = error.filename or path, error.strerror or str(error)
    return (
        f"can't use the database at {path}: {reason} ({where}); the files were left as they were."
    )


def _corrupt_message(path: Path | str, why: str) -> str:
    return (
        f"{path} is not a valid database file ({why}); it was left untouched. "
        "Restore a backup, or move it away to start with an empty database."
    )
