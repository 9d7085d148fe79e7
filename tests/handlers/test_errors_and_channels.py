"""The apology after a failed button press, and channel posts, through a real Application."""

import pytest

from handlers import browse
from handlers.errors import APOLOGY
from tests.fakes import USER_ID, BotHarness, Failure, FakeRequest, make_settings, memory_database

CHANNEL = -1001777


async def test_apology_after_an_answered_button_goes_to_the_chat(harness: BotHarness) -> None:
    # The button is answered at once, then sending the page fails: the second answer is
    # refused as too old, so the apology must reach the chat instead.
    harness.request.fail(USER_ID, Failure(400, "Bad Request: can't parse entities", times=1))
    calls = await harness.press("browse|latest")
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert len(answers) == 1 and not answers[0].params.get("text")
    assert [c.text for c in harness.request.sent(USER_ID)] == [APOLOGY]


async def test_apology_for_an_unanswered_button_is_the_buttons_alert(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(update: object, context: object) -> None:
        raise RuntimeError("a fault before the button is answered")

    monkeypatch.setattr(browse, "on_browse", broken)
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as bot:
        calls = await bot.press("browse|latest")
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["text"] == APOLOGY
    assert not [c for c in calls if c.method == "sendMessage"]


@pytest.mark.parametrize("text", ["/submit", "/start", "/search roma", "refugees", "/cancel"])
async def test_channel_posts_get_no_answer(harness: BotHarness, text: str) -> None:
    assert await harness.channel_post(text, CHANNEL) == []
    assert await harness.channel_post(text, CHANNEL, edited=True) == []


async def test_a_member_who_blocked_the_bot_gets_no_apology_and_no_error_is_logged(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = Failure(403, "Forbidden: bot was blocked by the user", times=2)
    harness.request.fail(USER_ID, blocked)
    with caplog.at_level("INFO"):
        await harness.send("roma")
    assert blocked.times == 1  # the answer was tried once; no apology was tried after it
    assert harness.request.sent(USER_ID) == []
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")]
    assert any("not answered" in r.getMessage() for r in caplog.records)
