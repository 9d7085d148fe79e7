"""Moderation of submissions, driven through a real Application with real updates."""

from collections.abc import AsyncIterator

import pytest

from handlers.moderate import MODERATORS_ONLY
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call
from tests.handlers.dialogue import (
    ANSWERS,
    forget,
    published,
    record_alerts,
    running_bot,
    screen,
    screens,
    store,
    submit,
    svc,
)

OTHER_ADMIN = 9002
STRANGER = 4242


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot(admin_ids=frozenset({ADMIN_ID, OTHER_ADMIN})) as harness:
        yield harness


def alert(calls: list[Call]) -> str:
    return next(c for c in calls if c.method == "answerCallbackQuery").params.get("text", "")


def copy_of(calls: list[Call], admin_id: int = ADMIN_ID) -> Call:
    return next(c for c in screens(calls, admin_id) if "Submission #" in c.text)


async def reject(bot: BotHarness, copy: Call, reason: str, admin_id: int = ADMIN_ID) -> list[Call]:
    """Press Reject, type the reason, and press Send on the reason shown back."""
    await bot.click(copy, "Reject", admin_id)
    shown = screens(await bot.send(reason, admin_id), admin_id)[-1]
    return await bot.click(shown, "Send", admin_id)


async def test_every_moderator_gets_the_card_with_approve_and_reject(bot: BotHarness) -> None:
    sent = await submit(bot)
    for admin_id in (ADMIN_ID, OTHER_ADMIN):
        copy = copy_of(sent, admin_id)
        assert "Submission #1" in copy.text and ANSWERS["title"] in copy.text
        assert "ana.silva@example.org" in copy.text  # moderators see the contact
        assert [b["text"] for b in copy.buttons] == ["✅ Approve", "❌ Reject", "📄 Read in full"]
    submission = store(bot).get(1)
    assert submission.status == "pending" and submission.user_id == USER_ID
    assert submission.sent_at and len(submission.messages) == 2
    assert screens(sent, STRANGER) == []


async def test_pending_lists_the_queue_with_the_same_buttons(bot: BotHarness) -> None:
    await submit(bot)
    calls = await bot.send("/pending", ADMIN_ID)
    assert "1 waiting" in screens(calls, ADMIN_ID)[0].text
    listed = copy_of(calls)
    assert [b["text"] for b in listed.buttons] == ["✅ Approve", "❌ Reject", "📄 Read in full"]
    await bot.click(listed, "Approve", ADMIN_ID)
    empty = screens(await bot.send("/pending", ADMIN_ID), ADMIN_ID)[-1]
    assert "No submission is waiting" in empty.text


async def test_pending_is_refused_to_members(bot: BotHarness) -> None:
    await submit(bot)
    reply = screens(await bot.send("/pending", STRANGER), STRANGER)[-1]
    assert reply.text == MODERATORS_ONLY  # one wording for every moderators-only refusal
    assert "Submission #" not in reply.text


async def test_approve_publishes_tells_the_author_and_marks_every_copy(bot: BotHarness) -> None:
    queued = record_alerts(bot)
    sent = await submit(bot)
    calls = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    practice = published(bot, ANSWERS["title"])
    assert practice is not None and practice.id == "cooking-together-in-lisboa"
    assert svc(bot).catalog.get(practice.key) is not None
    assert queued == [practice]
    told = screens(calls, USER_ID)
    # One message: the news above the published card (not a note, then the card).
    assert len(told) == 1 and "is published" in told[0].text
    assert ANSWERS["title"] in told[0].text and told[0].button("Follow")
    edits = [c for c in calls if c.method == "editMessageText"]
    assert {int(c.params["chat_id"]) for c in edits} == {ADMIN_ID, OTHER_ADMIN}
    for edit in edits:
        assert "Approved</b> by User9001" in edit.text
        assert [b["text"] for b in edit.buttons] == ["📄 Read in full"]
    assert store(bot).get(1).practice_id == practice.id


