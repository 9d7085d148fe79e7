"""The rejection reason: shown back before it goes, never a command, closed after its time.

Driven through real Applications; a restart is a second Application over the same database
file, and the clock of the services is set instead of waiting.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from handlers.reject import NOT_A_REASON, REASON_TIMEOUT
from store.db import Database, open_database
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call, user_message
from tests.handlers.dialogue import running_bot, screens, store, submit, svc

T0 = 1_700_000_000.0
SEARCH = "roma education"


@asynccontextmanager
async def bot_on(database: Database, now: float) -> AsyncIterator[BotHarness]:
    """Run a bot over this database, its clock stopped at `now`."""
    async with running_bot(database) as harness:
        svc(harness).clock = lambda: now
        yield harness


async def pressed_reject(bot: BotHarness) -> None:
    sent = await submit(bot)
    copy = next(c for c in screens(sent, ADMIN_ID) if "Submission #" in c.text)
    await bot.click(copy, "Reject", ADMIN_ID)


def assert_searched_and_nothing_rejected(calls: list[Call], bot: BotHarness) -> None:
    assert any(f"for ‘{SEARCH}’" in c.text for c in screens(calls, ADMIN_ID))
    assert not any("Reject #1" in c.text for c in screens(calls, ADMIN_ID))
    assert store(bot).get(1).status == "pending" and store(bot).get(1).reason is None
    assert screens(calls, USER_ID) == []
    assert store(bot).reason_request(ADMIN_ID) is None


@pytest.mark.parametrize("restart", [True, False])
async def test_after_the_window_a_typed_search_is_a_search_not_a_reason(
    tmp_path: Path, restart: bool
) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    try:
        async with bot_on(database, T0) as first:
            await pressed_reject(first)
            if not restart:
                svc(first).clock = lambda: T0 + REASON_TIMEOUT + 1
                calls = await first.send(SEARCH, ADMIN_ID)
                assert_searched_and_nothing_rejected(calls, first)
                return
        database.close()
        database = open_database(path)  # a deploy: the stored wait is all that is left
        async with bot_on(database, T0 + REASON_TIMEOUT + 1) as second:
            calls = await second.send(SEARCH, ADMIN_ID)
            assert_searched_and_nothing_rejected(calls, second)
            assert "nothing was rejected" in screens(calls, ADMIN_ID)[0].text
            again = await second.send("roma", ADMIN_ID)  # the dialogue is over for good
            assert "Reject #1" not in screens(again, ADMIN_ID)[-1].text
    finally:
        database.close()


async def test_within_the_window_the_wait_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    try:
        async with bot_on(database, T0) as first:
            await pressed_reject(first)
        database.close()
        database = open_database(path)
        async with bot_on(database, T0 + REASON_TIMEOUT - 60) as second:
            shown = screens(await second.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
            assert "Reject #1" in shown.text and "<i>Too vague.</i>" in shown.text
            told = screens(await second.click(shown, "Send", ADMIN_ID), USER_ID)
            assert store(second).get(1).reason == "Too vague."
            assert "not accepted" in told[-1].text
    finally:
        database.close()


async def test_a_command_ends_the_wait_for_a_reason_and_is_answered() -> None:
    # As every other wait of the bot: turning to a command sets the rejection aside, says
    # so, and the next typed text is a search, never a reason.
    async with running_bot() as bot:
        await pressed_reject(bot)
        calls = screens(await bot.send("/pending", ADMIN_ID), ADMIN_ID)
        assert "set aside" in calls[0].text and "#1" in calls[0].text
        assert any("Submission #1" in c.text for c in calls[1:])  # /pending answered too
        assert store(bot).reason_request(ADMIN_ID) is None
        after = await bot.send(SEARCH, ADMIN_ID)
        assert_searched_and_nothing_rejected(after, bot)
        assert not any("Reject #1" in c.text for c in screens(after, ADMIN_ID))


async def test_a_text_starting_with_a_slash_is_never_a_reason() -> None:
    async with running_bot() as bot:
        await pressed_reject(bot)
        unmarked = user_message(500, "/pending please", ADMIN_ID, ADMIN_ID)
        del unmarked["entities"]  # a slash text that Telegram did not mark as a command
        refused = screens(await bot.send_message(unmarked), ADMIN_ID)
        assert refused[-1].text == NOT_A_REASON
        assert store(bot).get(1).status == "pending"
        assert not any("Reject #1" in c.text for c in screens(bot.request.calls, ADMIN_ID))
        shown = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
        assert "Reject #1" in shown.text  # the wait is still open for the real reason


async def test_edit_replaces_the_reason_and_only_send_rejects() -> None:
    async with running_bot() as bot:
        await pressed_reject(bot)
        shown = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
        asked = screens(await bot.click(shown, "Edit", ADMIN_ID), ADMIN_ID)[-1]
        assert "Type the new reason for #1" in asked.text
        # The reason typed so far comes back as code, to copy and change rather than retype.
        assert "<code>Too vague.</code>" in asked.text
        assert store(bot).get(1).status == "pending"
        shown = screens(await bot.send("Please add the impact.", ADMIN_ID), ADMIN_ID)[-1]
        assert "Please add the impact." in shown.text
        await bot.click(shown, "Send", ADMIN_ID)
        assert store(bot).get(1).reason == "Please add the impact."


async def test_cancel_on_the_reason_shown_leaves_the_submission_pending() -> None:
    async with running_bot() as bot:
        await pressed_reject(bot)
        shown = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
        await bot.click(shown, "Cancel", ADMIN_ID)
        calls = await bot.send(SEARCH, ADMIN_ID)
        assert_searched_and_nothing_rejected(calls, bot)
        late = await bot.click(shown, "Send", ADMIN_ID)
        assert store(bot).get(1).status == "pending" and screens(late, USER_ID) == []


async def test_send_after_the_window_closed_rejects_nothing() -> None:
    async with running_bot() as bot:
        svc(bot).clock = lambda: T0
        await pressed_reject(bot)
        shown = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
        svc(bot).clock = lambda: T0 + REASON_TIMEOUT + 1
        calls = await bot.click(shown, "Send", ADMIN_ID)
        answer = next(c for c in calls if c.method == "answerCallbackQuery")
        assert "nothing was rejected" in answer.params["text"]
        assert store(bot).get(1).status == "pending" and screens(calls, USER_ID) == []


async def test_a_search_typed_while_the_reason_is_awaited_can_be_run_as_a_search() -> None:
    async with running_bot() as bot:
        await pressed_reject(bot)
        shown = screens(await bot.send(SEARCH, ADMIN_ID), ADMIN_ID)[-1]
        assert "Reject #1" in shown.text
        calls = screens(await bot.click(shown, "It was a search", ADMIN_ID), ADMIN_ID)
        assert any("practice" in c.text.lower() for c in calls[:-1])  # the results came
        assert "still waits for its reason" in calls[-1].text
        assert store(bot).get(1).status == "pending" and store(bot).get(1).reason is None
        request = store(bot).reason_request(ADMIN_ID)
        assert request is not None and request.reason is None
        again = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
        await bot.click(again, "Send", ADMIN_ID)
        assert store(bot).get(1).reason == "Too vague."
