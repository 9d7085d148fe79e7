"""Drafts are kept 60 days, members are told so, and a daily job deletes what has expired."""

from datetime import UTC, datetime

from handlers.contribute import PRUNE_JOB
from store.submissions import DRAFT_RETENTION
from tests.fakes import USER_ID
from tests.handlers.dialogue import running_bot, screen, store, svc


async def test_the_dialogue_says_how_long_a_draft_is_kept() -> None:
    async with running_bot() as bot:
        calls = await bot.send("/submit")
        intro = next(c for c in calls if "Share a good practice" in c.text)
        assert f"{DRAFT_RETENTION.days} days" in intro.text
        await bot.send("Cooking together")
        await bot.send("/cancel")
        assert f"kept for {DRAFT_RETENTION.days} days" in screen(bot).text


async def test_the_daily_job_deletes_expired_drafts_and_their_states() -> None:
    async with running_bot() as bot:
        await bot.send("/submit")
        await bot.send("Cooking together")
        old = (datetime.now(UTC) - DRAFT_RETENTION).replace(year=2000).isoformat()
        svc(bot).database.table("drafts").update({"updated_at": old}, doc_ids=[USER_ID])
        [job] = bot.app.job_queue.get_jobs_by_name(PRUNE_JOB)
        assert job.job.trigger.interval.total_seconds() == 24 * 60 * 60
        await job.run(bot.app)
        assert store(bot).draft(USER_ID) is None
        assert svc(bot).database.table("conversations").all() == []
