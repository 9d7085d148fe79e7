"""One owning process: an exclusive lock on the database's main file itself.

A lock on a file of its own could be deleted while the bot runs, and a second process would
then take a fresh one and write under the bot's feet. The lock is therefore held on the main
data file (`DB_PATH`): whoever opens the database must lock the file it reads. Every new
version of that file is locked before it is renamed into place, so the file at `DB_PATH` is
never without its lock while the owner runs. `<DB_PATH>.lock` only names the owner's pid for
the message a second process prints; deleting it changes nothing.
"""

import fcntl
import os
from contextlib import suppress
from pathlib import Path


class LockHeld(Exception):
    """Another process holds the lock; the argument is its pid as written, or '?'."""


class DatabaseLock:
    """The lock on `DB_PATH`, held from `acquire()` to `release()` (or the process's end)."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.note_path = db_path.with_name(f"{db_path.name}.lock")
        self._fd = -1
        self._next = -1

    @property
    def held(self) -> bool:
        """Return True while this process holds the lock."""
        return self._fd >= 0

    def acquire(self, initial: bytes = b"{}") -> None:
        """Lock the main file, creating it with `initial` content if there is none.

        Raises:
            LockHeld: another process owns the database.
            OSError: the file can't be created or opened.
        """
        while True:
            fd = self._open(initial)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise LockHeld(self._holder()) from None
            # The owner may have renamed a new version over the one opened here: lock that.
            try:
                same = os.stat(self.db_path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._fd = fd
        with suppress(OSError):  # only a note for the message of a second process
            self.note_path.write_text(str(os.getpid()), encoding="utf-8")

    def _open(self, initial: bytes) -> int:
        try:
            return os.open(self.db_path, os.O_RDONLY)
        except FileNotFoundError:
            pass
        # A new database: its main file appears whole (never empty: an empty file is refused),
        # and never over a file another process created meanwhile.
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.db_path.with_name(f".{self.db_path.name}.{os.getpid()}.new")
        tmp.write_bytes(initial)
        try:
            with suppress(FileExistsError):
                os.link(tmp, self.db_path)
        finally:
            tmp.unlink()
        return os.open(self.db_path, os.O_RDONLY)

    def _holder(self) -> str:
        try:
            return self.note_path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def adopt(self, fd: int) -> None:
        """Lock a new version of the main file that is about to be renamed into place.

        The old version stays locked too until `settle()` says whether the rename happened.

        Args:
            fd: the new file's open descriptor; the lock owns it from now on.
        """
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a new file: nobody else has it
        self._next = fd

    def settle(self, replaced: bool) -> None:
        """Keep the lock on the new version if it replaced the old one, else on the old one."""
        keep, drop = (self._next, self._fd) if replaced else (self._fd, self._next)
        if drop >= 0:
            os.close(drop)
        self._fd, self._next = keep, -1

    def release(self) -> None:
        """Let another process open the database."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
