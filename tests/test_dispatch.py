"""When alerts may go: the global pace, the per-chat pace, retries (made-up clocks)."""

from bot.alerts import OutboxRow
from bot.dispatch import REPLY_BURST_SECONDS, DispatchQueue, Pacer, SendBudget


def row(row_id: int, chat_id: int) -> OutboxRow:
    return OutboxRow(chat_id, ["p"], id=row_id)


def test_pacer_keeps_the_rate_over_a_second_whatever_the_wake_ups() -> None:
    pacer, now, sent = Pacer(rate=200), 100.0, []
    while now < 102.0:
        wait = pacer.delay(now)
        if wait == 0:
            pacer.take(now)
            sent.append(now)
        now += wait + 0.0013  # every wake-up is 1.3 ms late
    per_second = [sum(start <= t < start + 1 for t in sent) for start in (100.0, 100.5, 101.0)]
    assert all(200 <= n <= 200 + 5 + 1 for n in per_second), per_second


def test_pacer_makes_up_a_short_stall_but_not_an_idle_period() -> None:
    pacer = Pacer(rate=10)  # 100 ms slots; tolerance one slot
    pacer.take(0.0)
    assert abs(pacer.delay(0.0) - 0.0) < 1e-9  # a second send may follow at once (burst 2)
    pacer.take(0.0)
    assert abs(pacer.delay(0.0) - 0.1) < 1e-9
    pacer.take(0.13)  # 30 ms late: the schedule holds
    assert abs(pacer.delay(0.13) - 0.07) < 1e-9
    pacer.take(50.0)  # after idling: a burst of two at most
    pacer.take(50.0)
    assert pacer.delay(50.0) > 0.09


def test_rows_go_in_order_and_a_chat_waits_its_pace() -> None:
    queue = DispatchQueue(per_chat_interval=1.0)
    for n, chat in enumerate([1, 1, 2], start=1):
        queue.add(row(n, chat))
    first, _ = queue.next(0.0)
    queue.started(first.chat_id, 0.0)
    queue.finished(first.chat_id)
    second, _ = queue.next(0.0)
    assert (first.id, second.id) == (1, 3)  # chat 1's second row waits
    assert queue.next(0.5) == (None, 0.5)
    later, wait = queue.next(1.0)
    assert later.id == 2 and wait == 0


def test_a_chat_with_a_send_in_flight_is_held_back() -> None:
    queue = DispatchQueue(per_chat_interval=0.0)
    queue.add(row(1, 1))
    queue.add(row(2, 1))
    first, _ = queue.next(0.0)
    queue.started(first.chat_id, 0.0)
    none, wait = queue.next(0.0)
    assert none is None and wait and wait > 0
    queue.finished(first.chat_id)
    second, _ = queue.next(1.0)
    assert second.id == 2


def test_a_retried_row_waits_until_due_and_the_queue_reports_empty() -> None:
    queue = DispatchQueue()
    queue.add(row(1, 1), due=5.0)
    assert queue.next(0.0) == (None, 5.0)
    assert queue.next(5.0)[0].id == 1
    assert queue.next(5.0) == (None, None)


def test_rows_of_a_removed_or_moved_chat() -> None:
    queue = DispatchQueue()
    queue.add(row(1, 1))
    queue.add(row(2, 2))
    assert [r.id for r in queue.remove_chat(1)] == [1]
    queue.move_chat(2, -100)
    moved, _ = queue.next(0.0)
    assert moved.chat_id == -100 and len(queue) == 0


def test_a_reply_takes_the_next_slot_and_alerts_wait_while_one_is_waiting() -> None:
    budget = SendBudget(overall_rate=10, alert_rate=10)
    while budget.delay(0.0, alert=False) == 0:
        budget.take(0.0, alert=False)  # replies use the burst allowance
    assert budget.delay(0.0, alert=True) > 0
    budget.replies_waiting = 1
    reply_at = budget.delay(0.0, alert=False)
    assert budget.delay(reply_at, alert=True) > 0  # the slot is the reply's
    budget.take(reply_at, alert=False)
    budget.replies_waiting = 0
    assert budget.delay(reply_at, alert=True) > 0  # the alert takes the one after


def test_alerts_keep_their_own_rate_below_the_bot_wide_one() -> None:
    budget, now, alerts = SendBudget(overall_rate=30, alert_rate=5), 0.0, 0
    while now < 2.0:
        if budget.delay(now, alert=True) == 0:
            budget.take(now, alert=True)
            alerts += 1
        now += 0.001
    assert 10 <= alerts <= 10 + 2  # 5 a second, plus the burst allowance


def test_a_flood_pause_holds_alerts_and_not_replies() -> None:
    budget = SendBudget(overall_rate=30, alert_rate=25)
    budget.pause_alerts(100.0, 3.0)
    assert budget.delay(100.0, alert=False) == 0
    assert budget.delay(100.0, alert=True) == 3.0
    assert budget.delay(103.0, alert=True) == 0


def test_the_bot_wide_budget_is_raised_to_a_higher_alert_rate() -> None:
    assert SendBudget(overall_rate=30, alert_rate=200).overall.interval == 1 / 200


def test_replies_that_come_together_go_at_once_up_to_the_burst_then_at_the_rate() -> None:
    budget, at_once = SendBudget(overall_rate=30, alert_rate=25), 0
    while budget.delay(100.0, alert=False) == 0:
        budget.take(100.0, alert=False)
        at_once += 1
    assert at_once == 1 + int(30 * REPLY_BURST_SECONDS)  # 8 at 30 a second
    first = budget.delay(100.0, alert=False)
    assert 0 < first <= 1 / 30  # then the next slot of the schedule
    budget.take(100.0 + first, alert=False)
    assert abs(budget.delay(100.0 + first, alert=False) - 1 / 30) < 1e-9  # one slot apart


def test_replies_in_any_second_stay_within_the_rate_plus_the_burst() -> None:
    budget, now, sent = SendBudget(overall_rate=30, alert_rate=25), 0.0, []
    while now < 5.0:
        # replies come in clumps: ten at once, then a quiet 0.4 s, then a steady stream
        if budget.delay(now, alert=False) == 0:
            budget.take(now, alert=False)
            sent.append(now)
        now += 0.0007 if (now % 1.0) > 0.4 else 0.0001
    windows = [sum(start <= t < start + 1 for t in sent) for start in (0.0, 0.5, 1.3, 2.7, 3.9)]
    assert max(windows) <= 30 + 30 * REPLY_BURST_SECONDS + 1, windows
    assert min(windows) >= 30  # the budget is used, not wasted


def test_alerts_do_not_get_the_replies_burst() -> None:
    budget, at_once = SendBudget(overall_rate=30, alert_rate=25), 0
    while budget.delay(100.0, alert=True) == 0:
        budget.take(100.0, alert=True)
        at_once += 1
    assert at_once <= 2  # alerts go one slot apart; the burst stays for replies
    assert budget.delay(100.0, alert=False) == 0
