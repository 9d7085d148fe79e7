"""Publishing and delivering alerts through a real Application and a fake Bot API."""

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.alerts import DROPPED, FAILED, SENT
from bot.dispatch import PER_CHAT_INTERVAL, Pacer
from bot.models import Practice
from handlers.deps import Services
from store.db import open_database
from tests.fakes import (
    ADMIN_ID,
    BotHarness,
    Call,
    Failure,
    FakeRequest,
    make_settings,
    memory_database,
)

BLOCKED = Failure(403, "Forbidden: bot was blocked by the user")


def new_practice(pid: str, **fields: Any) -> Practice:
    values: dict[str, Any] = {
        "title": pid.replace("-", " ").title(),
        "country": "Spain",
        "cities": ["Barcelona"],
        "topics": ["Roma", "Education"],
        "purpose": "A school for Roma children.",
    }
    values.update(fields)
    return Practice(id=pid, **values)


def last_sent(calls: list[Call]) -> Call:
    return [call for call in calls if call.method == "sendMessage"][-1]


def follow_of(harness: BotHarness) -> Services:
    return harness.app.bot_data["services"]


def publish(harness: BotHarness, *practices: Practice, alerts: bool = True) -> None:
    harness.app.bot_data["services"].publisher.publish(list(practices), alerts=alerts)


async def drain(harness: BotHarness, **kwargs: Any) -> None:
    await follow_of(harness).deliverer.drain(harness.app.bot, **kwargs)


def alerts(harness: BotHarness, chat_id: int | None = None) -> list[Call]:
    return [c for c in harness.request.sent(chat_id) if "You follow:" in c.text]


def alerted_chats(harness: BotHarness) -> Counter[int]:
    return Counter(int(c.params["chat_id"]) for c in alerts(harness))


class ManualClock:
    """Time that moves only when delivery or the limiter waits: a wait moves it on at once.

    Pacing and flood pauses are then checked as the order of events on this clock, never
    against the wall clock (which a busy machine stretches).
    """

    def __init__(self) -> None:
        self.now = time.monotonic()  # where the limiter's budget left off

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


def manual_time(harness: BotHarness) -> ManualClock:
    """Give the deliverer and the send limiter one `ManualClock`; return it."""
    clock = ManualClock()
    deliverer = follow_of(harness).deliverer
    deliverer.clock = clock
    deliverer._nap = clock.sleep  # type: ignore[method-assign]
    limiter = harness.app.bot.rate_limiter
    limiter.clock, limiter.sleep = clock, clock.sleep  # type: ignore[union-attr]
    return clock


def record_times(harness: BotHarness, clock: ManualClock) -> list[tuple[float, int]]:
    """Note (clock time, chat id) of every message sent from now on."""
    times: list[tuple[float, int]] = []
    original = harness.request.do_request

    async def timed(url: str, method: str, request_data: Any = None, **kw: Any) -> Any:
        if url.endswith("/sendMessage") and request_data is not None:
            times.append((clock(), int(request_data.parameters["chat_id"])))
        return await original(url, method, request_data, **kw)

    harness.request.do_request = timed  # type: ignore[method-assign]
    return times


def record_launches(harness: BotHarness) -> list[tuple[float, int]]:
    """Note (clock time, chat id) of every alert the deliverer launches from now on."""
    queue = follow_of(harness).deliverer.queue
    launches: list[tuple[float, int]] = []
    original = queue.started

    def started(chat_id: int, now: float) -> None:
        launches.append((now, chat_id))
        original(chat_id, now)

    queue.started = started  # type: ignore[method-assign]
    return launches


def quick(harness: BotHarness) -> BotHarness:
    """Make delivery fast for tests: no per-chat pause, short back-off."""
    deliverer = follow_of(harness).deliverer
    deliverer.queue.per_chat_interval = 0.0
    deliverer.backoff = 0.01
    return harness


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as harness:
        yield quick(harness)


async def subscribe(bot: BotHarness, chat_id: int, *commands: str) -> None:
    for command in commands:
        await bot.send(f"/subscribe {command}", user_id=abs(chat_id), chat_id=chat_id)


