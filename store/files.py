"""The database's files on disk, read without opening the database (health check, backups).

Nothing here takes the database lock, so it works while the bot runs: every TinyDB file is
replaced whole by rename (`store.db.AtomicJSONStorage`), so a read sees one whole version, and
the journal only grows by whole lines (a torn last line is skipped, as `store.outbox` does).
"""

import fcntl
import json
from dataclasses import dataclass
from pathlib import Path

from store.db import SCHEMA_VERSION, DatabaseLock
from store.outbox import JOURNAL_SUFFIX


def database_files(db_path: Path) -> list[Path]:
    """Return every file that makes up the database at `db_path`, main file first.

    Args:
        db_path: DB_PATH.

    Returns:
        [DB_PATH, its outbox journal]; the files need not exist.
    """
    return [db_path, db_path.with_name(db_path.name + JOURNAL_SUFFIX)]


def is_journal(path: Path) -> bool:
    """Return True for an append-only journal (JSON lines), False for a TinyDB file."""
    return path.name.endswith(JOURNAL_SUFFIX)


@dataclass(frozen=True, slots=True)
class FileReport:
    """What one file of the database holds; `problem` is None when it is usable."""

    path: Path
    exists: bool
    problem: str | None = None
    detail: str = ""


def inspect_file(path: Path) -> FileReport:
    """Read one database file and say whether the bot can use it.

    A TinyDB file must be a JSON object of tables of documents; the main file's `meta`
    table must carry a schema version this bot knows. A journal's torn lines are reported in
    `detail` but are no problem: the bot skips them.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FileReport(path, exists=False)
    except OSError as error:
        return FileReport(path, True, f"can't be read ({error.strerror or error})")
    return inspect_content(path, data)


def inspect_content(path: Path, data: bytes) -> FileReport:
    """Say whether `data` is usable as the database file `path` (see `inspect_file`)."""
    if is_journal(path):
        return _inspect_journal(path, data)
    return _inspect_tinydb(path, data)


def _inspect_tinydb(path: Path, data: bytes) -> FileReport:
    try:
        document = json.loads(data) if data.strip() else {}
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return FileReport(path, True, f"is not valid JSON ({error})")
    if not isinstance(document, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in document.values()
    ):
        return FileReport(path, True, "is not a TinyDB document")
    sizes = ", ".join(f"{name} {len(table)}" for name, table in sorted(document.items()))
    meta = document.get("meta", {}).get("1")
    if meta is None:
        return FileReport(path, True, None, sizes)
    schema = meta.get("schema")
    if not isinstance(schema, int):
        return FileReport(path, True, "has no valid schema version")
    if schema > SCHEMA_VERSION:
        return FileReport(
            path, True, f"was written by a newer bot (schema {schema} > {SCHEMA_VERSION})"
        )
    return FileReport(path, True, None, f"schema {schema}; {sizes}")


def _inspect_journal(path: Path, data: bytes) -> FileReport:
    lines = data.decode("utf-8", errors="replace").splitlines()
    whole = 0
    for line in lines:
        try:
            mark = json.loads(line)
        except json.JSONDecodeError:
            continue
        whole += isinstance(mark, dict) and isinstance(mark.get("id"), int)
    torn = len(lines) - whole
    detail = f"{whole} delivery marks waiting to be folded"
    return FileReport(path, True, None, detail + (f", {torn} torn lines skipped" if torn else ""))


def running_pid(db_path: Path) -> str | None:
    """Return the pid of the bot process holding the database lock, or None if none does."""
    lock = DatabaseLock(db_path).path
    if not lock.exists():
        return None
    with lock.open("r", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "?"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None
