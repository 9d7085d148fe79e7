"""One TinyDB file of the database: atomic replacement, and writes that cost what changed.

TinyDB hands its storage the whole database at every write. Encoding all of it again would
cost in proportion to the file (about 15 ms per MB, on the event loop), so this storage keeps
the JSON text of every document and re-encodes only the documents a write touched
(`TrackedTable` reports them); the file is then the join of those texts. A write that changed
nothing reaches no disk at all.

Writing the file (write, fsync, rename: about 1 ms per MB plus the disk's flush) is done by
a `Writer`, one thread per database, once the bot runs (`Database.write_in_background`):

* Why a thread, and shards too. The members and dialogues are sharded by member
  (`store.db`: a member's write rewrites one file of about 1/100 of the concern), so what a
  write costs follows what changed; the thread keeps even that small write's fsync (a
  millisecond or more on any disk, much more on a busy one) off the event loop. The event
  loop only re-encodes what changed and joins the cached blocks of the shards it rewrites
  (`render_shard`); writing and flushing run off the loop.
* Nothing shown before it is saved. Every Bot API call but `getUpdates` goes through the
  send limiter, which first awaits `Writer.saved()`: every write submitted before the call is
  on disk before the call is made (`handlers/limiter.py`). Delivery's journal is emptied by a
  fold only after the fold's write is on disk (`Writer.wait`).
* Order and atomicity. Jobs are written in the order they were submitted. The jobs waiting
  when the thread wakes are merged into one step: one file is replaced by one rename, several
  files through the commit note (`store.db.commit_files`), so after a crash the disk always
  holds the state after some submitted job, and a job that spans files (a draft and its
  conversation state are in the same file anyway) is whole or absent. Merging also means a
  burst of writes to one file costs one write of the file, not one each.
* A write that fails (disk full) fails every job waiting with it; the send of the handler
  (or task) that made one of them raises the error, as its store call raised it when writes
  were synchronous, while other members' answers and alerts go on. The data in memory is
  then reloaded from the disk on the loop, and jobs rendered from the undone state are
  refused.
* Other members keep flowing. With PTB's default (one update at a time) the next member would
  still wait for the disk flush, and PTB's concurrent mode does not keep one member's updates
  in order, which the conversation needs. `handlers.ordering.MemberOrder` runs one member's
  updates in order and only one update's Python at a time, and lets the others run while an
  update waits for its writes (the send limiter's wait). The loop itself is never held by a
  write, so alerts and jobs go on too.

Measured with `benchmarks/load.py` (×10: 50,000 members, 9 MB of dialogues in 100 shards): a
dialogue step costs well under a millisecond on the loop; see the benchmark for the time to
disk.
"""

