"""The database's files on disk, read without opening the database (health check, backups).

Nothing here takes the database lock for longer than a probe, so it works while the bot runs:
every TinyDB file is replaced whole by rename (`store.files`), so a read sees one whole
version, and the journal only grows by whole lines (a torn last line is skipped, as
`store.outbox` does).
"""

import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from store.db import COMMIT_SUFFIX, JOURNAL_SUFFIX, SCHEMA_VERSION
from store.files import is_tinydb_document


def is_journal(path: Path) -> bool:
    """Return True for an append-only journal (JSON lines), False for a TinyDB file."""
    return path.name.endswith(JOURNAL_SUFFIX)


def commit_note(db_path: Path) -> Path:
    """Return the note of a change to several files that a crash may have left unfinished."""
    return db_path.with_name(db_path.name + COMMIT_SUFFIX)


@dataclass(frozen=True, slots=True)
class FileReport:
    """What one file of the database holds; `problem` is None when it is usable.

    `schema` is the version in the main file's `meta` table (None for the other files);
    `counts` the documents of each table of a TinyDB file.
    """

    path: Path
    exists: bool
    problem: str | None = None
    detail: str = ""
    schema: int | None = None
    counts: dict[str, int] = field(default_factory=dict)


def inspect_file(path: Path) -> FileReport:
    """Read one database file and say whether the bot can use it (see `inspect_content`)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return FileReport(path, exists=False)
    except OSError as error:
        return FileReport(path, True, f"can't be read ({error.strerror or error})")
    return inspect_content(path, data)


def inspect_content(path: Path, data: bytes) -> FileReport:
    """Say whether `data` is usable as the database file `path`.

    A TinyDB file must be a JSON object of tables of documents; a `meta` table must carry a
    schema version this bot knows. A journal's torn lines are reported in `detail` but are no
    problem: the bot skips them.
    """
    if is_journal(path):
        return _inspect_journal(path, data)
    try:
        document = json.loads(data.decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        return FileReport(path, True, f"is not valid JSON ({error})")
    if not is_tinydb_document(document):
        return FileReport(path, True, "is not a TinyDB document")
    counts = {name: len(table) for name, table in sorted(document.items())}
    sizes = ", ".join(f"{name} {count}" for name, count in counts.items())
    meta = document.get("meta", {}).get("1")
    if meta is None:
        return FileReport(path, True, None, sizes or "empty", counts=counts)
    schema = meta.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool):
        return FileReport(path, True, "has no valid schema version")
    if schema > SCHEMA_VERSION:
        return FileReport(
            path, True, f"was written by a newer bot (schema {schema} > {SCHEMA_VERSION})"
        )
    return FileReport(path, True, None, f"schema {schema}; {sizes}", schema, counts)


def _inspect_journal(path: Path, data: bytes) -> FileReport:
    # Room reserved for marks to come is zeros after the last line (`store.journal`).
    lines = data.rstrip(b"\0").decode("utf-8", errors="replace").splitlines()
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
    """Return the pid of the bot process holding the database lock, or None if none does.

    Probes the lock (`store.lock`: on DB_PATH itself) with a shared, non-blocking request,
    released at once.
    """
    try:
        fd = os.open(db_path, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        note = db_path.with_name(f"{db_path.name}.lock")
        try:
            return note.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"
    finally:
        os.close(fd)
    return None
