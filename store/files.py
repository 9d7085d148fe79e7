"""One TinyDB file of the database: atomic replacement, and writes that cost what changed.

TinyDB hands its storage the whole database at every write. Encoding all of it again would
cost in proportion to the file (about 15 ms per MB, on the event loop), so this storage keeps
the JSON text of every document and re-encodes only the documents a write touched
(`TrackedTable` reports them); the file is then the join of those texts. A write that changed
nothing reaches no disk at all.
"""

import copy
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Table

# The whole table changed (truncate, drop, a write made outside `TrackedTable`).
ALL = None
Touched = dict[str, set[str] | None]


class Lock(Protocol):
    """What carries the database lock over to a new version of a file (`store.lock`)."""

    def adopt(self, fd: int) -> None: ...
    def settle(self, replaced: bool) -> None: ...


class StorageCorrupt(Exception):
    """The file is not a TinyDB document; the message says why."""


class FileStorage(Storage):
    """A JSON file replaced whole by rename, so a crash never leaves half a file.

    The parsed data stays in memory (this process owns the database). Writes made inside
    `batch()` reach the disk together when the outermost batch ends, or never on error.

    Args:
        path: the file, or None to keep everything in memory (tests).
        lock: the database lock, when this is the main file: it moves to every new version
            (see `store.lock`).
    """

    def __init__(self, path: Path | None, lock: Lock | None = None) -> None:
        self.path = path
        self.lock = lock
        self.writes = 0  # files written (or that would have been, in memory): for tests
        self._cache: dict[str, Any] | None = None
        self._depth = 0
        self._touched: Touched = {}
        self._snapshot: dict[str, Any] | None = None
        self._docs: dict[str, dict[str, str]] = {}  # table → doc id → '"id":{…}'
        self._tables: dict[str, str] = {}  # table → '"name":{…}' of an unchanged table

    # --- the TinyDB storage interface ---

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            self._cache = self._load() if self.path is not None else {}
            self._docs.clear()
            self._tables.clear()
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if not self._depth:  # a write TinyDB made on its own (drop_table): all may have changed
            self._touched.update(dict.fromkeys(data, ALL))
            self._touched.update(dict.fromkeys(self._docs, ALL))
            self.flush()

    def close(self) -> None:
        self._cache = None

    # --- batches and what changed ---

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Keep writes in memory until the outermost batch ends; undo them all on error."""
        self.begin()
        try:
            yield
        except BaseException:
            self.abort()
            raise
        self.end()

    def begin(self, snapshot: bool = False) -> None:
        """Open a batch (see `batch`).

        Args:
            snapshot: in memory, keep a copy to roll back to on error (a file falls back on
                what is on disk instead).
        """
        if not self._depth:
            self._snapshot = None
        if snapshot and self.path is None and self._snapshot is None:
            self._snapshot = copy.deepcopy(self.read())
        self._depth += 1

    @property
    def depth(self) -> int:
        """Return how many batches are open."""
        return self._depth

    def end(self, flush: bool = True) -> None:
        """Close a batch; the outermost one writes what changed (unless `flush` is False)."""
        self._depth -= 1
        if not self._depth and flush:
            self.flush()

    def abort(self) -> None:
        """Close a batch that failed: the outermost one forgets every change since `begin`."""
        self._depth -= 1
        if not self._depth:
            self.forget()

    def forget(self) -> None:
        """Drop unsaved changes: what is on disk (or the last snapshot) is the truth again."""
        if self.path is None:
            self._cache = self._snapshot if self._snapshot is not None else self._cache
        else:
            self._cache = None
        self._touched.clear()
        self._docs.clear()
        self._tables.clear()

    def touch(self, table: str, ids: Iterable[int | str] | None) -> None:
        """Record that these documents of a table changed (None: maybe all of them)."""
        if ids is None:
            self._touched[table] = ALL
            return
        known = self._touched.get(table, set())
        if known is ALL:
            return
        new = {str(doc_id) for doc_id in ids}
        if new:
            self._touched[table] = known | new

    @property
    def dirty(self) -> bool:
        """Return True when changes wait to be written."""
        return bool(self._touched)

    # --- writing ---

    def flush(self) -> None:
        """Write the file if anything changed; on failure the file on disk is unchanged."""
        if not self._touched:
            return
        if self.path is None:
            self._touched.clear()
            self._snapshot = None
            self.writes += 1
            return
        try:
            data = self.render()
            write_atomically(self.path, data, self.lock)
        except BaseException:
            self.forget()
            raise
        self.writes += 1

    def render(self) -> bytes:
        """Return the file's new content, re-encoding only the documents that changed."""
        data = self.read() or {}
        touched, self._touched = self._touched, {}
        parts = []
        for name, table in data.items():
            if name in touched or name not in self._tables:
                self._tables[name] = self._table_text(name, table, touched.get(name, ALL))
            parts.append(self._tables[name])
        for name in set(self._tables) - set(data):
            del self._tables[name]
            self._docs.pop(name, None)
        # A lone surrogate (from a client or a file) can't be UTF-8: its JSON escape can, and
        # reads back as the same string.
        return ("{" + ",".join(parts) + "}").encode("utf-8", "backslashreplace")

    def _table_text(self, name: str, table: Mapping[str, Any], ids: set[str] | None) -> str:
        docs = self._docs.get(name)
        if docs is None or ids is ALL:
            docs = self._docs[name] = {key: _doc_text(key, doc) for key, doc in table.items()}
        else:
            for key in ids:
                if key in table:
                    docs[key] = _doc_text(key, table[key])
                else:
                    docs.pop(key, None)
        return _encode(name) + ":{" + ",".join(docs.values()) + "}"

    def _load(self) -> dict[str, Any] | None:
        assert self.path is not None
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StorageCorrupt(str(error)) from None
        if not is_tinydb_document(data):
            raise StorageCorrupt("not a TinyDB document")
        return data


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _doc_text(key: str, doc: Any) -> str:
    return _encode(key) + ":" + _encode(doc)