import asyncio
import concurrent.futures
import contextvars
import copy
import json
import os
import threading
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
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
    """A file is not a TinyDB document: `path` is the file, the message says why."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(why)
        self.path = path


# Which shard a document belongs to: (table, document id, document) -> shard number.
ShardOf = Callable[[str, str, Any], int]


class FileStorage(Storage):
    """A JSON file (or a set of shard files) replaced whole by rename, so a crash never
    leaves half a file.

    The parsed data stays in memory (this process owns the database). Writes made inside
    `batch()` reach the disk together when the outermost batch ends, or never on error.

    Sharded: the tables are one TinyDB database for the caller, but each document lives in
    the shard file `shard_of(table, doc id, doc)` names, so a write rewrites only the shards
    whose documents changed (several through `commit`, as one change). A document whose
    shard changes (the field it is sharded by was updated) moves with the next write.

    Args:
        path: the file, or None to keep everything in memory (tests).
        lock: the database lock, when this is the main file: it moves to every new version
            (see `store.lock`).
        shards: the shard files, in shard order, instead of `path` (which is then ignored).
        shard_of: which shard (0 to len(shards) - 1) a document of a table belongs to.
        commit: writes several versions as one change (`store.db.commit_files`), for a
            write that changes several shards while no `Writer` runs.
    """

    def __init__(
        self,
        path: Path | None,
        lock: Lock | None = None,
        shards: list[Path] | None = None,
        shard_of: "ShardOf | None" = None,
        commit: Callable[[list["Version"]], None] | None = None,
    ) -> None:
        self.paths: list[Path] = list(shards) if shards else [path] if path is not None else []
        # The first file: None means in memory.
        self.path = self.paths[0] if self.paths else None
        self.lock = lock
        self.writes = 0  # files written (or that would have been, in memory): for tests
        self._shard_of = shard_of if len(self.paths) > 1 else None
        self._commit = commit
        self._cache: dict[str, Any] | None = None
        self._depth = 0
        self._touched: Touched = {}
        self._snapshot: dict[str, Any] | None = None
        # The files' JSON by shard and table, so that a write encodes only what it changed.
        self._tables: dict[tuple[int, str], EncodedTable] = {}
        # Which shard holds each document of a sharded table (to drop or move it).
        self._where: dict[str, dict[str, int]] = {}
        # Set while the bot runs: the file is then written by this thread (module docstring).
        self.writer: Writer | None = None

    # --- the TinyDB storage interface ---

    def read(self) -> dict[str, Any] | None:
        if self._cache is None:
            self._cache = self._load() if self.path is not None else {}
            self._tables.clear()
            self._where.clear()
            if self.path is not None:
                # Encoded now, at start-up, rather than all at once at the first write.
                for name, table in (self._cache or {}).items():
                    self._encode_table(name, table)
        return self._cache

    def write(self, data: dict[str, Any]) -> None:
        self._cache = data
        if not self._depth:  # a write TinyDB made on its own (drop_table): all may have changed
            self._touched.update(dict.fromkeys(data, ALL))
            self._touched.update(dict.fromkeys((name for _, name in self._tables), ALL))
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
        if self.writer is not None:
            self.writer.wait(check=False)  # the disk must hold every write submitted so far
        if self.path is None:
            self._cache = self._snapshot if self._snapshot is not None else self._cache
        else:
            self._cache = None
        self._touched.clear()
        self._tables.clear()
        self._where.clear()

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
        """Write what changed; on failure the files on disk are unchanged."""
        if not self._touched:
            return
        if self.path is None:
            self._touched.clear()
            self._snapshot = None
            self.writes += 1
            return
        try:
            versions = self.versions()
            if not versions:
                return
            if self.writer is not None:
                self.writer.submit(versions)
            elif len(versions) == 1:
                write_atomically(versions[0].path, versions[0].data, versions[0].lock)
            else:
                assert self._commit is not None, "several shards changed: a commit is needed"
                self._commit(versions)
        except BaseException:
            self.forget()
            raise
        self.writes += 1

    def versions(self) -> list["Version"]:
        """Return the new versions of the files whose documents changed (see `render`)."""
        return [
            Version(self.paths[shard], self.render_shard(shard), self.lock if not shard else None)
            for shard in self.render()
        ]

    def render(self) -> list[int]:
        """Re-encode only the changed documents; return the shards to write, in order."""
        data = self.read() or {}
        touched, self._touched = self._touched, {}
        dirty: set[int] = set()
        known = {name for _, name in self._tables}
        for name, table in data.items():
            if name not in known or (name in touched and touched[name] is ALL):
                dirty |= self._encode_table(name, table)
            elif name in touched:
                dirty |= self._update_table(name, table, touched[name] or ())
        for name in known - set(data):
            for key in [key for key in self._tables if key[1] == name]:
                del self._tables[key]
                dirty.add(key[0])
            self._where.pop(name, None)
        return sorted(dirty)

    def render_shard(self, shard: int) -> list[bytes]:
        """Return one file's content in pieces, from the blocks encoded so far."""
        pieces = [b"{"]
        for name in self._cache or {}:
            encoded = self._tables.get((shard, name))
            if encoded is not None:
                pieces += encoded.pieces()
                pieces.append(b",")
        if len(pieces) > 1:
            pieces[-1] = b"}"
        else:
            pieces.append(b"}")
        return pieces

    def _encode_table(self, name: str, table: Mapping[str, Any]) -> set[int]:
        """Encode a whole table again; return the shards it is (or was) in."""
        dirty = {shard for shard, other in self._tables if other == name} | {0}
        for shard in dirty:
            self._tables.pop((shard, name), None)
        if self._shard_of is None:
            self._tables[(0, name)] = EncodedTable(name, table)
            return {0}
        # Shard 0 always holds the table, so that an empty table is kept too.
        self._tables[(0, name)] = EncodedTable(name, {})
        where = self._where[name] = {}
        for key, doc in table.items():
            shard = where[key] = self._shard_of(name, key, doc)
            self._shard_table(shard, name)._set(key, doc)
            dirty.add(shard)
        return dirty

    def _update_table(self, name: str, table: Mapping[str, Any], ids: Iterable[str]) -> set[int]:
        """Encode some documents of a table again; return the shards that changed."""
        if self._shard_of is None:
            self._tables[(0, name)].update(table, ids)
            return {0}
        dirty = set()
        where = self._where.setdefault(name, {})
        for key in ids:
            old = where.pop(key, None)
            if key in table:
                shard = where[key] = self._shard_of(name, key, table[key])
                self._shard_table(shard, name)._set(key, table[key])
                dirty.add(shard)
            if old is not None and old != where.get(key):
                self._tables[(old, name)]._drop(key)
                dirty.add(old)
        return dirty

    def _shard_table(self, shard: int, name: str) -> "EncodedTable":
        encoded = self._tables.get((shard, name))
        if encoded is None:
            encoded = self._tables[(shard, name)] = EncodedTable(name, {})
        return encoded

    def _load(self) -> dict[str, Any] | None:
        merged: dict[str, Any] | None = None
        for path in self.paths:
            data = load_file(path)
            if data is None:
                continue
            if merged is None:
                merged = data
                continue
            for name, table in data.items():
                merged.setdefault(name, {}).update(table)
        return merged


