"""Typed skip words, over-long answers and links without a scheme, through a real Application."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.template import FIELD_KEYS
from tests.fakes import FRENCH_USER, USER_ID, BotHarness, Call
from tests.handlers.dialogue import ANSWERS, answer, fill_in, running_bot, screen, screens, store


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


async def go_to(bot: BotHarness, key: str) -> Call:
    """Start /submit and answer every step before `key`; return the prompt of `key`."""
    await bot.send("/submit")
    for earlier in FIELD_KEYS[: FIELD_KEYS.index(key)]:
        await answer(bot, earlier, ANSWERS[earlier])
    return screen(bot)


def draft_answers(bot: BotHarness, user_id: int = USER_ID) -> dict[str, Any]:
    draft = store(bot).draft(user_id)
    assert draft is not None
    return draft.answers


@pytest.mark.parametrize("word", ["skip", "Passer", "überspringen", "saltar", "salta", "pular"])
async def test_a_typed_skip_word_skips_an_optional_step_in_any_language(
    bot: BotHarness, word: str
) -> None:
    await go_to(bot, "subtitle")
    await bot.send(word)
    assert "subtitle" not in draft_answers(bot)
    assert "Step 3 of 12" in screen(bot).text  # on to the cities


@pytest.mark.parametrize("word", ["skip", "passer", "Überspringen"])
async def test_a_typed_skip_word_is_refused_with_the_reason_at_a_required_step(
    bot: BotHarness, word: str
) -> None:
    await bot.send("/submit")
    await bot.send(word)
    shown = screen(bot)
    assert "required" in shown.text and "Step 1 of 12" in shown.text
    assert "title" not in draft_answers(bot)


async def test_a_skip_word_is_refused_in_the_members_language(bot: BotHarness) -> None:
    await bot.send("/submit", FRENCH_USER)
    await bot.send("passer", FRENCH_USER)
    assert "obligatoire" in screen(bot, FRENCH_USER).text
    assert "title" not in draft_answers(bot, FRENCH_USER)


async def test_an_answer_over_the_limit_is_offered_shortened_at_a_sentence_end(
    bot: BotHarness,
) -> None:
    await go_to(bot, "purpose")
    sentence = "Neighbours cook together every week in the district hall. "
    long_text = sentence * 40  # about 2,300 characters, over Purpose's 2,000
    await bot.send(long_text)
    offer = screen(bot)
    assert "purpose" not in draft_answers(bot)
    assert "district hall." in offer.text  # how the shortened text would end
    await bot.click(offer, "Keep it shortened")
    kept = draft_answers(bot)["purpose"]
    assert len(kept) <= 2000 and kept.endswith("district hall.")
    assert long_text.startswith(kept)
    assert "Step 8 of 12" in screen(bot).text


async def test_an_answer_over_the_limit_can_be_sent_again_instead(bot: BotHarness) -> None:
    await go_to(bot, "purpose")
    await bot.send("Too long a text. " * 200)
    assert any("shortened" in b["text"] for b in screen(bot).buttons)
    await bot.send("To bring newcomers and neighbours together around food.")
    assert draft_answers(bot)["purpose"].startswith("To bring newcomers")
    assert "Step 8 of 12" in screen(bot).text


async def test_a_link_without_https_gets_a_button_to_take_the_corrected_form(
    bot: BotHarness,
) -> None:
    await go_to(bot, "links")
    await bot.send("www.lisboa.pt/safer https://example.org/a")
    offer = screen(bot)
    assert "https://www.lisboa.pt/safer" in offer.text
    assert "links" not in draft_answers(bot)
    await bot.click(offer, "corrected")
    assert draft_answers(bot)["links"] == ["https://www.lisboa.pt/safer", "https://example.org/a"]
    assert "Step 12 of 12" in screen(bot).text


async def test_the_topics_step_shows_no_example(bot: BotHarness) -> None:
    prompt = await go_to(bot, "topics")
    assert "Step 6 of 12" in prompt.text
    assert "Example" not in prompt.text


async def test_full_text_replaces_the_preview_in_place_and_keeps_send_in_sight(
    bot: BotHarness,
) -> None:
    preview = await fill_in(bot, process="Step by step. " * 285)
    calls = await bot.click(preview, "Full text")
    assert [c for c in calls if c.method == "sendMessage"] == []  # no message pushes it away
    shown = screens(calls)[-1]
    assert shown.method == "editMessageText" and shown.message_id == preview.message_id
    assert "full text 1/" in shown.text
    labels = [b["text"] for b in shown.buttons]
    assert "📨 Send" in labels and "◀️ Back to preview" in labels
    back = screens(await bot.click(shown, "Back to preview"))[-1]
    assert "Preview" in back.text and back.message_id == preview.message_id
    again = screens(await bot.click(back, "Full text"))[-1]
    sent = await bot.click(again, "Send")
    assert any("Thank you" in c.text for c in screens(sent))


async def test_editing_the_last_answer_into_a_skip_word_does_not_store_it(
    bot: BotHarness,
) -> None:
    await go_to(bot, "subtitle")
    await bot.send("A subtitle worth keeping")
    answered = bot.last_message
    await bot.edit(answered, "skip")
    assert draft_answers(bot)["subtitle"] == "A subtitle worth keeping"
    assert "unchanged" in screen(bot).text


async def test_the_preview_warns_of_a_city_in_another_country() -> None:
    # Turin and Berlin with Italy: Berlin is known to lie in Germany only, so the preview says
    # so (the member fixes it with Edit a field); Turin, in Italy, is not named.
    async with running_bot() as bot:
        preview = await fill_in(bot, cities="Torino, Berlin", country="Italy")
        assert "Berlin lies in Germany, not in Italy" in preview.text
        assert "Turin lies" not in preview.text
    async with running_bot() as bot:
        preview = await fill_in(bot, cities="Lisboa", country="Portugal")
        assert "lies in" not in preview.text