async def test_second_approval_answers_already_approved_and_changes_nothing(
    bot: BotHarness,
) -> None:
    sent = await submit(bot)
    await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    count = len(svc(bot).practices.all())
    again = await bot.click(copy_of(sent, OTHER_ADMIN), "Approve", OTHER_ADMIN)
    assert "already approved by User9001" in alert(again)
    rejected = await bot.click(copy_of(sent, OTHER_ADMIN), "Reject", OTHER_ADMIN)
    assert "already approved by User9001" in alert(rejected)
    assert len(svc(bot).practices.all()) == count
    assert store(bot).get(1).decided_by == ADMIN_ID
    assert screens(again + rejected, USER_ID) == []


async def test_forged_approval_by_a_member_is_refused_and_changes_nothing(
    bot: BotHarness,
) -> None:
    await submit(bot)
    for data in ("mod|a|1", "mod|r|1", "mod|f|1", "mod|a|999", "mod|zz"):
        calls = await bot.press(data, STRANGER)
        assert alert(calls) == MODERATORS_ONLY
        assert screens(calls, STRANGER) == []
    assert store(bot).get(1).status == "pending"
    assert published(bot, ANSWERS["title"]) is None


async def test_reject_asks_a_reason_and_sends_it_to_the_author(bot: BotHarness) -> None:
    sent = await submit(bot)
    asked = screens(await bot.click(copy_of(sent), "Reject", ADMIN_ID), ADMIN_ID)[-1]
    assert "Why is #1" in asked.text
    typed = await bot.send("Please add <b>figures</b> to the impact.", ADMIN_ID)
    shown = screens(typed, ADMIN_ID)[-1]
    assert "<i>Please add &lt;b&gt;figures&lt;/b&gt; to the impact.</i>" in shown.text
    assert [b["text"] for b in shown.buttons] == [
        "✅ Send to the submitter",
        "✏️ Edit",
        "✖️ Cancel",
        "🔎 It was a search: search it",
    ]
    assert store(bot).get(1).status == "pending" and screens(typed, USER_ID) == []
    calls = await bot.click(shown, "Send", ADMIN_ID)
    submission = store(bot).get(1)
    assert submission.status == "rejected"
    assert submission.reason == "Please add <b>figures</b> to the impact."
    told = screens(calls, USER_ID)[-1]
    assert "not accepted" in told.text and "&lt;b&gt;figures&lt;/b&gt;" in told.text
    assert told.button("Reopen")["callback_data"] == "sb|reopen|1"
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 2 and all("Rejected</b> by User9001" in e.text for e in edits)
    assert published(bot, ANSWERS["title"]) is None


async def test_cancelled_rejection_leaves_the_submission_pending(bot: BotHarness) -> None:
    sent = await submit(bot)
    asked = screens(await bot.click(copy_of(sent), "Reject", ADMIN_ID), ADMIN_ID)[-1]
    await bot.click(asked, "Cancel", ADMIN_ID)
    assert store(bot).get(1).status == "pending"
    results = screens(await bot.send("roma education", ADMIN_ID), ADMIN_ID)[-1]
    assert "for ‘roma education’" in results.text  # the next message is no reason


async def test_rejected_submission_is_reopened_fixed_and_sent_again(bot: BotHarness) -> None:
    sent = await submit(bot)
    told = screens(await reject(bot, copy_of(sent), "Add the impact, please."), USER_ID)[-1]
    preview = screens(await bot.click(told, "Reopen"))[-1]
    assert "Preview" in preview.text and "Add the impact, please." in preview.text
    fields = screens(await bot.click(preview, "Edit a field"))[-1]
    await bot.click(fields, "Impact")
    await bot.send("Forty families cook together every week since 2020.")
    resent = await bot.click(screen(bot), "Send")
    assert "#1" in next(c.text for c in screens(resent) if "Thank you" in c.text)
    submission = store(bot).get(1)
    assert submission.status == "pending" and submission.answers["impact"].startswith("Forty")
    assert [e["event"] for e in submission.history] == ["sent", "rejected", "resent"]
    copy = copy_of(resent)
    assert "Sent again after a rejection" in copy.text and "Approve" in copy.buttons[0]["text"]
    await bot.click(copy, "Approve", ADMIN_ID)
    assert published(bot, ANSWERS["title"]).impact.startswith("Forty")


async def test_only_its_author_can_reopen_a_rejected_submission(bot: BotHarness) -> None:
    sent = await submit(bot)
    await reject(bot, copy_of(sent), "Not a practice.")
    calls = await bot.press("sb|reopen|1", STRANGER)
    assert "can't be reopened" in alert(calls)
    assert store(bot).draft(STRANGER) is None


