"""What a chat follows: `/subscriptions`, `/unsubscribe`, and the buttons that stop one or all."""

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update
from telegram.constants import CallbackQueryLimit
from telegram.ext import ContextTypes

from bot import follow_texts as ft
from bot.callbacks import StopAll, StopOne, Subscriptions, parse_one_of
from bot.follow import parse_follow
from bot.i18n import N_, Translator
from bot.models import Subscription
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import is_group_admin, tr
from handlers.updates import message_of, pressed_message, query_of, user_of

UNSUBSCRIBE_HELP = N_(
    "Tell me what to stop: <code>/unsubscribe 2</code> (its number in /subscriptions), "
    "<code>/unsubscribe topic:refugees</code>, or <code>/unsubscribe all</code>."
)

# The buttons `on_list_button` answers; an answer's alert holds at most 200 characters.
BUTTONS = (Subscriptions, StopOne, StopAll)
ANSWER_LENGTH = CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List what the chat follows, each with a button to stop it."""
    message = message_of(update)
    text, markup = await _listing(update, context, message, user_of(update).id)
    await message.reply_text(text, reply_markup=markup)


async def _listing(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    message: MaybeInaccessibleMessage,
    user_id: int,
    admin: bool | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """Return the list of what the chat follows and its buttons, for this user.

    In a group the list is the group's, and it has Stop buttons only for what the user may
    stop (`may_stop`); `admin` says whether they administer the group (None: ask Telegram,
    when it matters).
    """
    t = tr(update, context)
    subs = services(context).subscriptions.for_chat(message.chat.id)
    if message.chat.type == "private":
        return ft.list_text(t, subs), ft.list_markup(t, subs)
    if admin is None:
        admin = any(s.user_id != user_id for s in subs) and await is_group_admin(update, context)
    stoppable = {s.id for s in subs if may_stop(s, message, user_id, admin)}
    return ft.list_text(t, subs, True, stoppable), ft.list_markup(t, subs, stoppable)


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop one subscription (by number or name) or all of them."""
    message = message_of(update)
    t = tr(update, context)
    parts = (message.text or "").split(maxsplit=1)
    subs = services(context).subscriptions.for_chat(message.chat.id)
    if len(parts) < 2:
        reply, markup = await _listing(update, context, message, user_of(update).id)
        await message.reply_text(reply, reply_markup=markup if subs else None)
        return
    arg = parts[1].strip()
    admin = message.chat.type != "private" and await is_group_admin(update, context)
    if arg.casefold() in ALL_WORDS:
        # Asked first, as the list's Stop all button is: nothing stops until confirmed.
        mine = [s for s in subs if may_stop(s, message, user_of(update).id, admin)]
        if not mine:
            group = message.chat.type != "private"
            none = t.gettext(ft.GROUP_STOPS) if subs else ft.list_text(t, [], group=group)
            await message.reply_text(none)
            return
        await message.reply_text(ft.ask_stop_all(t, len(mine)), reply_markup=ft.stop_all_markup(t))
        return
    sub = _find(context, subs, arg)
    if sub is None or not may_stop(sub, message, user_of(update).id, admin):
        text = t._("That is not in your /subscriptions.") + " " + t.gettext(UNSUBSCRIBE_HELP)
        await message.reply_text(text)
        return
    services(context).subscriptions.remove(sub.id)
    what = services(context).resolver.describe(sub.kind, sub.value, t)
    await message.reply_text(t._("Stopped: you no longer follow {what}.").format(what=what))


# `/unsubscribe all` in the bot's languages.
ALL_WORDS = frozenset({"all", "tout", "tous", "alle", "alles"})


def _stopped(t: Translator, count: int) -> str:
    return t.ngettext(
        "Stopped {count} subscription.", "Stopped {count} subscriptions.", count
    ).format(count=t.format_number(count))


def _find(
    context: ContextTypes.DEFAULT_TYPE, subs: list[Subscription], arg: str
) -> Subscription | None:
    """Return the subscription a number, a typed form or a name points to."""
    if arg.isdigit():
        return subs[int(arg) - 1] if 0 < int(arg) <= len(subs) else None
    kind, value = parse_follow(arg)
    places = services(context).catalog.index.places
    found = services(context).resolver.resolve(kind, value, places)
    wanted = Subscription(0, 0, kind, found.value or value).target
    named = [s for s in subs if s.target == wanted or s.target[1] == wanted[1]]
    return named[0] if named else None


