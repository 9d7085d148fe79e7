"""Open the database: one TinyDB file per concern, one owning process, a schema version.

The database is several files beside `DB_PATH`, so that a write rewrites only the concern it
changed (a dialogue step never rewrites the catalogue or the outbox):

| concern     | file (DB_PATH = data/bot.json)  | tables                                      |
|-------------|---------------------------------|---------------------------------------------|
| catalogue   | data/bot.json                   | meta, practices, submissions                |
| members     | data/bot.members.json           | subscriptions, chats, members, contacts     |
| dialogues   | data/bot.dialogues.json         | drafts, conversations, reason_requests,     |
|             |                                 | waits                                       |
| outbox      | data/bot.outbox.json            | outbox, outbox_summary                      |
|             | data/bot.json.outbox-journal    | marks of sent alerts, not yet folded        |

Each file is replaced whole by rename. A transaction that changes several files first writes
their new versions and a commit note naming them, then renames them: a crash before the note
leaves the old files, a crash after it is completed at the next start. The lock is held on the
main file (`store.lock`), the schema version is in its `meta` table.
"""

import errno
import json
import os
from collections.abc import Iterator
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
SCHEMA_VERSION = 2
CATALOGUE, MEMBERS, DIALOGUES, OUTBOX = "catalogue", "members", "dialogues", "outbox"
CONCERNS = (CATALOGUE, MEMBERS, DIALOGUES, OUTBOX)
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


class DatabaseError(Exception):
    """The database can't be used; the message is one line for the operator."""


class DatabaseCorrupt(DatabaseError):
    """A file is not a database this bot wrote; it is left untouched."""


class DatabaseLocked(DatabaseError):
    """Another process owns the database."""


def concern_path(db_path: Path, concern: str) -> Path:
    """Return the file of one concern: `DB_PATH` itself for the catalogue, else beside it."""
    if concern == CATALOGUE:
        return db_path
    return db_path.with_name(f"{db_path.stem}.{concern}{db_path.suffix}")


def journal_path(db_path: Path) -> Path:
    """Return the outbox journal's file (marks of sent alerts not yet folded)."""
    return db_path.with_name(db_path.name + JOURNAL_SUFFIX)


def database_files(db_path: Path) -> list[Path]:
    """List every file that makes up the database at `db_path`, for backups and restores.

    The four data files (catalogue first) and the outbox journal; the journal may not exist
    (nothing to fold). Copy them together while this process's lock is held (or the bot is
    stopped) and restore them together. `<DB_PATH>.lock` (a note of the owner's pid) and
    temporary `.*.tmp` files are not part of the data.

    Args:
        db_path: the `DB_PATH` setting.

    Returns:
        Paths in a fixed order: catalogue, members, dialogues, outbox, journal.
    """
    return [*(concern_path(db_path, c) for c in CONCERNS), journal_path(db_path)]


class Database:
    """The bot's TinyDB files and the lock that makes this process their only writer."""

    def __init__(self, path: Path | None, lock: DatabaseLock | None = None) -> None:
        self.path = path
        self._lock = lock
        self._writer: Writer | None = None
        self._files: dict[str, TinyDB] = {
            concern: open_file(
                concern_path(path, concern) if path else None,
                lock if concern == CATALOGUE else None,
            )
            for concern in CONCERNS
        }

    def storage(self, concern: str) -> FileStorage:
        """Return the storage of one concern's file."""
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
            versions = [storage.version() for storage in dirty]
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

    def _reload(self) -> None:
        # A background write failed: what is in memory is ahead of the disk.
        for concern in CONCERNS:
            self.storage(concern).forget()
        self._clear_query_caches()

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
        migrate(path, main, lock)
    database = Database(path, lock)
    for concern in CONCERNS:
        storage = database.storage(concern)
        assert storage.path is not None
        if not storage.path.exists():
            raise DatabaseError(
                f"{storage.path} is missing: the database is incomplete. Restore the files of "
                "a backup together, or move them all away to start afresh."
            )
        try:
            storage.read()
        except StorageCorrupt as error:
            raise DatabaseCorrupt(_corrupt_message(storage.path, str(error))) from None
    return database


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


def migrate(path: Path, old: dict[str, Any], lock: DatabaseLock) -> None:
    """Split a schema 1 database (one file) into one file per concern.

    The other concerns' files are written first, each durably; the main file is replaced
    last, so until then the old file is whole and a crash only means migrating again.
    """
    files: dict[str, dict[str, Any]] = {concern: {} for concern in CONCERNS}
    for name, table in old.items():
        files[TABLES.get(name, CATALOGUE)][name] = table
    dialogues = files[DIALOGUES]
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
    meta = files[CATALOGUE].setdefault("meta", {})
    meta["1"] = {**meta.get("1", {}), "schema": SCHEMA_VERSION}
    for concern in CONCERNS[1:]:
        write_atomically(concern_path(path, concern), _dump(files[concern]))
    write_atomically(path, _dump(files[CATALOGUE]), lock)


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
