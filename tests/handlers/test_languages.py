"""Each user in their language, through a real Application: French and German from Telegram's
setting, /language choosing another one for good, and the menus registered per language."""

from pathlib import Path

from bot.app import register_menus
from bot.models import Practice
from store.db import open_database
from tests.fakes import (
    ADMIN_ID,
    FRENCH_USER,
    GERMAN_USER,
    SWISS_GERMAN_USER,
    USER_ID,
    BotHarness,
    Call,
    FakeRequest,
    make_settings,
)

# Phrases only the English bot writes: none may reach a French or German user.
ENGLISH_ONLY = (
    "Type what you are looking for",
    "pick below",
    "No practices",
    "results for",
    "practices for",
    "Purpose:",
    "Read more",
    "How to search",
    "Topics",
    "Countries",
    "Latest",
    "This button has expired",
    "Follow ",
    "Submit",
    "Share",
    "Choose the language",
)


def texts(calls: list[Call]) -> list[str]:
    """Return every text the user was shown: messages, answers and button labels."""
    shown = []
    for call in calls:
        if call.method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            shown.append(call.params.get("text") or "")
        shown += [button["text"] for button in call.buttons]
    return shown


def assert_no_english(calls: list[Call]) -> None:
    for text in texts(calls):
        english = [phrase for phrase in ENGLISH_ONLY if phrase in text]
        assert not english, f"English in {text!r}: {english}"


def sent(calls: list[Call]) -> list[Call]:
    return [call for call in calls if call.method == "sendMessage"]


async def test_telegram_in_french_gets_the_welcome_and_help_in_french(
    harness: BotHarness,
) -> None:
    calls = await harness.send("/start", user_id=FRENCH_USER)
    welcome = sent(calls)[0]
    assert "Je vous aide à trouver" in welcome.text
    assert welcome.button("Thèmes")
    calls += await harness.tap(welcome, "Comment chercher", user_id=FRENCH_USER)
    assert "<b>Comment chercher</b>" in sent(calls)[-1].text
    assert_no_english(calls)


async def test_telegram_in_german_or_swiss_german_gets_german(harness: BotHarness) -> None:
    for user_id in (GERMAN_USER, SWISS_GERMAN_USER):
        calls = await harness.send("/start", user_id=user_id)
        assert "Ich helfe Ihnen" in sent(calls)[0].text
        assert_no_english(calls)


async def test_a_french_search_has_french_headers_plurals_and_card_labels(
    harness: BotHarness,
) -> None:
    calls = await harness.send("roma", user_id=FRENCH_USER)
    page = sent(calls)[0]
    assert page.text.startswith("🔎 3 pratiques pour « roma »")
    calls += await harness.tap(page, "1", user_id=FRENCH_USER)
    assert "🏷 Roms" in sent(calls)[-1].text
    assert "📍 Patras, Grèce" in sent(calls)[-1].text  # country names in the reader's language
    calls += await harness.send("/start p_safer-alta-de-lisboa", user_id=FRENCH_USER)
    card = sent(calls)[-1]
    assert "<b>Objectif :</b>" in card.text
    assert card.button("En savoir plus")
    assert_no_english(calls)


async def test_a_german_search_counts_in_german_and_translates_topics(
    harness: BotHarness,
) -> None:
    calls = await harness.send("thema:bildung", user_id=GERMAN_USER)
    page = sent(calls)[0]
    # The filter is said as a topic name, never as the syntax typed.
    assert page.text.startswith("🔎 <b>Bildung</b> · 7 Praxisbeispiele · 1–5\n")
    calls += await harness.send("/topics", user_id=GERMAN_USER)
    assert sent(calls)[-1].button("Bildung (")
    calls += await harness.send("/countries", user_id=GERMAN_USER)
    assert sent(calls)[-1].button("Deutschland (")
    calls += await harness.send("nichtsdergleichen", user_id=GERMAN_USER)
    assert "Kein Praxisbeispiel passt zu" in sent(calls)[-1].text
    assert_no_english(calls)


async def test_french_filter_names_and_topic_names_search(harness: BotHarness) -> None:
    french = sent(await harness.send("thème:éducation", user_id=FRENCH_USER))[0].text
    english = sent(await harness.send("topic:education"))[0].text
    assert english.startswith("🔎 <b>Education</b> · 7 practices · 1–5\n")
    assert french.startswith("🔎 <b>Éducation</b> · 7 pratiques · 1–5\n")


