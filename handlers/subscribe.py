"""Subscribe: `/subscribe` typed or with buttons, the card's Follow button, typed replies."""

import itertools
from collections.abc import Iterable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes, filters

from bot import follow_texts as ft
from bot.callbacks import (
    CallbackDataError,
    FollowCity,
    FollowCountry,
    FollowKind,
    FollowMenu,
    FollowPractice,
    FollowTopic,
    named,
    parse_one_of,
)
from bot.follow import MAX_SUBSCRIPTIONS, parse_follow
from bot.i18n import Translator
from bot.models import Subscription
from bot.template import TOPICS
from handlers.cards import practice_of_button
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import note_group_language, tr
from handlers.updates import message_of, pressed_message, query_of
from store.subscriptions import ADDED, DUPLICATE

# The buttons `on_follow_button` answers: the menu, and what it offers to follow.
BUTTONS = (FollowMenu, FollowKind, FollowTopic, FollowCountry, FollowCity)


class _PromptReply(filters.MessageFilter):
    """A reply to the bot's "Which city?" or "Which words?" question."""

    def filter(self, message: Message) -> bool:
        asked = message.reply_to_message
        return bool(asked and asked.text and prompt_kind(asked.text))


PROMPT_REPLY = _PromptReply(name="PromptReply")


def prompt_kind(text: str) -> str | None:
    """Return which question a bot message asked ("city", "keyword"), if it is one."""
    return next((kind for kind in ft.PROMPTS if ft.is_prompt(text, kind)), None)


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer `/subscribe` with the menu, or follow what is typed after it."""
    message = message_of(update)
    t = tr(update, context)
    parts = (message.text or "").split(maxsplit=1)
    if len(parts) < 2:
        await message.reply_text(t.gettext(ft.MENU), reply_markup=ft.menu_markup(t))
        return
    kind, value = parse_follow(parts[1])
    text, markup = follow_typed(context, message, kind, value, t)
    await message.reply_text(text, reply_markup=markup)


async def on_prompt_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow the city or keywords typed in reply to the bot's question."""
    message = message_of(update)
    asked = message.reply_to_message  # PROMPT_REPLY: a reply to the bot's question
    kind = prompt_kind((asked.text or "") if asked else "") or "keyword"
    text, markup = follow_typed(context, message, kind, message.text or "", tr(update, context))
    await message.reply_text(text, reply_markup=markup)


def follow_typed(
    context: ContextTypes.DEFAULT_TYPE, message: Message, kind: str, value: str, t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Resolve a typed name; follow it, or explain and offer the closest names."""
    places = services(context).catalog.index.places
    found = services(context).resolver.resolve(kind, value, places, t)
    if found.value is None:
        if kind == "topic" and not found.choices:
            # Nothing close: the list is short enough to offer whole.
            pick = t._("Pick one:")
            return f"{found.problem}\n{pick}", ft.choices_markup("topic", TOPICS, TOPICS, t)
        if not found.choices:
            return found.problem or "", None
        choices = ft.choices_markup(kind, found.choices, TOPICS, t)
        return f"{found.problem}\n{t._('Did you mean:')}", choices
    user_id = message.from_user.id if message.from_user else message.chat.id
    return subscribe(context, message.chat.id, user_id, kind, found.value, t)


def subscribe(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    user_id: int,
    kind: str,
    value: str,
    t: Translator,
) -> tuple[str, InlineKeyboardMarkup]:
    """Store a subscription and return the confirmation to show, in t's language.

    A group's first subscription keeps t's language as the group's (its alerts' language).
    """
    note_group_language(services(context), chat_id, t)
    state = services(context)
    result = state.subscriptions.add(
        Subscription(chat_id, user_id, kind, value), MAX_SUBSCRIPTIONS
    )
    what = state.resolver.describe(kind, result.subscription.value, t)
    if result.outcome == ADDED:
        text = t._("🔔 Done: you follow {what}. New practices on it will come here.")
    elif result.outcome == DUPLICATE:
        text = t._("You already follow {what}.")
    else:
        text = t.gettext(ft.LIMIT_REACHED)
    return text.format(what=what, count=MAX_SUBSCRIPTIONS), ft.done_markup(t)


async def on_follow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the menu's buttons and the buttons that follow a topic, country or city."""
    query = query_of(update)
    t = tr(update, context)
    button = parse_one_of(query.data, *BUTTONS)
    if not isinstance(query.message, Message):
        await query.answer(t.gettext(ft.PRIVATE_ONLY), show_alert=True)
    elif isinstance(button, FollowMenu) and button.where == "menu":
        await query.answer()
        await edit_or_ignore(query.message, t.gettext(ft.MENU), ft.menu_markup(t))
    elif isinstance(button, FollowMenu):
        await query.answer()
        await query.message.chat.send_message(
            t.gettext(ft.MENU),
            reply_markup=ft.menu_markup(t),
            reply_parameters=kept_for_member(update),
        )
    elif isinstance(button, FollowKind):
        await _pick_kind(query, context, button.kind, t)
    elif isinstance(button, FollowTopic):
        topic = TOPICS[button.index] if button.index < len(TOPICS) else ""
        await _follow_pressed(query, context, "topic", topic, t)
    elif isinstance(button, FollowCountry | FollowCity):
        kind = "country" if isinstance(button, FollowCountry) else "city"
        await _follow_pressed(query, context, kind, button.name, t)


