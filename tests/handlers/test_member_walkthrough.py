"""A member's whole session through a real Application, reading every message the bot sends.

Start, help, search, browse, a card, follow from it, an alert, a message to the secretariat
and its reply, and /forget. Every message (sent or edited) to the member must lead
somewhere: a button, a reply box, a command to send next, or words saying the flow is over.
"""

import re

from bot.cards import MAX_MESSAGE
from bot.models import Practice
from tests.fakes import ADMIN_ID, USER_ID, BotHarness, Call, shown_text, telegram_length
from tests.handlers.dialogue import running_bot, svc

# Words that close a flow: nothing is expected next, and the message says so.
FLOW_OVER = ("✅", "Cancelled", "Stopped", "Done")
COMMAND = re.compile(r"(?<![\w@])/[a-z]+")


def to_member(calls: list[Call]) -> list[Call]:
    kinds = ("sendMessage", "editMessageText")
    return [c for c in calls if c.method in kinds and int(c.params["chat_id"]) == USER_ID]


def next_step(call: Call) -> str | None:
    """Return how a message leads on, or None when it is a dead end."""
    markup = call.params.get("reply_markup") or {}
    if call.buttons:
        return "buttons"
    if isinstance(markup, dict) and markup.get("force_reply"):
        return "reply box"
    text = shown_text(call.text, call.params.get("parse_mode"))
    if COMMAND.search(text):
        return "command"
    if any(word in text for word in FLOW_OVER):
        return "over"
    return None


class Session:
    """Feeds a member's actions and checks every message the bot sends them."""

    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.read: list[Call] = []

    def check(self, calls: list[Call]) -> list[Call]:
        messages = to_member(calls)
        for call in messages:
            assert next_step(call), f"dead end: {call.text!r}"
            shown = shown_text(call.text, call.params.get("parse_mode"))
            assert telegram_length(shown) <= MAX_MESSAGE
        self.read += messages
        return messages

    async def say(self, text: str) -> Call:
        return self.check(await self.bot.send(text))[-1]

    async def tap(self, call: Call, label: str) -> Call:
        return self.check(await self.bot.click(call, label))[-1]


async def test_a_member_session_never_ends_in_a_dead_end() -> None:
    async with running_bot(admin_ids=frozenset({ADMIN_ID})) as bot:
        svc(bot).clock = lambda: 1_700_000_000.0
        me = Session(bot)
        welcome = await me.say("/start")
        assert "Intercultural Cities" in welcome.text
        help_message = await me.say("/help")
        await me.tap(help_message, "How to search")
        results = await me.say("roma education")
        assert results.buttons
        card = await me.tap(results, "1")
        assert card.button("Follow") and card.button("Suggest a correction")
        topics = await me.tap(welcome, "Topics")
        listing = await me.tap(topics, "Roma")
        await me.tap(listing, "1")
        countries = await me.tap(welcome, "Countries")
        await me.tap(countries, "Italy")
        await me.tap(welcome, "Latest")
        menu = await me.tap(card, "Follow")
        toggled = await me.tap(menu, menu.buttons[0]["text"])
        assert toggled.buttons[0]["text"].startswith("✓")
        follow = await me.say("/subscribe")
        await me.tap(follow, "A city")
        await me.say("Torino")
        await me.say("/subscribe participation des jeunes")
        listing = await me.say("/subscriptions")
        assert "Turin" in listing.text
        # An alert arrives for a new practice in Turin.
        new = Practice(
            id="turin-new",
            title="Turin welcome desk",
            cities=["Turin"],
            country="Italy",
            topics=["Refugees"],
        )
        svc(bot).publisher.publish([new])
        before = len(bot.request.calls)
        await svc(bot).deliverer.drain(bot.app.bot)
        alerts = me.check(bot.request.calls[before:])
        assert any("Turin welcome desk" in c.text for c in alerts)
        # A message to the secretariat, and the reply.
        await me.say("/contact")
        await me.say("Who runs the Turin desk?")
        copy = next(c for c in bot.request.sent(ADMIN_ID) if "Who runs" in c.text)
        await bot.click(copy, "Reply", ADMIN_ID)
        me.check(await bot.send("The city's welcome office.", ADMIN_ID))
        assert "welcome office" in me.read[-1].text
        # Second thoughts: a cancelled message, a cancelled /forget, an empty list.
        prompt = await me.say("/contact")
        await me.tap(prompt, "Cancel")
        await me.tap(await me.say("/forget"), "Cancel")
        await me.say("/mysubmissions")
        language = await me.say("/language")
        await me.tap(language, "English")
        await me.say("/frobnicate")
        listing = await me.say("/subscriptions")
        await me.tap(listing, "1.")
        # /unsubscribe all asks, /forget says what it does.
        ask = await me.say("/unsubscribe all")
        await me.tap(ask, "Yes, stop all")
        forget = await me.say("/forget")
        done = await me.tap(forget, "Delete everything")
        assert "/start" in done.text
        assert len(me.read) >= 25
