"""What the bot answers at all, and where: tried before every other handler.

* Channel posts (and their edits) get no answer: a channel has no member to talk to, and an
  answer there would be posted to every subscriber of the channel.
* In groups, a button is for the member it was shown to: the bot's answers in groups quote
  the member's message, so a button on one belongs to that member. Anyone else who presses it
  is told so privately (an alert only they see), and nothing changes.
* A second press of the same button on the same message within REPEAT_SECONDS (a double
  tap) is answered and goes no further, so nothing is sent twice.
* In groups, buttons that start a private flow (the submission dialogue, /forget, /contact)
  open the bot's private chat through a deep link
  (`t.me/<bot>?start=<payload>`, which /start there turns into that flow), instead of running
  it in front of the group.
"""

from telegram import Chat, Message, ReplyParameters, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters
from telegram.helpers import create_deep_linked_url

from bot import callbacks
from bot.i18n import N_
from handlers.deps import services
from handlers.language import tr
from handlers.updates import query_of

# Deep-link payloads (/start <payload> in the private chat) of the flows that run there only.
SUBMIT, FOLLOW_CITY, FOLLOW_KEYWORD, FORGET = "submit", "follow_city", "follow_keyword", "forget"
CONTACT = "contact"
# `/start submit` in a private chat: taken by the submission dialogue, not by `start`.
OWN_FLOW_LINK = filters.ChatType.PRIVATE & filters.Regex(rf"^/start(@\w+)?\s+{SUBMIT}\s*$")
# Callback data of the buttons that start those flows → the payload that starts it privately.
_PRIVATE_BUTTONS = (
    (callbacks.namespace_pattern("sb"), SUBMIT),
    (callbacks.namespace_pattern("fg"), FORGET),
    (callbacks.Contact.pattern, CONTACT),
    (callbacks.ContactAbout.pattern, CONTACT),
)
IN_PRIVATE = N_("This is done in our private chat:")
NOT_YOURS = N_(
    "This button belongs to the member who asked. Send the command yourself to get your own "
    "buttons: /start, /search, /subscribe …"
)


# A second press of the same button on the same message by the same member within this
# time is a double tap: Telegram delivers both, and a button that sends a new message (a
# card's Follow menu, Full text) would send it twice.
REPEAT_SECONDS = 2.0
_PRESSES = "presses"  # bot_data key: (user, chat, message, data) → when it was last pressed
_PRESSES_KEPT = 10_000


async def on_repeated_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a double tap's second press and let nothing else handle it."""
    query = query_of(update)
    message = query.message
    if message is None or not sends_a_new_message(query.data or ""):
        return  # a button that edits its message in place shows the second press nothing new
    now = services(context).clock()
    presses: dict[tuple[int, int, int, str], float] = context.bot_data.setdefault(_PRESSES, {})
    key = (query.from_user.id, message.chat.id, message.message_id, query.data or "")
    last = presses.get(key)
    presses[key] = now
    if len(presses) > _PRESSES_KEPT:  # memory stays flat: old presses are forgotten
        fresh = {k: t for k, t in presses.items() if now - t < REPEAT_SECONDS}
        context.bot_data[_PRESSES] = fresh
    if last is not None and 0 <= now - last < REPEAT_SECONDS:
        await query.answer()
        raise ApplicationHandlerStop


def sends_a_new_message(data: str) -> bool:
    """Return True for a button whose press sends a new message: a card, a Follow menu, the
    list of subscriptions from an alert, the full text, the search help."""
    try:
        button = callbacks.parse_one_of(
            data,
            callbacks.Card,
            callbacks.Help,
            callbacks.FollowMenu,
            callbacks.FollowPractice,
            callbacks.Subscriptions,
            callbacks.FullText,
        )
    except callbacks.CallbackDataError:
        return False
    if isinstance(button, callbacks.FollowMenu):
        return button.where == "new"
    if isinstance(button, callbacks.Subscriptions):
        return button.where == "ls"
    return True


async def ignore(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Leave the update unanswered: no later handler sees it."""
    raise ApplicationHandlerStop


def private_link(context: ContextTypes.DEFAULT_TYPE, payload: str | None = None) -> str:
    """Return the link to the bot's private chat, starting the flow `payload` names."""
    return create_deep_linked_url(context.bot.username, payload)


def private_flow(data: str) -> str | None:
    """Return the deep-link payload of a button that starts a private flow, or None."""
    return next((payload for pattern, payload in _PRIVATE_BUTTONS if pattern.match(data)), None)


def kept_for_member(update: Update) -> ReplyParameters | None:
    """Return how a new message sent for a group's button stays the member's (None elsewhere).

    It quotes the member's message that the pressed one quoted, so its own buttons belong to
    the same member.
    """
    query = update.callback_query
    message = query.message if query else None
    if not isinstance(message, Message) or message.chat.type == Chat.PRIVATE:
        return None
    asked = message.reply_to_message
    if asked is None:
        return None
    return ReplyParameters(asked.message_id, allow_sending_without_reply=True)


async def on_group_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep group buttons to their member, and private flows out of groups."""
    query = query_of(update)
    message = query.message
    if message is None or message.chat.type == Chat.PRIVATE:
        return
    # An inaccessible message (Bot API 7.0: deleted, too old) would not say whose it was.
    asked = message.reply_to_message if isinstance(message, Message) else None
    owner = asked.from_user if asked is not None else None
    if owner is not None and not owner.is_bot and owner.id != query.from_user.id:
        await query.answer(tr(update, context).gettext(NOT_YOURS), show_alert=True)
        raise ApplicationHandlerStop
    payload = private_flow(query.data or "")
    if payload is not None:
        # Telegram opens a t.me/<bot>?start= link given as the answer's url in the private chat.
        link = private_link(context, payload)
        await query.answer(f"{tr(update, context).gettext(IN_PRIVATE)} {link}", url=link)
        raise ApplicationHandlerStop
