"""`python -m bot backup` and `python -m bot restore FILE`: snapshots at any time.

While the bot runs, `backup` asks it for the snapshot (the bot reads every file in one step,
see `store.backup`) and waits for the archive to appear; while it is stopped, `backup` takes
the database lock and copies the files itself. `restore` refuses while the bot runs.
"""

import os
import time
from pathlib import Path

from bot.config import Settings
from handlers.backups import REQUEST_SIGNAL, request_path
from store.backup import Restored, backup_stopped, restore, snapshot_name
from store.db import DatabaseLocked
from store.health import running_pid

REQUEST_TIMEOUT = 60.0  # seconds for the running bot to write the archive
POLL_SECONDS = 0.1


class OperationError(Exception):
    """The operation can't be done; the message is one line for the operator."""


def backup(settings: Settings) -> Path:
    """Take a snapshot now, whether the bot runs or not; return the archive path."""
    try:
        return backup_stopped(settings.db_path, settings.backups, settings.backup_keep)
    except DatabaseLocked:
        pass
    pid = running_pid(settings.db_path)
    if pid is None or not pid.isdigit():
        raise OperationError("the database is locked but no bot process is named in its lock")
    return _ask_running_bot(settings, int(pid))


def _ask_running_bot(settings: Settings, pid: int) -> Path:
    target = (settings.backups / snapshot_name()).resolve()
    request = request_path(settings.db_path)
    tmp = request.with_name(f".{request.name}.tmp")
    tmp.write_text(str(target), encoding="utf-8")
    os.replace(tmp, request)
    try:
        os.kill(pid, REQUEST_SIGNAL)
    except ProcessLookupError:
        request.unlink(missing_ok=True)
        raise OperationError(f"the bot process {pid} is gone; run backup again") from None
    deadline = time.monotonic() + REQUEST_TIMEOUT
    while request.exists() and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    if not target.exists():
        request.unlink(missing_ok=True)
        raise OperationError(
            f"the running bot (pid {pid}) wrote no snapshot within {REQUEST_TIMEOUT:.0f} s; "
            "see its log"
        )
    return target


def restore_snapshot(settings: Settings, archive: Path) -> Restored:
    """Restore a snapshot into DB_PATH; the current files are archived first."""
    if not archive.is_file():
        raise OperationError(f"{archive} is not a file")
    try:
        return restore(archive, settings.db_path, settings.backups)
    except DatabaseLocked:
        raise OperationError(
            "the bot is running: stop it first, then restore, then start it again"
        ) from None
