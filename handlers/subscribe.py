"""Subscribe: `/subscribe` typed or with buttons, the card's Follow button, typed replies."""

import itertools
from collections.abc import Iterable
from html import escape

from telegram import CallbackQuery, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update
from telegram.ext import ContextTypes, filters

from bot import follow_texts as ft
from bot import place_names
from bot.callbacks import (
    CallbackDataError,
    FollowCity,
    FollowCountry,
    FollowKind,
    FollowMenu,
    FollowPractice,
    FollowSet,
    FollowToggle,
    FollowTopic,
    PickCountry,
    PickTopic,
    named,
    parse_one_of,
)
from bot.follow import MAX_SUBSCRIPTIONS, parse_follow
from bot.follow_texts import Target
from bot.i18n import Translator
from bot.models import Practice, Subscription
from bot.template import TOPICS, topic_name
from bot.text import collation_key
from bot.waits import FOLLOW_CITY, FOLLOW_KEYWORD, Wait
from handlers import subscriptions
from handlers.cards import practice_of_button
from handlers.deps import Services, services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import administers, is_group, note_group_language, tr
from handlers.updates import message_of, pressed_message, query_of, user_of
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
    """Follow the city or keywords typed in reply to the bot's question (also after its wait
    ended: the reply names the question)."""
    message = message_of(update)
    asked = message.reply_to_message  # PROMPT_REPLY: a reply to the bot's question
    kind = prompt_kind((asked.text or "") if asked else "") or "keyword"
    services(context).waits.close(user_of(update).id)
    text, markup = follow_typed(context, message, kind, message.text or "", tr(update, context))
    await message.reply_text(text, reply_markup=markup)


async def on_prompt_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, wait: Wait) -> None:
    """Follow the city or keywords typed after the bot's question, a reply or not."""
    message = message_of(update)
    services(context).waits.close(user_of(update).id)
    kind = "city" if wait.kind == FOLLOW_CITY else "keyword"
    text, markup = follow_typed(context, message, kind, message.text or "", tr(update, context))
    await message.reply_text(text, reply_markup=markup)


async def ask_for(
    message: MaybeInaccessibleMessage,
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    kind: str,
    t: Translator,
) -> None:
    """Ask for a city or keywords to follow; the member's next message here is the answer."""
    svc = services(context)
    wait_kind = FOLLOW_CITY if kind == "city" else FOLLOW_KEYWORD
    svc.waits.open(user_id, Wait.opened(wait_kind, message.chat.id, svc.clock()))
    prompt = t.gettext(ft.PROMPTS[kind])
    await message.chat.send_message(prompt, reply_markup=ft.prompt_markup(kind))


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
            return f"{found.problem}\n{pick}", ft.choices_markup(
                "topic", TOPICS, TOPICS, t, alphabetical=True
            )
        if not found.choices:
            return found.problem or "", None
        choices = ft.choices_markup(kind, found.choices, TOPICS, t)
        # Not inside the f-string: the extractor would not see it, and it would stay English.
        did_you_mean = t._("Did you mean:")
        return f"{found.problem}\n{did_you_mean}", choices
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
    if result.outcome == ADDED and kind == "keyword":
        text = t._("🔔 Done: you follow {what}.") + " " + _keyword_note(state, value, t)
    elif result.outcome == ADDED:
        text = t._("🔔 Done: you follow {what}. New practices on it will come here.")
    elif result.outcome == DUPLICATE:
        text = t._("You already follow {what}.")
    else:
        text = t.gettext(ft.LIMIT_REACHED)
    return text.format(what=what, count=MAX_SUBSCRIPTIONS), ft.done_markup(t)


def _keyword_note(state: Services, value: str, t: Translator) -> str:
    """Return what a keyword catches: nothing published yet, or how many practices today.

    A keyword alert comes for a new practice exactly when the strict reading of the keyword
    matches it (`bot.alerts`), so today's count is that reading's, not the search answer's
    (which may add partial matches, or practices meeting only a compound's part).
    """
    matches = state.catalog.keyword_matches(value)
    return ft.keyword_note(t, len(matches), len(value.split()))


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
    if kind in ft.GROUP_PROMPTS and is_group(pressed_message(query).chat.id):
        # The typed answer would be the group's to give, and a prompt waiting for one
        # member's next message has no place in a group: say what to type instead.
        await query.answer(t.gettext(ft.GROUP_PROMPTS[kind]), show_alert=True)
        return
    await query.answer()
    if kind in ("topic", "country"):
        await _show_picker(query, context, kind, t, "")
    elif kind in ft.PROMPTS:
        await ask_for(pressed_message(query), context, query.from_user.id, kind, t)


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
    await query.answer()
    targets = _practice_targets(context, practice)
    followed = _followed(context, query.message.chat.id)
    await query.message.chat.send_message(
        t.gettext(ft.PRACTICE_PICK),
        reply_markup=ft.practice_menu(t, practice.key, targets, followed),
        reply_parameters=kept_for_member(update),
    )


def _practice_targets(context: ContextTypes.DEFAULT_TYPE, practice: Practice) -> list[Target]:
    aliases = services(context).catalog.aliases
    cities = list(dict.fromkeys(aliases.canonical_city(c) for c in practice.cities))
    return ft.practice_targets(practice, cities, aliases.country(practice.country))


