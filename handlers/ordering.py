"""Which updates may run side by side: other members' ones, while one waits for the disk.

PTB handles updates one at a time by default. Files are written by a thread of their own
(`store.files.Writer`) and every Bot API call first awaits the writes made before it; handled
one at a time, the next member would still wait for that disk flush. PTB's own concurrent
mode (`concurrent_updates=True`) runs updates in any order, which the conversation can't
take: one member's answer must be handled after the previous one (the dialogue's state is
stored when a handler ends).

`MemberOrder` runs each update in a task of its own, with two rules:
  * one member's (and one chat's) updates run one after the other, in the order received;
  * only one update runs Python at a time (the turn), and an update gives the turn away only
    while it makes a Bot API call (`step_aside`, through the send limiter): while its writes
    reach the disk, while it waits for a slot of the send budget, and during the HTTP call
    itself, which with Telegram takes tens to hundreds of milliseconds. Everything a handler
    reads and changes between two calls is as if updates ran one at a time; another member's
    update can only come in at a call.
Updates without a user or chat (none that the bot handles today) keep only the turn.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from store.db import Database

T = TypeVar("T")
MAX_UPDATES = 256  # updates in flight at most; more wait in PTB's queue


@dataclass
class _Turn:
    # The update's task: tasks it starts inherit this object (a context variable) but never
    # hold its turn.
    owner: "asyncio.Task[Any] | None"
    held: bool = False


_MY_TURN: ContextVar[_Turn | None] = ContextVar("my_turn", default=None)


class MemberOrder(BaseUpdateProcessor):
    """Run updates concurrently across members, in order per member (module docstring)."""

    def __init__(self, max_concurrent_updates: int = MAX_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._turn = asyncio.Lock()
        self._members: dict[tuple[str, int], tuple[asyncio.Lock, int]] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the member's earlier updates, then for the turn, and run the update."""
        keys = member_keys(update)
        async with contextlib.AsyncExitStack() as stack:
            for key in keys:  # always in the same order: two updates never wait on each other
                stack.enter_context(self._hold(key))
                await stack.enter_async_context(self._members[key][0])
            turn = _Turn(asyncio.current_task())
            token = _MY_TURN.set(turn)
            try:
                await self._turn.acquire()
                turn.held = True
                await coroutine
            finally:
                if turn.held:
                    self._turn.release()
                _MY_TURN.reset(token)

    @contextlib.contextmanager
    def _hold(self, key: tuple[str, int]) -> Any:
        """Count users of a member's lock, so that the locks of idle members are forgotten."""
        lock, users = self._members.get(key, (asyncio.Lock(), 0))
        self._members[key] = (lock, users + 1)
        try:
            yield
        finally:
            lock, users = self._members[key]
            if users == 1:
                del self._members[key]
            else:
                self._members[key] = (lock, users - 1)

    async def step_aside(self, wait: Callable[[], Awaitable[T]]) -> T:
        """Return `await wait()`; from an update's task, let other updates run meanwhile."""
        turn = _MY_TURN.get()
        if turn is None or not turn.held or turn.owner is not asyncio.current_task():
            return await wait()
        self._turn.release()
        turn.held = False
        try:
            return await wait()
        finally:
            await self._turn.acquire()
            turn.held = True

    def saved(self, database: Database) -> Callable[[], Awaitable[None]]:
        """Return what the send limiter awaits before a call: the database's writes so far,
        giving the turn to other members while they are still on their way to the disk."""

        async def saved() -> None:
            if database.writing:
                await self.step_aside(database.saved)
            else:
                await database.saved()

        return saved


def member_keys(update: object) -> list[tuple[str, int]]:
    """Return the chat and the user an update belongs to, in a fixed order."""
    if not isinstance(update, Update):
        return []
    keys = []
    if update.effective_chat is not None:
        keys.append(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.append(("user", update.effective_user.id))
    return sorted(keys)
