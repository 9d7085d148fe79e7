"""The send limiter: answers to members go first; alerts use what answers leave.

PTB's `AIORateLimiter` serves every send first come, first served from one budget, so during
an alert drain a member's answer queued behind the alerts. This limiter keeps Telegram's
budgets (about 30 messages a second for the bot, 20 a minute in one group: Bot API FAQ, "My
bot is hitting limits") with two classes of sends:

  reply  any call not marked: answers, edits, callback and inline answers. It takes the next
         slot of the bot-wide budget; answers that come together go at once, up to a quarter
         second of the budget (`bot.dispatch.REPLY_BURST_SECONDS`). A 429 (Too Many
         Requests) is waited out for the time Telegram gives and the call made again, so the
         member still gets the answer.
  alert  a call made with `rate_limit_args=ALERT` (the delivery job). It takes a slot only
         when no reply is waiting for one, at most ALERT_RATE a second, and not during a
         flood pause. A 429 is raised to the caller, which pauses delivery itself.

Before any call (but `getUpdates`, which PTB does not pass here) the limiter awaits `saved`:
every database write made before the call is on disk, so nothing is shown to a member before
what it reflects is saved, although files are written in a thread (`store.files.Writer`).

Any 429 also holds the alerts back for its time. The per-chat pace of alerts (one a second)
is kept by the delivery queue (`bot/dispatch.py`), not here.
"""

import asyncio
import contextlib
import datetime as dtm
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.dispatch import SendBudget

log = logging.getLogger(__name__)
ALERT = "alert"  # rate_limit_args of the sends of the delivery job
REPLY_TRIES = 3
MAX_REPLY_WAIT = 60.0  # seconds; a member is not kept waiting longer for one answer
MAX_GROUP_LIMITERS = 512

Result = bool | dict[str, Any] | list[dict[str, Any]]  # what the Bot API answered


class ReplyFirstLimiter(BaseRateLimiter[str]):
    """Rate-limit Bot API calls, replies before alerts (see the module docstring)."""

    def __init__(
        self,
        alert_rate: float,
        overall_rate: float = FloodLimit.MESSAGES_PER_SECOND,
        group_rate: float = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_period: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        saved: Callable[[], Awaitable[None]] | None = None,
        aside: Callable[[Callable[[], Awaitable[Result]]], Awaitable[Result]] | None = None,
    ) -> None:
        """Set the budgets.

        Args:
            alert_rate: alerts per second at most (ALERT_RATE); the bot-wide budget is raised
                to it when it is higher than `overall_rate`.
            overall_rate: sends per second for the whole bot.
            group_rate, group_period: sends per period to one group or channel.
            clock, sleep: time in seconds and how to wait (tests replace them).
            saved: waits until the database's writes made so far are on disk
                (`Database.saved`); awaited before every call.
            aside: runs a whole call (saved, slot, HTTP) letting other members' updates run
                meanwhile (`MemberOrder.step_aside`); None runs it in place.
        """
        self.budget = SendBudget(overall_rate, alert_rate)
        self.group_rate, self.group_period = group_rate, group_period
        self.clock, self.sleep = clock, sleep
        self.saved = saved
        self.aside = aside
        self._groups: dict[int | str, AsyncLimiter] = {}
        # One waiter per class watches the clock; the others queue behind it in order, so a
        # slot wakes one task rather than every send in flight.
        self._turns = {False: asyncio.Lock(), True: asyncio.Lock()}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> Result:
        """Make the call once what it may show is saved and the budget allows; retry a reply
        that meets 429. Other members' updates may run meanwhile (`aside`)."""
        alert = rate_limit_args == ALERT

        async def call() -> Result:
            return await self._call(callback, args, kwargs, endpoint, data.get("chat_id"), alert)

        return await (self.aside(call) if self.aside is not None else call())

    async def _call(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat_id: object,
        alert: bool,
    ) -> Result:
        if self.saved is not None:
            await self.saved()
        tries = 1 if alert else REPLY_TRIES
        for attempt in range(1, tries + 1):
            try:
                return await self._once(callback, args, kwargs, chat_id, alert)
            except RetryAfter as error:
                seconds = retry_seconds(error)
                self.budget.pause_alerts(self.clock(), seconds)
                if alert or attempt == tries or seconds > MAX_REPLY_WAIT:
                    raise
                log.warning("flood limit on %s: answering again in %.0f s", endpoint, seconds)
                await self.sleep(seconds)
        raise AssertionError("unreachable: the last try returns or raises")

    async def _once(
        self,
        callback: Callable[..., Coroutine[Any, Any, Result]],
        args: Any,
        kwargs: dict[str, Any],
        chat_id: object,
        alert: bool,
    ) -> Result:
        if chat_id is None:  # callback and inline answers: not counted, as in PTB
            return await callback(*args, **kwargs)
        async with self._group(chat_id):
            await self._slot(alert)
            return await callback(*args, **kwargs)

    async def _slot(self, alert: bool) -> None:
        """Wait for a slot of the budget and take it."""
        if not alert:
            self.budget.replies_waiting += 1
        try:
            async with self._turns[alert]:
                while (wait := self.budget.delay(self.clock(), alert)) > 0:
                    await self.sleep(wait)
                self.budget.take(self.clock(), alert)
        finally:
            if not alert:
                self.budget.replies_waiting -= 1

    def _group(self, chat_id: object) -> contextlib.AbstractAsyncContextManager[object]:
        """Return the limiter of a group or channel (negative or @name ids), as PTB does."""
        with contextlib.suppress(TypeError, ValueError):
            chat_id = int(chat_id)  # type: ignore[call-overload]
        if not (isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)):
            return contextlib.nullcontext()
        if len(self._groups) > MAX_GROUP_LIMITERS:  # forget the idle ones: memory stays flat
            self._groups = {
                key: limiter
                for key, limiter in self._groups.items()
                if not limiter.has_capacity(limiter.max_rate)
            }
        if chat_id not in self._groups:
            self._groups[chat_id] = AsyncLimiter(self.group_rate, self.group_period)
        return self._groups[chat_id]


def retry_seconds(error: RetryAfter) -> float:
    """Return how long Telegram asked to wait, in seconds."""
    # PTB 22 warns that `retry_after` will become a timedelta; both forms are read here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)
