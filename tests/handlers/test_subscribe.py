"""Following practices through a real Application: buttons, typed forms, the list, limits."""

from bot.cards import MAX_CALLBACK_BYTES, MAX_MESSAGE
from bot.follow import MAX_SUBSCRIPTIONS
from bot.follow_texts import CITY_PROMPT, KEYWORD_PROMPT
from bot.menus import follow_button
from handlers.deps import Services
from tests.fakes import USER_ID, BotHarness, Call

OTHER_USER = 2002
GROUP = -500


def follow_of(harness: BotHarness) -> Services:
    return harness.app.bot_data["services"]


def followed(harness: BotHarness, chat_id: int = USER_ID) -> list[tuple[str, str]]:
    return [(s.kind, s.value) for s in follow_of(harness).subscriptions.for_chat(chat_id)]


def last(calls: list[Call], method: str = "sendMessage") -> Call:
    found = [call for call in calls if call.method == method]
    assert found, calls
    return found[-1]


def assert_within_limits(call: Call) -> None:
    assert len(call.text) <= MAX_MESSAGE
    for button in call.buttons:
        if "callback_data" in button:
            assert len(button["callback_data"].encode()) <= MAX_CALLBACK_BYTES


async def test_subscribe_by_buttons_topic(harness: BotHarness) -> None:
    menu = last(await harness.send("/subscribe"))
    assert "Follow new practices" in menu.text
    topics = last(await harness.tap(menu, "A topic"), "editMessageText")
    assert_within_limits(topics)
    done = last(await harness.tap(topics, "Refugees"), "editMessageText")
    # The list stays, with ✓ on what is followed (it used to give way to a confirmation).
    assert "Following: Refugees" in done.text and "✓ 🏷 Refugees" in done.button("Refugees")["text"]
    assert followed(harness) == [("topic", "Refugees")]


async def test_subscribe_by_buttons_country(harness: BotHarness) -> None:
    menu = last(await harness.send("/subscribe"))
    countries = last(await harness.tap(menu, "A country"), "editMessageText")
    assert "/subscribe country:norway" in countries.text
    done = last(await harness.tap(countries, "Portugal"), "editMessageText")
    assert "Following: Portugal" in done.text and done.button("✓ 🌍 Portugal")
    assert followed(harness) == [("country", "Portugal")]
    stopped = last(await harness.tap(done, "Portugal"), "editMessageText")
    assert "Stopped: Portugal" in stopped.text and stopped.button("🌍 Portugal")
    assert followed(harness) == []


async def test_subscribe_to_a_city_by_typing_its_name_in_reply(harness: BotHarness) -> None:
    menu = last(await harness.send("/subscribe"))
    question = last(await harness.tap(menu, "A city"))
    assert question.text == CITY_PROMPT
    assert question.params["reply_markup"]["force_reply"] is True
    done = last(await harness.reply(question, "Torino"))
    assert "the city <b>Turin</b> (Italy)" in done.text
    assert followed(harness) == [("city", "Turin")]


async def test_subscribe_to_keywords_by_typing_them_in_reply(harness: BotHarness) -> None:
    menu = last(await harness.send("/subscribe"))
    question = last(await harness.tap(menu, "Keywords"))
    assert question.text == KEYWORD_PROMPT
    done = last(await harness.reply(question, "anti rumour   network"))
    assert "the words <b>“anti rumour network”</b>" in done.text
    assert followed(harness) == [("keyword", "anti rumour network")]


async def test_a_plain_message_that_is_no_reply_is_still_a_search(harness: BotHarness) -> None:
    reply = last(await harness.send("Torino"))
    assert "🔎 <b>Turin, Italy</b> · 3 practices" in reply.text
    assert followed(harness) == []


