"""Answers to members go before alerts, and a flood limit does not lose an answer."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.alerts import SENT
from bot.dispatch import Pacer
from handlers.limiter import ReplyFirstLimiter
from tests.fakes import USER_ID, BotHarness, Failure, FakeRequest, make_settings, memory_database
from tests.handlers.test_delivery import (
    alerted_chats,
    alerts,
    drain,
    follow_of,
    new_practice,
    publish,
    quick,
    subscribe,
)

# PTB itself warns when it builds a RetryAfter (its `retry_after` becomes a timedelta in v23).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
FLOOD = Failure(429, "Too Many Requests: retry after 1", {"retry_after": 1}, times=1)
CHATS = range(601, 641)  # more alerts than one second of the bot-wide budget


def limiter(harness: BotHarness) -> ReplyFirstLimiter:
    rate_limiter = harness.app.bot.rate_limiter
    assert isinstance(rate_limiter, ReplyFirstLimiter)
    return rate_limiter


def record_sleeps(harness: BotHarness) -> list[float]:
    """Make the limiter's waits instant and note them (no test sleeps for a flood limit)."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await asyncio.sleep(0)

    limiter(harness).sleep = sleep
    return slept


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    settings = make_settings(alert_rate=20)
    async with BotHarness(memory_database(), FakeRequest(), settings) as harness:
        yield quick(harness)


async def test_an_answer_goes_before_the_alerts_already_queued(bot: BotHarness) -> None:
    for chat in CHATS:
        await subscribe(bot, chat, "topic:roma")
    publish(bot, new_practice("queued-roma"))
    follow_of(bot).deliverer.pacer = Pacer(1000)  # launch every alert at once: they queue
    delivery = asyncio.create_task(drain(bot))
    for _ in range(10_000):
        if alerts(bot):
            break
        await asyncio.sleep(0.001)
    seen = len(alerts(bot))
    assert seen < len(CHATS)  # the others are queued
    calls = await bot.send("/help", user_id=USER_ID)
    assert calls and "search" in calls[-1].text.lower()
    before_answer = len(alerts(bot))
    await delivery
    assert before_answer <= seen + 2  # at most the sends that had their slot already
    assert alerted_chats(bot) == {chat: 1 for chat in CHATS}


async def test_an_answer_that_meets_a_flood_limit_is_sent_after_the_wait(
    bot: BotHarness,
) -> None:
    slept = record_sleeps(bot)
    bot.request.fail(USER_ID, FLOOD)
    calls = await bot.send("/help", user_id=USER_ID)
    assert [call.method for call in calls] == ["sendMessage"]
    assert "search" in calls[0].text.lower()
    assert 1.0 in slept
    budget = limiter(bot).budget
    assert budget.alerts_paused_until > limiter(bot).clock()  # alerts hold back meanwhile


async def test_an_alert_that_meets_a_flood_limit_pauses_delivery_itself(bot: BotHarness) -> None:
    await subscribe(bot, 81, "topic:roma")
    slept = record_sleeps(bot)
    bot.request.fail(81, FLOOD)
    publish(bot, new_practice("flooded-again-roma"))
    deliverer = follow_of(bot).deliverer
    await drain(bot, should_stop=lambda: deliverer.paused_until > 0)
    assert alerts(bot) == [] and not [s for s in slept if s >= 1.0]  # not retried in the limiter
    assert deliverer.paused_until > 0  # delivery saw the 429 and pauses
    deliverer.paused_until = 0.0  # the pause is over
    await drain(bot)
    assert alerted_chats(bot) == {81: 1}
    assert follow_of(bot).outbox.stats().counts == {SENT: 1}