async def test_publish_alerts_exactly_the_matching_chats_once_each(bot: BotHarness) -> None:
    await subscribe(bot, 11, "topic:roma")
    await subscribe(bot, 12, "city:barcelona")
    await subscribe(bot, 13, "country:espagne", "topic:roma", "roma school")
    await subscribe(bot, 14, "topic:refugees")
    await subscribe(bot, 15, "roma school")
    await subscribe(bot, 16, "football")
    publish(bot, new_practice("new-roma-school"))
    await drain(bot)
    assert alerted_chats(bot) == {11: 1, 12: 1, 13: 1, 15: 1}
    [alert] = alerts(bot, 13)
    assert alert.text.startswith("🔔 <i>You follow: Spain · Roma · “roma school”</i>")
    assert "start=p_new-roma-school" in alert.text
    assert follow_of(bot).outbox.stats().counts == {SENT: 4}
    calls = await bot.tap(alert, "My subscriptions", user_id=13)
    listing = last_sent(calls)
    assert "What you follow</b> (3 of" in listing.text  # a new message: the alert stays
    assert not [call for call in calls if call.method == "editMessageText"]


async def test_updates_and_unpublished_imports_do_not_alert(bot: BotHarness) -> None:
    await subscribe(bot, 11, "topic:roma")
    publish(bot, new_practice("quiet-roma-school"), alerts=False)
    publish(bot, new_practice("quiet-roma-school", subtitle="changed"))
    await drain(bot)
    assert alerts(bot) == []


async def test_a_blocked_chat_is_deactivated_and_the_others_still_get_theirs(
    bot: BotHarness,
) -> None:
    for chat in (21, 22, 23):
        await subscribe(bot, chat, "topic:roma")
    bot.request.fail(22, BLOCKED)
    publish(bot, new_practice("first-roma"), new_practice("second-roma"))
    await drain(bot)
    assert alerted_chats(bot) == {21: 2, 23: 2}
    state = follow_of(bot)
    assert state.subscriptions.is_inactive(22)
    assert state.outbox.stats().counts == {SENT: 4, DROPPED: 2}
    # Said as the bot says it when Telegram reports the block itself (my_chat_member).
    assert state.subscriptions.inactive_chats()[22] == "the user blocked the bot"

    publish(bot, new_practice("third-roma"))
    await drain(bot)
    assert alerted_chats(bot) == {21: 3, 23: 3}

    bot.request.failures.clear()
    await bot.send("/start", user_id=22)  # the user is back
    assert not state.subscriptions.is_inactive(22)
    publish(bot, new_practice("fourth-roma"))
    await drain(bot)
    assert alerted_chats(bot)[22] == 1


async def test_chat_not_found_deactivates_the_chat(bot: BotHarness) -> None:
    await subscribe(bot, 24, "topic:roma")
    bot.request.fail(24, Failure(400, "Bad Request: chat not found"))
    publish(bot, new_practice("lost-roma"))
    await drain(bot)
    assert follow_of(bot).subscriptions.is_inactive(24)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own
async def test_a_flood_limit_is_waited_out_and_the_same_row_retried(bot: BotHarness) -> None:
    await subscribe(bot, 31, "topic:roma")
    await subscribe(bot, 32, "topic:roma")
    flood = Failure(429, "Too Many Requests: retry after 1", {"retry_after": 1}, times=1)
    bot.request.fail(31, flood)
    publish(bot, new_practice("flooded-roma"))
    clock = manual_time(bot)
    times = record_times(bot, clock)
    await drain(bot)
    flooded, retried = [at for at, chat in times if chat == 31]
    assert retried >= flooded + 1.0  # sent again only once Telegram's wait was over
    assert alerted_chats(bot) == {31: 1, 32: 1}
    assert follow_of(bot).outbox.stats().counts == {SENT: 2}


async def test_a_migrated_group_gets_its_alert_at_the_new_id(bot: BotHarness) -> None:
    await subscribe(bot, -41, "topic:roma")
    moved = Failure(400, "Bad Request: group chat was upgraded", {"migrate_to_chat_id": -10041})
    bot.request.fail(-41, moved)
    publish(bot, new_practice("moving-roma"))
    await drain(bot)
    assert alerted_chats(bot) == {-10041: 1}
    assert [s.value for s in follow_of(bot).subscriptions.for_chat(-10041)] == ["Roma"]


