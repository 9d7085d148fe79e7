"""Asking and browsing, driven through a real Application with real updates."""

import re

import pytest

from bot.cards import MAX_CALLBACK_BYTES, MAX_MESSAGE
from bot.i18n import ENGLISH
from bot.search_texts import EMPTY_QUERY, STALE_BUTTON, UNKNOWN_PRACTICE
from handlers.errors import APOLOGY
from handlers.fallback import not_text_reply
from tests.fakes import BOT_USERNAME, FRENCH_USER, GERMAN_USER, BotHarness, Call, non_text_message

FRENCH, GERMAN = FRENCH_USER, GERMAN_USER

DEEP_LINK = re.compile(rf'href="https://t\.me/{BOT_USERNAME}\?start=p_([A-Za-z0-9_-]{{1,60}})"')


def only_message(calls: list[Call]) -> Call:
    """Return the single sendMessage among calls."""
    sent = [call for call in calls if call.method == "sendMessage"]
    assert len(sent) == 1, calls
    return sent[0]


def assert_within_limits(call: Call) -> None:
    assert len(call.text) <= MAX_MESSAGE
    for button in call.buttons:
        if "callback_data" in button:
            assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES


async def test_start_welcomes_with_search_and_browse_buttons(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/start"))
    assert "find, follow and share" in reply.text
    labels = " ".join(button["text"] for button in reply.buttons)
    for label in ("How to search", "Topics", "Countries", "Latest"):
        assert label in labels


async def test_plain_message_answers_with_result_rows_carrying_deep_links(
    harness: BotHarness,
) -> None:
    reply = only_message(await harness.send("refugee jobs berln"))
    assert "for ‘refugee jobs berln’" in reply.text
    assert "Give Something Back to Berlin" in reply.text
    keys = DEEP_LINK.findall(reply.text)
    assert "give-something-back-to-berlin" in keys
    assert "Berlin, Germany" in reply.text
    assert_within_limits(reply)


async def test_search_command_pages_five_results_at_a_time(harness: BotHarness) -> None:
    first = only_message(await harness.send("/search spain"))
    assert re.search(r"🔎 <b>Spain</b> · 1\d practices · 1–5\n", first.text)
    assert len(DEEP_LINK.findall(first.text)) == 5
    assert [b["text"] for b in first.buttons][:5] == ["1", "2", "3", "4", "5"]

    second = (await harness.press(first.button("Next")["callback_data"]))[-1]
    assert second.method == "editMessageText"
    assert re.search(r"1\d practices · 6–10\n", second.text)
    assert [b["text"] for b in second.buttons][:5] == ["6", "7", "8", "9", "10"]
    assert set(DEEP_LINK.findall(second.text)).isdisjoint(DEEP_LINK.findall(first.text))
    back = (await harness.press(second.button("Back")["callback_data"]))[-1]
    assert DEEP_LINK.findall(back.text) == DEEP_LINK.findall(first.text)


async def test_result_number_opens_the_full_card(harness: BotHarness) -> None:
    results = only_message(await harness.send("anti racism turin"))
    card = only_message(await harness.press(results.button("1")["callback_data"]))
    assert "An Anti-Racism Cockpit" in card.text
    assert "📍 Turin, Italy" in card.text
    assert "🗓 2019" in card.text
    assert "Anti-discrimination and equality" in card.text
    assert "<b>Purpose:</b>" in card.text
    assert DEEP_LINK.findall(card.text) == ["an-anti-racism-cockpit"]
    assert card.button("Read more")["url"].startswith("https://www.coe.int/")


async def test_search_command_without_words_explains_usage(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/search"))
    assert "/search anti racism turin" in reply.text


@pytest.mark.parametrize("query", ["pizza recipe", "qwxzv"])
async def test_no_match_says_so_and_suggests_browsing(harness: BotHarness, query: str) -> None:
    reply = only_message(await harness.send(query))
    assert f"No practices match ‘{query}’" in reply.text
    assert "/submit" in reply.text
    assert {"🗂 Topics", "🌍 Countries", "🆕 Latest"} <= {b["text"] for b in reply.buttons}


@pytest.mark.parametrize("query", ["the", "!!! ???", "🙂🙂🙂", "   ...   "])
async def test_query_without_words_asks_for_words(harness: BotHarness, query: str) -> None:
    reply = only_message(await harness.send(query))
    assert reply.text == EMPTY_QUERY


async def test_html_in_a_query_is_escaped_in_the_answer(harness: BotHarness) -> None:
    reply = only_message(await harness.send("<b>pizza</b> & <script>x</script>"))
    assert "<script>" not in reply.text
    assert "&lt;b&gt;pizza&lt;/b&gt; &amp;" in reply.text


async def test_markdown_in_a_query_is_kept_as_text(harness: BotHarness) -> None:
    reply = only_message(await harness.send("*refugees* _berlin_"))
    assert reply.params["parse_mode"] == "HTML"
    assert "Give Something Back to Berlin" in reply.text


async def test_very_long_query_is_cut_and_the_user_told(harness: BotHarness) -> None:
    reply = only_message(await harness.send("refugees " + "berlin " * 600))
    assert "first 200 characters" in reply.text
    assert "Give Something Back to Berlin" in reply.text
    assert_within_limits(reply)


async def test_unknown_topic_filter_is_explained(harness: BotHarness) -> None:
    reply = only_message(await harness.send("topic:&lt;zzz"))
    assert "I don't know the topic ‘&amp;lt;zzz’" in reply.text


async def test_known_place_without_practices_is_named(harness: BotHarness) -> None:
    reply = only_message(await harness.send("rotterdam"))
    assert "no practices from Rotterdam yet" in reply.text


async def test_topics_lists_every_topic_with_counts_and_opens_one(harness: BotHarness) -> None:
    listing = only_message(await harness.send("/topics"))
    assert len(listing.buttons) == 21
    refugees = listing.button("Refugees (8)")
    results = (await harness.press(refugees["callback_data"]))[-1]
    assert results.text.startswith("🔎 <b>Refugees</b> · 8 practices · 1–5\n")
    assert "Give Something Back to Berlin" in results.text


async def test_topic_without_practices_says_so(harness: BotHarness) -> None:
    calls = await harness.press("t0|3")
    assert calls[-1].method == "answerCallbackQuery"
    assert "No practices on this topic yet" in calls[-1].params["text"]


async def test_countries_then_city_then_results(harness: BotHarness) -> None:
    listing = only_message(await harness.send("/countries"))
    portugal = listing.button("Portugal (10)")
    cities = (await harness.press(portugal["callback_data"]))[-1]
    assert "Portugal" in cities.text
    lisbon = cities.button("Lisbon")
    results = (await harness.press(lisbon["callback_data"]))[-1]
    assert "Safer Alta de Lisboa" in results.text
    everything = (await harness.press(cities.button("All in Portugal")["callback_data"]))[-1]
    assert everything.text.startswith("🔎 <b>Portugal</b> · 10 practices · 1–5\n")
    back = (await harness.press(cities.button("◀ Countries")["callback_data"]))[-1]
    assert "Spain (13)" in {b["text"] for b in back.buttons}


async def test_latest_pages_through_the_newest_practices(harness: BotHarness) -> None:
    first = only_message(await harness.send("/latest"))
    assert first.text.startswith("🆕 <b>Newest first, by date added</b> · 75 practices · 1–5\n")
    second = (await harness.press(first.button("Next")["callback_data"]))[-1]
    assert "75 practices · 6–10\n" in second.text


async def test_deep_link_opens_the_practice_card(harness: BotHarness) -> None:
    card = only_message(await harness.send("/start p_safer-alta-de-lisboa"))
    assert "Safer Alta de Lisboa" in card.text
    assert "A community-policing service" in card.text


async def test_deep_link_of_a_long_id_uses_its_short_key(harness: BotHarness) -> None:
    results = only_message(await harness.send("reseauteurs reseauteuses"))
    key = DEEP_LINK.findall(results.text)[0]
    assert len(key) <= 60
    card = only_message(await harness.send(f"/start p_{key}"))
    assert "Réseauteurs et réseauteuses" in card.text


async def test_deep_link_to_an_unknown_practice_says_so(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/start p_no-such-practice"))
    assert reply.text == UNKNOWN_PRACTICE


async def test_inline_query_offers_matching_practices_as_cards(harness: BotHarness) -> None:
    calls = await harness.inline("anti rumours")
    answer = calls[-1]
    assert answer.method == "answerInlineQuery"
    results = answer.params["results"]
    assert 1 <= len(results) <= 50
    assert all("Anti" in r["title"] or "rumour" in r["title"].lower() for r in results)
    first = results[0]
    assert DEEP_LINK.search(first["input_message_content"]["message_text"])
    assert all(len(r["id"].encode()) <= 64 for r in results)


async def test_empty_inline_query_offers_the_latest(harness: BotHarness) -> None:
    answer = (await harness.inline(""))[-1]
    assert len(answer.params["results"]) == 20


async def test_inline_query_for_a_shared_key_offers_that_practice(harness: BotHarness) -> None:
    answer = (await harness.inline("p_safer-alta-de-lisboa"))[-1]
    assert [r["title"] for r in answer.params["results"]] == ["Safer Alta de Lisboa"]


@pytest.mark.parametrize(
    "data",
    ["c|no-such-key", "pg|x|refugees", "ps|1|ffff", "lt|abc", "cn|Atlantis", "garbage", "c|"],
)
async def test_forged_or_stale_buttons_get_a_short_answer(harness: BotHarness, data: str) -> None:
    calls = await harness.press(data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params.get("show_alert") is True
    assert calls[0].params["text"] in (STALE_BUTTON, UNKNOWN_PRACTICE)


async def test_page_button_of_a_query_that_now_finds_nothing_says_so(
    harness: BotHarness,
) -> None:
    calls = await harness.press("pg|1|qwxzv")
    assert "Nothing matches" in calls[-1].params["text"]


async def test_unknown_command_in_private_chat_is_answered(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/frobnicate <now>"))
    assert "I don't know /frobnicate" in reply.text
    assert "/help" in reply.text


async def test_group_chatter_and_unknown_commands_are_ignored(harness: BotHarness) -> None:
    assert await harness.send("refugees", chat_id=-100) == []
    assert await harness.send("/frobnicate", chat_id=-100) == []


async def test_search_command_works_in_groups(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/search refugees berlin", chat_id=-100))
    assert reply.params["chat_id"] == -100
    assert "Give Something Back to Berlin" in reply.text


async def test_sticker_in_private_chat_gets_a_hint(harness: BotHarness) -> None:
    sticker = non_text_message("sticker")
    reply = only_message(await harness.send_message(sticker))
    assert reply.text == not_text_reply(ENGLISH)
    assert reply.text.startswith("I can only read text") and "/help" in reply.text


async def test_help_explains_filters_and_inline_mode(harness: BotHarness) -> None:
    reply = only_message(await harness.send("/help"))
    assert f"@{BOT_USERNAME}" in reply.text
    # /help covers everything in short sections; the filters are behind "How to search".
    search_help = only_message(await harness.tap(reply, "How to search"))
    assert "topic:roma" in search_help.text


async def test_failure_inside_a_handler_gets_an_apology_not_a_traceback(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = harness.app.bot_data["services"].catalog

    def broken(text: str) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(catalog, "search", broken)
    reply = only_message(await harness.send("refugees"))
    assert reply.text == APOLOGY
    assert "exploded" not in reply.text


LONG_QUERIES = (
    "how do european cities welcome refugees and newcomers into the labour market",
    "refugees asylum seekers newcomers migrants integration welcome support",
)


async def test_a_long_querys_pages_turn_and_an_old_button_never_shows_another_query(
    tmp_path,
) -> None:
    from store.db import open_database
    from tests.fakes import FakeRequest, make_settings

    path = tmp_path / "bot.json"
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        first = only_message(await bot.send(LONG_QUERIES[0]))
        old = first.button("Next")["callback_data"]
        assert old.startswith("ps|")  # too long to travel: remembered under an id
        turned = (await bot.press(old))[-1]
        assert turned.method == "editMessageText" and "6–" in turned.text
        assert only_message(await bot.send(LONG_QUERIES[0])).button("Next")["callback_data"] == old
    bot.app.bot_data["services"].database.close()
    async with BotHarness(open_database(path), FakeRequest(), make_settings()) as bot:
        # After a restart another member's long query is remembered; the old button is stale.
        other = only_message(await bot.send(LONG_QUERIES[1]))
        assert other.button("Next")["callback_data"] != old
        calls = await bot.press(old)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == STALE_BUTTON
    bot.app.bot_data["services"].database.close()


@pytest.mark.parametrize(
    ("typed", "user", "says"),
    [
        ("pays:espagne année:2030", FRENCH, "ces critères : Espagne · 2030."),
        ("country:spain year:2030 zzyzx", None, "No practices match ‘zzyzx’ (Spain · 2030)."),
        ("thema:roma jahr:2031", GERMAN, "passt zu diesen Angaben: Roma · 2031."),
    ],
)
async def test_an_answer_that_finds_nothing_says_its_filters_in_words(
    harness: BotHarness, typed: str, user: int | None, says: str
) -> None:
    calls = await harness.send(typed, **({"user_id": user} if user else {}))
    reply = [c for c in calls if c.method == "sendMessage"][-1]
    assert says in reply.text, reply.text
    for syntax in ("pays:", "année:", "country:", "year:", "thema:", "jahr:"):
        assert syntax not in reply.text