async def _pick_kind(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, kind: str, t: Translator
) -> None:
    await query.answer()
    if kind == "topic":
        markup = ft.choices_markup("topic", TOPICS, TOPICS, t)
        await edit_or_ignore(pressed_message(query), t.gettext(ft.TOPIC_PICK), markup)
    elif kind == "country":
        names = [country for country, _ in services(context).catalog.country_counts()]
        markup = ft.choices_markup("country", names, TOPICS, t, width=2)
        await edit_or_ignore(pressed_message(query), t.gettext(ft.COUNTRY_PICK), markup)
    elif kind in ft.PROMPTS:
        prompt = t.gettext(ft.PROMPTS[kind])
        await pressed_message(query).chat.send_message(prompt, reply_markup=ft.prompt_markup(kind))


async def _follow_pressed(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    kind: str,
    name: str,
    t: Translator,
) -> None:
    places = services(context).catalog.index.places
    if kind != "topic":
        name = named(name, _known_names(context, kind, places)) or ""
    if not name or not services(context).resolver.is_known(kind, name, places):
        raise CallbackDataError(f"no {kind} {name!r} to follow")
    text, markup = subscribe(
        context, pressed_message(query).chat.id, query.from_user.id, kind, name, t
    )
    await query.answer(t._("🔔 Following") if text.startswith("🔔") else None)
    await edit_or_ignore(pressed_message(query), text, markup)


def _known_names(context: ContextTypes.DEFAULT_TYPE, kind: str, places: set[str]) -> Iterable[str]:
    """Return the names a country's or city's button may stand for (its token, if long)."""
    aliases = services(context).catalog.aliases
    table = aliases.countries if kind == "country" else aliases.cities
    return itertools.chain(places, set(table.values()))


async def on_practice_follow(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer to follow a card's topics, cities and country."""
    query = query_of(update)
    t = tr(update, context)
    key = FollowPractice.parse(query.data).key
    practice = await practice_of_button(update, context, key)
    if practice is None:
        return
    if not isinstance(query.message, Message):
        await query.answer(t.gettext(ft.PRIVATE_ONLY), show_alert=True)
        return
    aliases = services(context).catalog.aliases
    cities = list(dict.fromkeys(aliases.canonical_city(c) for c in practice.cities))
    country = aliases.country(practice.country)
    buttons = [
        ft.target_button(kind, name, TOPICS, t)
        for kind, name in ft.practice_targets(practice, cities, country)
    ]
    await query.answer()
    markup = InlineKeyboardMarkup([[b] for b in buttons if b])
    await pressed_message(query).chat.send_message(
        t.gettext(ft.PRACTICE_PICK), reply_markup=markup, reply_parameters=kept_for_member(update)
    )
