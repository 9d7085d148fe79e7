"""A whole moderator session through a real Application, reading every message both the
moderator and the member get: none is a dead end (each offers a next step, a button or a
suggested command, or says its flow is over)."""

import re

from tests.fakes import ADMIN_ID, USER_ID, Call
from tests.handlers.dialogue import fill_in, running_bot, screen, screens, store
from tests.handlers.test_moderate import copy_of

TAG = re.compile(r"<[^>]+>")
COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")
# Words that say a flow is over, in the messages that close one.
OVER = ("Approved</b>", "Rejected</b>", "is published", "No submission is waiting")


def dead_ends(calls: list[Call]) -> list[str]:
    """Return the texts, among the messages sent or edited in one chat, that offer no next
    step: no button, no command, no word that the flow is over, and no "below" pointing at
    the buttons of the message that follows."""
    found = []
    for n, call in enumerate(calls):
        words = TAG.sub("", call.text)  # "</b>" is no command
        if call.buttons or COMMAND.search(words) or any(w in call.text for w in OVER):
            continue
        if "below" in words and n + 1 < len(calls) and calls[n + 1].buttons:
            continue
        found.append(call.text)
    return found


async def test_a_moderator_session_has_no_dead_end() -> None:
    async with running_bot() as bot:
        session: list[Call] = []
        session += await bot.send("/start", ADMIN_ID)
        assert "/pending" in screens(session, ADMIN_ID)[-1].text
        session += await bot.send("/help", ADMIN_ID)
        assert "Reject" in screens(session, ADMIN_ID)[-1].text

        preview = await fill_in(bot)
        sent = await bot.click(preview, "Send")
        session += sent
        session += await bot.send("/pending", ADMIN_ID)
        copy = copy_of(session)
        session += await bot.click(copy, "Read in full", ADMIN_ID)

        session += await bot.click(copy, "Reject", ADMIN_ID)
        asked = screens(session, ADMIN_ID)[-1]
        session += await bot.send("The impact needs figures, please.", ADMIN_ID)
        shown = screens(session, ADMIN_ID)[-1]
        assert "Send" in shown.buttons[0]["text"]
        session += await bot.click(shown, "Send", ADMIN_ID)
        told = screens(session, USER_ID)[-1]
        assert "not accepted" in told.text and asked.text

        session += await bot.click(told, "Reopen")
        session += await bot.click(screen(bot), "Send")
        assert store(bot).get(1).status == "pending"
        resent = [
            c for c in screens(session, ADMIN_ID) if "Sent again after a rejection" in c.text
        ]
        session += await bot.click(resent[-1], "Approve", ADMIN_ID)
        assert store(bot).get(1).status == "approved"
        session += await bot.send("/pending", ADMIN_ID)
        session += await bot.send("/alerts", ADMIN_ID)

        member = [c for c in screens(session, USER_ID)]
        moderator = [c for c in screens(session, ADMIN_ID)]
        assert member and moderator
        assert dead_ends(member) == []
        assert dead_ends(moderator) == []
