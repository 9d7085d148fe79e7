"""`/stats` for moderators (`handlers/stats.py`, `bot/stats.py`, `bot/chart.py`)."""

import pytest

from bot import chart
from bot.models import Subscription
from bot.stats import CHART_HINT, render
from handlers.deps import MODERATORS_ONLY, Services
from handlers.stats import collect
from tests.fakes import ADMIN_ID, BotHarness, user_message

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


async def say(bot: BotHarness, user_id: int, text: str, language: str | None) -> None:
    message = user_message(1, text, user_id, user_id)
    message["from"]["language_code"] = language
    if language is None:
        del message["from"]["language_code"]
    await bot.send_message(message)


async def seed(bot: BotHarness) -> None:
    """Three members in three languages; searches, some repeated, some finding nothing."""
    await say(bot, 501, "/search roma", "fr")
    await say(bot, 501, "roma", "fr")  # the same member, the same day: counted once
    await say(bot, 502, "roma", "de")
    await say(bot, 502, "qwxz zzyzx", "de")
    await say(bot, 503, "qwxz zzyzx", None)
    await say(bot, 503, "qwxz zzyzx", None)
    subs = follow_state(bot).subscriptions
    subs.add(Subscription(501, 501, "topic", "Roma"), limit=50)
    subs.add(Subscription(502, 502, "city", "Lisbon"), limit=50)
    subs.add(Subscription(502, 502, "topic", "Education"), limit=50)


def follow_state(bot: BotHarness) -> Services:
    return bot.app.bot_data["services"]


async def stats_text(bot: BotHarness, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(chart, "available", lambda: False)
    calls = await bot.send("/stats", user_id=ADMIN_ID)
    return "\n".join(c.text for c in calls if c.method == "sendMessage")


async def test_stats_shows_the_figures_of_a_seeded_store(harness: BotHarness, monkeypatch):
    await seed(harness)
    text = await stats_text(harness, monkeypatch)
    assert "By status: Published 75" in text
    assert "Spain 13" in text and "Anti-discrimination and equality 13" in text
    # The moderator counts as a member too (English, as the fake's users are).
    assert "Members: 4 (4 active in the last 30 days)" in text
    assert (
        "By language: " in text
        and "French 1" in text
        and "German 1" in text
        and "unknown 1" in text
    )
    assert "Subscriptions by kind: Topics 2, Cities 1" in text
    assert "Most frequent, 30 days: qwxz zzyzx 2, roma 2" in text
    assert "Found nothing, 30 days: qwxz zzyzx 2" in text
    assert "Submissions: started 0, sent 0" in text
    assert CHART_HINT in text


async def test_stats_counts_alerts_of_the_week_and_submissions(harness: BotHarness, monkeypatch):
    svc = harness.app.bot_data["services"]
    state = follow_state(harness)
    from bot.alerts import FAILED, SENT, OutboxRow

    rows = [OutboxRow(600 + n, ["p"], ["Roma"]) for n in range(4)]
    state.outbox.queue(rows)
    state.outbox.mark(rows[0].id, SENT)
    state.outbox.mark(rows[1].id, SENT)
    state.outbox.mark(rows[2].id, FAILED, "boom")
    figures = collect(svc)
    assert figures.alerts_week == {"sent": 2, "failed": 1, "dropped": 0, "pending": 1}
    assert "Alerts, last 7 days: sent 2, failed 1; pending now 1" in await stats_text(
        harness, monkeypatch
    )


def test_names_are_escaped_and_cut_in_the_report(harness: BotHarness):
    figures = collect(harness.app.bot_data["services"])
    figures.practices_by_country = [("Atlantis & <Lemuria>", 1)]
    figures.top_queries = [("x" * 500, 3)]
    text = "\n".join(render(figures))
    assert "Atlantis &amp; &lt;Lemuria&gt; 1" in text
    assert f"{'x' * 60} 3" in text and "x" * 61 not in text


async def test_stats_is_refused_to_members(harness: BotHarness):
    calls = await harness.send("/stats", user_id=501)
    assert [c.text for c in calls] == [MODERATORS_ONLY]


async def test_stats_sends_a_png_chart_with_the_charts_extra(harness: BotHarness):
    pytest.importorskip("matplotlib")
    await seed(harness)
    calls = await harness.send("/stats", user_id=ADMIN_ID)
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.params["files"]["photo"].startswith(PNG_SIGNATURE)
    assert not any(CHART_HINT in c.text for c in calls)
