"""/help, a first visit by a shared link, and /contact: through real Applications.

`/contact`: the member's message is stored, every moderator gets it with the member's name
(escaped) and a Reply button; the first reply reaches the member and every copy then says
who replied; a member sends at most `PER_HOUR` messages an hour, also across a restart.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.contact import PER_HOUR
from handlers import COMMANDS
from store.db import Database, open_database
from tests.fakes import ADMIN_ID, BOT_USERNAME, USER_ID, BotHarness, Call
from tests.handlers.dialogue import running_bot, svc

OTHER_ADMIN = 9002
T0 = 1_700_000_000.0


def sent(calls: list[Call], chat_id: int = USER_ID) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


def edits(calls: list[Call], chat_id: int) -> list[Call]:
    kinds = ("editMessageText",)
    return [c for c in calls if c.method in kinds and int(c.params["chat_id"]) == chat_id]


@asynccontextmanager
async def moderated(
    database: Database | None = None, now: float = T0
) -> AsyncIterator[BotHarness]:
    async with running_bot(database, admin_ids=frozenset({ADMIN_ID, OTHER_ADMIN})) as bot:
        svc(bot).clock = lambda: now
        yield bot


async def test_help_covers_everything_in_sections_with_buttons(harness: BotHarness) -> None:
    help_message = sent(await harness.send("/help"))[-1]
    for command in (
        "/search", "/topics", "/countries", "/latest", "/subscribe", "/subscriptions",
        "/unsubscribe", "/submit", "/mysubmissions", "/forget", "/language", "/contact",
    ):  # fmt: skip
        assert command in help_message.text, command
    assert f"@{BOT_USERNAME}" in help_message.text
    labels = [b["text"] for b in help_message.buttons]
    for label in ("How to search", "Topics", "Countries", "Latest", "Follow", "Submit", "Contact"):
        assert any(label in shown for shown in labels), label
    french = sent(await harness.send("/language"))[-1]
    await harness.click(french, "Français")
    assert "Ce que je sais faire" in sent(await harness.send("/help"))[-1].text


def test_contact_is_in_the_command_menu() -> None:
    assert "contact" in [command.command for command in COMMANDS]


async def test_a_first_visit_by_a_shared_link_says_what_the_bot_is(harness: BotHarness) -> None:
    first = sent(await harness.send("/start p_safer-alta-de-lisboa"))
    assert len(first) == 1
    assert "Intercultural Cities practice bot" in first[0].text
    labels = [b["text"] for b in first[0].buttons]
    assert any("Topics" in label for label in labels)  # the welcome's menu
    assert any("Follow" in label for label in labels)
    # Every label says what it does: no two buttons read the same.
    assert len(labels) == len(set(labels)), labels
    again = sent(await harness.send("/start p_safer-alta-de-lisboa"))
    assert "Intercultural Cities practice bot" not in again[0].text  # once only
    # Someone who wrote before (a search) is no first visitor.
    await harness.send("roma education", user_id=5005)
    card = sent(await harness.send("/start p_safer-alta-de-lisboa", user_id=5005), 5005)
    assert len(card) == 1 and "Intercultural Cities practice bot" not in card[0].text


async def write(bot: BotHarness, text: str, user_id: int = USER_ID) -> list[Call]:
    prompt = sent(await bot.send("/contact", user_id=user_id), user_id)[-1]
    assert "Write to the programme" in prompt.text or "You sent" in prompt.text
    return await bot.send(text, user_id=user_id)


def member_named(bot: BotHarness, name: str) -> None:
    """Make the test user's Telegram name `name` (the fake builds it from the id)."""
    import tests.fakes as fakes

    original = fakes.user

    def named(user_id: int) -> dict[str, Any]:
        data = original(user_id)
        return {**data, "first_name": name} if user_id == USER_ID else data

    fakes.user = named  # restored by the fixture below


@pytest.fixture(autouse=True)
def _restore_user() -> Any:
    import tests.fakes as fakes

    original = fakes.user
    yield
    fakes.user = original


