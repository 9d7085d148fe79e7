"""The submission dialogue and its moderation in each member's language, through a real
Application: French and German members to the preview, a switch of language mid-dialogue."""

from typing import Any

from bot.template import TOPICS
from tests.fakes import FRENCH_USER, GERMAN_USER, BotHarness, Call
from tests.handlers.dialogue import running_bot, screen, screens
from tests.handlers.test_languages import assert_no_english

ANSWERS: dict[str, Any] = {
    "title": "Cuisiner ensemble à Lisbonne",
    "subtitle": None,
    "cities": "Lisboa",
    "country": "Portugal",
    "period": "2019 - ongoing",
    "topics": ["Refugees"],
    "purpose": "Réunir nouveaux arrivants et voisins autour de la cuisine.",
    "rationale": None,
    "process": "Soirées cuisine hebdomadaires avec deux associations, ouvertes à tous.",
    "impact": None,
    "links": "https://example.org/cuisine",
    "contact": "Ana Silva, ana.silva@example.org",
}


async def press_action(bot: BotHarness, user_id: int, action: str, arg: str = "") -> list[Call]:
    """Press the current screen's dialogue button for an action (its label is translated)."""
    with_buttons = [c for c in screens(bot.request.calls, user_id) if _is_dialogue(c)]
    shown = with_buttons[-1]
    for button in shown.buttons:
        parts = (button.get("callback_data") or "").split("|")
        # A topic's argument says tick (+) or untick (-) after its number.
        if parts[:2] == ["sb", action] and (not arg or parts[-1].rstrip("+-") == arg):
            return await bot.press(button["callback_data"], user_id, shown.message_id or 100)
    raise AssertionError(f"no {action} button in {shown.buttons}")


def _is_dialogue(call: Call) -> bool:
    return any((b.get("callback_data") or "").startswith("sb|") for b in call.buttons)


async def walk_to_preview(bot: BotHarness, user_id: int) -> list[Call]:
    """Answer every step of the dialogue; return every call made on the way."""
    before = len(bot.request.calls)
    await bot.send("/submit", user_id=user_id)
    for key, value in ANSWERS.items():
        if value is None:
            await press_action(bot, user_id, "s")
        elif key == "topics":
            for topic in value:
                await press_action(bot, user_id, "t", str(TOPICS.index(topic)))
            await press_action(bot, user_id, "d")
        else:
            await bot.send(value, user_id=user_id)
    await press_action(bot, user_id, "n")  # the contact for the moderators only
    return bot.request.calls[before:]


async def test_a_french_member_goes_through_the_whole_dialogue_in_french() -> None:
    async with running_bot() as bot:
        calls = await walk_to_preview(bot, FRENCH_USER)
        texts = [call.text for call in screens(calls, FRENCH_USER)]
        assert any("Partager une bonne pratique" in text for text in texts)
        assert any("Étape 1 sur 12 · Titre" in text for text in texts)
        assert any("Étape 6 sur 12 · Thèmes" in text for text in texts)
        preview = screen(bot, FRENCH_USER)
        assert "👀 <b>Aperçu</b>" in preview.text
        # The preview is the published card; the other fields are behind "Full text".
        assert "📄 <b>Texte intégral</b>" in preview.text
        assert preview.button("Envoyer")
        assert_no_english(calls)


async def test_a_german_member_gets_german_steps_errors_and_preview() -> None:
    async with running_bot() as bot:
        await bot.send("/submit", user_id=GERMAN_USER)
        refused = await bot.send("ab", user_id=GERMAN_USER)
        assert "braucht mindestens ein paar Buchstaben" in screens(refused, GERMAN_USER)[-1].text
        calls = refused + await walk_to_preview(bot, GERMAN_USER)
        preview = screen(bot, GERMAN_USER)
        assert "👀 <b>Vorschau</b>" in preview.text
        assert "📄 <b>Volltext</b>" in preview.text
        assert any("Schritt 4 von 12 · Land" in call.text for call in screens(calls, GERMAN_USER))
        assert_no_english(calls)


async def test_switching_language_mid_dialogue_changes_the_next_messages() -> None:
    async with running_bot() as bot:
        await bot.send("/submit", user_id=FRENCH_USER)
        await bot.send(ANSWERS["title"], user_id=FRENCH_USER)
        assert "Étape 2 sur 12 · Sous-titre" in screen(bot, FRENCH_USER).text
        offer = screens(await bot.send("/language", user_id=FRENCH_USER), FRENCH_USER)[0]
        await bot.click(offer, "Deutsch", user_id=FRENCH_USER)
        reminder = screens(bot.request.calls, FRENCH_USER)[-2]
        assert "Votre proposition est toujours ouverte" in reminder.text
        calls = await press_action(bot, FRENCH_USER, "s")
        shown = screen(bot, FRENCH_USER)
        assert "Schritt 3 von 12 · Stadt oder Städte" in shown.text
        assert shown.button("Zurück")
        assert_no_english(calls)


async def test_moderator_in_french_and_submitter_in_german_each_get_their_language() -> None:
    async with running_bot(admin_ids=frozenset({FRENCH_USER})) as bot:
        # The moderator has written to the bot before (Telegram in French): noted with them.
        await bot.send("/start", user_id=FRENCH_USER)
        await walk_to_preview(bot, GERMAN_USER)
        sent = await press_action(bot, GERMAN_USER, "send")
        thanks = screens(sent, GERMAN_USER)[-1]
        assert "Vielen Dank!" in thanks.text
        copy = screens(sent, FRENCH_USER)[-1]
        assert "🆕 <b>Proposition nº 1</b>" in copy.text
        assert copy.button("Approuver") and copy.button("Refuser")
        assert_no_english([thanks, copy])
        calls = await bot.click(copy, "Refuser", user_id=FRENCH_USER)
        assert "Pourquoi la nº 1" in screens(calls, FRENCH_USER)[-1].text
        calls += await bot.send("Le lien ne fonctionne pas.", user_id=FRENCH_USER)
        confirm = screens(calls, FRENCH_USER)[-1]
        assert "Refuser la nº 1" in confirm.text
        calls += await bot.click(confirm, "Envoyer à l’auteur", user_id=FRENCH_USER)
        told = screens(calls, GERMAN_USER)[-1]
        assert "Ihre Einreichung Nr. 1" in told.text and "wurde nicht angenommen" in told.text
        assert told.button("Wieder öffnen")
        marked = [c for c in screens(calls, FRENCH_USER) if c.method == "editMessageText"]
        assert any("<b>Refusée</b> par" in c.text for c in marked)
        assert_no_english(calls)