async def test_network_errors_are_retried_then_marked_failed_with_the_reason(
    bot: BotHarness,
) -> None:
    await subscribe(bot, 51, "topic:roma")
    await subscribe(bot, 52, "topic:roma")
    bot.request.fail(51, Failure(502, "Bad Gateway", times=2))
    bot.request.fail(52, Failure(502, "Bad Gateway"))
    publish(bot, new_practice("shaky-roma"))
    await drain(bot)
    assert alerted_chats(bot) == {51: 1}
    stats = follow_of(bot).outbox.stats()
    assert stats.counts == {SENT: 1, FAILED: 1}
    assert stats.failures == {"Bad Gateway (after 5 tries)": 1}
    report = (await bot.send("/alerts", user_id=ADMIN_ID))[-1].text
    assert "Failed: 1" in report and "Bad Gateway (after 5 tries) ×1" in report


async def test_other_bad_requests_fail_the_row_without_retry(bot: BotHarness) -> None:
    await subscribe(bot, 53, "topic:roma")
    bot.request.fail(53, Failure(400, "Bad Request: message is too long", times=1))
    publish(bot, new_practice("long-roma"))
    await drain(bot)
    assert follow_of(bot).outbox.stats().failures == {"Message is too long": 1}
    assert not follow_of(bot).subscriptions.is_inactive(53)


async def test_an_alert_for_a_practice_withdrawn_meanwhile_is_dropped(bot: BotHarness) -> None:
    await subscribe(bot, 54, "topic:roma")
    publish(bot, new_practice("withdrawn-roma"), new_practice("kept-roma"))
    services = bot.app.bot_data["services"]
    services.database.table("practices").remove(lambda doc: doc["id"] == "withdrawn-roma")
    services.catalog.reload()
    await drain(bot)
    assert [c.text.count("kept-roma") for c in alerts(bot, 54)] == [1]
    stats = follow_of(bot).outbox.stats()
    assert stats.counts == {SENT: 1, DROPPED: 1}


async def test_a_large_import_brings_one_digest_instead_of_a_flood(bot: BotHarness) -> None:
    await subscribe(bot, 61, "country:spain")
    await subscribe(bot, 62, "city:sevilla")
    spanish = [new_practice(f"spanish-practice-{n}") for n in range(7)]
    spanish[0].cities = ["Seville"]
    publish(bot, *spanish)
    await drain(bot)
    [digest] = alerts(bot, 61)
    assert "7 new practices" in digest.text
    assert all(f"start=p_spanish-practice-{n}" in digest.text for n in range(7))
    [single] = alerts(bot, 62)
    assert "Spanish Practice 0" in single.text and "new practices" not in single.text


async def test_the_bot_blocked_by_a_user_stops_their_alerts_until_they_are_back(
    bot: BotHarness,
) -> None:
    await subscribe(bot, 71, "topic:roma")
    publish(bot, new_practice("pending-roma"))
    await bot.feed({"my_chat_member": my_chat_member(71, "member", "kicked")})
    state = follow_of(bot)
    assert state.subscriptions.is_inactive(71)
    await drain(bot)
    assert alerts(bot) == []
    assert state.outbox.stats().counts == {DROPPED: 1}
    await bot.feed({"my_chat_member": my_chat_member(71, "kicked", "member")})
    assert not state.subscriptions.is_inactive(71)


def my_chat_member(chat_id: int, old: str, new: str) -> dict[str, Any]:
    bot_user = {"id": 777000, "is_bot": True, "first_name": "ICC"}
    member = {"kicked": {"until_date": 0}}
    return {
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "U"},
        "date": int(time.time()),
        "old_chat_member": {"user": bot_user, "status": old, **member.get(old, {})},
        "new_chat_member": {"user": bot_user, "status": new, **member.get(new, {})},
    }