def _followed(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> dict[Target, Subscription]:
    """Return a chat's subscriptions by what they follow (`Subscription.target`)."""
    return {sub.target: sub for sub in services(context).subscriptions.for_chat(chat_id)}


async def on_practice_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow or stop one target of a card's Follow menu, and show the menu again with ✓."""
    query = query_of(update)
    t = tr(update, context)
    button = parse_one_of(query.data, FollowSet, FollowToggle)
    if not isinstance(button, FollowSet | FollowToggle):
        raise CallbackDataError(f"not a card's Follow button: {query.data!r}")
    want = button.want if isinstance(button, FollowSet) else ""
    practice = await practice_of_button(update, context, button.key)
    if practice is None:
        return
    if not isinstance(query.message, Message):
        await query.answer(t.gettext(ft.PRIVATE_ONLY), show_alert=True)
        return
    targets = _practice_targets(context, practice)
    if button.target >= len(targets):
        raise CallbackDataError(f"no target {button.target} of {practice.key!r}")
    kind, name = targets[button.target]
    shown = await _toggle(query, context, kind, name, t, want)
    markup = ft.practice_menu(t, practice.key, targets, _followed(context, query.message.chat.id))
    await edit_or_ignore(query.message, f"{t.gettext(ft.PRACTICE_PICK)}\n{escape(shown)}", markup)


async def _toggle(
    query: CallbackQuery,
    context: ContextTypes.DEFAULT_TYPE,
    kind: str,
    name: str,
    t: Translator,
    want: str,
) -> str:
    """Follow a target or stop it, as the button said when pressed; answer the press; return
    what happened, as a line (plain text) for the menu that stays.

    Args:
        want: "f" follow, "s" stop (`callbacks.Want`): what is already so changes nothing,
            so a second quick press of the same button can't undo the first; "" (buttons
            sent before they said) does the opposite of what is so now.
    """
    chat_id, user_id = pressed_message(query).chat.id, query.from_user.id
    same = _followed(context, chat_id).get(Subscription(0, 0, kind, name).target)
    if same is None and want == "s":
        note = t._("Already stopped: {what}")
    elif same is not None and want == "f":
        note = t._("Already following: {what}")
    elif same is None:
        text, _ = subscribe(context, chat_id, user_id, kind, name, t)
        following = text.startswith("🔔")
        note = t._("🔔 Following: {what}") if following else t.gettext(ft.LIMIT_REACHED)
    elif subscriptions.may_stop(
        same,
        pressed_message(query),
        user_id,
        # A group's administrators may stop what anyone there followed (`may_stop`).
        same.user_id != user_id
        and is_group(chat_id)
        and await administers(context, chat_id, user_id),
    ):
        services(context).subscriptions.remove(same.id)
        note = t._("Stopped: {what}")
    else:
        note = t.gettext(ft.NOT_YOURS)
    label = ft.label(t, Subscription(0, 0, kind, name))
    shown = note.format(what=label, count=MAX_SUBSCRIPTIONS)
    await query.answer(shown[: subscriptions.ANSWER_LENGTH])
    return shown


async def on_pick(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow or stop a topic or country of /subscribe's lists; the list stays, with ✓."""
    query = query_of(update)
    t = tr(update, context)
    button = parse_one_of(query.data, PickTopic, PickCountry)
    if not isinstance(query.message, Message):
        await query.answer(t.gettext(ft.PRIVATE_ONLY), show_alert=True)
        return
    if isinstance(button, PickTopic):
        kind, name = "topic", TOPICS[button.index] if button.index < len(TOPICS) else ""
    elif isinstance(button, PickCountry):
        places = services(context).catalog.index.places
        kind, name = "country", named(button.name, _known_names(context, "country", places)) or ""
    else:
        raise CallbackDataError(f"not a list's button: {query.data!r}")
    if not name or not services(context).resolver.is_known(
        kind, name, services(context).catalog.index.places
    ):
        raise CallbackDataError(f"no {kind} {name!r} to follow")
    want = button.want if isinstance(button, PickTopic | PickCountry) else ""
    shown = await _toggle(query, context, kind, name, t, want)
    await _show_picker(query, context, kind, t, escape(shown))


async def _show_picker(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, kind: str, t: Translator, line: str
) -> None:
    """Show /subscribe's list of topics or countries in place, ✓ on what the chat follows."""
    followed = _followed(context, pressed_message(query).chat.id)
    if kind == "topic":
        text, names, width = t.gettext(ft.TOPIC_PICK), list(TOPICS), 1
    else:
        names = [country for country, _ in services(context).catalog.country_counts()]
        text, width = t.gettext(ft.COUNTRY_PICK), 2
    # Alphabetical in the reader's language, as every picker.
    shown = topic_name if kind == "topic" else lambda t, name: place_names.country(name, t)
    names.sort(key=lambda name: collation_key(shown(t, name)))
    markup = ft.picker_markup(kind, names, TOPICS, t, followed, width)
    await edit_or_ignore(pressed_message(query), f"{text}\n{line}" if line else text, markup)
