"""The submission dialogue's wait for an answer closes after its time, also across a restart.

A restart is a second Application over the same database file; the clock of the services is
set instead of waiting.
"""

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from handlers.drafts import IDLE_TIMEOUT
from store.db import open_database
from tests.fakes import USER_ID, BotHarness
from tests.handlers.dialogue import answer, running_bot, screen, screens, store, svc

SEARCH = "roma education"
TITLE = "Cooking together in Lisboa"


@asynccontextmanager
async def restarted_at_subtitle(path: Path, idle: float) -> AsyncIterator[BotHarness]:
    """Answer the title, restart the bot over the same file, `idle` seconds later."""
    database = open_database(path)
    try:
        async with running_bot(database) as first:
            await first.send("/submit")
            await answer(first, "title", TITLE)
            assert "Subtitle" in screen(first).text
        database.close()
        database = open_database(path)
        async with running_bot(database) as second:
            svc(second).clock = lambda: time.time() + idle
            yield second
    finally:
        database.close()


async def test_after_a_restart_past_the_idle_time_a_text_is_a_search_not_an_answer(
    tmp_path: Path,
) -> None:
    async with restarted_at_subtitle(tmp_path / "bot.json", IDLE_TIMEOUT + 1) as bot:
        calls = screens(await bot.send(SEARCH))
        assert "paused your submission" in calls[0].text
        assert f"for ‘{SEARCH}’" in calls[-1].text
        draft = store(bot).draft(USER_ID)
        assert draft is not None and not draft.active
        assert draft.answers == {"title": TITLE}


async def test_within_the_idle_time_the_restored_dialogue_takes_the_answer(
    tmp_path: Path,
) -> None:
    async with restarted_at_subtitle(tmp_path / "bot.json", IDLE_TIMEOUT - 60) as bot:
        await bot.send("Food as a meeting place")
        assert store(bot).draft(USER_ID).answers["subtitle"] == "Food as a meeting place"