async def test_typed_forms_confirm_the_canonical_name(harness: BotHarness) -> None:
    expected = {
        "/subscribe topic:refugees": "the topic <b>Refugees</b>",
        "/subscribe country:portugal": "the country <b>Portugal</b>",
        "/subscribe city:lisboa": "the city <b>Lisbon</b> (Portugal)",
        "/subscribe pays:Espagne": "the country <b>Spain</b>",
        "/subscribe roma education": "the words <b>“roma education”</b>",
    }
    for command, confirmation in expected.items():
        assert confirmation in last(await harness.send(command)).text
    assert followed(harness) == [
        ("topic", "Refugees"),
        ("country", "Portugal"),
        ("city", "Lisbon"),
        ("country", "Spain"),
        ("keyword", "roma education"),
    ]


async def test_an_unknown_name_gets_suggestions_that_can_be_pressed(harness: BotHarness) -> None:
    answer = last(await harness.send("/subscribe city:lisbn"))
    assert "I don't know the city ‘lisbn’" in answer.text and "Did you mean" in answer.text
    assert followed(harness) == []
    done = last(await harness.tap(answer, "Lisbon"), "editMessageText")
    assert "the city <b>Lisbon</b>" in done.text
    assert followed(harness) == [("city", "Lisbon")]


async def test_an_ambiguous_topic_offers_a_choice(harness: BotHarness) -> None:
    # (A one-letter topic is refused as too short since issue 12; a longer prefix is read.)
    answer = last(await harness.send("/subscribe topic:anti"))
    assert "fits several topics" in answer.text
    assert any("Anti-rumour" in b["text"] for b in answer.buttons)
    assert followed(harness) == []


async def test_an_unknown_name_without_anything_close_says_so(harness: BotHarness) -> None:
    answer = last(await harness.send("/subscribe country:qqxzv"))
    assert "I don't know the country ‘qqxzv’" in answer.text and not answer.buttons


async def test_an_unknown_topic_offers_every_topic(harness: BotHarness) -> None:
    answer = last(await harness.send("/subscribe topic:qqxzv"))
    assert "I don't know the topic ‘qqxzv’" in answer.text
    assert len(answer.buttons) == 21
    done = last(await harness.tap(answer, "Roma"), "editMessageText")
    assert "you follow the topic <b>Roma</b>" in done.text