async def test_a_city_with_no_practice_names_its_country_in_the_users_language(
    harness: BotHarness,
) -> None:
    french = sent(await harness.send("ville:Stuttgart", user_id=FRENCH_USER))[0].text
    assert french == "Stuttgart : pas encore de pratique. Voici les pratiques du pays : Allemagne."
    german = sent(await harness.send("Andorra", user_id=GERMAN_USER))[0].text
    assert "Andorra" in german and "Germany" not in german


async def test_language_choice_wins_over_telegram_and_survives_a_restart(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.json"
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        offer = sent(await bot.send("/language", user_id=FRENCH_USER))[0]
        assert "Choisissez la langue" in offer.text
        assert [b["text"] for b in offer.buttons] == ["English", "Deutsch", "✓ Français"]
        confirmed = await bot.click(offer, "Deutsch", user_id=FRENCH_USER)
        edit = next(call for call in confirmed if call.method == "editMessageText")
        assert "Ab jetzt antworte ich Ihnen auf Deutsch" in edit.text
        assert "Ich helfe Ihnen" in sent(await bot.send("/start", user_id=FRENCH_USER))[0].text
    bot.app.bot_data["services"].database.close()  # post_shutdown runs only with run_polling
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        assert "Ich helfe Ihnen" in sent(await bot.send("/start", user_id=FRENCH_USER))[0].text
        offer = sent(await bot.send("/language", user_id=FRENCH_USER))[0]
        await bot.click(offer, "English", user_id=FRENCH_USER)
        assert "I help you find" in sent(await bot.send("/start", user_id=FRENCH_USER))[0].text
    bot.app.bot_data["services"].database.close()


async def test_forget_deletes_the_language_choice(harness: BotHarness) -> None:
    offer = sent(await harness.send("/language"))[0]
    await harness.click(offer, "Français")
    assert "Je vous aide" in sent(await harness.send("/start"))[0].text
    ask = sent(await harness.send("/forget"))[0]
    assert "Effacer tout ce que je conserve" in ask.text
    done = await harness.click(ask, "Tout effacer")
    edit = next(call for call in done if call.method == "editMessageText")
    # The choice is gone with the rest: the last answer is already in Telegram's language.
    assert edit.text.startswith("Done: I deleted your subscriptions")
    assert "I help you find" in sent(await harness.send("/start", user_id=USER_ID))[0].text


async def test_a_forged_language_button_is_refused(harness: BotHarness) -> None:
    calls = await harness.press("lg|xx", user_id=GERMAN_USER)
    answer = next(call for call in calls if call.method == "answerCallbackQuery")
    assert "abgelaufen" in answer.params["text"]
    assert "Ich helfe Ihnen" in sent(await harness.send("/start", user_id=GERMAN_USER))[0].text


async def test_menus_and_descriptions_are_registered_for_every_language(
    harness: BotHarness,
) -> None:
    before = len(harness.request.calls)
    await register_menus(harness.app.bot, [ADMIN_ID])
    calls = harness.request.calls[before:]
    menus = {
        (call.params.get("language_code"), "scope" in call.params): call.params["commands"]
        for call in calls
        if call.method == "setMyCommands"
    }
    assert set(menus) == {(code, admin) for code in (None, "fr", "de") for admin in (0, 1)}
    french = {c["command"]: c["description"] for c in menus["fr", False]}
    german = {c["command"]: c["description"] for c in menus["de", False]}
    english = {c["command"]: c["description"] for c in menus[None, False]}
    assert set(french) == set(german) == set(english)
    assert french["topics"] == "Parcourir les pratiques par thème"
    assert german["topics"] == "Praxisbeispiele nach Thema durchsuchen"
    assert "pending" in {c["command"] for c in menus["fr", True]}
    for method, field in (
        ("setMyDescription", "description"),
        ("setMyShortDescription", "short_description"),
    ):
        by_language = {
            c.params.get("language_code"): c.params[field] for c in calls if c.method == method
        }
        assert set(by_language) == {None, "fr", "de"}
        assert len(set(by_language.values())) == 3
        assert "Intercultural Cities" in by_language[None]
        assert "Cités interculturelles" in by_language["fr"]
        assert "Interkulturell" in by_language["de"]


async def test_subscribing_in_french_and_german_confirms_in_each_language(
    harness: BotHarness,
) -> None:
    calls = await harness.send("/subscribe", user_id=FRENCH_USER)
    menu = sent(calls)[0]
    assert "Suivre les nouvelles pratiques" in menu.text
    calls += await harness.send("/subscribe thème:réfugiés", user_id=FRENCH_USER)
    assert "vous suivez le thème <b>Réfugiés</b>" in sent(calls)[-1].text
    calls += await harness.send("/subscriptions", user_id=FRENCH_USER)
    assert "Ce que vous suivez" in sent(calls)[-1].text
    assert_no_english(calls)
    calls = await harness.send("/subscribe land:italien", user_id=GERMAN_USER)
    assert "Sie folgen dem Land <b>Italien</b>" in sent(calls)[-1].text
    calls += await harness.send("/subscribe thema:bildung", user_id=GERMAN_USER)
    assert "Sie folgen dem Thema <b>Bildung</b>" in sent(calls)[-1].text
    assert_no_english(calls)


async def test_alerts_for_one_practice_go_out_in_each_subscribers_language(
    harness: BotHarness,
) -> None:
    for user_id in (USER_ID, FRENCH_USER, GERMAN_USER):
        await harness.send("/subscribe topic:roma", user_id=user_id)
    practice = Practice(
        id="roma-school-in-vigo",
        title="Roma school in Vigo",
        country="Spain",
        cities=["Vigo"],
        topics=["Roma", "Education"],
        purpose="A school for Roma children.",
        url="https://example.org/vigo",
    )
    svc = harness.app.bot_data["services"]
    before = len(harness.request.calls)
    svc.publisher.publish([practice], alerts=True)
    await svc.deliverer.drain(harness.app.bot)
    alerts = {
        int(call.params["chat_id"]): call
        for call in harness.request.calls[before:]
        if call.method == "sendMessage"
    }
    assert "You follow: Roma" in alerts[USER_ID].text
    assert "Purpose:" in alerts[USER_ID].text
    assert "Vous suivez : Roms" in alerts[FRENCH_USER].text
    assert "<b>Objectif :</b>" in alerts[FRENCH_USER].text
    assert alerts[FRENCH_USER].button("Mes abonnements")
    assert "Sie folgen: Roma" in alerts[GERMAN_USER].text
    assert "<b>Ziel:</b>" in alerts[GERMAN_USER].text
    assert alerts[GERMAN_USER].button("Meine Abonnements")
    assert_no_english([alerts[FRENCH_USER], alerts[GERMAN_USER]])


async def test_moderator_reports_follow_the_moderators_language(harness: BotHarness) -> None:
    offer = sent(await harness.send("/language", user_id=ADMIN_ID))[0]
    await harness.click(offer, "Deutsch", user_id=ADMIN_ID)
    stats = "\n".join(c.text for c in sent(await harness.send("/stats", user_id=ADMIN_ID)))
    assert "<b>Praxisbeispiele</b>" in stats and "Nach Thema:" in stats
    alerts = sent(await harness.send("/alerts", user_id=ADMIN_ID))[0].text
    assert "Versand der Benachrichtigungen" in alerts
    pending = sent(await harness.send("/pending", user_id=ADMIN_ID))[0].text
    assert "Keine Einreichung wartet" in pending
    refused = sent(await harness.send("/pending", user_id=FRENCH_USER))[0].text
    assert refused == "Ceci est réservé aux modérateurs."


async def test_the_chosen_language_is_named_as_written_in_a_sentence(harness) -> None:
    # Buttons name each language in itself, capitalised; the confirmation names it as that
    # language writes it in a sentence ("en français", not "en Français").
    offer = sent(await harness.send("/language", user_id=GERMAN_USER))[0]
    confirmed = await harness.click(offer, "Français", user_id=GERMAN_USER)
    edit = next(call for call in confirmed if call.method == "editMessageText")
    assert "en français" in edit.text and "Français" not in edit.text


async def test_keywords_are_quoted_as_each_language_quotes(harness: BotHarness) -> None:
    for user, marks in (
        (FRENCH_USER, "« médiation interculturelle »"),
        (GERMAN_USER, "„médiation interculturelle“"),
        (USER_ID, "“médiation interculturelle”"),
    ):
        await harness.send("/subscribe médiation interculturelle", user_id=user)
        listing = [
            c
            for c in await harness.send("/subscriptions", user_id=user)
            if c.method == "sendMessage"
        ][-1]
        assert marks in listing.text, listing.text
