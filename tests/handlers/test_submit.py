"""The submission dialogue, driven through a real Application with real updates."""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cards import MAX_CALLBACK_BYTES, MAX_MESSAGE
from bot.template import FIELD_KEYS
from handlers import drafts
from handlers.submit_steps import CONTINUATION, NOT_TEXT
from store.db import open_database
from tests.fakes import (
    ADMIN_ID,
    USER_ID,
    BotHarness,
    Call,
    FakeRequest,
    make_settings,
    non_text_message,
    user_message,
)
from tests.handlers.dialogue import (
    ANSWERS,
    answer,
    fill_in,
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

FOLLOWER = 4242


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


def labels(call: Call) -> list[str]:
    return [button["text"] for button in call.buttons]


def assert_within_limits(call: Call) -> None:
    assert len(call.text) <= MAX_MESSAGE
    for button in call.buttons:
        if "callback_data" in button:
            assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES


async def go_to(bot: BotHarness, key: str) -> Call:
    """Start /submit and answer every step before `key`; return the prompt of `key`."""
    await bot.send("/submit")
    for earlier in FIELD_KEYS[: FIELD_KEYS.index(key)]:
        await answer(bot, earlier, ANSWERS[earlier])
    return screen(bot)


async def test_whole_dialogue_publishes_a_searchable_practice_and_queues_its_alert(
    bot: BotHarness,
) -> None:
    queued = record_alerts(bot)
    await bot.send("/subscribe topic:refugees", FOLLOWER)
    sent = await submit(bot)
    thanks = next(c for c in screens(sent) if "Thank you" in c.text)
    assert "#1" in thanks.text
    copy = screens(sent, ADMIN_ID)[-1]
    await bot.click(copy, "Approve", ADMIN_ID)

    practice = published(bot, ANSWERS["title"])
    assert practice is not None and practice.status == "published"
    assert practice.cities == ["Lisbon"] and practice.country == "Portugal"
    assert practice.topics == ["Culture, leisure and heritage", "Refugees"]
    assert practice.source == "submission" and practice.submitted_by == USER_ID
    assert practice.published_at and practice.url == "https://example.org/cooking"
    assert [p.id for p in queued] == [practice.id]
    # The alert was queued for the chat that follows the topic (or, if the delivery job
    # already ran, sent).
    rows = svc(bot).outbox.pending()
    alerted = any(ANSWERS["title"] in c.text for c in screens(bot.request.calls, FOLLOWER))
    assert alerted or [(r.chat_id, r.keys) for r in rows] == [(FOLLOWER, [practice.key])]
    results = screens(await bot.send("cooking newcomers lisbon"))[-1]
    assert "Cooking together in Lisboa" in results.text


async def test_welcome_button_starts_the_dialogue(bot: BotHarness) -> None:
    welcome = screens(await bot.send("/start"))[-1]
    calls = await bot.click(welcome, "Submit a practice")
    assert "Step 1 of 12 · Title" in screens(calls)[-1].text


async def test_each_prompt_names_the_field_its_limit_an_example_and_progress(
    bot: BotHarness,
) -> None:
    await bot.send("/submit")
    title = screen(bot)
    assert "Step 1 of 12 · Title" in title.text
    assert "At most 150 characters" in title.text and "Example" in title.text
    assert labels(title) == ["◀️ Back to menu", "✖️ Cancel"]  # required: no Skip
    await bot.send("Cooking together")
    subtitle = screen(bot)
    assert "Step 2 of 12 · Subtitle" in subtitle.text and "Optional" in subtitle.text
    assert labels(subtitle) == ["◀️ Back", "Skip ⏭", "✖️ Cancel"]
    await bot.click(subtitle, "Skip")
    cities = screen(bot)
    assert "Step 3 of 12 · City or cities" in cities.text
    assert "Skip ⏭" not in labels(cities)  # required


async def test_back_on_the_first_step_returns_to_the_main_menu(bot: BotHarness) -> None:
    await bot.send("/submit")
    menu = screens(await bot.click(screen(bot), "Back to menu"))[-1]
    assert "find, follow and share" in menu.text and "✍️ Submit a practice" in labels(menu)
    assert store(bot).draft(USER_ID) is None
    assert "Step" not in screens(await bot.send("roma education"))[-1].text


async def test_back_returns_to_the_previous_step_with_its_answer(bot: BotHarness) -> None:
    prompt = await go_to(bot, "country")
    back = screens(await bot.click(prompt, "Back"))[-1]
    assert "Step 3 of 12 · City or cities" in back.text
    assert "<b>Now:</b> Lisbon" in back.text
    kept = screens(await bot.click(back, "Keep"))[-1]
    assert "Step 4 of 12 · Country" in kept.text
    assert store(bot).draft(USER_ID).answers["cities"] == ["Lisbon"]


async def test_skip_leaves_an_optional_field_empty(bot: BotHarness) -> None:
    preview = await fill_in(bot, rationale=None, impact=None)
    answers = store(bot).draft(USER_ID).answers
    assert "rationale" not in answers and "impact" not in answers
    assert "Stimulus" not in preview.text


async def test_cancel_keeps_the_draft_and_submit_offers_to_continue_it(bot: BotHarness) -> None:
    prompt = await go_to(bot, "period")
    stopped = screens(await bot.click(prompt, "Cancel"))[-1]
    assert "Stopped" in stopped.text and "kept" in stopped.text
    assert not store(bot).draft(USER_ID).active
    searched = screens(await bot.send("roma education"))[-1]
    assert "Step" not in searched.text  # the dialogue is over: plain text searches again
    choice = screens(await bot.send("/submit"))[-1]
    assert "step 5 of 12 (Period)" in choice.text
    assert labels(choice) == ["▶️ Continue", "🔄 Start over"]
    resumed = screens(await bot.click(choice, "Continue"))[-1]
    assert "Step 5 of 12 · Period" in resumed.text


async def test_start_over_begins_with_an_empty_draft(bot: BotHarness) -> None:
    prompt = await go_to(bot, "period")
    await bot.click(prompt, "Cancel")
    choice = screens(await bot.send("/submit"))[-1]
    asked = screens(await bot.click(choice, "Start over"))[-1]
    assert "Delete your draft" in asked.text
    assert store(bot).draft(USER_ID).answers  # nothing deleted before the confirmation
    fresh = screens(await bot.click(asked, "Yes, delete it"))[-1]
    assert "Step 1 of 12 · Title" in fresh.text
    assert store(bot).draft(USER_ID).answers == {}


async def test_start_over_asks_first_and_no_keeps_the_draft(bot: BotHarness) -> None:
    prompt = await go_to(bot, "period")
    await bot.click(prompt, "Cancel")
    choice = screens(await bot.send("/submit"))[-1]
    asked = screens(await bot.click(choice, "Start over"))[-1]
    assert labels(asked) == ["🗑 Yes, delete it and start over", "▶️ No, continue it"]
    resumed = screens(await bot.click(asked, "No, continue"))[-1]
    assert "Step 5 of 12 · Period" in resumed.text
    assert store(bot).draft(USER_ID).answers["title"] == ANSWERS["title"]


async def test_edit_a_field_from_the_preview_then_the_preview_comes_back(
    bot: BotHarness,
) -> None:
    preview = await fill_in(bot)
    fields = screens(await bot.click(preview, "Edit a field"))[-1]
    assert len([b for b in fields.buttons if b["text"][0].isdigit()]) == 12
    prompt = screens(await bot.click(fields, "Period"))[-1]
    assert "Step 5 of 12 · Period" in prompt.text
    assert "Back to preview" in labels(prompt)[0]
    await bot.send("2015-2020")
    again = screen(bot)
    assert "Preview" in again.text and "🗓 2015-2020" in again.text


async def test_too_long_answer_is_refused_with_its_length_and_the_limit(bot: BotHarness) -> None:
    prompt = await go_to(bot, "process")
    refused = screens(await bot.send("x" * 10_000))[-1]
    assert "10,000 characters" in refused.text and "at most 4,000" in refused.text
    assert "Step 9 of 12 · Process" in refused.text
    assert_within_limits(refused)
    assert "process" not in store(bot).draft(USER_ID).answers
    assert prompt.message_id != refused.message_id


async def test_parts_of_a_paste_telegram_cut_up_are_not_taken_as_answers(
    bot: BotHarness,
) -> None:
    await go_to(bot, "purpose")
    now = int(time.time())
    for n, text in enumerate(["a " * 2040, "b " * 2040, "the end of the paste"]):
        message = user_message(500 + n, text, USER_ID, USER_ID)
        message["date"] = now
        calls = await bot.send_message(message)
    assert screens(calls)[-1].text == CONTINUATION
    assert "purpose" not in store(bot).draft(USER_ID).answers
    later = user_message(600, "A real answer, typed after reading.", USER_ID, USER_ID)
    later["date"] = now + 30
    await bot.send_message(later)
    assert store(bot).draft(USER_ID).answers["purpose"].startswith("A real answer")


@pytest.mark.parametrize(
    ("key", "typed", "says"),
    [
        ("title", "!!", "needs at least a few letters"),
        ("cities", "12, 34", "is not a city name"),
        ("period", "last spring", "Give the years it ran"),
        ("purpose", "Help.", "at least a sentence"),
        ("purpose", "🙂" * 22, "needs words"),
        ("process", "👍🏽 " * 12, "needs words"),
        ("impact", "2019-2023: 40 % → 75 % !!!", "needs words"),
        ("subtitle", "🎉🎉🎉", "needs at least a few letters"),
        ("links", "javascript:alert(1)", "Only http:// and https://"),
        ("links", "www.example.org", "needs http:// or https://"),
        ("links", " ".join(f"https://e.org/{n}" for n in range(6)), "at most 5"),
        ("contact", "Ana Silva", "no e-mail address"),
        ("contact", "Ana Silva, ana@@example", "not a valid e-mail"),
        ("topics", "Refugees", "Tick the topics with the buttons"),
    ],
)
async def test_invalid_answer_says_what_is_wrong_and_asks_again(
    bot: BotHarness, key: str, typed: str, says: str
) -> None:
    prompt = await go_to(bot, key)
    refused = screens(await bot.send(typed))[-1]
    assert says in refused.text
    assert refused.text.startswith("⚠️")
    assert prompt.text.split("\n")[0] in refused.text  # the same step is asked again
    assert key not in store(bot).draft(USER_ID).answers


async def test_misspelt_country_offers_suggestions_to_pick(bot: BotHarness) -> None:
    await go_to(bot, "country")
    refused = screens(await bot.send("Portgal"))[-1]
    assert "I don't know the country ‘Portgal’" in refused.text
    assert "Did you mean" in refused.text
    picked = screens(await bot.click(refused, "Portugal"))[-1]
    assert "Step 5 of 12" in picked.text
    assert store(bot).draft(USER_ID).answers["country"] == "Portugal"


async def test_country_in_another_language_is_recognised(bot: BotHarness) -> None:
    await go_to(bot, "country")
    await bot.send("Deutschland")
    assert store(bot).draft(USER_ID).answers["country"] == "Germany"


async def test_topics_are_ticked_one_to_three_with_buttons(bot: BotHarness) -> None:
    prompt = await go_to(bot, "topics")
    empty = screens(await bot.click(prompt, "Done"))[-1]
    assert "Pick at least one topic" in empty.text
    for topic in ("Roma", "Education", "Refugees"):
        await bot.click(screen(bot), topic)
    fourth = screens(await bot.click(screen(bot), "Housing"))[-1]
    assert "At most 3 topics" in fourth.text
    assert "✅ Refugees" in labels(fourth) and "Housing and urban planning" in labels(fourth)
    untick = screens(await bot.click(fourth, "✅ Roma"))[-1]
    assert "Roma" in labels(untick)
    assert store(bot).draft(USER_ID).answers["topics"] == ["Education", "Refugees"]


async def test_contact_consent_is_asked_and_typed_yes_works(bot: BotHarness) -> None:
    await go_to(bot, "contact")
    consent = screens(await bot.send("Ana Silva <ana@example.org>"))[-1]
    assert "Ana Silva, ana@example.org" in consent.text and "published" in consent.text
    await bot.send("maybe")
    assert "Press Yes or No" in screen(bot).text
    await bot.send("no")
    contact = store(bot).draft(USER_ID).answers["contact"]
    assert contact == {"name": "Ana Silva", "email": "ana@example.org", "public": False}
    assert "Preview" in screen(bot).text


async def test_photo_or_sticker_instead_of_text_is_answered_and_the_step_stays(
    bot: BotHarness,
) -> None:
    await go_to(bot, "cities")
    photo = non_text_message("photo")
    refused = screens(await bot.send_message(photo))[-1]
    assert NOT_TEXT in refused.text and "Step 3 of 12" in refused.text
    sticker = non_text_message("sticker", message_id=901)
    assert NOT_TEXT in screens(await bot.send_message(sticker))[-1].text
    await bot.send("Lisboa")
    assert "Step 4 of 12" in screen(bot).text


async def test_search_typed_mid_dialogue_is_answered_and_the_dialogue_goes_on(
    bot: BotHarness,
) -> None:
    await go_to(bot, "cities")
    calls = screens(await bot.send("/search roma education"))
    assert "for ‘roma education’" in calls[0].text
    assert "still open at step 3 of 12 (City or cities)" in calls[-1].text
    await bot.send("Lisboa")
    assert store(bot).draft(USER_ID).answers["cities"] == ["Lisbon"]
    assert "Step 4 of 12" in screen(bot).text


async def test_stale_send_from_an_earlier_preview_sends_nothing(bot: BotHarness) -> None:
    old_preview = await fill_in(bot)
    fields = screens(await bot.click(old_preview, "Edit a field"))[-1]
    await bot.click(fields, "Title")
    await bot.send("Cooking together in Porto")
    new_preview = screen(bot)
    calls = await bot.click(old_preview, "Send")
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "earlier screen" in alert.params["text"]
    assert store(bot).of_user(USER_ID) == []
    assert "Preview" in screen(bot).text and new_preview.message_id != screen(bot).message_id


async def test_button_of_a_closed_dialogue_is_refused(bot: BotHarness) -> None:
    prompt = await go_to(bot, "subtitle")
    await bot.click(prompt, "Cancel")
    calls = await bot.click(prompt, "Skip")
    alert = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "not open any more" in alert.params["text"]
    assert store(bot).draft(USER_ID).step == "subtitle"


async def test_title_like_an_existing_practice_asks_whether_it_is_the_same(
    bot: BotHarness,
) -> None:
    preview = await fill_in(bot, title="Safer Alta Lisboa")
    question = screens(await bot.click(preview, "Send"))[-1]
    assert "very similar title" in question.text and "Safer Alta de Lisboa" in question.text
    sent = await bot.click(question, "No, send mine")
    assert any("Thank you" in c.text for c in screens(sent))
    assert store(bot).of_user(USER_ID)[0].answers["title"] == "Safer Alta Lisboa"


async def test_same_practice_can_be_kept_as_a_draft_unsent(bot: BotHarness) -> None:
    preview = await fill_in(bot, title="Safer Alta de Lisboa")
    question = screens(await bot.click(preview, "Send"))[-1]
    offer = screens(await bot.click(question, "Yes, the same one"))[-1]
    assert "Suggest an update" in offer.text
    calls = await bot.click(offer, "Keep it as a draft")
    assert "Kept as a draft" in screens(calls)[-1].text
    assert store(bot).of_user(USER_ID) == [] and store(bot).draft(USER_ID) is not None
    assert screens(calls, ADMIN_ID) == []


async def test_markup_in_every_field_is_escaped_in_preview_copy_and_published_card(
    bot: BotHarness,
) -> None:
    html = "<b>bold</b> & **stars** _under_ [x](https://evil.example)"
    markup = {key: f"{html} {key} text long enough" for key in ("purpose", "process")}
    sent = await submit(
        bot,
        title=f"{html} Cooking",
        subtitle=f"{html} sub",
        rationale=f"{html} rationale long enough",
        impact=f"{html} impact long enough",
        contact="<i>Ana</i> Silva, ana@example.org",
        **markup,
    )
    copy = screens(sent, ADMIN_ID)[-1]
    preview = next(c for c in bot.request.calls if "Preview" in c.text)
    await bot.click(copy, "Approve", ADMIN_ID)
    card = screens(bot.request.calls)[-1]
    for call in (preview, copy, card):
        assert "<b>bold</b>" not in call.text
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; **stars**" in call.text
    assert "&lt;i&gt;Ana&lt;/i&gt;" in copy.text


async def test_emoji_and_right_to_left_text_are_kept_as_written(bot: BotHarness) -> None:
    title = "מטבח משותף 🍲 مطبخ"
    preview = await fill_in(bot, title=title)
    assert title in preview.text
    assert store(bot).draft(USER_ID).answers["title"] == title


async def test_long_fields_are_kept_whole_and_shown_shortened(bot: BotHarness) -> None:
    process = "Step by step. " * 285  # 3,990 characters
    preview = await fill_in(bot, process=process)
    assert store(bot).draft(USER_ID).answers["process"] == process.strip()
    # The preview is the published card: the process sits behind "Full text", not on it.
    assert "Step by step" not in preview.text and "Full text" in preview.text
    # The full text replaces the preview in place, a part at a time (issue 11: Send stays).
    parts = [screens(await bot.click(preview, "Full text"))[-1]]
    while any("Part" in b["text"] and "▶️" in b["text"] for b in parts[-1].buttons):
        parts.append(screens(await bot.click(parts[-1], "▶️"))[-1])
    assert len(parts) > 1
    body = " ".join(p.text for p in parts)
    assert body.count("Step by step.") == 285
    for part in parts:
        assert_within_limits(part)


async def test_restart_in_the_middle_continues_at_the_same_step(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    database = open_database(path)
    first = BotHarness(database, FakeRequest(), make_settings())
    await first.app.initialize()
    await first.app.job_queue.start()
    await first.send("/submit")
    await answer(first, "title", "Cooking together in Lisboa")
    await answer(first, "subtitle", "Food as a meeting place")
    await answer(first, "cities", "Lisboa, Porto")
    # A crash: the application is never stopped or shut down, so nothing is written on the
    # way out; what the new application finds is what each step wrote.
    await first.app.job_queue.stop(wait=False)
    database.close()
    database = open_database(path)
    try:
        async with running_bot(database) as second:
            await second.send("Portugal")
            assert "Step 5 of 12 · Period" in screen(second).text
            draft = store(second).draft(USER_ID)
            assert draft.answers["subtitle"] == "Food as a meeting place"
            assert draft.answers["cities"] == ["Lisbon", "Porto"]
            assert draft.answers["country"] == "Portugal"
    finally:
        database.close()


async def test_idle_dialogue_pauses_after_the_timeout_and_keeps_the_draft(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(drafts, "IDLE_TIMEOUT", 1.0)
    async with running_bot() as bot:
        await bot.send("/submit")
        await bot.send("Cooking together")
        await asyncio.sleep(2.0)
        paused = screen(bot)
        assert "paused" in paused.text and "step 2 of 12 (Subtitle)" in paused.text
        assert store(bot).draft(USER_ID).answers["title"] == "Cooking together"
        assert "Step" not in screens(await bot.send("roma education"))[-1].text
        resumed = screens(await bot.click(paused, "Continue"))[-1]
        assert "Step 2 of 12 · Subtitle" in resumed.text


async def test_my_submissions_lists_the_draft_and_each_submission_state(
    bot: BotHarness,
) -> None:
    assert "haven't sent a practice" in screens(await bot.send("/mysubmissions"))[-1].text
    await submit(bot)
    await go_to(bot, "period")
    calls = screens(await bot.send("/mysubmissions"))
    listing = next(c for c in calls if "Your submissions" in c.text)
    assert "#1" in listing.text and "waiting for a moderator" in listing.text
    assert "Draft" in listing.text and "step 5 of 12 (Period)" in listing.text


async def test_cancel_command_outside_a_dialogue_says_there_is_nothing_to_cancel(
    bot: BotHarness,
) -> None:
    assert "nothing to cancel" in screens(await bot.send("/cancel"))[-1].text


async def test_text_after_the_draft_was_forgotten_is_a_search_again(bot: BotHarness) -> None:
    await go_to(bot, "cities")
    forget(bot, USER_ID)
    results = screens(await bot.send("roma education"))[-1]
    assert "for ‘roma education’" in results.text
    assert store(bot).draft(USER_ID) is None


async def test_submit_in_a_group_points_to_the_private_chat(bot: BotHarness) -> None:
    calls = await bot.send("/submit", chat_id=-100123)
    reply = screens(calls, -100123)[-1]
    assert "private chat" in reply.text
    assert store(bot).draft(USER_ID) is None


async def test_quick_taps_on_the_same_topics_message_all_count(bot: BotHarness) -> None:
    prompt = await go_to(bot, "topics")
    for topic in ("Roma", "Education", "Refugees"):
        await bot.click(prompt, topic)  # the keyboard as first shown, not yet refreshed
    assert store(bot).draft(USER_ID).answers["topics"] == ["Education", "Refugees", "Roma"]


async def test_typing_on_the_list_of_fields_says_to_use_the_buttons(bot: BotHarness) -> None:
    preview = await fill_in(bot)
    await bot.click(preview, "Edit a field")
    again = screens(await bot.send("the title please"))[-1]
    assert again.text.startswith("⚠️ Use the buttons below")
    assert "Which field" in again.text and "1. Title" in labels(again)
