"""Following, as issue 11 asked it: through real Applications with real updates.

The card's Follow menu marks what is followed and stays; a keyword that matches nothing yet
says so; `/unsubscribe all` asks first; an approved submitter gets one message; /forget says
and does what it deletes; a prompt's answer needs no Telegram reply while it waits (also
across a restart), and a command ends the wait.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.waits import MINUTES
from store.db import Database, open_database
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call
from tests.handlers.dialogue import ANSWERS, published, running_bot, screens, store, submit, svc

T0 = 1_700_000_000.0
OTHER = 2002


def sent(calls: list[Call], chat_id: int = USER_ID) -> list[Call]:
    return [c for c in calls if c.method == "sendMessage" and int(c.params["chat_id"]) == chat_id]


def followed(bot: BotHarness, chat_id: int = USER_ID) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in svc(bot).subscriptions.for_chat(chat_id)]


@asynccontextmanager
async def bot_on(database: Database, now: float) -> AsyncIterator[BotHarness]:
    """Run a bot over this database, its clock stopped at `now`."""
    async with running_bot(database, admin_ids=frozenset({ADMIN_ID})) as harness:
        svc(harness).clock = lambda: now
        yield harness


async def test_card_follow_menu_marks_what_is_followed_and_stays_when_toggled(
    harness: BotHarness,
) -> None:
    await harness.send("/subscribe topic:security")
    card = sent(await harness.send("/start p_safer-alta-de-lisboa"))[0]
    menu = sent(await harness.click(card, "Follow"))[-1]
    labels = [b["text"] for b in menu.buttons]
    assert labels[0] == "✓ 🏷 Security, justice and safety"  # already followed
    assert "🏙 Lisbon" in labels and "✓ 🏙 Lisbon" not in labels
    shown = [c for c in await harness.click(menu, "Lisbon") if c.method == "editMessageText"]
    assert shown and shown[-1].params["message_id"] == menu.message_id  # edited in place
    again = shown[-1]
    assert "✓ 🏙 Lisbon" in [b["text"] for b in again.buttons]
    assert "✓ 🏷 Security, justice and safety" in [b["text"] for b in again.buttons]
    assert ("city", "Lisbon") in followed(harness)
    # Tapping a ✓ stops it, and the menu is still there with every other choice.
    stopped = [c for c in await harness.click(again, "Security") if c.method == "editMessageText"]
    labels = [b["text"] for b in stopped[-1].buttons]
    assert "🏷 Security, justice and safety" in labels and "✓ 🏙 Lisbon" in labels
    assert "🌍 Portugal" in labels
    assert followed(harness) == [("city", "Lisbon")]


async def test_a_keyword_matching_nothing_yet_says_so_and_what_it_will_catch(
    harness: BotHarness,
) -> None:
    phrase = sent(await harness.send("/subscribe participation des jeunes zzyzx"))[-1].text
    assert "you follow the words <b>“participation des jeunes zzyzx”</b>" in phrase
    assert "No published practice matches these words yet" in phrase
    assert "a search for them finds" in phrase
    word = sent(await harness.send("/subscribe zzyzxq"))[-1].text
    assert "you follow the keyword <b>“zzyzxq”</b>" in word
    assert "No published practice matches this keyword yet" in word
    found = sent(await harness.send("/subscribe roma"))[-1].text
    assert "the keyword <b>“roma”</b>" in found and "published practices match today" in found
    french = sent(await harness.send("/language"))[-1]
    await harness.click(french, "Français")
    fr = sent(await harness.send("/subscribe zzyzx jeunesse qqq"))[-1].text
    assert "les mots" in fr and "Aucune pratique publiée ne correspond encore à ces mots" in fr


async def test_unsubscribe_all_asks_first_and_cancel_keeps_everything(
    harness: BotHarness,
) -> None:
    await harness.send("/subscribe topic:roma")
    await harness.send("/subscribe city:oslo")
    ask = sent(await harness.send("/unsubscribe all"))[-1]
    assert "Stop all 2 subscriptions?" in ask.text
    assert len(followed(harness)) == 2
    await harness.click(ask, "Cancel")
    assert len(followed(harness)) == 2
    ask = sent(await harness.send("/unsubscribe tout"))[-1]
    await harness.click(ask, "Yes, stop all")
    assert followed(harness) == []
    assert "You don't follow anything yet" in sent(await harness.send("/unsubscribe all"))[-1].text


async def test_an_approved_submitter_gets_one_message_and_no_alert_for_it() -> None:
    async with running_bot(admin_ids=frozenset({ADMIN_ID})) as bot:
        await bot.send("/subscribe topic:refugees")  # the submitter follows the topic
        await bot.send("/subscribe topic:refugees", user_id=OTHER)
        copy = next(c for c in await submit(bot) if "Submission #" in c.text)
        calls = await bot.click(copy, "Approve", ADMIN_ID)
        told = sent(calls)
        assert len(told) == 1 and "is published" in told[0].text
        assert ANSWERS["title"] in told[0].text
        await svc(bot).deliverer.drain(bot.app.bot)
        alerts = [c for c in bot.request.sent() if "You follow" in c.text]
        assert [int(c.params["chat_id"]) for c in alerts] == [OTHER]


async def test_forget_says_what_goes_and_what_stays_and_does_it() -> None:
    async with running_bot(admin_ids=frozenset({ADMIN_ID})) as bot:
        copy = next(c for c in await submit(bot) if "Submission #" in c.text)
        await bot.click(copy, "Approve", ADMIN_ID)
        await submit(bot, title="A second practice of mine")  # pending
        mine = sent(await bot.send("/mysubmissions"))[-1].text
        assert ANSWERS["title"] in mine and "A second practice" in mine
        ask = sent(await bot.send("/forget"))[-1]
        assert "unpublished" in ask.text or "not published" in ask.text
        assert "stay in the catalogue" in ask.text
        done = [c for c in await bot.click(ask, "Delete everything") if c.text]
        assert "unpublished submissions" in done[-1].text and "linked to no one" in done[-1].text
        assert store(bot).of_user(USER_ID) == []
        listing = sent(await bot.send("/mysubmissions"))[-1].text
        assert ANSWERS["title"] not in listing and "A second practice" not in listing
        practice = published(bot, ANSWERS["title"])
        assert practice is not None and practice.status == "published"
        assert practice.submitted_by is None
        assert svc(bot).catalog.get(practice.key) is not None  # still in the catalogue
        pending = store(bot).get(2)
        assert pending.answers == {} and pending.user_id == 0


async def test_a_city_prompt_takes_the_next_message_without_a_reply(harness: BotHarness) -> None:
    menu = sent(await harness.send("/subscribe"))[-1]
    await harness.click(menu, "A city")
    done = sent(await harness.send("Torino"))[-1]  # typed, not a Telegram reply
    assert "the city <b>Turin</b> (Italy)" in done.text
    assert followed(harness) == [("city", "Turin")]
    # Answered: the next text is a search again.
    assert "🔎 <b>Turin, Italy</b> · 3 practices" in sent(await harness.send("Torino"))[-1].text
    menu = sent(await harness.send("/subscribe"))[-1]
    await harness.click(menu, "Keywords")
    done = sent(await harness.send("anti rumour"))[-1]
    assert "the words <b>“anti rumour”</b>" in done.text


async def test_a_command_ends_the_wait_and_cancel_says_so(harness: BotHarness) -> None:
    menu = sent(await harness.send("/subscribe"))[-1]
    await harness.click(menu, "A city")
    await harness.send("/topics")
    assert "🔎 <b>Oslo, Norway</b> · " in sent(await harness.send("Oslo"))[-1].text
    assert followed(harness) == []
    await harness.click(menu, "Keywords")
    assert "Cancelled" in sent(await harness.send("/cancel"))[-1].text
    assert "for ‘roma’" in sent(await harness.send("roma"))[-1].text
    assert followed(harness) == []


async def test_the_wait_holds_across_a_restart_and_ends_on_time(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    async with bot_on(database, T0) as first:
        menu = sent(await first.send("/subscribe"))[-1]
        await first.click(menu, "A city")
    database.close()
    database = open_database(path)
    async with bot_on(database, T0 + 60) as second:
        done = sent(await second.send("Lisboa"))[-1]
        assert "the city <b>Lisbon</b>" in done.text
        menu = sent(await second.send("/subscribe"))[-1]
        await second.click(menu, "A city")
    database.close()
    database = open_database(path)
    async with bot_on(database, T0 + 60 + MINUTES["follow_city"] * 60 + 1) as third:
        late = sent(await third.send("Oslo"))[-1]
        assert "🔎 <b>Oslo, Norway</b> · " in late.text  # too late: a search
        assert [s.value for s in svc(third).subscriptions.for_chat(USER_ID)] == ["Lisbon"]
    database.close()


async def test_a_deep_link_prompt_also_waits(harness: BotHarness) -> None:
    await harness.send("/start follow_city")
    assert "the city <b>Oslo</b>" in sent(await harness.send("Oslo"))[-1].text


async def test_the_dialogue_button_ends_a_follow_wait() -> None:
    async with running_bot() as bot:
        menu = sent(await bot.send("/subscribe"))[-1]
        await bot.click(menu, "A city")
        await bot.press("sb|start")
        answer = screens(await bot.send("Cooking together"))[-1]
        assert "Cooking together" in answer.text or "Subtitle" in answer.text
        assert followed(bot) == []


@pytest.mark.parametrize(
    ("command", "button", "still"),
    [
        ("/contact", None, "message to the secretariat"),
        ("/subscribe", "A city", "city to follow"),
        ("/subscribe", "Keywords", "words to follow"),
    ],
)
async def test_a_sticker_while_a_question_waits_says_what_is_still_awaited(
    harness: BotHarness, command: str, button: str | None, still: str
) -> None:
    from tests.fakes import non_text_message

    asked = sent(await harness.send(command))[-1]
    if button:
        await harness.click(asked, button)
    told = sent(await harness.send_message(non_text_message("sticker")))[-1]
    assert "only read text" in told.text and still in told.text and "/cancel" in told.text
    # The question is still open: the next text is its answer.
    assert harness.app.bot_data["services"].waits.get(USER_ID) is not None
