"""An append-only file of JSON lines whose room is reserved before it is needed.

The outbox marks each alert sent as soon as Telegram accepts it, with one line here. If the
disk filled up between a send and its line, the alert would be sent again after a restart:
so room for the lines of the sends in flight is reserved on the disk first
(`posix_fallocate`), and delivery sends nothing while room can't be reserved. Lines are
written into the reserved zeros; reading stops at them.
"""

import errno
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
MARK_ROOM = 1536  # bytes one line may take: an id, a status, a reason of 300 characters
CHUNK = 64 * MARK_ROOM  # reserved at a time, so that most lines cost no reservation
FSYNC_EVERY = 0.2  # seconds; a process crash loses nothing the OS has, a power cut this much


class Journal:
    """JSON lines in a file (None: kept nowhere, for in-memory databases).

    Args:
        path: the file.
        valid: says whether a parsed line is a mark this program wrote; others are skipped
            and logged like a line torn by a crash.
    """

    def __init__(
        self, path: Path | None, valid: Callable[[dict[str, Any]], bool] = lambda _: True
    ) -> None:
        self.path = path
        self._valid = valid
        self._fd = -1
        self._end = 0  # where the next line goes
        self._room = 0  # bytes reserved on the disk (the file's size)
        self._synced = 0.0

    def read(self) -> list[dict[str, Any]]:
        """Return every whole, valid mark; torn or foreign lines are skipped and logged."""
        if self.path is None or not self.path.exists():
            return []
        text = self.path.read_bytes().rstrip(b"\0").decode("utf-8", errors="replace")
        marks = []
        for line in text.splitlines():
            try:
                mark = json.loads(line)
            except json.JSONDecodeError:
                mark = None
            if isinstance(mark, dict) and self._valid(mark):
                marks.append(mark)
            elif line.strip("\0 "):
                log.warning("skipped a torn or invalid line of %s: %.80r", self.path, line)
        return marks

    def reserve(self, lines: int) -> None:
        """Make sure `lines` more lines can be written whatever else fills the disk.

        Raises:
            OSError: the disk is full, read-only, or the file can't be written.
        """
        if self.path is None:
            return
        self._open()
        need = self._end + lines * MARK_ROOM
        if need <= self._room:
            return
        size = -(-need // CHUNK) * CHUNK
        try:
            os.posix_fallocate(self._fd, 0, size)
        except OSError as error:
            if error.errno not in (errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                raise
            os.pwrite(self._fd, b"\0" * (size - self._room), self._room)  # no fallocate here
        self._room = size

    def append(self, mark: dict[str, Any]) -> None:
        """Write one mark; it survives a crash of this process as soon as this returns.

        Raises:
            OSError: the mark could not be written (nothing was reserved for it).
        """
        if self.path is None:
            return
        line = (json.dumps(mark, ensure_ascii=False, separators=(",", ":")) + "\n").encode(
            "utf-8", "backslashreplace"
        )
        self.reserve(1)
        written = os.pwrite(self._fd, line, self._end)
        if written != len(line):
            raise OSError(errno.EIO, "short write", str(self.path))
        self._end += written
        if time.monotonic() - self._synced >= FSYNC_EVERY:
            os.fdatasync(self._fd)
            self._synced = time.monotonic()

    def clear(self) -> None:
        """Empty the journal once its marks are in the database."""
        self.close()
        if self.path is not None and self.path.exists():
            self.path.unlink()

    def close(self) -> None:
        """Close the file (a later write opens it again)."""
        if self._fd >= 0:
            os.close(self._fd)
        self._fd, self._end, self._room = -1, 0, 0

    def _open(self) -> None:
        if self._fd >= 0:
            return
        assert self.path is not None
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        content = os.pread(fd, os.fstat(fd).st_size, 0)
        end = len(content.rstrip(b"\0"))
        self._fd, self._room = fd, len(content)
        if end and content[end - 1 : end] != b"\n":  # a torn last line: start a new one
            os.pwrite(fd, b"\n", end)
            end += 1
        self._end = end
