"""`/pending` reaches every waiting submission, a page at a time, and a copy shown again
replaces the moderator's earlier one instead of piling up copies to re-edit."""

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.callbacks import PendingNext
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call
from tests.handlers.dialogue import running_bot, screens, store, submit
from tests.handlers.test_moderate import OTHER_ADMIN, STRANGER

WAITING = 22


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot(admin_ids=frozenset({ADMIN_ID, OTHER_ADMIN})) as harness:
        yield harness


async def queue_of(bot: BotHarness, count: int = WAITING) -> None:
    """Send one submission through the dialogue, then `count - 1` more like it."""
    await submit(bot)
    first = store(bot).get(1)
    for n in range(2, count + 1):
        answers = {**first.answers, "title": f"Practice number {n}"}
        store(bot).add(dataclasses.replace(first, id=0, answers=answers, messages=[]))


def copies(calls: list[Call]) -> list[int]:
    """Return the numbers of the submissions whose copies these calls sent, in order."""
    sent = [c for c in screens(calls, ADMIN_ID) if c.method == "sendMessage"]
    found = []
    for call in sent:
        if call.text.startswith("<b>Submission #") or "Submission #" in call.text[:60]:
            found.append(int(call.text.split("#", 1)[1].split("<", 1)[0].split()[0]))
    return found


def last_sent(calls: list[Call]) -> Call:
    return [c for c in screens(calls, ADMIN_ID) if c.method == "sendMessage"][-1]


async def test_next_button_pages_through_the_whole_queue(bot: BotHarness) -> None:
    await queue_of(bot)
    first = await bot.send("/pending", ADMIN_ID)
    assert f"{WAITING} waiting" in screens(first, ADMIN_ID)[0].text
    assert copies(first) == list(range(1, 11))
    nav = last_sent(first)
    assert "1–10 of 22" in nav.text
    second = await bot.click(nav, "Next 10", ADMIN_ID)
    assert copies(second) == list(range(11, 21))
    nav2 = last_sent(second)
    assert "11–20 of 22" in nav2.text
    # The used button goes, so the page follows below the button that is left.
    cleared = [c for c in second if c.method == "editMessageReplyMarkup"]
    assert cleared and cleared[0].params["message_id"] == nav.message_id
    third = await bot.click(nav2, "Next 2", ADMIN_ID)
    assert copies(third) == [21, 22]
    assert "21–22 of 22" in last_sent(third).text and not last_sent(third).buttons


async def test_paging_on_after_decisions_neither_skips_nor_repeats(bot: BotHarness) -> None:
    await queue_of(bot)
    first = await bot.send("/pending", ADMIN_ID)
    nav = last_sent(first)
    listed = next(c for c in screens(first, ADMIN_ID) if "Submission #2" in c.text[:60])
    await bot.click(listed, "Approve", ADMIN_ID)  # the queue shortens from its start
    second = await bot.click(nav, "Next 10", ADMIN_ID)
    assert copies(second) == list(range(11, 21))
    assert "10–19 of 21" in last_sent(second).text


async def test_pending_with_a_page_number_opens_that_page(bot: BotHarness) -> None:
    await queue_of(bot)
    assert copies(await bot.send("/pending 3", ADMIN_ID)) == [21, 22]
    past = screens(await bot.send("/pending 4", ADMIN_ID), ADMIN_ID)[-1]
    assert "no page 4" in past.text and "/pending 3" in past.text
    usage = screens(await bot.send("/pending soon", ADMIN_ID), ADMIN_ID)[-1]
    assert "/pending 2" in usage.text and "Submission #" not in usage.text


async def test_a_short_queue_has_no_page_button(bot: BotHarness) -> None:
    await queue_of(bot, 3)
    calls = await bot.send("/pending", ADMIN_ID)
    assert copies(calls) == [1, 2, 3]
    assert "Submission #3" in last_sent(calls).text  # the last copy ends the answer


async def test_showing_a_copy_again_replaces_the_earlier_one(bot: BotHarness) -> None:
    await queue_of(bot, 2)
    await bot.send("/pending", ADMIN_ID)
    calls = await bot.send("/pending", ADMIN_ID)
    submission = store(bot).get(1)
    mine = [copy for copy in submission.messages if copy[0] == ADMIN_ID]
    assert len(mine) == 1  # one copy per moderator to mark, however often it was shown
    assert len([c for c in submission.messages if c[0] == OTHER_ADMIN]) == 1
    newest = [
        c
        for c in screens(calls, ADMIN_ID)
        if c.method == "sendMessage" and "Submission #1" in c.text[:60]
    ]
    assert mine[0][1] == newest[-1].message_id
    pointed = [c for c in calls if c.method == "editMessageText"]
    assert {c.params["message_id"] for c in pointed} and all(
        "shown again below" in c.text and not c.buttons for c in pointed
    )
    # A decision edits each moderator's one copy, not every copy ever sent.
    before = len(bot.request.calls)
    copy = newest[-1]
    await bot.click(copy, "Approve", ADMIN_ID)
    marked = [c for c in bot.request.calls[before:] if c.method == "editMessageText"]
    assert sorted(int(c.params["chat_id"]) for c in marked) == [ADMIN_ID, OTHER_ADMIN]


async def test_a_member_cannot_page_the_queue(bot: BotHarness) -> None:
    await queue_of(bot, 12)
    calls = await bot.press(PendingNext(10).pack(), STRANGER)
    answered = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answered and "moderators only" in answered[0].params.get("text", "")
    assert not screens(calls, STRANGER) and not copies(calls)
    assert USER_ID not in [int(c.params.get("chat_id", 0)) for c in calls]
