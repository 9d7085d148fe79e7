"""Snapshots of the database files in one archive, and restoring one.

A snapshot is a `.tar.gz` holding every file of the database (`database_files`) as it was at
one instant, plus `manifest.json`. It is written to a temporary name and renamed, so a file
named `icc-bot-*.tar.gz` in the backup directory is always whole.

Consistency across files: the running bot takes its snapshots itself, waiting until its
database writer is idle (`Database.idle`) and then reading every file in one synchronous step
on the event loop, where every write is submitted (a change to several files is written and
renamed as one step, `store.db.commit_files`); so no write falls between two files (the
database without the journal line that a fold has just removed, say).
When the bot is stopped, the command line opens the database (which takes the lock and
completes a change a crash left unfinished) and copies the files.
"""

import io
import json
import os
import tarfile
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from store.db import DatabaseLocked, database_files, legacy_files, open_database
from store.files import write_atomically
from store.health import commit_note, inspect_content, is_journal
from store.lock import DatabaseLock, LockHeld
from store.search_log import search_log_path

PREFIX = "icc-bot-"
SUFFIX = ".tar.gz"
ASIDE_PREFIX = "before-restore-"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A snapshot can't be taken or restored; the message is one line for the operator."""


def backup_files(db_path: Path) -> list[Path]:
    """Return the files a snapshot holds: the database's files, main file first (every
    shard included), and the search log (which a snapshot may lack: it is optional).

    The unsharded files of schema 2 are listed too, so that an older snapshot can be
    restored (its files are sharded at the next start) and a restore removes them."""
    return [*database_files(db_path), *legacy_files(db_path), search_log_path(db_path)]


def read_files(db_path: Path) -> dict[str, bytes]:
    """Read every existing database file at once: {file name: content}.

    Call it where no write can run in between (the bot's event loop, or under the lock).
    """
    contents = {}
    for path in backup_files(db_path):
        with suppress(FileNotFoundError):
            contents[path.name] = path.read_bytes()
    return contents


def snapshot_name(now: datetime | None = None, prefix: str = PREFIX) -> str:
    """Return `icc-bot-YYYYmmdd-HHMMSS-ffffff.tar.gz` (UTC): names sort by time."""
    return f"{prefix}{(now or datetime.now(UTC)):%Y%m%d-%H%M%S-%f}{SUFFIX}"


def write_archive(contents: Mapping[str, bytes], db_path: Path, target: Path) -> Path:
    """Write the files into a `.tar.gz` at `target` by temporary file and rename; return it."""
    manifest = {
        "db_name": db_path.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": sorted(contents),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with tmp.open("wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as archive:
                _add(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
                for name, data in sorted(contents.items()):
                    _add(archive, name, data)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
    return target


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o600
    archive.addfile(info, io.BytesIO(data))


def prune(backup_dir: Path, keep: int) -> list[Path]:
    """Delete the oldest regular snapshots beyond `keep`; return what was deleted."""
    snapshots = sorted(backup_dir.glob(f"{PREFIX}*{SUFFIX}"))
    old = snapshots[:-keep] if len(snapshots) > keep else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_stopped(db_path: Path, backup_dir: Path, keep: int) -> Path:
    """Snapshot the database of a stopped bot, holding its lock meanwhile.

    Raises:
        DatabaseLocked: the bot runs (ask it instead, see `handlers.backups`);
        BackupError: there is no database; DatabaseError: it can't be opened.
    """
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path} to back up")
    database = open_database(db_path)
    try:
        contents = read_files(db_path)
    finally:
        database.close()
    target = write_archive(contents, db_path, backup_dir / snapshot_name())
    prune(backup_dir, keep)
    return target


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the files written, and where the previous ones were kept."""

    files: list[str]
    aside: Path


def read_archive(archive: Path, db_path: Path) -> dict[Path, bytes]:
    """Read and check a snapshot: {database file to write: content}.

    Raises:
        BackupError: not a snapshot of this bot, or a file in it is not usable.
    """
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = {m.name: tar.extractfile(m) for m in tar.getmembers() if m.isfile()}
            data = {name: f.read() for name, f in members.items() if f is not None}
    except (OSError, tarfile.TarError, EOFError) as error:
        raise BackupError(f"{archive} is not a readable snapshot ({error})") from None
    try:
        manifest = json.loads(data.pop(MANIFEST))
        old_stem = Path(manifest["db_name"]).stem
    except (KeyError, ValueError, TypeError):
        raise BackupError(f"{archive} is not a snapshot of this bot (no manifest)") from None
    known = {path.name: path for path in backup_files(db_path)}
    files: dict[Path, bytes] = {}
    schema: int | None = None
    for name, content in data.items():
        # The snapshot may come from a database of another name: files are named after it.
        renamed = db_path.stem + name.removeprefix(old_stem)
        if not name.startswith(old_stem) or renamed not in known:
            raise BackupError(f"{archive} holds {name!r}, which is no file of this database")
        report = inspect_content(known[renamed], content)
        if report.problem:
            raise BackupError(f"{name} in {archive} {report.problem}; nothing was restored")
        files[known[renamed]] = content
        schema = report.schema or schema
    if db_path not in files:
        raise BackupError(f"{archive} holds no database file; nothing was restored")
    # From schema 2 on the data is in several files: all of them or none (a schema 1 snapshot
    # is one file, split again at the next start; a schema 2 one is sharded then).
    layout = database_files(db_path, schema) if schema is not None and schema >= 2 else []
    needed = [p for p in layout if not is_journal(p)]
    missing = [p.name for p in needed if p not in files]
    if len(missing) > 3:
        missing = [*missing[:3], f"{len(missing) - 3} more files"]
    if missing:
        raise BackupError(f"{archive} lacks {', '.join(missing)}; nothing was restored")
    return files


def restore(archive: Path, db_path: Path, backup_dir: Path) -> Restored:
    """Replace the database by a snapshot; the current files go into an archive first.

    Raises:
        DatabaseLocked: the bot runs; BackupError: the snapshot is not usable (nothing
        changed then).
    """
    files = read_archive(archive, db_path)
    existed = db_path.exists()
    lock = DatabaseLock(db_path)
    try:
        lock.acquire()
    except LockHeld as held:
        raise DatabaseLocked(f"{db_path} is in use by the bot (pid {held})") from None
    try:
        current = read_files(db_path) if existed else {}
        aside = write_archive(current, db_path, backup_dir / snapshot_name(prefix=ASIDE_PREFIX))
        # What belongs to the current database and would apply to the restored one: an
        # unfinished change's note, a journal or a concern file the snapshot lacks.
        commit_note(db_path).unlink(missing_ok=True)
        for path in backup_files(db_path):
            if path not in files:
                path.unlink(missing_ok=True)
        # The main file last: it carries the lock, and a bot that starts after its rename
        # finds every other file in place.
        for path, content in sorted(files.items(), key=lambda item: item[0] == db_path):
            write_atomically(path, content, lock if path == db_path else None)
    finally:
        lock.release()
    return Restored(sorted(p.name for p in files), aside)
