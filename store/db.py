"""Open the TinyDB database: atomic writes, one owning process, a schema version."""

import copy
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage, Storage

SCHEMA_VERSION = 1


class DatabaseError(Exception):
    """The database can't be used; the message is one line for the operator."""


class DatabaseCorrupt(DatabaseError):
    """The file is not a database this bot wrote; it is left untouched."""


class DatabaseLocked(DatabaseError):
    """Another process owns the database file."""


class AtomicJSONStorage(Storage):
    """A JSON file that is replaced whole by rename, so a crash never leaves half a file.

    The parsed data is kept in memory because this process owns the file; a batch defers
    writes so that several changes reach the disk in one rename, or not at all.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cache: dict[str, Any] | None = None
        self._batch_depth = 0
        self._dirty = False

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            self._cache = self._load()
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if self._batch_depth:
            self._dirty = True
        else:
            self._flush()

    def close(self) -> None:
        self._cache = None

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Write every change made inside the block at once at its end, or none on error."""
        self._batch_depth += 1
        try:
            yield
        except BaseException:
            self._batch_depth -= 1
            if not self._batch_depth:
                self._dirty, self._cache = False, None
            raise
        self._batch_depth -= 1
        if not self._batch_depth and self._dirty:
            self._dirty = False
            self._flush()

    def _load(self) -> dict[str, Any] | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as error:
            raise DatabaseCorrupt(
                f"{self.path} can't be read ({error}); it was left untouched."
            ) from None
        if not text.strip():
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise DatabaseCorrupt(_corrupt_message(self.path, str(error))) from None
        if not _is_tinydb_document(data):
            raise DatabaseCorrupt(_corrupt_message(self.path, "not a TinyDB document"))
        return data

    def _flush(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            with tmp.open("w", encoding="utf-8") as handle:
                json.dump(
                    self._cache,
                    handle,
                    ensure_ascii=False,
                    separators=(",", ":"),
                    cls=_OneShotEncoder,
                )
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            _sync_directory(self.path.parent)
        except BaseException:
            # What is on disk is still the last good state; forget the unsaved one.
            self._cache = None
            with suppress(OSError):
                tmp.unlink()
            raise


class _OneShotEncoder(json.JSONEncoder):
    """The C encoder for file output too: plain json.dump() to a file encodes in Python (~3x)."""

    def iterencode(self, o: Any, _one_shot: bool = False) -> Any:
        return super().iterencode(o, _one_shot=True)


def _sync_directory(path: Path) -> None:
    """Make a rename durable: the directory entry reaches the disk too."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _is_tinydb_document(data: Any) -> bool:
    """Return True for {table: {doc id: {field: value}}}, the shape TinyDB writes."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    )


def _corrupt_message(path: Path | str, why: str) -> str:
    return (
        f"{path} is not a valid database file ({why}); it was left untouched. "
        "Restore a backup, or move it away to start with an empty database."
    )


class DatabaseLock:
    """An exclusive lock next to the database file, released when the process ends."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(f"{db_path.name}.lock")
        self._handle: Any = None

    def acquire(self) -> None:
        """Take the lock, or raise DatabaseLocked naming the process that holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            handle.close()
            raise DatabaseLocked(
                f"{self.path.with_suffix('')} is in use by another bot process (pid {holder}); "
                "stop it first."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Let another process open the database."""
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


class Database:
    """The bot's TinyDB database and the lock that makes this process its only writer."""

    def __init__(self, tinydb: TinyDB, lock: DatabaseLock | None = None) -> None:
        self.tinydb = tinydb
        self._lock = lock

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Apply every write inside the block in one atomic file write, or none on error."""
        storage = self.tinydb.storage
        try:
            if isinstance(storage, AtomicJSONStorage):
                with storage.batch():
                    yield
            else:
                # In memory (tests) roll back to a copy, so that both behave the same.
                snapshot = copy.deepcopy(storage.read())
                try:
                    yield
                except BaseException:
                    storage.write(snapshot)
                    raise
        except BaseException:
            # Queries cached inside the block may have seen the writes that were undone.
            for table in getattr(self.tinydb, "_tables", {}).values():
                table.clear_cache()
            raise

    def table(self, name: str) -> Any:
        """Return a TinyDB table."""
        return self.tinydb.table(name)

    def close(self) -> None:
        """Close the file and release the lock."""
        self.tinydb.close()
        if self._lock:
            self._lock.release()


def open_database(path: Path | None) -> Database:
    """Open (or create) the database, taking its lock.

    Args:
        path: the TinyDB file, or None for an in-memory database (tests).

    Returns:
        The open database. Raises DatabaseLocked, DatabaseCorrupt or DatabaseError.
    """
    if path is None:
        database = Database(TinyDB(storage=MemoryStorage))
    else:
        lock = DatabaseLock(path)
        lock.acquire()
        try:
            database = Database(TinyDB(path, storage=AtomicJSONStorage), lock)
            database.tinydb.storage.read()
        except BaseException:
            lock.release()
            raise
    _check_schema(database, path or "the in-memory database")
    return database


def _check_schema(database: Database, name: Path | str) -> None:
    meta = database.table("meta")
    found = meta.get(doc_id=1)
    if found is None:
        meta.insert({"schema": SCHEMA_VERSION})
    elif not isinstance(found.get("schema"), int):
        database.close()
        raise DatabaseCorrupt(_corrupt_message(name, "no valid schema version"))
    elif found["schema"] > SCHEMA_VERSION:
        database.close()
        raise DatabaseError(
            f"the database was written by a newer version of the bot (schema {found['schema']});"
            " upgrade the bot to open it"
        )
