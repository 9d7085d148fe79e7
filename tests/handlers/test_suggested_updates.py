"""A suggested update ("Yes, the same one" → "Send as an update") through a real Application:
approving it applies the member's answers to the published practice and loses nothing they
did not change, and the moderators' copy shows field by field what changes."""

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.models import Practice
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call
from tests.handlers.dialogue import fill_in, running_bot, screens, store, svc
from tests.handlers.test_moderate import copy_of


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with running_bot() as harness:
        yield harness


def bundled(bot: BotHarness, title: str) -> Practice:
    found = [p for p in svc(bot).practices.all(None) if p.title == title]
    assert len(found) == 1
    return found[0]


async def send_update(bot: BotHarness, **answers: Any) -> tuple[Call, list[Call]]:
    """Fill in a draft, say it is the same practice, and send it as an update.

    Returns:
        The "Suggest an update?" screen the member saw, and the calls "Send as an update" made.
    """
    preview = await fill_in(bot, **answers)
    question = screens(await bot.click(preview, "Send"))[-1]
    offer = screens(await bot.click(question, "Yes, the same one"))[-1]
    return offer, await bot.click(offer, "Send as an update")


# The tester's case: "The Welcome App" (Erlangen, "2016 onwards", Refugees · Welcoming and
# social integration, its coe.int page and keywords), sent again in full by a member.
WELCOME_APP = {
    "title": "The Welcome App",
    "subtitle": None,
    "cities": "Erlangen, Nürnberg",
    "country": "Deutschland",
    "period": "2016 - laufend",
    "topics": ["Refugees", "Education"],
    "purpose": "An app that tells newcomers where to find help, in their own language.",
}


async def test_approving_an_update_keeps_the_read_more_page_keywords_and_topics(
    bot: BotHarness,
) -> None:
    before = bundled(bot, "The Welcome App")
    assert before.url and before.keywords and "Welcoming and social integration" in before.topics
    _offer, sent = await send_update(bot, **WELCOME_APP)
    approved = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    after = svc(bot).practices.get(before.id)
    assert after is not None
    assert after.url == before.url  # the programme's page: 📖 Read more still opens it
    assert after.keywords == before.keywords
    assert (after.language, after.source) == (before.language, before.source)
    assert after.published_at == before.published_at
    # Topics and cities are added to the published ones: none of those is lost.
    assert after.topics == ["Refugees", "Welcoming and social integration", "Education"]
    assert after.cities[0] == "Erlangen" and len(after.cities) == 2
    # "2016 - laufend" says what "2016 onwards" says: the published wording stays.
    assert after.period == "2016 onwards"
    assert after.purpose == WELCOME_APP["purpose"]  # an answered field is the member's
    assert svc(bot).catalog.get(before.id) is not None
    card = next(c for c in screens(approved, USER_ID) if "Your update of" in c.text)
    assert card.button("Read more")["url"] == before.url
    assert "its card now shows your changes" in card.text


async def test_a_skipped_field_keeps_its_published_value(bot: BotHarness) -> None:
    before = bundled(bot, "Safer Alta de Lisboa")
    assert before.subtitle
    # The dialogue's answers skip the subtitle, the rationale and the impact.
    _offer, sent = await send_update(bot, title="Safer Alta de Lisboa", subtitle=None)
    await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    after = svc(bot).practices.get(before.id)
    assert after is not None and after.subtitle == before.subtitle
    assert after.title == before.title and after.url == before.url


async def test_a_title_naming_the_same_practice_does_not_rename_it(bot: BotHarness) -> None:
    before = bundled(bot, "Safer Alta de Lisboa")
    _offer, sent = await send_update(bot, title="Safer Alta Lisboa")
    approved = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    after = svc(bot).practices.get(before.id)
    assert after is not None and after.title == "Safer Alta de Lisboa"
    told = next(c for c in screens(approved, USER_ID) if "Your update of" in c.text)
    assert "Your update of “Safer Alta de Lisboa”" in told.text  # named as it is published