def may_stop(
    sub: Subscription, message: MaybeInaccessibleMessage, user_id: int, admin: bool = False
) -> bool:
    """Return True when this user may stop this subscription from this chat.

    In a private chat the chat is the user. In a group, whoever subscribed may stop it, and
    so may the group's administrators (`admin`, `is_group_admin`): what the group follows
    reaches everyone there, and whoever subscribed may have left the group.
    """
    if sub.chat_id != message.chat.id:
        return False
    return message.chat.type == "private" or sub.user_id == user_id or admin


def _stop_all(
    context: ContextTypes.DEFAULT_TYPE,
    message: MaybeInaccessibleMessage,
    user_id: int,
    admin: bool,
) -> int:
    """Stop every subscription of a private chat, or in a group those the user may stop."""
    store = services(context).subscriptions
    if message.chat.type == "private":
        return store.remove_chat(message.chat.id)
    mine = [s for s in store.for_chat(message.chat.id) if may_stop(s, message, user_id, admin)]
    return sum(store.remove(s.id) is not None for s in mine)


async def on_list_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the list's buttons: show it, stop one, stop all (after a confirmation)."""
    query = query_of(update)
    t = tr(update, context)
    button = parse_one_of(query.data, *BUTTONS)
    if not isinstance(query.message, Message):
        await query.answer(t.gettext(ft.PRIVATE_ONLY), show_alert=True)
    elif isinstance(button, Subscriptions) and button.where == "list":
        await query.answer()
        await _show_list(update, context)
    elif isinstance(button, Subscriptions):
        await query.answer()
        text, markup = await _listing(update, context, query.message, query.from_user.id)
        await query.message.chat.send_message(
            text, reply_markup=markup, reply_parameters=kept_for_member(update)
        )
    elif isinstance(button, StopOne):
        admin = await is_group_admin(update, context)
        await _stop_one(update, context, button.subscription, t, admin)
    elif isinstance(button, StopAll):
        admin = await is_group_admin(update, context)
        await _stop_all_pressed(update, context, t, button.confirmed == "yes", admin)


async def _show_list(
    update: Update, context: ContextTypes.DEFAULT_TYPE, admin: bool | None = None
) -> None:
    query = query_of(update)
    message = pressed_message(query)
    text, markup = await _listing(update, context, message, query.from_user.id, admin)
    await edit_or_ignore(message, text, markup)


async def _stop_one(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    sub_id: int,
    t: Translator,
    admin: bool,
) -> None:
    query = query_of(update)
    sub = services(context).subscriptions.get(sub_id)
    if sub is None:
        await query.answer(t.gettext(ft.GONE), show_alert=True)
    elif not may_stop(sub, pressed_message(query), query.from_user.id, admin):
        await query.answer(t.gettext(ft.NOT_YOURS), show_alert=True)
    else:
        services(context).subscriptions.remove(sub_id)
        await query.answer(t._("Stopped: {what}").format(what=ft.label(t, sub))[:ANSWER_LENGTH])
    await _show_list(update, context, admin)


async def _stop_all_pressed(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    t: Translator,
    confirmed: bool,
    admin: bool,
) -> None:
    query = query_of(update)
    message = pressed_message(query)
    subs = services(context).subscriptions.for_chat(message.chat.id)
    count = sum(may_stop(s, message, query.from_user.id, admin) for s in subs)
    if not count:  # none is theirs to stop (a list shown to someone else, or an old one)
        none = ft.NOT_YOURS if subs else ft.GONE
        await query.answer(t.gettext(none), show_alert=True)
        await _show_list(update, context, admin)
        return
    if not confirmed:
        await query.answer()
        await edit_or_ignore(message, ft.ask_stop_all(t, count), ft.stop_all_markup(t))
        return
    stopped = _stop_all(context, message, query.from_user.id, admin)
    await query.answer(_stopped(t, stopped))
    await _show_list(update, context, admin)