async def test_alerts_report_is_for_moderators_only(bot: BotHarness) -> None:
    refused = (await bot.send("/alerts"))[-1]
    assert "for moderators" in refused.text
    await subscribe(bot, 81, "topic:roma")
    bot.request.fail(81, BLOCKED)
    publish(bot, new_practice("report-roma"))
    await drain(bot)
    report = (await bot.send("/alerts", user_id=ADMIN_ID))[-1].text
    assert "Pending: 0" in report and "dropped: 1" in report
    assert "Deactivated chats: 1" in report and "81: the user blocked the bot" in report


async def test_one_chat_gets_its_alerts_about_a_second_apart(bot: BotHarness) -> None:
    await subscribe(bot, 91, "topic:roma")
    await subscribe(bot, 92, "topic:roma")
    follow_of(bot).deliverer.queue.per_chat_interval = PER_CHAT_INTERVAL
    publish(bot, *(new_practice(f"paced-roma-{n}") for n in range(3)))
    manual_time(bot)
    times = record_launches(bot)
    await drain(bot)
    assert len(alerts(bot, 91)) == 3
    for chat in (91, 92):
        sent = [at for at, to in times if to == chat]
        assert all(b - a >= PER_CHAT_INTERVAL for a, b in itertools.pairwise(sent)), sent
    # The other chat's alerts are not held back by that pause: they go in between.
    order = [chat for _, chat in times]
    assert order[:2] == [91, 92] or order[:2] == [92, 91]


async def test_delivery_runs_in_the_background_while_the_bot_answers(bot: BotHarness) -> None:
    state = follow_of(bot)
    state.deliverer.pacer.interval = 1 / 20  # ALERT_RATE=20
    for chat in range(100, 140):
        await subscribe(bot, chat, "topic:roma")
    publish(bot, new_practice("busy-roma"))
    await bot.app.start()
    try:
        await wait_until(lambda: len(alerts(bot)) >= 5)
        in_flight = state.deliverer.in_flight
        before = len(alerts(bot))
        reply = await bot.send("/help", user_id=555)
        assert "How to search" in reply[-1].text
        # Answered while the drain goes on, and ahead of the alerts still queued: only
        # sends that were already under way went out between the question and the answer.
        assert len(alerts(bot)) - before <= in_flight + 1
        assert len(alerts(bot)) < 40
        await wait_until(lambda: len(alerts(bot)) == 40)
    finally:
        await bot.app.stop()
    assert set(alerted_chats(bot).values()) == {1}
    assert state.outbox.stats().counts == {SENT: 40}


async def wait_until(predicate: Any) -> None:
    """Let the event loop run until `predicate()` holds.

    Gives up after 1,500 looks (30 s at the least): a guard against a hang, not a speed bound.
    """
    for _ in range(1_500):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")


# ----- restarts on a real database file -----------------------------------------------------


async def test_a_restart_in_the_middle_of_a_drain_finishes_the_rest_without_repeats(
    tmp_path: Path,
) -> None:
    await _restart_midway(tmp_path, crash=False)


async def test_a_crash_before_the_marks_are_folded_still_repeats_nothing(tmp_path: Path) -> None:
    await _restart_midway(tmp_path, crash=True)


async def _restart_midway(tmp_path: Path, crash: bool) -> None:
    path, chats = tmp_path / "bot.json", range(201, 231)
    settings = make_settings(db_path=path)
    async with BotHarness(open_database(path), FakeRequest(), settings) as first:
        quick(first)
        for chat in chats:
            await subscribe(first, chat, "topic:roma")
        publish(first, new_practice("restart-roma"))
        follow_of(first).deliverer.pacer = Pacer(100)  # a few sends at a time
        if crash:  # marks stay in the journal only, as when the process is killed
            follow_of(first).outbox.fold = lambda: None  # type: ignore[method-assign]
        await drain(first, should_stop=lambda: len(alerts(first)) >= 4)
        before = alerted_chats(first)
    first.app.bot_data["services"].database.close()  # post_shutdown runs only with run_polling
    assert 4 <= sum(before.values()) < len(chats)

    async with BotHarness(open_database(path), FakeRequest(), settings) as second:
        quick(second)
        await drain(second)
        after = alerted_chats(second)
    second.app.bot_data["services"].database.close()
    assert not set(before) & set(after)
    assert before + after == Counter({chat: 1 for chat in chats})
