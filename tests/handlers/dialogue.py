"""Helpers that walk the submission dialogue through a real Application, as a member would."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from bot.models import Practice
from bot.template import FIELD_KEYS
from handlers.deps import SERVICES_KEY, Services
from handlers.forget import forget_steps
from store.db import Database
from store.submissions import SubmissionStore
from tests.fakes import (
    USER_ID,
    BotHarness,
    Call,
    FakeRequest,
    make_settings,
    memory_database,
)

# One answer per step, in template order; None skips an optional step, a list ticks topics.
ANSWERS: dict[str, Any] = {
    "title": "Cooking together in Lisboa",
    "subtitle": None,
    "cities": "Lisboa",
    "country": "Portugal",
    "period": "2019 - ongoing",
    "topics": ["Refugees", "Culture, leisure and heritage"],
    "purpose": "To bring newcomers and neighbours together around food.",
    "rationale": None,
    "process": "Weekly cooking evenings run with two NGOs, open to everyone.",
    "impact": None,
    "links": "https://example.org/cooking",
    "contact": "Ana Silva, ana.silva@example.org",
}


@asynccontextmanager
async def running_bot(
    database: Database | None = None, **settings: Any
) -> AsyncIterator[BotHarness]:
    """Yield a bot whose JobQueue runs, so that the dialogue's 2-hour timeout is armed."""
    harness = BotHarness(database or memory_database(), FakeRequest(), make_settings(**settings))
    async with harness:
        await harness.app.job_queue.start()
        try:
            yield harness
        finally:
            await harness.app.job_queue.stop()


def svc(bot: BotHarness) -> Services:
    """Return the bot's services."""
    return bot.app.bot_data[SERVICES_KEY]


def store(bot: BotHarness) -> SubmissionStore:
    """Return the bot's store of drafts and submissions."""
    return svc(bot).submissions


def screens(calls: list[Call], chat_id: int = USER_ID) -> list[Call]:
    """Return the messages sent or edited in a chat."""
    kinds = ("sendMessage", "editMessageText")
    return [c for c in calls if c.method in kinds and int(c.params["chat_id"]) == chat_id]


def screen(bot: BotHarness, chat_id: int = USER_ID) -> Call:
    """Return the last message the bot sent or edited in a chat."""
    return screens(bot.request.calls, chat_id)[-1]


async def answer(bot: BotHarness, key: str, value: Any, user_id: int = USER_ID) -> None:
    """Answer one step: type the text, tick the topics then Done, or Skip on None."""
    if value is None:
        await bot.click(screen(bot, user_id), "Skip", user_id)
    elif key == "topics":
        for topic in value:
            await bot.click(screen(bot, user_id), topic, user_id)
        await bot.click(screen(bot, user_id), "Done", user_id)
    else:
        await bot.send(value, user_id)


async def fill_in(
    bot: BotHarness, user_id: int = USER_ID, publish_contact: bool = True, **changes: Any
) -> Call:
    """Run /submit through every step with ANSWERS (updated by `changes`); return the preview."""
    answers = {**ANSWERS, **changes}
    await bot.send("/submit", user_id)
    for key in FIELD_KEYS:
        await answer(bot, key, answers[key], user_id)
    await bot.click(screen(bot, user_id), "Yes" if publish_contact else "No", user_id)
    preview = screen(bot, user_id)
    assert "Preview" in preview.text, preview.text
    return preview


async def submit(bot: BotHarness, user_id: int = USER_ID, **changes: Any) -> list[Call]:
    """Fill in the dialogue and press Send; return the calls Send caused."""
    preview = await fill_in(bot, user_id, **changes)
    return await bot.click(preview, "Send", user_id)


def published(bot: BotHarness, title: str) -> Practice | None:
    """Return the stored practice with this title, whatever its status."""
    return next((p for p in svc(bot).practices.all(None) if p.title == title), None)


def record_alerts(bot: BotHarness) -> list[Practice]:
    """Return a list that gathers every practice the publisher queues alerts for."""
    queued: list[Practice] = []
    alerts = svc(bot).alerts
    queue = alerts.queue

    def recording(practices: list[Practice]) -> Any:
        queued.extend(practices)
        return queue(practices)

    alerts.queue = recording  # type: ignore[method-assign]
    return queued


def forget(bot: BotHarness, user_id: int) -> None:
    """Run every deletion of /forget for a user (`handlers.forget.forget_steps`)."""
    for _what, delete in forget_steps(svc(bot)):
        delete(user_id)
