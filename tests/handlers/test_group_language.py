"""A group chat's language: alerts and answers there follow the group, not one member.

Through a real Application: a French member subscribes a group, a German member subscribes
it too, the group chooses German with /language, and the group is upgraded to a supergroup.
"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from store.db import open_database
from tests.fakes import (
    FRENCH_USER,
    GERMAN_USER,
    USER_ID,
    BotHarness,
    Call,
    FakeRequest,
    make_settings,
    memory_database,
)
from tests.handlers.test_delivery import drain, new_practice, publish, quick

GROUP, SUPERGROUP = -4001, -1004001


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as harness:
        yield quick(harness)


def sent_to(bot: BotHarness, chat_id: int) -> list[Call]:
    return [
        c
        for c in bot.request.calls
        if c.method == "sendMessage" and c.params["chat_id"] == chat_id
    ]


async def alert_in(bot: BotHarness, chat_id: int, pid: str) -> Call:
    before = len(sent_to(bot, chat_id))
    publish(bot, new_practice(pid, country="Switzerland", cities=["Geneva"]))
    await drain(bot)
    alerts = sent_to(bot, chat_id)[before:]
    assert len(alerts) == 1, [c.text for c in alerts]
    return alerts[0]


async def test_a_groups_alerts_are_in_the_language_of_its_first_subscriber(bot) -> None:
    await bot.send("/subscribe topic:roma", user_id=FRENCH_USER, chat_id=GROUP)
    # A German member adds a follow later: the group keeps its language.
    confirmation = (
        await bot.send("/subscribe country:suisse", user_id=GERMAN_USER, chat_id=GROUP)
    )[-1]
    assert "vous suivez le pays <b>Suisse</b>" in confirmation.text
    alert = await alert_in(bot, GROUP, "roma-school-in-geneva")
    assert "Vous suivez : Roms · Suisse" in alert.text
    assert "📍 Genève, Suisse" in alert.text
    # A member's own private alerts stay in their language.
    await bot.send("/subscribe topic:roma", user_id=GERMAN_USER)
    private = await alert_in(bot, GERMAN_USER, "roma-club-in-geneva")
    assert "Sie folgen: Roma" in private.text


async def test_language_typed_in_a_group_sets_the_groups_language(bot) -> None:
    bot.request.administrators[GROUP] = {USER_ID}
    await bot.send("/subscribe topic:roma", user_id=FRENCH_USER, chat_id=GROUP)
    offer = (await bot.send("/language", user_id=USER_ID, chat_id=GROUP))[-1]
    assert "Choisissez la langue que je parle dans ce groupe" in offer.text
    data = offer.button("Deutsch")["callback_data"]
    shown = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "group", "title": "G"}}
    calls = await bot.press(data, user_id=USER_ID, message={**shown, "text": offer.text})
    edit = next(c for c in calls if c.method == "editMessageText")
    assert "in dieser Gruppe auf Deutsch" in edit.text
    alert = await alert_in(bot, GROUP, "roma-school-in-geneva")
    assert "Sie folgen: Roma" in alert.text and "📍 Genf, Schweiz" in alert.text
    # Answers in the group follow it too, whoever asks; a private chat keeps the member's own.
    assert (
        "Ich helfe Ihnen"
        in (await bot.send("/start", user_id=FRENCH_USER, chat_id=GROUP))[-1].text
    )
    assert "Je vous aide" in (await bot.send("/start", user_id=FRENCH_USER))[-1].text


async def test_searches_in_a_group_are_answered_in_the_groups_language(bot) -> None:
    await bot.send("/subscribe topic:roma", user_id=FRENCH_USER, chat_id=GROUP)
    # A German member asks in the French group: everyone there reads the answer in French.
    for text in ("/search roma", "/search xyzzyq"):
        answer = (await bot.send(text, user_id=GERMAN_USER, chat_id=GROUP))[-1]
        assert "Praxisbeispiel" not in answer.text, answer.text
        assert "pratiques pour" in answer.text or "Aucun" in answer.text, answer.text
    # In a private chat the German member keeps German.
    private = (await bot.send("/search roma", user_id=GERMAN_USER))[-1]
    assert "Ergebnis" in private.text or "Praxisbeispiel" in private.text, private.text


async def test_the_groups_language_moves_to_its_supergroup_and_is_no_member(bot) -> None:
    await bot.send("/subscribe topic:roma", user_id=GERMAN_USER, chat_id=GROUP)
    await bot.migrate(GROUP, SUPERGROUP, user_id=GERMAN_USER)
    alert = await alert_in(bot, SUPERGROUP, "roma-school-in-geneva")
    assert "Sie folgen: Roma" in alert.text
    members = bot.app.bot_data["services"].members
    count, _, languages = members.counts("2000-01-01")
    assert count == 1 and languages == {"de": 1}  # the German member only


async def test_the_groups_language_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        await bot.send("/subscribe topic:roma", user_id=FRENCH_USER, chat_id=GROUP)
    bot.app.bot_data["services"].database.close()
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        quick(bot)
        alert = await alert_in(bot, GROUP, "roma-school-in-geneva")
        assert "Vous suivez : Roms" in alert.text
        members = bot.app.bot_data["services"].members
        assert members.counts("2000-01-01")[0] == 1
    bot.app.bot_data["services"].database.close()


async def test_only_the_groups_administrators_choose_its_language(bot) -> None:
    bot.request.administrators[GROUP] = {USER_ID}
    await bot.send("/subscribe topic:roma", user_id=FRENCH_USER, chat_id=GROUP)
    members = bot.app.bot_data["services"].members
    # A member who does not administer the group gets no buttons, and is told where to go.
    refused = (await bot.send("/language", user_id=GERMAN_USER, chat_id=GROUP))[-1]
    assert "administrateurs" in refused.text and "/language" in refused.text
    assert refused.buttons == []
    # An administrator gets them; if they lose the rights before pressing, nothing changes.
    offer = (await bot.send("/language", user_id=USER_ID, chat_id=GROUP))[-1]
    data = offer.button("Deutsch")["callback_data"]
    bot.request.administrators[GROUP] = set()
    shown = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "group", "title": "G"}}
    calls = await bot.press(data, user_id=USER_ID, message={**shown, "text": offer.text})
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert answer.params["show_alert"] and "administrateurs" in answer.params["text"]
    assert not [c for c in calls if c.method == "editMessageText"]
    assert members.chosen(GROUP) == "fr"
    # Telegram was asked about the sender in that group.
    asked = bot.request.of("getChatMember")[-1].params
    assert (int(asked["chat_id"]), int(asked["user_id"])) == (GROUP, USER_ID)


async def test_an_anonymous_administrator_chooses_the_groups_language(bot) -> None:
    from tests.fakes import user_message

    message = user_message(77, "/language", 1087968824, GROUP)  # GroupAnonymousBot
    message["sender_chat"] = {"id": GROUP, "type": "group", "title": "G"}
    offer = (await bot.feed({"message": message}))[-1]
    assert offer.button("Deutsch")
    assert not bot.request.of("getChatMember")


async def test_in_a_private_chat_anyone_chooses_their_own_language(bot) -> None:
    offer = (await bot.send("/language", user_id=GERMAN_USER))[-1]
    calls = await bot.press(offer.button("English")["callback_data"], user_id=GERMAN_USER)
    assert any(c.method == "editMessageText" for c in calls)
    assert bot.app.bot_data["services"].members.chosen(GERMAN_USER) == "en"
    assert not bot.request.of("getChatMember")


async def test_language_says_which_languages_questions_may_be_asked_in(bot) -> None:
    offer = (await bot.send("/language", user_id=FRENCH_USER))[-1]
    assert "italien, espagnol et portugais" in offer.text
    # The language spoken now is ticked.
    assert [b["text"] for b in offer.buttons] == ["English", "Deutsch", "✓ Français"]
