"""Dates and numbers in each reader's locale (Babel), English included, through a real
Application: a moderator's copy of a submission says when it was sent in the moderator's
format, and /stats writes its figures with the moderator's digit grouping."""

import re

from tests.fakes import ADMIN_ID, FRENCH_USER, GERMAN_USER, BotHarness
from tests.handlers.dialogue import running_bot, screens
from tests.handlers.test_delivery import drain, my_chat_member, new_practice, publish
from tests.handlers.test_languages_dialogue import press_action, walk_to_preview

# In the default TIMEZONE, Europe/Paris (Strasbourg), named after the time.
ENGLISH_DATE = re.compile(r"sent [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\u202f[AP]M CES?T")
FRENCH_DATE = re.compile(r"envoyée le \d{1,2} [a-zéû]+\.? \d{4}, \d\d:\d\d CES?T")


async def test_each_moderator_reads_the_sent_time_in_their_own_format() -> None:
    moderators = frozenset({ADMIN_ID, FRENCH_USER})
    async with running_bot(admin_ids=moderators) as bot:
        await bot.send("/start", user_id=FRENCH_USER)
        await bot.send("/start", user_id=ADMIN_ID)
        await walk_to_preview(bot, GERMAN_USER)
        sent = await press_action(bot, GERMAN_USER, "send")
        english = screens(sent, ADMIN_ID)[-1].text
        french = screens(sent, FRENCH_USER)[-1].text
        assert ENGLISH_DATE.search(english), english
        assert FRENCH_DATE.search(french), french


async def test_times_are_shown_in_the_configured_time_zone() -> None:
    async with running_bot(timezone="America/New_York") as bot:
        await bot.send("/start", user_id=ADMIN_ID)
        await walk_to_preview(bot, GERMAN_USER)
        sent = await press_action(bot, GERMAN_USER, "send")
        english = screens(sent, ADMIN_ID)[-1].text
        assert re.search(r"\d\u202f[AP]M E[SD]T", english), english
        assert "UTC" not in english


async def test_stats_group_digits_in_the_moderators_language(harness: BotHarness) -> None:
    members = harness.app.bot_data["services"].members
    for user_id in range(10_000, 11_233):
        members.seen(user_id, "en")
    offer = (await harness.send("/language", user_id=ADMIN_ID))[-1]
    await harness.click(offer, "Deutsch", user_id=ADMIN_ID)
    german = "\n".join(c.text for c in await harness.send("/stats", user_id=ADMIN_ID))
    assert "Mitglieder: 1.234 " in german and "Englisch 1.234" in german
    offer = (await harness.send("/language", user_id=ADMIN_ID))[-1]
    await harness.click(offer, "English", user_id=ADMIN_ID)
    english = "\n".join(c.text for c in await harness.send("/stats", user_id=ADMIN_ID))
    assert "Members: 1,234 " in english and "English 1,234" in english
    weeks = english.split("Per week (from Monday): ")[1].split("\n")[0]
    assert re.fullmatch(r"([A-Z][a-z]{2} \d{1,2} \d+, )*[A-Z][a-z]{2} \d{1,2} \d+", weeks), weeks


async def test_alerts_report_gives_the_bots_own_reasons_in_the_moderators_language(
    harness: BotHarness,
) -> None:
    await harness.send("/subscribe topic:roma", user_id=71)
    await harness.feed({"my_chat_member": my_chat_member(71, "member", "kicked")})
    publish(harness, new_practice("roma-after-the-block"))
    await drain(harness)
    offer = (await harness.send("/language", user_id=ADMIN_ID))[-1]
    await harness.click(offer, "Français", user_id=ADMIN_ID)
    report = (await harness.send("/alerts", user_id=ADMIN_ID))[-1].text
    assert "• 71: l’utilisateur a bloqué le bot" in report
    assert "blocked the bot" not in report
