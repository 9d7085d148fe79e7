"""`/forget`: everything the bot keeps about a user is deleted after a confirmation."""

import pytest

from bot.alerts import PENDING
from bot.models import Practice
from tests.fakes import USER_ID, BotHarness

OTHER = 3003


def new_practice() -> Practice:
    return Practice(id="forget-me-roma", title="Forget me", country="Spain", topics=["Roma"])


async def test_forget_deletes_subscriptions_and_pending_alerts_after_confirmation(
    harness: BotHarness,
) -> None:
    services = harness.app.bot_data["services"]
    follow = services
    await harness.send("/subscribe topic:roma")
    await harness.send("/subscribe city:oslo")
    await harness.send("/subscribe topic:roma", user_id=OTHER)
    services.publisher.publish([new_practice()])
    services.members.choose(USER_ID, "en")  # the member's entry, deleted by its own step

    ask = (await harness.send("/forget"))[-1]
    assert "Delete everything" in ask.text and follow.subscriptions.for_chat(USER_ID)
    done = (await harness.tap(ask, "Delete everything"))[-1]
    assert done.method == "editMessageText" and "I deleted your subscriptions" in done.text

    assert follow.subscriptions.for_chat(USER_ID) == []
    assert [s.chat_id for s in follow.subscriptions.active()] == [OTHER]
    rows = services.database.table("outbox").all()
    assert [(r["chat_id"], r["status"]) for r in rows] == [(OTHER, PENDING)]
    assert services.members.chosen(USER_ID) is None

    await follow.deliverer.drain(harness.app.bot)
    assert [c.params["chat_id"] for c in harness.request.sent() if "You follow" in c.text] == [
        OTHER
    ]


async def test_cancel_keeps_everything(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    ask = (await harness.send("/forget"))[-1]
    kept = (await harness.tap(ask, "Cancel"))[-1]
    assert "Cancelled: nothing was deleted" in kept.text
    follow = harness.app.bot_data["services"]
    assert len(follow.subscriptions.for_chat(USER_ID)) == 1


async def test_forget_in_a_group_points_to_the_private_chat(harness: BotHarness) -> None:
    reply = (await harness.send("/forget", chat_id=-77))[-1]
    assert "private chat" in reply.text and not reply.buttons


async def test_a_failing_step_does_not_stop_the_others(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = harness.app.bot_data["services"]

    def broken(user_id: int) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.outbox, "delete_chat", broken)
    await harness.send("/subscribe topic:roma")
    services.members.choose(USER_ID, "en")
    ask = (await harness.send("/forget"))[-1]
    done = (await harness.tap(ask, "Delete everything"))[-1]
    assert "could not be deleted" in done.text
    assert services.subscriptions.for_chat(USER_ID) == []  # the step before
    assert services.members.chosen(USER_ID) is None  # and the steps after