async def test_moderators_read_long_fields_in_full_in_parts(bot: BotHarness) -> None:
    process = "Partners met every month. " * 150  # 3,900 characters
    impact = "Evaluations showed results. " * 100
    sent = await submit(bot, process=process, impact=impact)
    copy = copy_of(sent)
    assert copy.text.count("Partners met every month.") < 20  # shortened on the card
    parts = screens(await bot.click(copy, "Read in full", ADMIN_ID), ADMIN_ID)
    assert len(parts) >= 2 and all(len(p.text) <= 4096 for p in parts)
    body = " ".join(p.text for p in parts)
    # Parts are cut between words, so every word arrives whole, once.
    assert body.count("Partners") == 150 and body.count("Evaluations") == 100
    assert "full text 1/" in parts[0].text and "ana.silva@example.org" in body


@pytest.mark.parametrize("consent", [True, False])
async def test_published_full_text_shows_the_contact_only_with_consent(
    consent: bool,
) -> None:
    async with running_bot() as bot:
        from tests.handlers.dialogue import fill_in

        preview = await fill_in(bot, publish_contact=consent)
        sent = await bot.click(preview, "Send")
        await bot.click(copy_of(sent), "Approve", ADMIN_ID)
        card = screens(bot.request.calls)[-1]
        parts = screens(await bot.click(card, "Full text", STRANGER), STRANGER)
        body = " ".join(p.text for p in parts)
        assert ANSWERS["process"] in body
        assert ("ana.silva@example.org" in body) is consent


async def test_an_overlong_reason_is_asked_again(bot: BotHarness) -> None:
    sent = await submit(bot)
    await bot.click(copy_of(sent), "Reject", ADMIN_ID)
    refused = screens(await bot.send("r" * 1500, ADMIN_ID), ADMIN_ID)[-1]
    assert "1,500 characters" in refused.text
    assert store(bot).get(1).status == "pending"
    shown = screens(await bot.send("Too vague.", ADMIN_ID), ADMIN_ID)[-1]
    await bot.click(shown, "Send", ADMIN_ID)
    assert store(bot).get(1).reason == "Too vague."


async def test_reason_after_another_moderator_approved_is_not_sent(bot: BotHarness) -> None:
    sent = await submit(bot)
    await bot.click(copy_of(sent), "Reject", ADMIN_ID)
    shown = screens(await bot.send("Not a practice.", ADMIN_ID), ADMIN_ID)[-1]
    await bot.click(copy_of(sent, OTHER_ADMIN), "Approve", OTHER_ADMIN)
    calls = await bot.click(shown, "Send", ADMIN_ID)
    assert "already approved by User9002" in screens(calls, ADMIN_ID)[-1].text
    assert store(bot).get(1).status == "approved" and store(bot).get(1).reason is None
    assert not any("not accepted" in c.text for c in screens(calls, USER_ID))


async def test_a_withdrawn_submission_can_not_be_approved(bot: BotHarness) -> None:
    sent = await submit(bot)
    forget(bot, USER_ID)
    calls = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    assert "withdrawn" in alert(calls)
    assert published(bot, ANSWERS["title"]) is None
    assert store(bot).get(1).answers == {}


async def test_forget_leaves_the_moderators_only_a_withdrawn_note_of_a_waiting_submission(
    bot: BotHarness,
) -> None:
    sent = await submit(bot)
    ask = screens(await bot.send("/forget"))[-1]
    calls = await bot.click(ask, "Delete everything")
    for admin_id in (ADMIN_ID, OTHER_ADMIN):
        copy = copy_of(sent, admin_id)
        edits = [
            c
            for c in calls
            if c.method == "editMessageText"
            and c.params["chat_id"] == admin_id
            and c.params["message_id"] == copy.message_id
        ]
        assert len(edits) == 1, [c.method for c in calls]
        note = edits[0]
        assert "Submission #1" in note.text and "Withdrawn" in note.text
        assert ANSWERS["title"] not in note.text and "ana.silva" not in note.text
        assert note.buttons == []
    assert store(bot).get(1).status == "withdrawn"
