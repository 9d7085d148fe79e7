"""When each alert may go: a global rate, a per-chat pace, retries. Pure: times are given.

The delivery job asks `DispatchQueue.next(now)` for a row that may go now (or how long to
wait), waits for a `Pacer` slot, and sends. Nothing here sleeps or sends, so the rules are
tested with made-up clocks.
"""

import heapq
import itertools

from bot.models import OutboxRow

PER_CHAT_INTERVAL = 1.0  # Telegram: about one message per second to the same chat
BUSY_RECHECK = 0.05
BURST_SECONDS = 0.025  # timer and event-loop jitter made up by the next sends
# Members' answers that arrive together go at once, up to a quarter second of the bot-wide
# budget (8 sends at 30/s), instead of one every 33 ms: at the load of benchmarks/load.py
# (answers at about 80% of the budget) a budget without it made the p95 answer wait for a
# slot 60 ms, with it 0. PTB's own AIORateLimiter lets a whole second's budget (30) go at once.
REPLY_BURST_SECONDS = 0.25


class Pacer:
    """Slots at `rate` per second for all chats together, with a catch-up allowance.

    The slots keep a fixed schedule (the generic cell rate algorithm): a send that wakes a
    little late is made up by the next ones, up to `burst` seconds of slots (at least one
    slot), so timer and event-loop jitter do not eat into the rate, and sends that come
    together after a quiet time go at once. Any one-second window therefore holds at most
    rate + rate × burst + 1 sends; after idling the schedule restarts at now.
    """

    def __init__(self, rate: float, burst: float = BURST_SECONDS) -> None:
        """Args: rate: sends per second; burst: seconds of slots that may be used at once."""
        self.interval = 1.0 / rate
        self.tolerance = max(self.interval, burst)
        self._next = 0.0  # the theoretical time of the next send

    def delay(self, now: float) -> float:
        """Return the seconds until a send may go (0 when it may go now)."""
        return max(0.0, self._next - self.tolerance - now)

    def take(self, now: float) -> None:
        """Use a slot for a send made now."""
        self._next = max(self._next, now) + self.interval


class DispatchQueue:
    """Pending rows ordered by the time they may go: their own and their chat's."""

    def __init__(self, per_chat_interval: float = PER_CHAT_INTERVAL) -> None:
        self.per_chat_interval = per_chat_interval
        self._heap: list[tuple[float, int, int]] = []
        self._rows: dict[int, OutboxRow] = {}
        self._due: dict[int, float] = {}
        self._chat_free: dict[int, float] = {}
        self._busy: set[int] = set()
        self._seq = itertools.count()

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, row_id: int) -> bool:
        return row_id in self._rows

    def add(self, row: OutboxRow, due: float = 0.0) -> None:
        """Queue a row (or re-queue it) to go no earlier than `due`."""
        self._rows[row.id] = row
        self._push(row.id, due)

    def _push(self, row_id: int, due: float) -> None:
        self._due[row_id] = due
        heapq.heappush(self._heap, (due, next(self._seq), row_id))

    def next(self, now: float) -> tuple[OutboxRow | None, float | None]:
        """Take the row that may go now.

        Returns:
            (row, 0) when one may go now; (None, seconds to wait) when rows are waiting;
            (None, None) when nothing is queued.
        """
        while self._heap:
            due, _, row_id = self._heap[0]
            if self._due.get(row_id) != due or row_id not in self._rows:
                heapq.heappop(self._heap)  # superseded entry
                continue
            if due > now:
                return None, due - now
            row = self._rows[row_id]
            ready = self._chat_ready(row.chat_id, now)
            heapq.heappop(self._heap)
            if ready > now:
                self._push(row_id, ready)
                continue
            del self._rows[row_id], self._due[row_id]
            return row, 0.0
        return None, None

    def _chat_ready(self, chat_id: int, now: float) -> float:
        if chat_id in self._busy:
            return max(now + BUSY_RECHECK, self._chat_free.get(chat_id, 0.0))
        return self._chat_free.get(chat_id, 0.0)

    def started(self, chat_id: int, now: float) -> None:
        """Note that a send to a chat began: the chat waits for it, then for its pace."""
        self._busy.add(chat_id)
        self._chat_free[chat_id] = now + self.per_chat_interval

    def finished(self, chat_id: int) -> None:
        """Note that a send to a chat is over, whatever its outcome."""
        self._busy.discard(chat_id)

    def remove_chat(self, chat_id: int) -> list[OutboxRow]:
        """Take every queued row of a chat out; return them."""
        rows = [row for row in self._rows.values() if row.chat_id == chat_id]
        for row in rows:
            del self._rows[row.id], self._due[row.id]
        return rows

    def move_chat(self, old: int, new: int) -> None:
        """Address a chat's queued rows to its new id."""
        for row in self._rows.values():
            if row.chat_id == old:
                row.chat_id = new

    def forget_idle_chats(self, now: float) -> None:
        """Drop pace records that no longer hold anything back (keeps memory flat)."""
        self._chat_free = {c: t for c, t in self._chat_free.items() if t > now or c in self._busy}


class SendBudget:
    """The bot-wide send budget, shared by replies (first) and alerts (in what is left).

    Telegram allows a bot about 30 messages a second in all (Bot API FAQ, "My bot is hitting
    limits"). A reply takes the next slot of that budget. An alert takes a slot only when no
    reply is waiting for one, at most `alert_rate` a second, and not during a flood pause.
    Replies that come together may use `REPLY_BURST_SECONDS` of the budget at once; alerts
    keep to their own small allowance, so what they leave stays free for the next replies.
    """

    def __init__(self, overall_rate: float, alert_rate: float) -> None:
        self.overall = Pacer(max(overall_rate, alert_rate), REPLY_BURST_SECONDS)
        self.alerts = Pacer(alert_rate)
        self.replies_waiting = 0
        self.alerts_paused_until = 0.0

    def delay(self, now: float, alert: bool) -> float:
        """Return the seconds until a send of this class may take a slot (0: now)."""
        wait = self.overall.delay(now)
        if not alert:
            return wait
        wait = max(wait, self.alerts.delay(now), self.alerts_paused_until - now)
        if self.replies_waiting:
            wait = max(wait, self.overall.interval)  # look again once the reply has its slot
        return wait

    def take(self, now: float, alert: bool) -> None:
        """Use a slot for a send made now."""
        self.overall.take(now)
        if alert:
            self.alerts.take(now)

    def pause_alerts(self, now: float, seconds: float) -> None:
        """Hold alerts back for `seconds` (Telegram answered 429 Too Many Requests)."""
        self.alerts_paused_until = max(self.alerts_paused_until, now + seconds)
