"""One name per place on every screen, in the reader's language, through a real Application.

The catalogue spells Geneva two ways ("Geneva", "Genève"); a new practice comes in a third
("Ginevra", "Svizzera"). An English, a French and a German member each walk every screen
that names a place (/countries and its city picker, results, cards, the Follow menu, the
follow confirmation, the subscriptions list, an alert, inline mode, the dialogue's preview
and the moderator's copy and /stats), and each reads one name for the city and one for the
country, their language's, and the other forms still find the place.
"""

import re

from bot.callbacks import Country, FollowPractice
from bot.models import Practice, practice_key
from tests.fakes import ADMIN_ID, FRENCH_USER, GERMAN_USER, USER_ID, BotHarness, Call
from tests.handlers.dialogue import running_bot, screens
from tests.handlers.test_languages_dialogue import press_action, walk_to_preview

CITY_FORMS = ("Geneva", "Genève", "Genf", "Ginevra")
COUNTRY_FORMS = ("Switzerland", "Suisse", "Schweiz", "Svizzera")
READERS = {
    USER_ID: ("Geneva", "Switzerland"),
    FRENCH_USER: ("Genève", "Suisse"),
    GERMAN_USER: ("Genf", "Schweiz"),
}
GENEVA_PRACTICES = (
    "evaluation-of-the-city-of-geneva-s-diversity-policy-for-the-period-2016-2020",
    "geneve-s-attaque-aux-mots-qui-blessent",
)


def shown(calls: list[Call]) -> list[str]:
    """Return every text and button label the member was shown, links and titles left out.

    Titles and links are the practice's own words ("… city of Geneva …"), not place names.
    """
    out = []
    for call in calls:
        if call.method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            text = call.params.get("text") or ""
            text = re.sub(r"<a [^>]*>.*?</a>", "", text)  # titles link to their cards
            # A results header echoes the query as typed (rewording it is not this test's).
            text = re.sub(r"[«‘„“](.*?)[»’“”]", "", text)
            out.append(text)
        out += [button["text"] for button in call.buttons]
        if call.method == "answerInlineQuery":
            out += [r.get("description", "") for r in call.params["results"]]
    return out


def forms(texts: list[str], candidates: tuple[str, ...]) -> set[str]:
    return {form for text in texts for form in candidates if re.search(rf"\b{form}\b", text)}


def assert_one_name(calls: list[Call], user_id: int) -> None:
    """Assert the city and the country appear, each only in the reader's form."""
    city, country = READERS[user_id]
    texts = shown(calls)
    assert forms(texts, CITY_FORMS) == {city}, [t for t in texts if forms([t], CITY_FORMS)]
    assert forms(texts, COUNTRY_FORMS) == {country}, [
        t for t in texts if forms([t], COUNTRY_FORMS)
    ]


async def test_every_screen_names_geneva_one_way_in_each_language(harness: BotHarness) -> None:
    for user_id, (city, country) in READERS.items():
        calls = await harness.send("/countries", user_id=user_id)
        calls += await harness.press(Country("Switzerland").pack(), user_id=user_id)
        picker = calls[-1]
        assert picker.button(f"{city} (2)"), "Geneva and Genève are one city"
        calls += await harness.click(picker, f"{city} (2)", user_id=user_id)
        results = [c for c in calls if c.method in ("sendMessage", "editMessageText")][-1]
        assert results.text.count(f"{city}, {country}") == 2, results.text
        for practice_id in GENEVA_PRACTICES:
            key = practice_key(practice_id)
            card = await harness.send(f"/start p_{key}", user_id=user_id)
            assert f"📍 {city}, {country}" in card[-1].text
            calls += card
            menu = await harness.press(FollowPractice(key).pack(), user_id=user_id)
            calls += menu
        follow_menu = [c for c in calls if c.method == "sendMessage"][-1]
        calls += await harness.click(follow_menu, f"🏙 {city}", user_id=user_id)
        calls += await harness.send("/subscriptions", user_id=user_id)
        assert f"🏙 {city}" in calls[-1].text
        calls += await harness.inline("attaque aux mots", user_id=user_id)
        assert_one_name(calls, user_id)


