"""Deliver the outbox: paced sends, each marked as soon as Telegram accepts it.

Sends run concurrently (a send's network time does not hold the next one back), at
`ALERT_RATE` for all chats together and about one a second per chat. Each send is marked as
an alert for the send limiter (`handlers/limiter.py`), which lets members' answers go first
and gives alerts the slots answers leave. What Telegram answers
decides what becomes of a row:
  accepted                    → marked sent at once
  Forbidden, "chat not found" → the chat's subscriptions stop, its pending alerts are dropped
  RetryAfter                  → all delivery pauses for the time given, then the same row
  ChatMigrated                → the chat id is rewritten everywhere and the row sent there
  time-out, network error     → retried with growing pauses, then marked failed
  any other error             → marked failed with the reason

Why here, in the application layer beside `bot.app` (which builds it and schedules its job):
it is a long-running asyncio service, not Telegram glue (it answers no update) and not the
pure domain (it awaits, sends and writes). What an alert says is decided in `bot.alerts`, the
pacing in `bot.dispatch`; this module only runs them against the Bot API and the outbox.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.alerts import alert_message, row_practices
from bot.catalog import Catalog
from bot.dispatch import PER_CHAT_INTERVAL, DispatchQueue, Pacer
from bot.i18n import ENGLISH, N_, Translator
from bot.models import DROPPED, FAILED, SENT, OutboxRow
from handlers.limiter import ALERT, retry_seconds
from store.outbox import Outbox
from store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
MAX_IN_FLIGHT = 64
MAX_NAP = 0.25
# Reasons the bot itself gives (catalogue messages, shown by /alerts in the moderator's
# language); Telegram's own error texts are kept as Telegram wrote them.
GONE = N_("practice no longer published")
INACTIVE = N_("chat inactive")


# Why a chat stopped getting alerts, as /alerts shows it (in the moderator's language).
BLOCKED = N_("the user blocked the bot")
REMOVED = N_("bot removed")


def unreachable_reason(description: str, chat_id: int) -> str:
    """Return why a chat can't be reached, as /alerts says it: one of the bot's own reasons
    (BLOCKED for a member, REMOVED for a group or channel) for Telegram's 403 descriptions
    ("Forbidden: bot was blocked by the user", "… bot was kicked …"), else the description."""
    text = description.lower()
    if "blocked by the user" in text or "deactivated" in text:
        return BLOCKED
    if "kicked" in text or "not a member" in text or "removed" in text:
        return BLOCKED if chat_id > 0 else REMOVED
    return description


class Deliverer:
    """Drains the outbox; one per application."""

    def __init__(
        self,
        outbox: Outbox,
        subscriptions: SubscriptionStore,
        catalog: Catalog,
        rate: float,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        backoff: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        language_of: Callable[[int], Translator] = lambda _chat_id: ENGLISH,
    ) -> None:
        self.outbox = outbox
        # The language of a chat's member: each alert is written in its subscriber's language.
        self.language_of = language_of
        self.subscriptions = subscriptions
        self.catalog = catalog
        self.queue = DispatchQueue(per_chat_interval)
        self.pacer = Pacer(rate)
        self.backoff = backoff
        self.clock = clock
        self.paused_until = 0.0
        self.running = False
        self.sent = 0
        self._attempts: dict[int, int] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loaded = False
        self._wake = asyncio.Event()

    def sync(self) -> None:
        """Take rows queued since the last look (all pending rows, the first time)."""
        rows = self.outbox.take_new() if self._loaded else self.outbox.pending()
        self._loaded = True
        for row in rows:
            if row.id not in self.queue:
                self.queue.add(row)

    @property
    def in_flight(self) -> int:
        """Return how many sends are waiting for Telegram's answer."""
        return len(self._tasks)

    async def drain(
        self, bot: ExtBot[Any], should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Send until the queue is empty, or until `should_stop()` says so.

        Flood-limit pauses and retry back-offs are waited out inside the drain. Sends already
        begun are always awaited, and the marks are folded into the database at the end.
        """
        if self.running:
            return
        self.running = True
        try:
            await self._loop(bot, should_stop)
        finally:
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            self.running = False
            self.outbox.fold()

    async def _loop(self, bot: ExtBot[Any], should_stop: Callable[[], bool]) -> None:
        while not should_stop():
            self.sync()
            now = self.clock()
            wait = max(self.paused_until - now, self.pacer.delay(now))
            if len(self._tasks) >= MAX_IN_FLIGHT:
                wait = MAX_NAP
            elif not self.outbox.can_mark(len(self._tasks) + 1):
                wait = MAX_NAP  # a send whose mark can't be written would repeat after a restart
            if wait > 0:
                await self._nap(wait)
                continue
            row, row_wait = self._take_row(now)
            if row is None:
                if row_wait is None and not self._tasks:
                    return
                await self._nap(row_wait or MAX_NAP)
                continue
            self.pacer.take(now)
            self._launch(bot, row, now)

    def _take_row(self, now: float) -> tuple[OutboxRow | None, float | None]:
        """Return the next row that may go now and is still to send, or how long to wait."""
        while True:
            row, wait = self.queue.next(now)
            if row is None:
                return None, wait
            if not self.outbox.is_pending(row.id):
                continue  # forgotten or dropped meanwhile
            if self.subscriptions.is_inactive(row.chat_id):
                self.outbox.mark(row.id, DROPPED, INACTIVE)
                continue
            return row, 0.0

    async def _nap(self, seconds: float) -> None:
        """Sleep, waking early when a send finishes; never long, so stopping is quick."""
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=min(seconds, MAX_NAP))

    def _launch(self, bot: ExtBot[Any], row: OutboxRow, now: float) -> None:
        self.queue.started(row.chat_id, now)
        task = asyncio.create_task(self._send(bot, row, row.chat_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, bot: ExtBot[Any], row: OutboxRow, chat_id: int) -> None:
        try:
            await self._deliver(bot, row)
        except Exception as error:  # a bug must cost one row, not the whole delivery
            log.exception("alert %s failed unexpectedly", row.id)
            self.outbox.mark(row.id, FAILED, f"{type(error).__name__}: {error}")
        finally:
            self.queue.finished(chat_id)
            self._wake.set()

    async def _deliver(self, bot: ExtBot[Any], row: OutboxRow) -> None:
        practices = row_practices(row, self.catalog.get)
        if not practices:
            self.outbox.mark(row.id, DROPPED, GONE)
            return
        t = self.language_of(row.chat_id)
        text, markup = alert_message(row, practices, bot.username, t)
        try:
            await bot.send_message(row.chat_id, text, reply_markup=markup, rate_limit_args=ALERT)
        except TelegramError as error:
            self._refused(row, error)
        else:
            self.outbox.mark(row.id, SENT)
            self._attempts.pop(row.id, None)
            self.sent += 1

    def _refused(self, row: OutboxRow, error: TelegramError) -> None:
        """Decide what becomes of a row Telegram did not accept (see the module docstring)."""
        if isinstance(error, RetryAfter):
            self._pause(retry_seconds(error))
            self.queue.add(row, due=self.paused_until)
        elif isinstance(error, ChatMigrated):
            self.move_chat(row.chat_id, error.new_chat_id)
            row.chat_id = error.new_chat_id
            self.queue.add(row)
        elif isinstance(error, Forbidden) or "chat not found" in str(error).lower():
            self.deactivate(row.chat_id, unreachable_reason(str(error), row.chat_id), also=row)
        elif isinstance(error, NetworkError) and not isinstance(error, BadRequest):
            self._retry(row, str(error) or type(error).__name__)  # time-outs included
        else:
            self.outbox.mark(row.id, FAILED, str(error))

    def _pause(self, seconds: float) -> None:
        log.warning("flood limit: alerts pause for %.0f s", seconds)
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def _retry(self, row: OutboxRow, reason: str) -> None:
        attempts = self._attempts.get(row.id, 0) + 1
        if attempts >= MAX_ATTEMPTS:
            self._attempts.pop(row.id, None)
            self.outbox.mark(row.id, FAILED, f"{reason} (after {attempts} tries)")
            return
        self._attempts[row.id] = attempts
        delay = min(60.0, self.backoff * 2 ** (attempts - 1))
        self.queue.add(row, due=self.clock() + delay)

    def deactivate(self, chat_id: int, reason: str, also: OutboxRow | None = None) -> None:
        """Stop a chat's subscriptions and drop its pending alerts (blocked, gone)."""
        if self.subscriptions.deactivate(chat_id, reason):
            log.info("chat %s deactivated: %s", chat_id, reason)
        rows = self.queue.remove_chat(chat_id) + ([also] if also else [])
        for row in rows:
            if self.outbox.is_pending(row.id):
                self.outbox.mark(row.id, DROPPED, reason)

    def move_chat(self, old: int, new: int) -> None:
        """Rewrite a chat id everywhere (a group that became a supergroup), merging duplicates.

        The one path for both signs of an upgrade: Telegram's notice in the chat
        (`migrate_to_chat_id` / `migrate_from_chat_id`) and a send refused with ChatMigrated.
        """
        log.info("chat %s moved to %s", old, new)
        self.subscriptions.move_chat(old, new)
        dropped = self.outbox.move_chat(old, new)
        for row in self.queue.remove_chat(old):
            if row.id not in dropped:
                row.chat_id = new
                self.queue.add(row)