async def test_subscribing_twice_keeps_one(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    again = last(await harness.send("/subscribe topic:Roma"))
    assert "You already follow the topic <b>Roma</b>" in again.text
    assert followed(harness) == [("topic", "Roma")]


async def test_empty_long_and_vague_keywords_are_refused(harness: BotHarness) -> None:
    assert "Type the words" in last(await harness.send("/subscribe ???")).text
    assert "too long" in last(await harness.send("/subscribe " + "x" * 500)).text
    assert "too common" in last(await harness.send("/subscribe the and of")).text
    assert followed(harness) == []


async def test_keywords_are_escaped_in_replies(harness: BotHarness) -> None:
    done = last(await harness.send("/subscribe <b>roma</b> & music"))
    assert "“&lt;b&gt;roma&lt;/b&gt; &amp; music”" in done.text
    listing = last(await harness.send("/subscriptions"))
    assert "&lt;b&gt;roma" in listing.text


async def test_the_limit_of_fifty_is_explained(harness: BotHarness) -> None:
    for n in range(MAX_SUBSCRIPTIONS):
        await harness.send(f"/subscribe word{n}")
    refused = last(await harness.send("/subscribe mosques"))
    assert f"You follow {MAX_SUBSCRIPTIONS} things already" in refused.text
    assert len(followed(harness)) == MAX_SUBSCRIPTIONS
    listing = last(await harness.send("/subscriptions"))
    assert_within_limits(listing)


async def test_a_card_follow_button_offers_its_topics_and_place(harness: BotHarness) -> None:
    card = last(await harness.send("/start p_safer-alta-de-lisboa"))
    offer = last(await harness.tap(card, "Follow"))
    labels = [b["text"] for b in offer.buttons]
    assert labels[0] == "🏷 Security, justice and safety"
    assert labels[-3:] == ["🏙 Lisbon", "🌍 Portugal", "⚙️ My subscriptions"]
    done = last(await harness.click(offer, "Lisbon"), "editMessageText")
    assert "Following: Lisbon" in done.text
    assert followed(harness) == [("city", "Lisbon")]


async def test_follow_buttons_fit_for_every_practice(harness: BotHarness) -> None:
    for practice in harness.app.bot_data["services"].catalog.index.practices:
        [button] = follow_button(practice)
        assert len(button.callback_data.encode()) <= MAX_CALLBACK_BYTES


async def test_welcome_has_a_follow_button(harness: BotHarness) -> None:
    welcome = last(await harness.send("/start"))
    calls = await harness.tap(welcome, "Follow")
    assert "Follow new practices" in last(calls).text  # a new message: the welcome stays
    assert not [call for call in calls if call.method == "editMessageText"]


async def test_forged_follow_buttons_are_refused(harness: BotHarness) -> None:
    for data in ("fl|y|Atlantis", "fl|c|narnia", "fl|t|99", "fl|t|x", "fl|zz", "fp|no-such"):
        answer = last(await harness.press(data), "answerCallbackQuery")
        assert answer.params.get("show_alert") is True
    assert followed(harness) == []


async def test_subscriptions_list_and_stop_one_with_its_button(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    await harness.send("/subscribe city:oslo")
    listing = last(await harness.send("/subscriptions"))
    assert "1. 🏷 Roma" in listing.text and "2. 🏙 Oslo" in listing.text
    updated = last(await harness.tap(listing, "1. Roma"), "editMessageText")
    assert "Roma" not in updated.text and "1. 🏙 Oslo" in updated.text
    assert followed(harness) == [("city", "Oslo")]


async def test_stop_all_asks_first(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma")
    await harness.send("/subscribe city:oslo")
    listing = last(await harness.send("/subscriptions"))
    ask = last(await harness.tap(listing, "Stop all"), "editMessageText")
    assert "Stop all 2 subscriptions?" in ask.text
    assert len(followed(harness)) == 2
    await harness.tap(ask, "Yes, stop all")
    assert followed(harness) == []


async def test_unsubscribe_by_number_name_or_all(harness: BotHarness) -> None:
    for command in ("topic:roma", "city:oslo", "country:spain", "anti rumour"):
        await harness.send(f"/subscribe {command}")
    assert (
        "no longer follow the city <b>Oslo</b>" in last(await harness.send("/unsubscribe 2")).text
    )
    assert "Roma" in last(await harness.send("/unsubscribe topic:roma")).text
    stopped = last(await harness.send("/unsubscribe anti rumour")).text
    assert "no longer follow the words <b>“anti rumour”</b>" in stopped
    assert followed(harness) == [("country", "Spain")]
    assert "not in your /subscriptions" in last(await harness.send("/unsubscribe 9")).text
    # `/unsubscribe all` asks first, as the list's Stop all button does.
    ask = last(await harness.send("/unsubscribe all"))
    assert "Stop your 1 subscription?" in ask.text
    assert followed(harness) == [("country", "Spain")]
    await harness.tap(ask, "Yes, stop all")
    assert followed(harness) == []


async def test_another_users_subscription_cannot_be_stopped_with_a_forged_button(
    harness: BotHarness,
) -> None:
    await harness.send("/subscribe topic:roma", user_id=OTHER_USER)
    [theirs] = follow_of(harness).subscriptions.for_chat(OTHER_USER)
    answer = last(await harness.press(f"fl|x|{theirs.id}"), "answerCallbackQuery")
    assert answer.params["show_alert"] is True and "not yours" in answer.params["text"]
    assert followed(harness, OTHER_USER) == [("topic", "Roma")]


async def test_in_a_group_only_who_subscribed_may_stop_it(harness: BotHarness) -> None:
    await harness.send("/subscribe topic:roma", user_id=USER_ID, chat_id=GROUP)
    [sub] = follow_of(harness).subscriptions.for_chat(GROUP)
    assert sub.user_id == USER_ID
    refused = last(await harness.send("/unsubscribe 1", user_id=OTHER_USER, chat_id=GROUP))
    assert "not in your /subscriptions" in refused.text
    await harness.send("/unsubscribe all", user_id=OTHER_USER, chat_id=GROUP)
    assert followed(harness, GROUP) == [("topic", "Roma")]
    await harness.send("/unsubscribe 1", user_id=USER_ID, chat_id=GROUP)
    assert followed(harness, GROUP) == []


async def test_a_groups_administrator_may_stop_what_anyone_there_followed(
    harness: BotHarness,
) -> None:
    harness.request.administrators[GROUP] = {OTHER_USER}
    await harness.send("/subscribe topic:roma", user_id=USER_ID, chat_id=GROUP)
    await harness.send("/subscribe country:italy", user_id=USER_ID, chat_id=GROUP)
    await harness.send("/subscribe topic:sport", user_id=USER_ID, chat_id=GROUP)
    # By number, typed by the administrator (whoever subscribed may have left the group).
    stopped = last(await harness.send("/unsubscribe 1", user_id=OTHER_USER, chat_id=GROUP))
    assert "Stopped" in stopped.text
    assert ("topic", "Roma") not in followed(harness, GROUP)
    # With the list's button.
    [italy, sport] = follow_of(harness).subscriptions.for_chat(GROUP)
    shown = {"message_id": 7, "date": 0, "chat": {"id": GROUP, "type": "group", "title": "G"}}
    calls = await harness.press(f"fl|x|{italy.id}", user_id=OTHER_USER, message=shown)
    assert "Stopped" in last(calls, "answerCallbackQuery").params["text"]
    assert followed(harness, GROUP) == [(sport.kind, sport.value)]
    # Once no longer an administrator, nothing of anyone else's stops.
    harness.request.administrators[GROUP] = set()
    calls = await harness.press(f"fl|x|{sport.id}", user_id=OTHER_USER, message=shown)
    assert "not yours" in last(calls, "answerCallbackQuery").params["text"]
    await harness.send("/unsubscribe all", user_id=OTHER_USER, chat_id=GROUP)
    assert followed(harness, GROUP) == [(sport.kind, sport.value)]


async def test_a_groups_list_offers_each_member_only_what_they_may_stop(
    harness: BotHarness,
) -> None:
    await harness.send("/subscribe city:lyon", user_id=USER_ID, chat_id=GROUP)
    # Another member: the group's follow is listed, with no button that would be refused.
    listing = last(await harness.send("/subscriptions", user_id=OTHER_USER, chat_id=GROUP))
    assert "What this group follows" in listing.text and "Lyon" in listing.text
    assert "group's administrators, can stop it" in listing.text
    stops = [b for b in listing.buttons if "✖" in b["text"] or "Stop all" in b["text"]]
    assert stops == []
    refused = last(await harness.send("/unsubscribe all", user_id=OTHER_USER, chat_id=GROUP))
    assert "group's administrators, can stop it" in refused.text
    # A forged or old Stop all pressed by them asks nothing and stops nothing.
    shown = {"message_id": 9, "date": 0, "chat": {"id": GROUP, "type": "group", "title": "G"}}
    calls = await harness.press("fl|xa|yes", user_id=OTHER_USER, message=shown)
    answer = last(calls, "answerCallbackQuery")
    assert answer.params["show_alert"] and "not yours" in answer.params["text"]
    assert followed(harness, GROUP) == [("city", "Lyon")]
    # Who started it gets the buttons; so does an administrator.
    own = last(await harness.send("/subscriptions", user_id=USER_ID, chat_id=GROUP))
    assert any("Lyon" in b["text"] for b in own.buttons if "✖" in b["text"])
    harness.request.administrators[GROUP] = {OTHER_USER}
    admin = last(await harness.send("/subscriptions", user_id=OTHER_USER, chat_id=GROUP))
    assert any("Stop all" in b["text"] for b in admin.buttons)
    assert "administrators can stop it" not in admin.text