async def test_an_alert_for_a_practice_written_in_italian_uses_the_readers_names(
    harness: BotHarness,
) -> None:
    for user_id in READERS:
        await harness.send("/subscribe city:Genève", user_id=user_id)
    practice = Practice(
        id="scuola-di-lingue-a-ginevra",
        title="Scuola di lingue",
        country="Svizzera",
        cities=["Ginevra"],
        topics=["Education"],
        purpose="Corsi di lingua per tutti.",
        url="https://example.org/ginevra",
    )
    svc = harness.app.bot_data["services"]
    before = len(harness.request.calls)
    svc.publisher.publish([practice], alerts=True)
    await svc.deliverer.drain(harness.app.bot)
    for user_id, (city, country) in READERS.items():
        alert = [
            c
            for c in harness.request.calls[before:]
            if c.method == "sendMessage" and int(c.params["chat_id"]) == user_id
        ]
        assert len(alert) == 1
        assert f"📍 {city}, {country}" in alert[0].text
        assert_one_name(alert, user_id)


async def test_other_forms_of_the_name_still_find_the_place(harness: BotHarness) -> None:
    for typed in ("Geneva", "Genève", "Genf", "Ginevra", "ville:Genf", "city:Ginebra"):
        calls = await harness.send(typed, user_id=FRENCH_USER)
        page = next(c for c in calls if c.method == "sendMessage")
        assert page.text.count("Genève, Suisse") == 2, (typed, page.text)


async def test_the_dialogue_preview_and_the_moderator_copy_name_the_place_once() -> None:
    """A German member writes "Lisboa"; the German preview says Lissabon, the French
    moderator's copy Lisbonne, and the moderator's /stats names countries in French."""
    async with running_bot(admin_ids=frozenset({FRENCH_USER})) as bot:
        await bot.send("/start", user_id=FRENCH_USER)
        calls = await walk_to_preview(bot, GERMAN_USER)
        preview = screens(calls, GERMAN_USER)[-1]
        assert "Lissabon, Portugal" in preview.text
        assert "Lisboa" not in re.sub(r"<a [^>]*>.*?</a>", "", preview.text)
        sent = await press_action(bot, GERMAN_USER, "send")
        copy = screens(sent, FRENCH_USER)[-1]
        assert "Lisbonne, Portugal" in copy.text
        stats = "\n".join(c.text for c in await bot.send("/stats", user_id=FRENCH_USER))
        assert "Suisse 4" in stats and "Espagne 13" in stats and "Switzerland" not in stats


async def test_stats_for_an_english_moderator_use_everyday_names(harness: BotHarness) -> None:
    stats = "\n".join(c.text for c in await harness.send("/stats", user_id=ADMIN_ID))
    assert "South Korea 2" in stats and "Republic of Korea" not in stats


async def test_a_city_without_practices_is_named_in_the_readers_language(
    harness: BotHarness,
) -> None:
    for user_id, city in ((GERMAN_USER, "München"), (FRENCH_USER, "Munich"), (USER_ID, "Munich")):
        for typed in ("Munich", "stadt:münchen", "ville:munchen"):
            calls = await harness.send(typed, user_id=user_id)
            texts = shown(calls)
            assert any(f"🔔 {city}" in t or f"{city} " in t for t in texts), texts
            assert forms(texts, ("Munich", "München")) == {city}, texts


async def test_a_digest_names_every_place_one_way(harness: BotHarness) -> None:
    for user_id in READERS:
        await harness.send("/subscribe country:Schweiz", user_id=user_id)
    spellings = ["Geneva", "Genève", "Genf", "Ginevra", "Ginebra", "Genebra"]
    practices = [
        Practice(
            id=f"geneva-digest-{n}",
            title=f"Digest practice {n}",
            country=country,
            cities=[city],
            topics=["Education"],
            purpose="A practice for the digest.",
            url=f"https://example.org/digest-{n}",
        )
        for n, (city, country) in enumerate(zip(spellings, COUNTRY_FORMS * 2, strict=False))
    ]
    svc = harness.app.bot_data["services"]
    before = len(harness.request.calls)
    svc.publisher.publish(practices, alerts=True)
    await svc.deliverer.drain(harness.app.bot)
    for user_id, (city, country) in READERS.items():
        [digest] = [
            c
            for c in harness.request.calls[before:]
            if c.method == "sendMessage" and int(c.params["chat_id"]) == user_id
        ]
        assert digest.text.count(f"{city}, {country}") == len(spellings), digest.text
        assert_one_name([digest], user_id)
