"""The parts of an update that a handler's registration promises, typed as present.

python-telegram-bot types every part of an `Update` as optional, because an update carries only
one kind of event. A handler sees only the updates its registration lets through
(`handlers/__init__.py`, `handlers/contribute.py`), and that is what makes a part present:

* every update a handler sees after the gate (`handlers/gate.py`) is a new message, a button
  press, an inline query or a change of the bot's membership: channel posts (no sender) and
  edited messages are handled at the gate alone, so a message's chat and sender are there;
* a `MessageHandler` with `filters.TEXT` sees messages with text.

These helpers state that once. When a part is missing all the same, they raise `MissingPart`:
a fault of our registration, which the error handler logs and apologises for (never a silent
None further down). A part that can really be missing is read with the `if` of its handler.
"""

from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    Chat,
    ChatMemberUpdated,
    Document,
    InlineQuery,
    MaybeInaccessibleMessage,
    Message,
    Update,
    User,
)
from telegram.ext import ContextTypes, JobQueue

T = TypeVar("T")


class MissingPart(RuntimeError):
    """An update lacks a part its handler's registration promises (a wiring fault of ours)."""

    def __init__(self, part: str, update: Update | None = None) -> None:
        update_id = update.update_id if update is not None else None
        super().__init__(f"update {update_id} has no {part}")


def _present(value: T | None, part: str, update: Update | None = None) -> T:
    if value is None:
        raise MissingPart(part, update)
    return value


def message_of(update: Update) -> Message:
    """Return the update's message: the one sent, or the one with the pressed button.

    Raises:
        MissingPart: no message, or the pressed button's message is no longer accessible.
    """
    return _present(update.effective_message, "message", update)


def user_of(update: Update) -> User:
    """Return who sent the update.

    Raises:
        MissingPart: the update has no sender (channel posts: stopped at the gate).
    """
    return _present(update.effective_user, "user", update)


def chat_of(update: Update) -> Chat:
    """Return the chat the update happened in.

    Raises:
        MissingPart: the update has no chat (inline queries).
    """
    return _present(update.effective_chat, "chat", update)


def query_of(update: Update) -> CallbackQuery:
    """Return the button press of an update a `CallbackQueryHandler` took.

    Raises:
        MissingPart: the update is no button press.
    """
    return _present(update.callback_query, "callback query", update)


def pressed_message(query: CallbackQuery) -> MaybeInaccessibleMessage:
    """Return the message that carries the pressed button (its chat and id at least).

    Raises:
        MissingPart: the button is on an inline-mode message (the bot's inline cards have URL
            buttons only).
    """
    return _present(query.message, "message of the pressed button")


def pressed_full_message(query: CallbackQuery) -> Message:
    """Return the message that carries the pressed button, to reply to or read.

    Raises:
        MissingPart: no message (`pressed_message`), or one typed as inaccessible (Bot API 7.0;
            PTB 22 reads a callback query's message as a `Message` all the same).
    """
    message = pressed_message(query)
    if not isinstance(message, Message):
        raise MissingPart("accessible message of the pressed button")
    return message


def text_of(message: Message) -> str:
    """Return the text of a message a `filters.TEXT` handler took.

    Raises:
        MissingPart: the message has no text.
    """
    return _present(message.text, "message text")


def inline_query_of(update: Update) -> InlineQuery:
    """Return the inline query of an update an `InlineQueryHandler` took.

    Raises:
        MissingPart: the update is no inline query.
    """
    return _present(update.inline_query, "inline query", update)


def member_change_of(update: Update) -> ChatMemberUpdated:
    """Return the change of the bot's membership a `ChatMemberHandler` took.

    Raises:
        MissingPart: the update is no change of the bot's membership.
    """
    return _present(update.my_chat_member, "change of the bot's membership", update)


def document_of(message: Message) -> Document:
    """Return the file of a message a `filters.Document` handler took.

    Raises:
        MissingPart: the message has no file.
    """
    return _present(message.document, "document")


def user_data_of(context: ContextTypes.DEFAULT_TYPE) -> dict[Any, Any]:
    """Return what the application keeps for the update's user.

    Raises:
        MissingPart: the update has no user (PTB then gives no user data).
    """
    return _present(context.user_data, "user data")


def chat_data_of(context: ContextTypes.DEFAULT_TYPE) -> dict[Any, Any]:
    """Return what the application keeps for the update's chat.

    Raises:
        MissingPart: the update has no chat (PTB then gives no chat data).
    """
    return _present(context.chat_data, "chat data")


def job_queue_of(context: ContextTypes.DEFAULT_TYPE) -> JobQueue[Any]:
    """Return the application's job queue (the job-queue extra is a dependency).

    Raises:
        MissingPart: the application was built without one.
    """
    return _present(context.job_queue, "job queue")
