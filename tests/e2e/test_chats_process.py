"""End to end: the real `python -m bot` in groups, channels, upgrades and edits.

The fake Bot API sends group messages, channel posts, edits and supergroup notices as Telegram
does, and refuses what Telegram refuses (texts over 4096 UTF-16 units, callback data over 64
bytes, a second answer to a button).
"""

from __future__ import annotations

import time

from tests.e2e.fake_bot_api import DEFAULT_USERNAME
from tests.e2e.process import REPLY_TIMEOUT, BotProcess, RecordingBotApi, buttons, next_reply

MEMBER, OTHER = 5005, 5006
GROUP, SUPERGROUP, CHANNEL = -7001, -1007001, -1009009


def in_group(api: RecordingBotApi, text: str, user_id: int = MEMBER) -> dict:
    seen = sum(m["chat"]["id"] == GROUP for m in api.bot_messages)
    api.push_message(GROUP, text, user_id=user_id, chat_type="group")
    return next_reply(api, GROUP, seen)


def answer_to(api: RecordingBotApi, after: int) -> dict:
    return api.wait_for(lambda: api.calls_of("answerCallbackQuery")[after:], REPLY_TIMEOUT)[0]


def test_group_buttons_link_to_private_flows_and_stay_their_members(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    welcome = in_group(api, f"/start@{DEFAULT_USERNAME}")
    submit = next(b for b in buttons(welcome) if "Submit" in b["text"])
    answered = len(api.calls_of("answerCallbackQuery"))
    api.push_callback(GROUP, submit["callback_data"], welcome["message_id"], user_id=OTHER)
    refused = answer_to(api, answered)
    assert refused.get("show_alert") is True and "belongs to the member" in refused["text"]
    api.push_callback(GROUP, submit["callback_data"], welcome["message_id"], user_id=MEMBER)
    opened = answer_to(api, answered + 1)
    assert opened["url"] == f"https://t.me/{DEFAULT_USERNAME}?start=submit"
    time.sleep(0.3)
    assert [m for m in api.bot_messages if m["chat"]["id"] == GROUP] == [welcome]


def test_channel_posts_get_no_answer_and_an_upgrade_keeps_what_the_group_follows(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    api.push_channel_post(CHANNEL, "/submit")
    api.push_channel_post(CHANNEL, "/submit", edited=True)
    assert "Done" in in_group(api, "/subscribe topic:refugees")["text"]
    api.push_migration(GROUP, SUPERGROUP, user_id=MEMBER)
    seen = sum(m["chat"]["id"] == SUPERGROUP for m in api.bot_messages)
    api.push_message(SUPERGROUP, "/subscriptions", user_id=MEMBER, chat_type="supergroup")
    listed = next_reply(api, SUPERGROUP, seen)
    assert "Refugees" in listed["text"]
    assert not [m for m in api.bot_messages if m["chat"]["id"] == CHANNEL]


def test_an_edit_of_the_last_answer_changes_the_draft_not_a_search(
    api: RecordingBotApi, running_bot: BotProcess
) -> None:
    seen = sum(m["chat"]["id"] == MEMBER for m in api.bot_messages)
    api.push_message(MEMBER, "/submit")
    next_reply(api, MEMBER, seen + 1)  # the intro, then step 1
    title = api.push_message(MEMBER, "Cooking togther in Lisbn")["message"]
    next_reply(api, MEMBER, seen + 2)  # step 2
    api.push_edited_message(title, "Cooking together in Lisbon")
    updated = next_reply(api, MEMBER, seen + 3)
    assert "Updated Title" in updated["text"] and "Cooking together in Lisbon" in updated["text"]
    step = next_reply(api, MEMBER, seen + 4)
    assert "Step 2 of 12" in step["text"]
    assert not [m for m in api.bot_messages if "No practices match" in m["text"]]
