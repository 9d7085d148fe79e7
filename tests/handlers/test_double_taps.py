"""Toggle-like buttons say what they do (follow or stop, tick or untick) as they were shown:
a second quick press of the same, by then stale, button changes nothing and says so.

Two presses of one button are two callback queries carrying the same data, both from the
message as it was before the first press edited it: `click` on the same recorded message.
"""

from bot.callbacks import FollowToggle, PickTopic
from bot.template import FIELD_KEYS, TOPICS
from tests.fakes import USER_ID, BotHarness, Call
from tests.handlers.dialogue import ANSWERS, answer, running_bot, screen, svc

CARD = "/start p_empowering-roma-students"


def followed(bot: BotHarness) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in svc(bot).subscriptions.for_chat(USER_ID)]


def notes(calls: list[Call]) -> list[str]:
    """Return what the presses were answered (the small notice over the chat)."""
    return [c.params.get("text") or "" for c in calls if c.method == "answerCallbackQuery"]


def edited(calls: list[Call]) -> Call:
    return [c for c in calls if c.method == "editMessageText"][-1]


def label(call: Call, part: str) -> str:
    return str(call.button(part)["text"])


async def card_menu(bot: BotHarness) -> Call:
    card = next(c for c in await bot.send(CARD) if c.method == "sendMessage")
    return [c for c in await bot.click(card, "Follow") if c.method == "sendMessage"][-1]


async def test_double_tap_on_a_card_menu_topic_follows_once(harness: BotHarness) -> None:
    menu = await card_menu(harness)
    first = await harness.click(menu, "Roma")
    second = await harness.click(menu, "Roma")  # the same button, as it was shown
    assert notes(first) == ["🔔 Following: Roma"]
    assert notes(second) == ["Already following: Roma"]
    assert followed(harness) == [("topic", "Roma")]
    assert label(edited(second), "Roma").startswith("✓ ")  # the menu shows what is so


async def test_double_tap_on_a_card_menu_tick_stops_once(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    menu = await card_menu(harness)
    assert label(menu, "Roma").startswith("✓ ")
    first = await harness.click(menu, "Roma")
    second = await harness.click(menu, "Roma")
    assert notes(first) == ["Stopped: Roma"]
    assert notes(second) == ["Already stopped: Roma"]
    assert followed(harness) == []
    assert not label(edited(second), "Roma").startswith("✓ ")


async def test_card_menu_buttons_sent_before_still_toggle(harness: BotHarness) -> None:
    await card_menu(harness)  # the practice is known; an old menu's data names it
    old = FollowToggle(0, "empowering-roma-students").pack()
    assert notes(await harness.press(old)) == ["🔔 Following: Roma"]
    assert notes(await harness.press(old)) == ["Stopped: Roma"]
    assert followed(harness) == []


async def test_double_tap_in_the_topic_picker_follows_once(harness: BotHarness) -> None:
    menu = [c for c in await harness.send("/subscribe") if c.method == "sendMessage"][-1]
    topics = edited(await harness.click(menu, "A topic"))
    first = edited(await harness.click(topics, "Refugees"))
    second = edited(await harness.click(topics, "Refugees"))
    assert "Following: Refugees" in first.text
    assert "Already following: Refugees" in second.text
    assert label(second, "Refugees").startswith("✓ ")
    assert followed(harness) == [("topic", "Refugees")]
    # And the ✓ button, pressed twice, stops once.
    edited(await harness.click(second, "Refugees"))
    again = edited(await harness.click(second, "Refugees"))
    assert "Already stopped: Refugees" in again.text
    assert followed(harness) == []


async def test_double_tap_in_the_country_picker_follows_once(harness: BotHarness) -> None:
    menu = [c for c in await harness.send("/subscribe") if c.method == "sendMessage"][-1]
    countries = edited(await harness.click(menu, "A country"))
    await harness.click(countries, "Portugal")
    second = edited(await harness.click(countries, "Portugal"))
    assert "Already following: Portugal" in second.text
    assert followed(harness) == [("country", "Portugal")]


async def test_picker_buttons_sent_before_still_toggle(harness: BotHarness) -> None:
    old = PickTopic(TOPICS.index("Roma")).pack()
    assert "Following: Roma" in edited(await harness.press(old)).text
    assert "Stopped: Roma" in edited(await harness.press(old)).text
    assert followed(harness) == []


async def test_double_tap_on_a_dialogue_topic_ticks_it_once() -> None:
    async with running_bot() as bot:
        await bot.send("/submit")
        for key in FIELD_KEYS[: FIELD_KEYS.index("topics")]:
            await answer(bot, key, ANSWERS[key])
        topics = screen(bot)
        assert "Step 6 of 12" in topics.text, topics.text
        await bot.click(topics, "Roma")
        await bot.click(topics, "Roma")  # the same button, still valid on the same screen
        assert svc(bot).submissions.draft(USER_ID).answers["topics"] == ["Roma"]
        ticked = screen(bot)
        assert label(ticked, "Roma").startswith("✅ ")
        await bot.click(ticked, "Roma")
        await bot.click(ticked, "Roma")
        assert svc(bot).submissions.draft(USER_ID).answers["topics"] == []


async def test_double_tap_on_a_stop_button_stops_once_and_says_so(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    await harness.send("/subscribe city:oslo")
    listing = [c for c in await harness.send("/subscriptions") if c.method == "sendMessage"][-1]
    first = await harness.click(listing, "1. Roma")
    second = await harness.click(listing, "1. Roma")  # the same, stale, Stop button
    assert notes(first) == ["Stopped: Roma"]
    assert notes(second) == ["That subscription is already stopped."]
    assert followed(harness) == [("city", "Oslo")]  # Oslo, now first in the list, stays
    assert "Roma" not in edited(second).text and "Oslo" in edited(second).text


async def test_double_tap_on_a_suggested_name_follows_once(harness: BotHarness) -> None:
    offer = [c for c in await harness.send("/subscribe topic:qqxzv") if c.text][-1]
    await harness.click(offer, "Roma")
    again = edited(await harness.click(offer, "Roma"))
    assert "You already follow the topic <b>Roma</b>" in again.text
    assert followed(harness) == [("topic", "Roma")]


async def test_a_double_tap_on_a_button_that_sends_a_message_sends_it_once(
    harness: BotHarness,
) -> None:
    services = harness.app.bot_data["services"]
    now = [1_800_000_000.0]
    services.clock = lambda: now[0]
    results = [c for c in await harness.send("anti racism turin") if c.method == "sendMessage"][-1]
    first = await harness.click(results, "1")
    again = await harness.click(results, "1")
    assert [c.method for c in first].count("sendMessage") == 1  # the card
    assert [c.method for c in again] == ["answerCallbackQuery"]  # the double tap: nothing else
    card = [c for c in first if c.method == "sendMessage"][-1]
    menus = [await harness.click(card, "Follow"), await harness.click(card, "Follow")]
    assert [[c.method for c in calls].count("sendMessage") for calls in menus] == [1, 0]
    # Pressed again later, it sends again: only a double tap is held back.
    now[0] += 5
    later = await harness.click(card, "Follow")
    assert [c.method for c in later].count("sendMessage") == 1
