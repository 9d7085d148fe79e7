"""The narrowing helpers: a part an update has is returned, a missing one is a named error."""

from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from handlers.updates import (
    MissingPart,
    chat_of,
    message_of,
    pressed_full_message,
    pressed_message,
    query_of,
    text_of,
    user_of,
)

USER = User(7, "Ana", is_bot=False)
CHAT = Chat(7, Chat.PRIVATE)
WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_parts_of_a_message_are_returned() -> None:
    message = Message(1, WHEN, CHAT, from_user=USER, text="anti racism")
    update = Update(5, message=message)
    assert message_of(update) is message
    assert user_of(update) is USER
    assert chat_of(update) is CHAT
    assert text_of(message) == "anti racism"


def test_the_parts_of_a_button_press_are_returned() -> None:
    shown = Message(3, WHEN, CHAT, text="…")
    query = CallbackQuery("q", USER, "ci", message=shown, data="c|x")
    update = Update(6, callback_query=query)
    assert query_of(update) is query
    assert pressed_message(query) is shown
    assert pressed_full_message(query) is shown


def test_a_missing_part_names_itself_and_the_update() -> None:
    channel_post = Update(9, channel_post=Message(1, WHEN, Chat(-100, Chat.CHANNEL), text="hi"))
    with pytest.raises(MissingPart, match="update 9 has no user"):
        user_of(channel_post)
    with pytest.raises(MissingPart, match="update 9 has no callback query"):
        query_of(channel_post)
    with pytest.raises(MissingPart, match="has no message text"):
        text_of(Message(2, WHEN, CHAT, from_user=USER))
    inline = CallbackQuery("q", USER, "ci", inline_message_id="i", data="c|x")
    with pytest.raises(MissingPart, match="message of the pressed button"):
        pressed_message(inline)
    with pytest.raises(MissingPart, match="message of the pressed button"):
        pressed_full_message(inline)
