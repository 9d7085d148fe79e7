"""A dialogue goes on after a restart where its last screen said, also from earlier versions;
its screens offer the moves `bot.dialogue.move` takes.

Earlier versions stored the conversation state "preview" or "duplicate" beside a draft at
those screens (now every open dialogue stores "asking"); drafts keep their step as a string.
A restart is a second Application over the same database file.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.dialogue import Event, Exit, Position, Step, move
from bot.template import FIELD_KEYS
from store.db import open_database
from store.persistence import set_state
from tests.fakes import USER_ID, BotHarness, Call
from tests.handlers.dialogue import ANSWERS, answer, fill_in, running_bot, screen, store


@asynccontextmanager
async def restarted(path: Path, state: str | None = None) -> AsyncIterator[BotHarness]:
    """Restart the bot over the file, with the stored conversation state set to `state`."""
    database = open_database(path)
    try:
        if state is not None:
            with database.transaction():
                set_state(database.table("conversations"), "submit", (USER_ID, USER_ID), state)
        async with running_bot(database) as bot:
            yield bot
    finally:
        database.close()


async def at_preview(path: Path) -> Call:
    """Fill in the dialogue up to its preview on a first bot; return the preview."""
    database = open_database(path)
    try:
        async with running_bot(database) as first:
            return await fill_in(first)
    finally:
        database.close()


def stored_step(path: Path) -> object:
    database = open_database(path)
    try:
        return database.table("drafts").get(doc_id=USER_ID)["step"]
    finally:
        database.close()


async def test_a_preview_stored_by_an_earlier_version_still_takes_the_dialogue_messages(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.json"
    await at_preview(path)
    assert stored_step(path) == "preview"  # stored as the plain string
    async with restarted(path, state="preview") as bot:
        await bot.send("what now?")
        assert "Use the buttons below: Edit a field, Send, or Cancel." in screen(bot).text
        await bot.click(screen(bot), "Send")  # the preview, shown again below the hint
        assert "Thank you!" in screen(bot).text
        assert store(bot).draft(USER_ID) is None


async def test_a_field_being_edited_is_still_edited_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    try:
        async with running_bot(database) as first:
            preview = await fill_in(first)
            await first.click(preview, "Edit a field")
            await first.click(screen(first), "Period")
            assert "Period" in screen(first).text
    finally:
        database.close()
    async with restarted(path) as bot:
        await bot.send("2015 - 2020")
        assert "Preview" in screen(bot).text  # back to the preview, not on to the topics
        draft = store(bot).draft(USER_ID)
        assert draft.answers["period"] == "2015 - 2020" and not draft.editing


async def test_a_consent_question_stored_by_an_earlier_version_takes_a_typed_yes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.json"
    await at_preview(path)
    database = open_database(path)
    try:  # as an earlier version left a draft at the consent question: plain strings
        drafts = database.table("drafts")
        with database.transaction():
            drafts.update({"step": "consent", "editing": False}, doc_ids=[USER_ID])
    finally:
        database.close()
    async with restarted(path, state="asking") as bot:
        await bot.send("yes")
        assert "Preview" in screen(bot).text
        assert store(bot).draft(USER_ID).answers["contact"]["public"] is True


async def test_every_step_offers_skip_and_back_exactly_as_its_moves_allow() -> None:
    async with running_bot() as bot:
        await bot.send("/submit")
        for key in FIELD_KEYS:
            shown = screen(bot)
            labels = [b["text"] for b in shown.buttons]
            at = Position(Step(key))
            assert ("Skip ⏭" in labels) == (move(at, Event.SKIP) is not None), key
            to_menu = move(at, Event.BACK) is Exit.MENU
            assert ("◀️ Back to menu" in labels) == to_menu and ("◀️ Back" in labels) != to_menu
            await answer(bot, key, ANSWERS[key])
        assert "Step 12 of 12" in screen(bot).text  # the consent question
