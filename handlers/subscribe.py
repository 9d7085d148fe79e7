"""Subscribe: `/subscribe` typed or with buttons, the card's Follow button, typed replies."""

import itertools
from collections.abc import Iterable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes, filters

from bot import follow_texts as t
from bot.cards import named
from bot.follow import MAX_SUBSCRIPTIONS, parse_follow
from bot.models import Subscription
from bot.search_texts import STALE_BUTTON
from bot.template import TOPICS
from handlers.deps import services
from handlers.follow import follow
from handlers.search import edit_or_ignore, practice_of_button
from store.subscriptions import ADDED, DUPLICATE

_BUTTON_KINDS = {"t": "topic", "c": "country", "y": "city"}


class _PromptReply(filters.MessageFilter):
    """A reply to the bot's "Which city?" or "Which words?" question."""

    def filter(self, message: Message) -> bool:
        asked = message.reply_to_message
        return bool(asked and asked.text and prompt_kind(asked.text))


PROMPT_REPLY = _PromptReply(name="PromptReply")


def prompt_kind(text: str) -> str | None:
    """Return which question a bot message asked ("city", "keyword"), if it is one."""
    return next((kind for kind, prompt in t.PROMPTS.items() if text.startswith(prompt)), None)


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/subscribe` with the menu, or follow what is typed after it."""
    message = update.effective_message
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.reply_text(t.MENU, reply_markup=t.menu_markup())
        return
    kind, value = parse_follow(parts[1])
    text, markup = follow_typed(context, message, kind, value)
    await message.reply_text(text, reply_markup=markup)


async def on_prompt_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow the city or keywords typed in reply to the bot's question."""
    message = update.effective_message
    kind = prompt_kind(message.reply_to_message.text or "") or "keyword"
    text, markup = follow_typed(context, message, kind, message.text or "")
    await message.reply_text(text, reply_markup=markup)


def follow_typed(
    context: ContextTypes.DEFAULT_TYPE, message: Message, kind: str, value: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Resolve a typed name; follow it, or explain and offer the closest names."""
    places = services(context).catalog.index.places
    found = follow(context).resolver.resolve(kind, value, places)
    if found.value is None:
        if kind == "topic" and not found.choices:
            # Nothing close: the list is short enough to offer whole.
            return f"{found.problem}\nPick one:", t.choices_markup("topic", TOPICS, TOPICS)
        if not found.choices:
            return found.problem or "", None
        choices = t.choices_markup(kind, found.choices, TOPICS)
        return f"{found.problem}\nDid you mean:", choices
    user_id = message.from_user.id if message.from_user else message.chat.id
    return subscribe(context, message.chat.id, user_id, kind, found.value)


def subscribe(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int, kind: str, value: str
) -> tuple[str, InlineKeyboardMarkup]:
    """Store a subscription and return the confirmation to show."""
    state = follow(context)
    result = state.subscriptions.add(
        Subscription(chat_id, user_id, kind, value), MAX_SUBSCRIPTIONS
    )
    what = state.resolver.describe(kind, result.subscription.value)
    if result.outcome == ADDED:
        text = f"🔔 Done: you follow {what}. New practices on it will come here."
    elif result.outcome == DUPLICATE:
        text = f"You already follow {what}."
    else:
        text = t.LIMIT_REACHED
    return text, t.done_markup()


async def on_follow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the menu's buttons and the buttons that follow a topic, country or city."""
    query = update.callback_query
    _, action, arg = [*query.data.split("|", 2), "", ""][:3]
    if not isinstance(query.message, Message):
        await query.answer(t.PRIVATE_ONLY, show_alert=True)
    elif action == "menu":
        await query.answer()
        await edit_or_ignore(query.message, t.MENU, t.menu_markup())
    elif action == "new":
        await query.answer()
        await query.message.chat.send_message(t.MENU, reply_markup=t.menu_markup())
    elif action == "k":
        await _pick_kind(query, context, arg)
    elif action in _BUTTON_KINDS:
        await _follow_pressed(query, context, _BUTTON_KINDS[action], arg)
    else:
        await query.answer(STALE_BUTTON, show_alert=True)


async def _pick_kind(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, kind: str) -> None:
    await query.answer()
    if kind == "topic":
        markup = t.choices_markup("topic", TOPICS, TOPICS)
        await edit_or_ignore(query.message, t.TOPIC_PICK, markup)
    elif kind == "country":
        names = [country for country, _ in services(context).catalog.country_counts()]
        markup = t.choices_markup("country", names, TOPICS, width=2)
        await edit_or_ignore(query.message, t.COUNTRY_PICK, markup)
    elif kind in t.PROMPTS:
        prompt = t.PROMPTS[kind]
        await query.message.chat.send_message(prompt, reply_markup=t.prompt_markup(kind))


async def _follow_pressed(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, kind: str, name: str
) -> None:
    places = services(context).catalog.index.places
    if kind == "topic":
        name = TOPICS[int(name)] if name.isdigit() and int(name) < len(TOPICS) else ""
    else:
        name = named(name, _known_names(context, kind, places)) or ""
    if not name or not follow(context).resolver.is_known(kind, name, places):
        await query.answer(STALE_BUTTON, show_alert=True)
        return
    text, markup = subscribe(context, query.message.chat.id, query.from_user.id, kind, name)
    await query.answer("🔔 Following" if text.startswith("🔔") else None)
    await edit_or_ignore(query.message, text, markup)


def _known_names(context: ContextTypes.DEFAULT_TYPE, kind: str, places: set[str]) -> Iterable[str]:
    """Return the names a country's or city's button may stand for (its token, if long)."""
    aliases = services(context).catalog.aliases
    table = aliases.countries if kind == "country" else aliases.cities
    return itertools.chain(places, set(table.values()))


async def on_practice_follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer to follow a card's topics, cities and country."""
    query = update.callback_query
    practice = await practice_of_button(update, context)
    if practice is None:
        return
    if not isinstance(query.message, Message):
        await query.answer(t.PRIVATE_ONLY, show_alert=True)
        return
    aliases = services(context).catalog.aliases
    cities = list(dict.fromkeys(aliases.canonical_city(c) for c in practice.cities))
    country = aliases.country(practice.country)
    buttons = [
        t.target_button(kind, name, TOPICS)
        for kind, name in t.practice_targets(practice, cities, country)
    ]
    await query.answer()
    markup = InlineKeyboardMarkup([[b] for b in buttons if b])
    await query.message.chat.send_message(t.PRACTICE_PICK, reply_markup=markup)