async def test_the_copy_lists_each_change_old_struck_and_what_stays(bot: BotHarness) -> None:
    before = bundled(bot, "The Welcome App")
    _offer, sent = await send_update(bot, **WELCOME_APP)
    copy = copy_of(sent)
    assert "Suggested update" in copy.text
    assert "Topics: Refugees · Welcoming and social integration <b>+ Education</b>" in copy.text
    assert "City or cities: Erlangen <b>+ Nuremberg</b>" in copy.text
    assert "Purpose: <s>—</s> → An app that tells newcomers" in copy.text
    stays = next(line for line in copy.text.split("\n") if "Stays as published" in line)
    assert "Title" in stays and "Period" in stays and "Read more" in stays and "keywords" in stays
    assert "Subtitle" not in stays  # the published practice has none: nothing to keep
    # The card is the practice as approving publishes it: its old topic is still on it.
    assert "Welcoming and social integration · Education" in copy.text
    submission = store(bot).get(1)
    assert submission is not None and submission.update_of == before.id


async def test_after_approval_every_copy_still_shows_what_changed(bot: BotHarness) -> None:
    _offer, sent = await send_update(bot, **WELCOME_APP)
    approved = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    marked = next(c for c in screens(approved, ADMIN_ID) if c.method == "editMessageText")
    assert "Approved" in marked.text and "What the approval changed" in marked.text
    assert "Purpose: <s>—</s> → An app that tells newcomers" in marked.text


async def test_the_member_sees_what_the_update_changes_before_sending_it(
    bot: BotHarness,
) -> None:
    offer, _sent = await send_update(bot, **WELCOME_APP)
    assert "Topics: Refugees · Welcoming and social integration <b>+ Education</b>" in offer.text
    assert "Stays as published" in offer.text
    assert "replaces the published one" not in offer.text


async def test_read_in_full_shows_the_update_as_it_will_be_published(bot: BotHarness) -> None:
    _offer, sent = await send_update(bot, **WELCOME_APP)
    calls = await bot.click(copy_of(sent), "Read in full", ADMIN_ID)
    text = "\n".join(c.text for c in screens(calls, ADMIN_ID))
    assert "Welcoming and social integration" in text  # the published topic stays
    assert "coe.int" in text  # the programme's page is the first link
    assert "ana.silva@example.org" in text  # the member's contact, for the moderators


async def test_a_french_moderator_reads_the_changes_in_french(bot: BotHarness) -> None:
    offer = screens(await bot.send("/language", ADMIN_ID), ADMIN_ID)[-1]
    await bot.click(offer, "Français", ADMIN_ID)
    _offer, sent = await send_update(bot, **WELCOME_APP)
    copy = screens(sent, ADMIN_ID)[-1]
    assert "Ce que l’approbation change" in copy.text
    assert " : <s>—</s> → An app that tells newcomers" in copy.text  # French punctuation
    assert "Réfugiés · Accueil" in copy.text  # topic names in the reader's language
    assert "Reste tel que publié" in copy.text and "mots-clés" in copy.text
    assert "What approving it changes" not in copy.text


async def test_the_full_text_of_an_updated_practice_keeps_its_programme_page(
    bot: BotHarness,
) -> None:
    before = bundled(bot, "The Welcome App")
    _offer, sent = await send_update(bot, **WELCOME_APP)
    approved = await bot.click(copy_of(sent), "Approve", ADMIN_ID)
    card = next(c for c in screens(approved, USER_ID) if "Your update of" in c.text)
    parts = screens(await bot.click(card, "Full text"), USER_ID)
    text = "\n".join(c.text for c in parts)
    assert before.url and before.url in text and "https://example.org/cooking" in text
    assert text.index(before.url) < text.index("https://example.org/cooking")


async def test_a_changed_value_is_shown_struck_then_the_new_one(bot: BotHarness) -> None:
    before = bundled(bot, "Safer Alta de Lisboa")
    assert before.period == "2009 - ongoing" and before.purpose
    _offer, sent = await send_update(bot, title="Safer Alta de Lisboa", period="2019 - ongoing")
    copy = copy_of(sent)
    assert "Period: <s>2009 - ongoing</s> → 2019 - ongoing" in copy.text
    assert f"Purpose: <s>{before.purpose[:40]}" in copy.text
    await bot.click(copy, "Approve", ADMIN_ID)
    after = svc(bot).practices.get(before.id)
    assert after is not None and after.period == "2019 - ongoing"
