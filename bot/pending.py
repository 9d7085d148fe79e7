"""Pages of the moderation queue (/pending), oldest first. Pure.

A page is found from where the last one ended (the number of its last submission), not from
a page number, so that a decision made meanwhile neither skips nor repeats one: the queue
shortens from its start while a moderator pages on.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from bot.models import Submission

PAGE_SIZE = 10  # copies a page sends: each is a message of its own, with its own buttons


@dataclass(frozen=True)
class QueuePage:
    """Some submissions of the queue, and where they stand in it.

    Attributes:
        shown: the page's submissions, oldest first.
        first: the position of the first in the queue, from 1.
        total: how many wait in all.
    """

    shown: Sequence[Submission]
    first: int
    total: int

    @property
    def last(self) -> int:
        """Return the position of the page's last submission in the queue, from 1."""
        return self.first + len(self.shown) - 1

    @property
    def rest(self) -> int:
        """Return how many wait after this page."""
        return self.total - self.last


def page_after(queue: Sequence[Submission], after: int, size: int = PAGE_SIZE) -> QueuePage:
    """Return the page of the queue that follows submission number `after` (0: the start).

    Args:
        queue: the pending submissions, oldest first (by number, as `pending()` returns them).
        after: the number of the last submission shown before; it may be decided by now.
        size: submissions a page holds.
    """
    start = next((n for n, s in enumerate(queue) if s.id > after), len(queue))
    return QueuePage(queue[start : start + size], start + 1, len(queue))


def page_number(queue: Sequence[Submission], number: int, size: int = PAGE_SIZE) -> QueuePage:
    """Return page `number` of the queue (from 1); empty past the last page."""
    start = (number - 1) * size
    return QueuePage(queue[start : start + size], start + 1, len(queue))


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    """Return how many pages `total` submissions make (at least 1)."""
    return max(1, -(-total // size))
