"""Issue 11's moderation points through a real Application: the look-alike title on the
moderators' copy, a suggested update approved as an update, the similar-title question not asked
again after a reopen, the changed fields of a resubmission, who sent it, and the moderators'
/start and /help."""

from collections.abc import AsyncIterator

import pytest

from bot.template import FIELD_KEYS
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call
from tests.handlers.dialogue import (
    ANSWERS,
    answer,
    fill_in,
    running_bot,
    screen,
    screens,
    store,
    submit,
    svc,
)
from tests.handlers.test_moderate import copy_of, reject

LOOK_ALIKE = "Safer Alta Lisboa"  # close to the bundled "Safer Alta de Lisboa"


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


async def send_look_alike(bot: BotHarness) -> list[Call]:
    """Fill in a draft titled like a published practice and answer "No, send mine"."""
    preview = await fill_in(bot, title=LOOK_ALIKE)
    question = screens(await bot.click(preview, "Send"))[-1]
    return await bot.click(question, "No, send mine")


async def change_after_rejection(sent: list[Call], bot: BotHarness, field: str, text: str) -> None:
    """Reject the submission sent, reopen it and answer `field` anew with `text`."""
    told = screens(await reject(bot, copy_of(sent), "Please fix it."), USER_ID)[-1]
    reopened = screens(await bot.click(told, "Reopen"))[-1]
    fields = screens(await bot.click(reopened, "Edit a field"))[-1]
    await bot.click(fields, field)
    await bot.send(text)


def bundled_safer_alta(bot: BotHarness) -> str:
    found = [p for p in svc(bot).practices.all(None) if p.title == "Safer Alta de Lisboa"]
    assert len(found) == 1
    return found[0].id


async def test_the_copy_says_the_title_is_close_and_the_member_said_send_mine(
    bot: BotHarness,
) -> None:
    sent = await send_look_alike(bot)
    copy = copy_of(sent)
    assert "close to the published" in copy.text and "Safer Alta de Lisboa" in copy.text
    assert "No, send mine" in copy.text
    assert store(bot).get(1).similar_to == bundled_safer_alta(bot)


async def test_a_plain_submission_carries_no_look_alike_line(bot: BotHarness) -> None:
    copy = copy_of(await submit(bot))
    assert "close to the published" not in copy.text and "Suggested update" not in copy.text


async def test_yes_the_same_one_sends_a_suggested_update_that_approval_applies(
    bot: BotHarness,
) -> None:
    target = bundled_safer_alta(bot)
    before = len(svc(bot).practices.all(None))
    preview = await fill_in(
        bot, title="Safer Alta de Lisboa", purpose="A newer purpose text, now."
    )
    question = screens(await bot.click(preview, "Send"))[-1]
    offer = screens(await bot.click(question, "Yes, the same one"))[-1]
    sent = await bot.click(offer, "Send as an update")
    assert any("Your update of" in c.text for c in screens(sent))
    copy = copy_of(sent)
    assert f"start=p_{target}" in copy.text  # the card is the practice it updates
    assert "Suggested update" in copy.text and "Safer Alta de Lisboa" in copy.text
    assert store(bot).get(1).update_of == target
    await bot.click(copy, "Approve", ADMIN_ID)
    assert len(svc(bot).practices.all(None)) == before  # updated, not added
    updated = svc(bot).practices.get(target)
    assert updated is not None and updated.purpose == "A newer purpose text, now."
    assert store(bot).get(1).practice_id == target
    assert svc(bot).catalog.get(target) is not None  # still published, searchable


async def test_after_a_reopen_the_similar_title_question_is_not_asked_again(
    bot: BotHarness,
) -> None:
    sent = await send_look_alike(bot)
    told = screens(await reject(bot, copy_of(sent), "Add figures, please."), USER_ID)[-1]
    reopened = screens(await bot.click(told, "Reopen"))[-1]
    resent = await bot.click(reopened, "Send")
    assert not any("very similar title" in c.text for c in screens(resent))
    assert any("Thank you" in c.text for c in screens(resent))
    assert "close to the published" in copy_of(resent).text


