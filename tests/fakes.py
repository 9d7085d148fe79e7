"""A Bot API stand-in for handler tests: a PTB request class that answers like Telegram.

As PTB tests itself: real `Update` objects go through `Application.process_update`, and every
call the bot makes is recorded here instead of reaching the network.
"""

import html
import itertools
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.app import build_application
from bot.config import Settings
from store.db import Database, open_database

# Telegram's answers to calls that break its limits, as the real Bot API words them.
TOO_LONG = "Bad Request: message is too long"
BUTTON_DATA_INVALID = "Bad Request: BUTTON_DATA_INVALID"
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_TAG = re.compile(r"<[^>]*>")

BOT_ID = 777000
BOT_USERNAME = "icc_practice_bot"
TOKEN = f"{BOT_ID}:TEST-TOKEN"
USER_ID = 1001
ADMIN_ID = 9001


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def message_id(self) -> int | None:
        """Return the id of the message this call sent or edited."""
        return self.result.get("message_id") if isinstance(self.result, dict) else None

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def button(self, label_part: str) -> dict[str, Any]:
        """Return the first button whose label contains label_part."""
        for button in self.buttons:
            if label_part in button["text"]:
                return button
        raise AssertionError(f"no button {label_part!r} in {[b['text'] for b in self.buttons]}")


@dataclass
class Failure:
    """An error the fake answers instead of a message, for delivery tests."""

    error_code: int
    description: str
    parameters: dict[str, Any] | None = None
    times: int | None = None  # None: every time


@dataclass
class FakeRequest(BaseRequest):
    """Records every Bot API call and answers it as Telegram would."""

    calls: list[Call] = field(default_factory=list)
    failures: dict[int, list[Failure]] = field(default_factory=dict)
    # Messages users sent, by (chat id, message id): a bot message replying to one carries it.
    user_messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    # Files users sent, by file id: getFile names them and a download returns their bytes.
    files: dict[str, bytes] = field(default_factory=dict)
    # Who administers each group (getChatMember says "creator" for them, "member" otherwise).
    administrators: dict[int, set[int]] = field(default_factory=dict)
    _answered: set[str] = field(default_factory=set)
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(100))

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail(self, chat_id: int, failure: Failure) -> None:
        """Make sends to a chat fail (all of them, or `failure.times` of them)."""
        self.failures.setdefault(chat_id, []).append(failure)

    def of(self, method: str) -> list[Call]:
        """Return the recorded calls of one method."""
        return [call for call in self.calls if call.method == method]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Return sendMessage calls, optionally to one chat."""
        return [
            c for c in self.of("sendMessage") if chat_id is None or c.params["chat_id"] == chat_id
        ]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if "/file/" in url and method == "GET":  # a download of a file getFile named
            return (200, self.files[name]) if name in self.files else (404, b"")
        params = dict(request_data.parameters) if request_data else {}
        for key in ("reply_markup", "results", "commands", "reply_parameters"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        if request_data and request_data.multipart_data:
            # Uploads (sendPhoto, sendDocument): {part name: bytes}.
            params["files"] = {k: v[1] for k, v in request_data.multipart_data.items()}
        failure = self._failure_for(name, params) or self._refusal(name, params)
        if failure is not None:
            body = {"ok": False, "error_code": failure.error_code}
            body["description"] = failure.description
            if failure.parameters:
                body["parameters"] = failure.parameters
            return failure.error_code, json.dumps(body).encode()
        result = self._result(name, params)
        self.calls.append(Call(name, params, result))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _failure_for(self, method: str, params: dict[str, Any]) -> Failure | None:
        if method != "sendMessage":
            return None
        queue = self.failures.get(int(params["chat_id"]), [])
        if not queue:
            return None
        failure = queue[0]
        if failure.times is not None:
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
        return failure

    def _refusal(self, method: str, params: dict[str, Any]) -> Failure | None:
        """Return Telegram's refusal of a call that breaks one of its limits, if it does."""
        if method == "answerCallbackQuery":
            if params["callback_query_id"] in self._answered:
                return Failure(400, QUERY_TOO_OLD)
            self._answered.add(params["callback_query_id"])
        text = params.get("text")
        is_text = method in ("sendMessage", "editMessageText") and isinstance(text, str)
        if is_text and telegram_length(shown_text(text, params.get("parse_mode"))) > 4096:
            return Failure(400, TOO_LONG)
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []) if isinstance(markup, dict) else []:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= 64:
                    return Failure(400, BUTTON_DATA_INVALID)
        return None

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return bot_user()
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            return self._message(params)
        if method in ("sendPhoto", "sendDocument"):
            message = self._message(params)
            del message["text"]
            return message
        if method == "getUpdates":
            return []
        if method == "getChatMember":
            user_id = int(params["user_id"])
            if user_id in self.administrators.get(int(params["chat_id"]), set()):
                return {"status": "creator", "user": user(user_id), "is_anonymous": False}
            return {"status": "member", "user": user(user_id)}
        if method == "getFile":
            file_id = str(params["file_id"])
            size = len(self.files.get(file_id, b""))
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": size,
                "file_path": file_id,
            }
        return True

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params.get("chat_id", USER_ID))
        message_id = int(params.get("message_id") or next(self._message_ids))
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat(chat_id),
            "from": bot_user(),
            "text": params.get("text", "…"),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # as Telegram returns it
            message["reply_markup"] = markup
        replied = (params.get("reply_parameters") or {}).get("message_id")
        if replied and (chat_id, int(replied)) in self.user_messages:
            message["reply_to_message"] = self.user_messages[(chat_id, int(replied))]
        return message


