"""Checks that FakeBotApi behaves like Telegram as seen through a real ``telegram.Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    ChatMemberBanned,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    ReplyKeyboardMarkup,
)
from telegram.error import BadRequest, ChatMigrated, EndPointNotFound, Forbidden, RetryAfter
from telegram.request import HTTPXRequest

from tests.e2e.fake_bot_api import DEFAULT_TOKEN, FakeBotApi

CHAT = 4242
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="answer:yes")]])


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def make_bot(api: FakeBotApi) -> Bot:
    return Bot(DEFAULT_TOKEN, base_url=api.base_url, base_file_url=api.file_url)


def post_json(api: FakeBotApi, method: str, payload: dict) -> httpx.Response:
    return httpx.post(f"{api.base_url}{DEFAULT_TOKEN}/{method}", json=payload, timeout=5)


def seconds(value: int | dtm.timedelta) -> float:
    """PTB 22 may report durations as int or timedelta depending on PTB_TIMEDELTA."""
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@pytest.mark.asyncio
async def test_get_me(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        me = await bot.get_me()
    assert me.username == "icc_practice_bot"
    assert me.is_bot and me.can_join_groups and me.supports_inline_queries
    assert bot.username == "icc_practice_bot"
    assert api.calls_of("getMe")


@pytest.mark.asyncio
async def test_get_chat_member_tells_a_groups_administrators_from_its_members(
    api: FakeBotApi,
) -> None:
    api.make_administrator(-4001, 7)
    async with make_bot(api) as bot:
        admin = await bot.get_chat_member(-4001, 7)
        member = await bot.get_chat_member(-4001, 8)
    assert (admin.status, admin.user.id) == ("creator", 7)
    assert (member.status, member.user.id) == ("member", 8)


@pytest.mark.asyncio
async def test_send_message_with_inline_keyboard_is_recorded_decoded(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        first = await bot.send_message(CHAT, "Pick one", reply_markup=KEYBOARD)
        second = await bot.send_message(CHAT, "123")

    assert first.reply_markup == KEYBOARD
    assert first.from_user.username == "icc_practice_bot"
    assert second.message_id == first.message_id + 1
    sent = api.sent(CHAT)
    assert sent[0]["chat_id"] == CHAT
    assert sent[0]["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "answer:yes"}]]
    }
    assert sent[1]["text"] == "123"  # free text is never JSON-decoded
    assert api.texts(CHAT) == ["Pick one", "123"]


@pytest.mark.asyncio
async def test_reply_keyboard_is_recorded_but_not_echoed(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        message = await bot.send_message(CHAT, "hi", reply_markup=ReplyKeyboardMarkup([["a"]]))
    assert message.reply_markup is None
    assert api.sent(CHAT)[0]["reply_markup"]["keyboard"] == [[{"text": "a"}]]


@pytest.mark.asyncio
async def test_get_updates_returns_pushed_command(api: FakeBotApi) -> None:
    api.push_message(CHAT, "/start ref_42", username="alice")
    async with make_bot(api) as bot:
        updates = await bot.get_updates(timeout=0)
        assert len(updates) == 1
        message = updates[0].message
        assert message.text == "/start ref_42"
        assert message.entities == (MessageEntity(MessageEntity.BOT_COMMAND, 0, 6),)
        assert message.from_user.username == "alice"
        assert updates[0].effective_chat.type == "private"

        confirmed = await bot.get_updates(offset=updates[0].update_id + 1, timeout=0)
    assert confirmed == ()
    assert api.pending_updates == []


@pytest.mark.asyncio
async def test_pushed_callback_query_carries_the_bot_message(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        sent = await bot.send_message(CHAT, "Pick one", reply_markup=KEYBOARD)
        api.push_callback(CHAT, "answer:yes", sent.message_id)
        (update,) = await bot.get_updates(timeout=0)
        query = update.callback_query
        assert query.data == "answer:yes"
        assert query.message.message_id == sent.message_id
        assert query.message.reply_markup == KEYBOARD
        assert query.from_user.id == CHAT
        await bot.answer_callback_query(query.id, text="Noted")
    assert api.calls_of("answerCallbackQuery")[0]["text"] == "Noted"


@pytest.mark.asyncio
async def test_inline_query_and_my_chat_member_parse(api: FakeBotApi) -> None:
    api.push_inline_query(77, "cover drive")
    api.push_my_chat_member(CHAT, new_status="kicked")
    async with make_bot(api) as bot:
        inline, member = await bot.get_updates(timeout=0)
    assert inline.inline_query.query == "cover drive"
    assert inline.inline_query.from_user.id == 77
    assert isinstance(member.my_chat_member.new_chat_member, ChatMemberBanned)
    assert member.my_chat_member.new_chat_member.user.username == "icc_practice_bot"


@pytest.mark.asyncio
async def test_long_poll_returns_promptly_when_update_arrives(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        # A poll that would hold for an hour: it can only end because the update arrived.
        poll = asyncio.create_task(bot.get_updates(timeout=3600, read_timeout=3700))
        await asyncio.sleep(0.3)
        assert not poll.done()
        await bot.send_message(CHAT, "other calls are not blocked by the long poll")
        assert not poll.done()
        api.push_message(CHAT, "hello")
        updates = await asyncio.wait_for(poll, timeout=120)  # a guard against a hang only
    assert updates[0].message.text == "hello"


@pytest.mark.asyncio
async def test_long_poll_times_out_empty(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        assert await bot.get_updates(timeout=1) == ()
    assert api.polls_timed_out == 1  # it held the poll until its timeout, then answered empty


@pytest.mark.asyncio
async def test_allowed_updates_filter(api: FakeBotApi) -> None:
    api.push_message(CHAT, "text")
    api.push_inline_query(CHAT, "query")
    async with make_bot(api) as bot:
        updates = await bot.get_updates(timeout=0, allowed_updates=["inline_query"])
    assert [u.inline_query.query for u in updates] == ["query"]


@pytest.mark.asyncio
async def test_blocked_chat_raises_forbidden(api: FakeBotApi) -> None:
    api.fail_chat(CHAT)
    async with make_bot(api) as bot:
        with pytest.raises(Forbidden, match="blocked"):
            await bot.send_message(CHAT, "hi")
    assert api.calls_of("sendMessage")[0]["text"] == "hi"
    assert api.sent(CHAT) == []
    assert api.send_times == []


@pytest.mark.asyncio
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_wait_raises_retry_after_then_recovers(api: FakeBotApi) -> None:
    api.fail_next(CHAT, retry_after=3)
    async with make_bot(api) as bot:
        with pytest.raises(RetryAfter) as raised:
            await bot.send_message(CHAT, "hi")
        assert seconds(raised.value.retry_after) == 3
        await bot.send_message(CHAT, "hi again")
    assert api.texts(CHAT) == ["hi again"]


def test_flood_wait_body_has_telegram_shape(api: FakeBotApi) -> None:
    api.fail_next(None, retry_after=5)
    response = post_json(api, "sendMessage", {"chat_id": 1, "text": "x"})
    assert response.status_code == 429
    assert response.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }


@pytest.mark.asyncio
async def test_chat_not_found_raises_bad_request(api: FakeBotApi) -> None:
    api.chat_not_found(CHAT)
    async with make_bot(api) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(CHAT, "hi")


@pytest.mark.asyncio
async def test_migrated_group_raises_chat_migrated(api: FakeBotApi) -> None:
    api.migrate_chat(-4242, -1004242)
    async with make_bot(api) as bot:
        with pytest.raises(ChatMigrated) as raised:
            await bot.send_message(-4242, "hi")
    assert raised.value.new_chat_id == -1004242


@pytest.mark.asyncio
async def test_unknown_method_is_recorded_and_404(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": CHAT})
    assert api.calls_of("sendTelepathy") == [{"chat_id": CHAT}]


def test_plain_json_body_is_accepted(api: FakeBotApi) -> None:
    markup = '{"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}'
    response = post_json(api, "sendMessage", {"chat_id": 9, "text": "x", "reply_markup": markup})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
    assert api.sent(9)[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


@pytest.mark.asyncio
async def test_edit_and_delete_messages(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        sent = await bot.send_message(CHAT, "Question?", reply_markup=KEYBOARD)
        edited = await bot.edit_message_text("Answered", CHAT, sent.message_id)
        assert edited.text == "Answered" and edited.reply_markup is None
        edited = await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=KEYBOARD)
        assert edited.reply_markup == KEYBOARD
        assert await bot.delete_message(CHAT, sent.message_id)
    methods = [name for name, _ in api.calls]
    assert methods[-3:] == ["editMessageText", "editMessageReplyMarkup", "deleteMessage"]
    assert [p.get("text") for p in api.sent(CHAT)] == ["Question?", "Answered", None]


@pytest.mark.asyncio
async def test_strict_edits_report_missing_and_unmodified_messages() -> None:
    with FakeBotApi(strict_edits=True) as api:
        async with make_bot(api) as bot:
            with pytest.raises(BadRequest, match="not found"):
                await bot.edit_message_text("x", CHAT, 999)
            sent = await bot.send_message(CHAT, "same")
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("same", CHAT, sent.message_id)


@pytest.mark.asyncio
async def test_commands_descriptions_chat_and_misc_methods(api: FakeBotApi) -> None:
    commands = [BotCommand("start", "Start practising"), BotCommand("help", "Help")]
    async with make_bot(api) as bot:
        assert await bot.set_my_commands(commands)
        assert await bot.get_my_commands() == tuple(commands)
        assert await bot.delete_my_commands()
        assert await bot.get_my_commands() == ()
        assert await bot.set_my_description("Practice bot")
        assert await bot.set_my_short_description("Practice")
        assert (await bot.get_my_description()).description == "Practice bot"
        assert await bot.send_chat_action(CHAT, "typing")
        chat = await bot.get_chat(CHAT)
        assert chat.id == CHAT and chat.type == "private"
        assert await bot.answer_inline_query("1", results=[])
        assert await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.log_out() and await bot.close()


@pytest.mark.asyncio
async def test_delete_webhook_can_drop_pending_updates(api: FakeBotApi) -> None:
    api.push_message(CHAT, "stale")
    async with make_bot(api) as bot:
        await bot.delete_webhook(drop_pending_updates=True)
        assert await bot.get_updates(timeout=0) == ()


def test_wait_for_sees_calls_from_another_thread(api: FakeBotApi) -> None:
    def send_later() -> None:
        time.sleep(0.2)
        post_json(api, "sendMessage", {"chat_id": 5, "text": "late"})

    threading.Thread(target=send_later).start()
    assert api.wait_for(lambda: api.sent(5), timeout=5)[0]["text"] == "late"
    with pytest.raises(TimeoutError):
        api.wait_for(lambda: api.sent(6), timeout=0.2)


@pytest.mark.asyncio
async def test_await_for_does_not_block_the_loop(api: FakeBotApi) -> None:
    async with make_bot(api) as bot:
        send = asyncio.create_task(bot.send_message(5, "soon"))
        texts = await api.await_for(lambda: api.texts(5), timeout=5)
        await send
    assert texts == ["soon"]


@pytest.mark.asyncio
async def test_latency_is_applied_per_send() -> None:
    answered: list[float] = []

    async def send(chat: int) -> None:
        await bot.send_message(chat, "x")
        answered.append(time.monotonic())

    with FakeBotApi(latency=0.3) as api:
        async with make_bot(api) as bot:
            await asyncio.gather(*(send(i) for i in range(1, 6)))
    # Each send waited for the latency, and concurrently: all five had arrived before the
    # first answer came back (one after the other, the second would arrive after it).
    assert max(api.send_times) < min(answered)


@pytest.mark.asyncio
async def test_serves_200_concurrent_sends(api: FakeBotApi) -> None:
    request = HTTPXRequest(connection_pool_size=256, pool_timeout=10)
    bot = Bot(DEFAULT_TOKEN, base_url=api.base_url, request=request)
    async with bot:
        started = time.monotonic()
        messages = await asyncio.gather(
            *(bot.send_message(1000 + i % 20, f"alert {i}") for i in range(200))
        )
        elapsed = time.monotonic() - started
    print(
        f"\n200 concurrent sendMessage: {elapsed:.3f}s, "
        f"rate {api.achieved_rate():.0f}/s, peak {api.peak_count()} per 1s"
    )
    assert len(api.send_times) == 200
    per_chat = [m.message_id for m in messages if m.chat_id == 1000]
    assert sorted(per_chat) == list(range(1, 11))
    assert api.peak_count(window=60) == 200
    assert api.achieved_rate(chat_ids=[1000]) > 0