def load_file(path: Path) -> dict[str, Any] | None:
    """Read one TinyDB file; None when there is none, StorageCorrupt when it is not valid."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StorageCorrupt(path, str(error)) from None
    if not is_tinydb_document(data):
        raise StorageCorrupt(path, "not a TinyDB document")
    return data


def _encode(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # A lone surrogate (from a client or a file) can't be UTF-8: its JSON escape can, and
    # reads back as the same string.
    return text.encode("utf-8", "backslashreplace")


def _doc_text(key: str, doc: Any) -> bytes:
    return _encode(key) + b":" + _encode(doc)


class EncodedTable:
    """The JSON of one table, kept in blocks of documents: a write re-joins only its blocks.

    Documents with TinyDB's own consecutive ids share blocks of 256 in id order, so the file
    keeps the table's order; ids derived from users or hashes (from 2**24 on) are spread over
    64 blocks after them. At 100,000 documents a write then joins a few hundred bytes objects
    instead of one per document.
    """

    __slots__ = ("blocks", "docs", "head", "joined", "order")

    def __init__(self, name: str, table: Mapping[str, Any]) -> None:
        self.head = _encode(name) + b":{"
        self.docs: dict[str, bytes] = {}
        self.blocks: dict[int, dict[str, None]] = {}
        self.joined: dict[int, bytes] = {}
        self.order: list[int] | None = None
        for key, doc in table.items():
            self._set(key, doc)

    @staticmethod
    def block_of(key: str) -> int:
        """Return the block a document id belongs to."""
        number = int(key) if key.isdigit() else zlib.crc32(key.encode())
        return number >> 8 if number < 1 << 24 else (1 << 16) + number % 64

    def update(self, table: Mapping[str, Any], ids: Iterable[str]) -> None:
        """Encode these documents again (or forget those no longer in the table)."""
        for key in ids:
            if key in table:
                self._set(key, table[key])
            else:
                self._drop(key)

    def pieces(self) -> list[bytes]:
        """Return the table's JSON (`"name":{…}`) in pieces, in block order."""
        if self.order is None:
            self.order = sorted(self.blocks)
        out = [self.head]
        for block in self.order:
            joined = self.joined.get(block)
            if joined is None:
                joined = self.joined[block] = b",".join(
                    map(self.docs.__getitem__, self.blocks[block])
                )
            out += [joined, b","]
        if len(out) > 1:
            out[-1] = b"}"
        else:
            out.append(b"}")
        return out

    def _set(self, key: str, doc: Any) -> None:
        block = self.block_of(key)
        self.docs[key] = _doc_text(key, doc)
        members = self.blocks.get(block)
        if members is None:
            members = self.blocks[block] = {}
            self.order = None
        members[key] = None
        self.joined.pop(block, None)

    def _drop(self, key: str) -> None:
        if self.docs.pop(key, None) is None:
            return
        block = self.block_of(key)
        members = self.blocks[block]
        del members[key]
        self.joined.pop(block, None)
        if not members:
            del self.blocks[block]
            self.order = None


def is_tinydb_document(data: Any) -> bool:
    """Return True for {table: {doc id: {field: value}}}, the shape TinyDB writes."""
    return isinstance(data, dict) and all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    )