async def test_a_resubmission_shows_the_changed_fields_old_and_new(bot: BotHarness) -> None:
    await change_after_rejection(await submit(bot), bot, "Period", "2018 - ongoing")
    resent = await bot.click(screen(bot), "Send")
    copy = copy_of(resent)
    assert "Changed:" in copy.text
    assert f"Period: <s>{ANSWERS['period']}</s> → 2018 - ongoing" in copy.text
    assert "Title:" not in copy.text.split("Changed:")[1].split("\n\n")[0]  # unchanged ones


async def test_the_copy_names_the_sender_by_contact_and_organisation_not_ids(
    bot: BotHarness,
) -> None:
    sent = await submit(bot, contact="Ana <Silva>, City of Lisbon, ana.silva@example.org")
    copy = copy_of(sent)
    head = copy.text.split("\n")[0]
    assert "Ana &lt;Silva&gt;, City of Lisbon" in head
    assert f"({USER_ID})" not in head and f"<code>{USER_ID}</code>" not in head
    assert store(bot).get(1).answers["contact"]["organisation"] == "City of Lisbon"


async def test_the_contact_step_asks_for_the_organisation_as_optional(bot: BotHarness) -> None:
    await bot.send("/submit")

    for key in FIELD_KEYS[: FIELD_KEYS.index("contact")]:
        await answer(bot, key, ANSWERS[key])
    assert "organisation or city" in screen(bot).text


async def test_moderators_start_and_help_say_what_they_can_do(bot: BotHarness) -> None:
    await submit(bot)
    for command in ("/start", "/help"):
        text = screens(await bot.send(command, ADMIN_ID), ADMIN_ID)[-1].text
        for word in ("/pending", "/alerts", "/stats", "/import", "Approve", "Reject"):
            assert word in text, (command, word)
        assert "1 submission waits" in text
    member = screens(await bot.send("/help"))[-1].text
    assert "You are a moderator" not in member and "/pending" not in member


async def test_refusals_to_members_have_one_wording(bot: BotHarness) -> None:
    refusals = {screens(await bot.send(c))[-1].text for c in ("/pending", "/stats", "/import")}
    sent = await submit(bot)
    alert = await bot.click(copy_of(sent), "Approve")  # a member pressing a moderator's button
    answered = [c for c in alert if c.method == "answerCallbackQuery"]
    refusals |= {c.params.get("text") for c in answered}
    assert refusals == {"This is for moderators only."}


async def test_an_answer_over_a_period_or_contact_limit_is_not_offered_cut(
    bot: BotHarness,
) -> None:
    await bot.send("/submit")
    for key in FIELD_KEYS[: FIELD_KEYS.index("contact")]:
        await answer(bot, key, ANSWERS[key])
    await bot.send("Ana Silva, " + "City of Lisbon " * 20 + "ana.silva@example.org")
    shown = screen(bot)
    assert "at most 200" in shown.text
    assert not any("shortened" in b["text"] for b in shown.buttons)  # an e-mail cut is lost


async def test_after_a_reopen_a_new_title_is_checked_again(bot: BotHarness) -> None:
    # The title changed into the very title of the published practice:
    await change_after_rejection(await send_look_alike(bot), bot, "Title", "Safer Alta de Lisboa")
    asked = screens(await bot.click(screen(bot), "Send"))[-1]
    assert "very similar title" in asked.text


async def test_a_rejected_update_reopened_and_sent_again_is_still_an_update(
    bot: BotHarness,
) -> None:
    target = bundled_safer_alta(bot)
    before = len(svc(bot).practices.all(None))
    preview = await fill_in(bot, title="Safer Alta de Lisboa", purpose="A newer purpose, now.")
    question = screens(await bot.click(preview, "Send"))[-1]
    offer = screens(await bot.click(question, "Yes, the same one"))[-1]
    sent = await bot.click(offer, "Send as an update")
    await change_after_rejection(sent, bot, "Period", "2018 - ongoing")
    resent = await bot.click(screen(bot), "Send")
    assert not any("very similar title" in c.text for c in screens(resent))
    assert store(bot).get(1).update_of == target
    copy = copy_of(resent)
    assert "Suggested update" in copy.text
    approved = await bot.click(copy, "Approve", ADMIN_ID)
    told = [c.text for c in screens(approved, USER_ID)]
    assert any("Your update of" in text and "is published" in text for text in told), told
    assert len(svc(bot).practices.all(None)) == before  # updated, not added
    updated = svc(bot).practices.get(target)
    assert updated is not None and updated.period == "2018 - ongoing"