async def test_contact_reaches_every_moderator_and_one_reply_comes_back() -> None:
    async with moderated() as bot:
        calls = await write(bot, "Is there <b>money</b> for this?")
        assert "Sent to the secretariat" in sent(calls)[-1].text
        stored = svc(bot).contacts.get(1)
        assert stored is not None and stored.text == "Is there <b>money</b> for this?"
        copies = {admin: sent(calls, admin)[-1] for admin in (ADMIN_ID, OTHER_ADMIN)}
        for copy in copies.values():
            assert "Is there &lt;b&gt;money&lt;/b&gt; for this?" in copy.text
            assert "User1001" in copy.text and copy.button("Reply")
        prompt = sent(await bot.click(copies[ADMIN_ID], "Reply", ADMIN_ID), ADMIN_ID)[-1]
        assert "Type your reply" in prompt.text
        calls = await bot.send("Yes: see the 2027 call.", ADMIN_ID)
        to_member = sent(calls)[-1]
        assert "Reply from the secretariat" in to_member.text
        assert "Yes: see the 2027 call." in to_member.text and "/contact" in to_member.text
        assert "was sent" in sent(calls, ADMIN_ID)[-1].text
        for admin in (ADMIN_ID, OTHER_ADMIN):
            [updated] = edits(calls, admin)
            assert "Answered by User9001" in updated.text and not updated.buttons
        # The other moderator's Reply is refused: no second reply goes out.
        late = await bot.click(copies[OTHER_ADMIN], "Reply", OTHER_ADMIN)
        answer = next(c for c in late if c.method == "answerCallbackQuery")
        assert "already replied" in answer.params["text"]
        after = await bot.send("Me too!", OTHER_ADMIN)
        assert sent(after) == [] and svc(bot).contacts.get(1).reply == "Yes: see the 2027 call."


async def test_the_member_name_is_escaped_on_the_copies() -> None:
    async with moderated() as bot:
        member_named(bot, "<i>Eve</i> & co")
        calls = await write(bot, "hello")
        copy = sent(calls, ADMIN_ID)[-1]
        assert "&lt;i&gt;Eve&lt;/i&gt; &amp; co" in copy.text and "<i>Eve" not in copy.text


async def test_suggest_a_correction_attaches_the_practice() -> None:
    async with moderated() as bot:
        card = sent(await bot.send("/start p_safer-alta-de-lisboa"))[-1]
        prompt = sent(await bot.click(card, "Suggest a correction"))[-1]
        assert "Suggest a correction to" in prompt.text
        calls = await bot.send("The year is wrong: it started in 2015.")
        copy = sent(calls, ADMIN_ID)[-1]
        assert "About the practice:" in copy.text and "Alta de Lisboa" in copy.text
        assert svc(bot).contacts.get(1).practice_key == "safer-alta-de-lisboa"


async def test_cancel_sends_nothing() -> None:
    async with moderated() as bot:
        prompt = sent(await bot.send("/contact"))[-1]
        done = await bot.click(prompt, "Cancel")
        assert "nothing was sent" in edits(done, USER_ID)[-1].text
        assert "for ‘roma education’" in sent(await bot.send("roma education"))[-1].text
        assert svc(bot).contacts.get(1) is None
        # Cancel under a prompt already answered says so; it never claims nothing was sent.
        prompt = sent(await bot.send("/contact"))[-1]
        await bot.send("A real question.")
        late = await bot.click(prompt, "Cancel")
        alert = next(c for c in late if c.method == "answerCallbackQuery")
        assert "already sent" in alert.params["text"] and not edits(late, USER_ID)
        assert svc(bot).contacts.get(1) is not None


async def test_a_command_ends_the_wait_for_the_message() -> None:
    async with moderated() as bot:
        await bot.send("/contact")
        await bot.send("/topics")
        assert "for ‘roma education’" in sent(await bot.send("roma education"))[-1].text
        assert svc(bot).contacts.get(1) is None and sent(bot.request.calls, ADMIN_ID) == []


async def test_a_member_sends_a_few_messages_an_hour_also_across_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    async with moderated(database) as bot:
        for n in range(PER_HOUR):
            assert "Sent to the secretariat" in sent(await write(bot, f"question {n}"))[-1].text
    database.close()
    database = open_database(path)
    async with moderated(database, T0 + 600) as bot:
        refused = sent(await bot.send("/contact"))[-1]
        assert f"You sent {PER_HOUR} messages" in refused.text and "50 minutes" in refused.text
        assert sent(await bot.send("one more"), ADMIN_ID) == []  # no wait was opened
    database.close()
    database = open_database(path)
    async with moderated(database, T0 + 3601) as bot:
        assert "Sent to the secretariat" in sent(await write(bot, "next hour"))[-1].text
    database.close()


async def test_forget_deletes_contact_messages() -> None:
    async with moderated() as bot:
        await write(bot, "my private question")
        ask = sent(await bot.send("/forget"))[-1]
        assert "messages to the secretariat" in ask.text
        calls = await bot.click(ask, "Delete everything")
        [erased] = edits(calls, ADMIN_ID)
        assert "deleted by its author" in erased.text and "private question" not in erased.text
        stored = svc(bot).contacts.get(1)
        assert stored is not None and stored.text == "" and stored.user_id == 0
        assert stored.user_name == ""
        copy = next(c for c in bot.request.sent(ADMIN_ID) if c.buttons)
        answer = await bot.click(copy, "Reply", ADMIN_ID)
        alert = next(c for c in answer if c.method == "answerCallbackQuery")
        assert "no longer kept" in alert.params["text"]


async def test_contact_in_a_group_opens_the_private_chat(harness: BotHarness) -> None:
    reply = sent(await harness.send("/contact", chat_id=-500), -500)[-1]
    assert "start=contact" in reply.text