def telegram_length(text: str) -> int:
    """Return a text's length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shown_text(text: str, parse_mode: str | None) -> str:
    """Return what a member reads of a message: HTML tags dropped and entities decoded.

    Telegram measures the 4096 limit on this text, after it has parsed the markup.
    """
    return html.unescape(_TAG.sub("", text)) if parse_mode == "HTML" else text


def chat(chat_id: int, chat_type: str = "") -> dict[str, Any]:
    """Return a chat as Telegram describes it; the type follows Telegram's id conventions."""
    if not chat_type:
        if chat_id > 0:
            chat_type = "private"
        else:
            chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
    if chat_type == "private":
        return {"id": chat_id, "type": chat_type}
    return {"id": chat_id, "type": chat_type, "title": chat_type.title()}


def bot_user() -> dict[str, Any]:
    """Return the bot's own user, as getMe answers it."""
    return {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "ICC practices",
        "username": BOT_USERNAME,
        "can_join_groups": True,
        "supports_inline_queries": True,
    }


# Removed when the test process ends.
_SCRATCH = tempfile.TemporaryDirectory(prefix="icc-test-")


def make_settings(**overrides: Any) -> Settings:
    """Return settings for tests; nothing is read from the environment."""
    values: dict[str, Any] = {
        "token": TOKEN,
        "api_base_url": "http://127.0.0.1:9/bot",
        "api_file_url": "http://127.0.0.1:9/file/bot",
        "db_path": Path("unused.json"),
        "admin_ids": frozenset({ADMIN_ID}),
        "alert_rate": 1000.0,
        "log_level": "INFO",
    }
    if "db_path" not in overrides and "backup_dir" not in overrides:
        # A harness whose job queue runs at BACKUP_TIME writes its daily snapshot here, never
        # into the working directory beside the unused relative database path.
        values["backup_dir"] = Path(_SCRATCH.name)
    values.update(overrides)
    return Settings(**values)