def is_tinydb_document(data: Any) -> bool:
    """Return True for {table: {doc id: {field: value}}}, the shape TinyDB writes."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    )


def temporary_path(path: Path) -> Path:
    """Return where a new version of a file is written before it replaces the file."""
    return path.with_name(f".{path.name}.tmp")


def write_durably(path: Path, data: bytes) -> int:
    """Write a file, flushed to the disk; return its open descriptor (the caller closes it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def write_atomically(path: Path, data: bytes, lock: Lock | None = None) -> None:
    """Replace a file by a new one in one rename, durably; the old one stays on any error."""
    tmp = temporary_path(path)
    try:
        fd = write_durably(tmp, data)
        replace(tmp, path, fd, lock)
        sync_directory(path.parent)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def replace(tmp: Path, path: Path, fd: int, lock: Lock | None) -> None:
    """Rename a written file over `path`, closing `fd` or giving it to the lock."""
    if lock is None:
        os.close(fd)
        os.replace(tmp, path)
        return
    lock.adopt(fd)
    replaced = False
    try:
        os.replace(tmp, path)
        replaced = True
    finally:
        lock.settle(replaced)


def sync_directory(path: Path) -> None:
    """Make renames in a folder durable: the directory entry reaches the disk too."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TrackedTable(Table):
    """A TinyDB table that tells its `FileStorage` which documents each write changed.

    A write that changes nothing (removing what is not there, updating to the same values)
    reaches no disk, and an upsert that inserts is one write, not two.
    """

    _storage: FileStorage

    def insert(self, document: Mapping) -> int:
        with self._storage.batch():
            doc_id = super().insert(document)
            self._storage.touch(self.name, [doc_id])
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping]) -> list[int]:
        with self._storage.batch():
            ids = super().insert_multiple(documents)
            self._storage.touch(self.name, ids)
        return ids

    def update(
        self,
        fields: Mapping | Callable[[Mapping], None],
        cond: Any = None,
        doc_ids: Iterable[int] | None = None,
    ) -> list[int]:
        """Update matching documents; return their ids, whether or not a value changed."""
        if callable(fields):
            with self._storage.batch():
                ids = super().update(fields, cond, doc_ids)
                self._storage.touch(self.name, ids)
            return ids
        matched = self._matching(cond, doc_ids)
        changed = [i for i, doc in matched if _differs(doc, fields)]
        if changed:
            with self._storage.batch():
                super().update(fields, doc_ids=changed)
                self._storage.touch(self.name, changed)
        return [doc_id for doc_id, _ in matched]

    def update_multiple(self, updates: Iterable[tuple[Any, Any]]) -> list[int]:
        with self._storage.batch():
            ids = super().update_multiple(updates)
            self._storage.touch(self.name, ids)
        return ids

    def remove(self, cond: Any = None, doc_ids: Iterable[int] | None = None) -> list[int]:
        with self._storage.batch():
            ids = super().remove(cond, doc_ids)
            self._storage.touch(self.name, ids)
        return ids

    def truncate(self) -> None:
        with self._storage.batch():
            super().truncate()
            self._storage.touch(self.name, ALL)

    def _matching(self, cond: Any, doc_ids: Iterable[int] | None) -> list[tuple[int, Mapping]]:
        table = self._read_table()
        if doc_ids is not None:
            found = ((doc_id, table.get(str(doc_id))) for doc_id in doc_ids)
            return [(doc_id, doc) for doc_id, doc in found if doc is not None]
        if cond is None:
            return [(int(key), doc) for key, doc in table.items()]
        return [(int(key), doc) for key, doc in table.items() if cond(doc)]


_MISSING = object()


def _differs(doc: Mapping, fields: Mapping) -> bool:
    return any(doc.get(key, _MISSING) != value for key, value in fields.items())


class TrackedTinyDB(TinyDB):
    """TinyDB whose tables are `TrackedTable`s."""

    table_class = TrackedTable


def open_file(path: Path | None, lock: Lock | None = None) -> TinyDB:
    """Return a TinyDB over one file (or memory), with tracked tables; nothing is read yet."""
    return TrackedTinyDB(path, storage=FileStorage, lock=lock)