def temporary_path(path: Path) -> Path:
    """Return where a new version of a file is written before it replaces the file."""
    return path.with_name(f".{path.name}.tmp")


def write_durably(path: Path, data: bytes | list[bytes]) -> int:
    """Write a file (bytes, or pieces of it), flushed to the disk; return its descriptor.

    The caller closes the descriptor (or gives it to the lock).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        pieces = [data] if isinstance(data, bytes) else data
        for start in range(0, len(pieces), 512):  # IOV_MAX is 1024 on Linux
            _write_all(fd, pieces[start : start + 512])
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _write_all(fd: int, pieces: list[bytes]) -> None:
    """Write pieces in one system call when the kernel takes them all, else finish piecewise."""
    written = os.writev(fd, pieces)
    for piece in pieces:
        if written >= len(piece):
            written -= len(piece)
            continue
        view = memoryview(piece)[written:]
        written = 0
        while view:
            view = view[os.write(fd, view) :]


def write_atomically(path: Path, data: bytes | list[bytes], lock: Lock | None = None) -> None:
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
        fields: Mapping | Callable[[MutableMapping], None],
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

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        """Apply a TinyDB update to the stored table in place.

        TinyDB copies the whole table into a dict keyed by int ids and back at every write
        (about 5 ms at 10,000 documents); a view that turns ids into keys as they are used
        costs only what the update touches.
        """
        tables = self._storage.read()
        if tables is None:  # a file not written yet
            tables = {}
        updater(_IntKeys(tables.setdefault(self.name, {})))  # type: ignore[arg-type]
        self._storage.write(tables)
        self.clear_cache()

    def _matching(self, cond: Any, doc_ids: Iterable[int] | None) -> list[tuple[int, Mapping]]:
        table = self._read_table()
        if doc_ids is not None:
            found = ((doc_id, table.get(str(doc_id))) for doc_id in doc_ids)
            return [(doc_id, doc) for doc_id, doc in found if doc is not None]
        if cond is None:
            return [(int(key), doc) for key, doc in table.items()]
        return [(int(key), doc) for key, doc in table.items() if cond(doc)]


_MISSING = object()


class _IntKeys(MutableMapping[int, Any]):
    """A stored table ({"1": doc}) seen with the int ids TinyDB's updaters use."""

    __slots__ = ("_raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self._raw = raw

    def __getitem__(self, key: int) -> Any:
        return self._raw[str(key)]

    def __setitem__(self, key: int, value: Any) -> None:
        self._raw[str(key)] = value

    def __delitem__(self, key: int) -> None:
        del self._raw[str(key)]

    def __contains__(self, key: object) -> bool:
        return str(key) in self._raw

    def __iter__(self) -> Iterator[int]:
        return (int(key) for key in self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def clear(self) -> None:
        self._raw.clear()


def _differs(doc: Mapping, fields: Mapping) -> bool:
    return any(doc.get(key, _MISSING) != value for key, value in fields.items())


class TrackedTinyDB(TinyDB):
    """TinyDB whose tables are `TrackedTable`s."""

    table_class = TrackedTable


def open_file(
    path: Path | None,
    lock: Lock | None = None,
    shards: list[Path] | None = None,
    shard_of: ShardOf | None = None,
    commit: Callable[[list["Version"]], None] | None = None,
) -> TinyDB:
    """Return a TinyDB over one file, shard files (see `FileStorage`) or memory, with tracked
    tables; nothing is read yet."""
    return TrackedTinyDB(
        path, storage=FileStorage, lock=lock, shards=shards, shard_of=shard_of, commit=commit
    )


@dataclass(frozen=True)
class Version:
    """A new version of one file: its content in pieces, and the lock that moves to it."""

    path: Path
    data: list[bytes]
    lock: Lock | None = None


_MY_LAST_WRITE: contextvars.ContextVar["_Job | None"] = contextvars.ContextVar(
    "my_last_write", default=None
)


@dataclass
class _Job:
    number: int
    versions: list[Version]
    done: concurrent.futures.Future[None] = field(default_factory=concurrent.futures.Future)


def forget_my_failure() -> None:
    """Take the failed write made in this context as handled: the next `Writer.saved()` here
    does not raise it again (a caller that caught the failure and said so itself)."""
    _MY_LAST_WRITE.set(None)


class Writer:
    """One thread that writes a database's files, in the order the writes were submitted.

    See the module docstring for why, and for what holds after a crash or a failed write.

    Args:
        commit: writes several versions as one change (`store.db.commit_files`); a single
            version is written with `write_atomically`.
        on_failure: called on the event loop after a write failed, to reload the data in
            memory from the disk.
        loop: the event loop whose handlers submit writes (the running one if None).
    """

    def __init__(
        self,
        commit: Callable[[list[Version]], None],
        on_failure: Callable[[], None],
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._commit = commit
        self._on_failure = on_failure
        self._loop = loop or asyncio.get_running_loop()
        self._jobs: deque[_Job] = deque()
        self._wake = threading.Condition()
        self._numbers = 0  # jobs submitted
        self._valid_from = 0  # jobs numbered below were rendered from state a failure undid
        self._broken: BaseException | None = None
        self._last: _Job | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="database-writer", daemon=True)
        self._thread.start()

    def submit(self, versions: list[Version]) -> None:
        """Queue new versions of files; they reach the disk after every job queued before."""
        if self._stopping:
            raise RuntimeError("the database writer is stopped")
        job = _Job(self._numbers, versions)
        self._numbers += 1
        self._last = job
        _MY_LAST_WRITE.set(job)
        with self._wake:
            self._jobs.append(job)
            self._wake.notify()

    @property
    def busy(self) -> bool:
        """Return True while a write submitted is not yet on disk (or failed)."""
        last = self._last
        return last is not None and not last.done.done()

    async def saved(self) -> None:
        """Wait until every write submitted so far is on disk.

        Raises the error of a failed write made in the caller's context (the handler or task
        that submitted it), once: another member's reply or an alert is not failed by it.
        """
        last = self._last
        if last is not None and not last.done.done():  # else no need to hop through the loop
            waiting = asyncio.wrap_future(last.done, loop=self._loop)
            await asyncio.wait([waiting])
            waiting.exception()  # read, so asyncio does not log it: it is told below, once
        mine = _MY_LAST_WRITE.get()
        if mine is not None and mine.done.done() and mine.done.exception() is not None:
            _MY_LAST_WRITE.set(None)
            raise mine.done.exception()  # type: ignore[misc]

    async def idle(self) -> None:
        """Wait until no write is queued or under way (a consistent moment to read files)."""
        while (last := self._last) is not None and not last.done.done():
            with suppress(BaseException):
                await asyncio.wrap_future(last.done, loop=self._loop)

    def wait(self, check: bool = True) -> None:
        """Block until every write submitted so far is on disk (folds, shutdown, rollback).

        Raises the error of the last write if it failed and `check` is True.
        """
        last = self._last
        if last is None:
            return
        error = last.done.exception()  # blocks until the job is settled
        if error is not None and check:
            raise error

    def stop(self) -> None:
        """Write what is queued, then end the thread."""
        self._stopping = True
        with self._wake:
            self._wake.notify()
        self._thread.join()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs and not self._stopping:
                    self._wake.wait()
                if not self._jobs:
                    return
                batch = list(self._jobs)
                self._jobs.clear()
            self._write(batch)

    def _write(self, batch: list[_Job]) -> None:
        valid = []
        for job in batch:
            if self._broken is not None or job.number < self._valid_from:
                job.done.set_exception(self._broken or OSError("an earlier write failed"))
            else:
                valid.append(job)
        if not valid:
            return
        latest: dict[Path, Version] = {}
        for job in valid:
            for version in job.versions:
                latest.pop(version.path, None)  # keep the order of last writes
                latest[version.path] = version
        try:
            versions = list(latest.values())
            if len(versions) == 1:
                write_atomically(versions[0].path, versions[0].data, versions[0].lock)
            else:
                self._commit(versions)
        except BaseException as error:
            self._broken = error
            # Queued before the jobs fail, so the reload runs before anyone hears of it.
            with suppress(RuntimeError):  # the loop is closed: the process is ending
                self._loop.call_soon_threadsafe(self._recover)
            for job in valid:
                job.done.set_exception(error)
            return
        for job in valid:
            job.done.set_result(None)

    def _recover(self) -> None:
        """On the loop, after a failed write: reload from disk, refuse jobs rendered before."""
        self._valid_from = self._numbers
        self._on_failure()
        self._valid_from = self._numbers
        self._last = None
        self._broken = None