class BotHarness:
    """A real Application wired to a FakeRequest, fed with real Update objects."""

    def __init__(self, database: Database, request: FakeRequest, settings: Settings) -> None:
        self.request = request
        self.app: Application = build_application(settings, database, request=request)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self.last_message: dict[str, Any] = {}

    async def __aenter__(self) -> "BotHarness":
        await self.app.initialize()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.shutdown()

    async def feed(self, data: dict[str, Any]) -> list[Call]:
        """Process one update given as Telegram JSON; return the calls it caused."""
        before = len(self.request.calls)
        data = {"update_id": next(self._update_ids), **data}
        await self.app.process_update(Update.de_json(data, self.app.bot))
        return self.request.calls[before:]

    async def send(
        self, text: str, user_id: int = USER_ID, chat_id: int | None = None, chat_type: str = ""
    ) -> list[Call]:
        """Send a text message as a user (a private chat unless chat_id says otherwise)."""
        chat_id = user_id if chat_id is None else chat_id
        message = user_message(next(self._message_ids), text, user_id, chat_id, chat_type)
        self.last_message = message
        self.request.user_messages[(chat_id, message["message_id"])] = message
        return await self.feed({"message": message})

    async def edit(self, message: dict[str, Any], text: str) -> list[Call]:
        """Edit a message sent earlier (`last_message`, or any message the test built)."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            edited["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        else:
            edited.pop("entities", None)
        return await self.feed({"edited_message": edited})

    async def channel_post(
        self, text: str, chat_id: int = -1001234, edited: bool = False
    ) -> list[Call]:
        """Post in a channel where the bot is an administrator (as Telegram sends it)."""
        post = user_message(next(self._message_ids), text, 0, chat_id, "channel")
        del post["from"]
        post["sender_chat"] = post["chat"]
        if edited:
            post["edit_date"] = int(time.time())
        return await self.feed({"edited_channel_post" if edited else "channel_post": post})

    async def migrate(
        self, old_chat_id: int, new_chat_id: int, user_id: int = USER_ID
    ) -> list[Call]:
        """Upgrade a group to a supergroup: Telegram sends a notice in each chat."""
        old = user_message(next(self._message_ids), "", user_id, old_chat_id, "group")
        new = user_message(1, "", user_id, new_chat_id, "supergroup")
        del old["text"], new["text"]
        old["migrate_to_chat_id"], new["migrate_from_chat_id"] = new_chat_id, old_chat_id
        calls = await self.feed({"message": old})
        return calls + await self.feed({"message": new})

    async def send_message(self, message: dict[str, Any]) -> list[Call]:
        """Send any message object (photo, sticker …) built by the test."""
        return await self.feed({"message": message})

    async def press(
        self,
        data: str,
        user_id: int = USER_ID,
        message_id: int = 100,
        message: dict[str, Any] | None = None,
    ) -> list[Call]:
        """Press an inline button with this callback data, on a message of the bot.

        `message` is the bot's message as Telegram returned it (a group's, a reply …); by
        default a message in the user's private chat.
        """
        shown = message or {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"},
            "from": bot_user(),
            "text": "…",
        }
        query = {
            "id": str(next(self._update_ids)),
            "from": user(user_id),
            "chat_instance": "ci",
            "data": data,
            "message": shown,
        }
        return await self.feed({"callback_query": query})

    async def tap(self, call: Call, label_part: str, user_id: int = USER_ID) -> list[Call]:
        """Press the button of a recorded message whose label contains label_part."""
        return await self.press(call.button(label_part)["callback_data"], user_id)

    async def click(self, call: Call, label_part: str, user_id: int = USER_ID) -> list[Call]:
        """Press a button of a recorded message, on that very message (as a user would).

        In a private chat the message is the user's own chat with the bot; elsewhere it is the
        message as Telegram returned it (its chat, and the message it replies to).
        """
        data = call.button(label_part)["callback_data"]
        chat_id = int(call.params.get("chat_id", user_id))
        if chat_id > 0 or not isinstance(call.result, dict):
            return await self.press(data, user_id, message_id=call.message_id or 100)
        return await self.press(data, user_id, message=call.result)

    async def reply(self, call: Call, text: str, user_id: int = USER_ID) -> list[Call]:
        """Answer one of the bot's messages (a ForceReply question) with a text reply."""
        chat_id = int(call.params.get("chat_id", user_id))
        message = user_message(next(self._message_ids), text, user_id, chat_id)
        asked = {"message_id": 1, "date": int(time.time()), "from": bot_user(), "text": call.text}
        message["reply_to_message"] = {**asked, "chat": message["chat"]}
        return await self.feed({"message": message})

    async def send_file(
        self, content: bytes, file_name: str, user_id: int = USER_ID, caption: str | None = None
    ) -> list[Call]:
        """Send a document (as Telegram does: its bytes are fetched with getFile)."""
        file_id = f"file-{len(self.request.files) + 1}"
        self.request.files[file_id] = content
        message = user_message(next(self._message_ids), "", user_id, user_id)
        del message["text"]
        message["document"] = {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_name": file_name,
            "file_size": len(content),
        }
        if caption:
            message["caption"] = caption
            if caption.startswith("/"):
                length = len(caption.split(maxsplit=1)[0])
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": length}
                ]
        return await self.feed({"message": message})

    async def inline(self, text: str, user_id: int = USER_ID) -> list[Call]:
        """Type `@bot text` in any chat."""
        query = {"id": "iq1", "from": user(user_id), "query": text, "offset": ""}
        return await self.feed({"inline_query": query})


# Users whose Telegram is set to another interface language than English.
FRENCH_USER, GERMAN_USER, SWISS_GERMAN_USER = 4201, 4202, 4203
TELEGRAM_LANGUAGES = {FRENCH_USER: "fr", GERMAN_USER: "de", SWISS_GERMAN_USER: "de-CH"}


def user(user_id: int) -> dict[str, Any]:
    """Return a Telegram user (interface language English unless TELEGRAM_LANGUAGES says)."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": f"User{user_id}",
        "language_code": TELEGRAM_LANGUAGES.get(user_id, "en"),
    }


def user_message(
    message_id: int, text: str, user_id: int, chat_id: int, chat_type: str = ""
) -> dict[str, Any]:
    """Return a text message from a user, with a command entity as Telegram adds one."""
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": chat(chat_id, chat_type),
        "from": user(user_id),
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split(maxsplit=1)[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message


def non_text_message(kind: str, user_id: int = USER_ID, message_id: int = 900) -> dict[str, Any]:
    """Return a photo or sticker message from a user in a private chat."""
    message = user_message(message_id, "", user_id, user_id)
    del message["text"]
    if kind == "photo":
        message["photo"] = [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]
    else:
        message["sticker"] = {
            "file_id": "s",
            "file_unique_id": "s",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    return message


def memory_database() -> Database:
    """Return an empty in-memory database."""
    return open_database(None)
