"""A loopback fake of the Telegram Bot API for end-to-end tests and benchmarks.

The real bot runs unmodified (``python -m bot``) against this server by pointing
``TELEGRAM_API_BASE_URL`` at :attr:`FakeBotApi.base_url`.  Tests then play the user's side
(:meth:`FakeBotApi.push_message` and friends become ``getUpdates`` results) and inspect what
the bot sent (:attr:`FakeBotApi.calls`, :meth:`FakeBotApi.sent`).

Design notes:

* ``ThreadingHTTPServer`` in a background thread: one thread per connection, so a
  long-polling ``getUpdates`` never blocks ``sendMessage`` calls, and the server works the
  same from sync tests, async tests and a bot running in another process.
* All state sits behind one re-entrant lock with a condition variable; every change notifies
  it, which is what wakes long polls and :meth:`FakeBotApi.wait_for`.
* Errors are answered with the HTTP status equal to ``error_code``: python-telegram-bot picks
  the exception class from the HTTP status (403 -> ``Forbidden``, 400 -> ``BadRequest``) and
  from ``parameters`` (``retry_after`` -> ``RetryAfter``, ``migrate_to_chat_id`` ->
  ``ChatMigrated``), exactly as with the real Bot API.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import socket
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import parse_qsl, urlsplit

T = TypeVar("T")
Params = dict[str, Any]
Handler = Callable[[Params], Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USERNAME = "icc_practice_bot"
DEFAULT_USER_ID = 10_001

BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"
CHAT_NOT_FOUND_DESCRIPTION = "Bad Request: chat not found"
MIGRATED_DESCRIPTION = "Bad Request: group chat was upgraded to a supergroup chat"
TOO_LONG_DESCRIPTION = "Bad Request: message is too long"
BUTTON_DATA_DESCRIPTION = "Bad Request: BUTTON_DATA_INVALID"
QUERY_TOO_OLD_DESCRIPTION = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
#: Telegram's limits, in its own units: UTF-16 code units of the parsed text; bytes of data.
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA = 64
_TAG_RE = re.compile(r"<[^>]*>")
NOT_MODIFIED_DESCRIPTION = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: BLOCKED_DESCRIPTION,
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

#: Methods whose accepted calls are returned by :meth:`FakeBotApi.sent`.
MESSAGE_METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup")

#: PTB sends ``str`` values verbatim and ``json.dumps`` everything else, so a text of "123"
#: or "true" is indistinguishable from a number on the wire.  These keys are free text and
#: must never be JSON-decoded.
STRING_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "data",
        "description",
        "emoji",
        "first_name",
        "inline_message_id",
        "inline_query_id",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "query",
        "short_description",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
        "username",
    }
)

#: Telegram's default when ``allowed_updates`` was never set (or set to an empty list).
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_PATH_RE = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z_]+)/?$")

#: Extra fields PTB requires to parse a ``ChatMember`` of the given status.
_CHAT_MEMBER_EXTRAS: dict[str, dict[str, Any]] = {
    "kicked": {"until_date": 0},
    "administrator": {
        "can_be_edited": False,
        "is_anonymous": False,
        "can_manage_chat": True,
        "can_delete_messages": True,
        "can_manage_video_chats": False,
        "can_restrict_members": False,
        "can_promote_members": False,
        "can_change_info": False,
        "can_invite_users": True,
        "can_post_stories": False,
        "can_edit_stories": False,
        "can_delete_stories": False,
    },
}


class ApiError(Exception):
    """A Bot API error answer; raised inside method handlers, turned into the HTTP reply."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(eq=False)
class _Fault:
    """An injected failure; ``remaining=None`` means it never wears off."""

    error: ApiError
    methods: frozenset[str]
    remaining: int | None = None


# --------------------------------------------------------------------------------------------
# Request decoding
# --------------------------------------------------------------------------------------------


def _decode_value(key: str, value: str) -> Any:
    """Undo PTB's per-parameter ``json.dumps`` unless the key is free text."""
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel"


def _decode_json_value(key: str, value: Any) -> Any:
    """In plain JSON bodies only nested objects sent as JSON strings need decoding."""
    if isinstance(value, str) and key not in STRING_PARAMS and value.lstrip()[:1] in ("{", "["):
        return _decode_value(key, value)
    return value


def _parse_multipart(content_type: str, body: bytes) -> Params:
    """Decode multipart/form-data (PTB uses it only when uploading files)."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    params: Params = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            params[str(name)] = {"filename": filename, "size": len(payload), "content": payload}
        else:
            params[str(name)] = _decode_value(str(name), payload.decode("utf-8"))
    return params


def parse_params(content_type: str, body: bytes, query: str = "") -> Params:
    """Decode query string plus a form, multipart or JSON body into one plain dict."""
    params = {key: _decode_value(key, value) for key, value in parse_qsl(query, True)}
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if media_type == "application/json":
        decoded = json.loads(body)
        params.update({key: _decode_json_value(key, value) for key, value in decoded.items()})
    elif media_type == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    else:  # application/x-www-form-urlencoded, PTB's default
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        params.update({key: _decode_value(key, value) for key, value in pairs})
    return params


def _utf16_len(text: str) -> int:
    """Telegram measures entity offsets and lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """The ``bot_command`` entities Telegram attaches to a message text."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: match.start()]),
            "length": _utf16_len(match.group()),
        }
        for match in _COMMAND_RE.finditer(text)
    ]


def _chat_type_for(chat_id: int) -> str:
    """Guess a chat type from Telegram's id conventions."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def _as_chat_id(value: Any) -> int:
    """Numeric chat id, or the 400 Telegram answers for unknown ``@username`` chats."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError(400, CHAT_NOT_FOUND_DESCRIPTION) from None


def _require(params: Params, key: str) -> Any:
    """A mandatory parameter, or Telegram's 400 answer when it is missing."""
    value = params.get(key)
    if value is None or value == "":
        raise ApiError(400, f"Bad Request: {key} is empty")
    return value


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    """Threaded server that remembers open connections so ``stop`` can really cut them."""

    daemon_threads = True
    request_queue_size = 1024  # the default backlog of 5 drops bursts of 200 connections

    def __init__(self, address: tuple[str, int], api: FakeBotApi) -> None:
        super().__init__(address, _RequestHandler)
        self.api = api
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up (e.g. the bot process exits mid long-poll) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        """Shut down kept-alive client sockets, like a server going away would."""
        with self.connections_lock:
            connections, self.connections = self.connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    """Thin HTTP layer: read the request, hand it to :class:`FakeBotApi`, write JSON back."""

    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms per request
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        content = self.server.api.file_content(self.path)
        if content is None:
            self.do_POST()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def do_POST(self) -> None:
        status, payload = self.server.api.handle_http(
            self.path, self.headers.get("Content-Type", ""), self._read_body()
        )
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _read_chunked(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers
            pass
        return b"".join(chunks)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; tests inspect :attr:`FakeBotApi.calls` instead."""


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeBotApi:
    """In-process fake Telegram Bot API server on 127.0.0.1.

    Args:
        username: The bot's username reported by ``getMe``.
        bot_id: The bot's user id.
        first_name: The bot's display name.
        token: If set, requests with another token get Telegram's 401; if ``None`` any token
            is accepted.
        latency: Artificial delay in seconds before answering each ``sendMessage``.
        strict_edits: Answer edits/deletes of unknown messages and no-op edits with
            Telegram's 400 errors.  Off by default so tests may push callbacks for messages
            the fake never saw.
        port: TCP port; 0 picks a free one.
    """

    def __init__(
        self,
        *,
        username: str = DEFAULT_USERNAME,
        bot_id: int = 123456,
        first_name: str = "ICC Practice Bot",
        token: str | None = None,
        latency: float = 0.0,
        strict_edits: bool = False,
        port: int = 0,
    ) -> None:
        self.username = username
        self.bot_id = bot_id
        self.first_name = first_name
        self.token = token
        self.latency = latency
        self.strict_edits = strict_edits
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._stopping = False
        # getUpdates calls that ended because their timeout passed with nothing to deliver.
        self.polls_timed_out = 0
        self._handlers = self._build_handlers()
        self._reset_state()

    def _reset_state(self) -> None:
        self._calls: list[tuple[str, Params]] = []
        self._delivered: list[tuple[str, Params]] = []
        self._send_log: list[tuple[float, int]] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        # Messages users sent: a bot message that replies to one carries it, as Telegram's do.
        self._user_messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._answered_queries: set[str] = set()
        self._chats: dict[int, dict[str, Any]] = {}
        self._allowed_updates: frozenset[str] | None = None
        self._faults: dict[int | None, list[_Fault]] = defaultdict(list)
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._descriptions: dict[str, str] = {}
        self.webhook: dict[str, Any] | None = None
        #: getWebhookInfo's last_error_message while a webhook is set (tests set it).
        self.webhook_error: str | None = None
        self._files: dict[str, tuple[str, bytes]] = {}
        # Who administers each group: getChatMember says "creator" for them, else "member".
        self._administrators: defaultdict[int, set[int]] = defaultdict(set)

    # ----- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            return self
        self._stopping = False
        self._server = _Server(("127.0.0.1", self._requested_port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release long polls, close every connection and the listening socket."""
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        server.shutdown()
        server.server_close()
        server.close_connections()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Value for ``Bot(base_url=...)`` / ``TELEGRAM_API_BASE_URL`` (token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Value for ``Bot(base_file_url=...)``; serves files added with :meth:`add_file`."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as a Telegram ``User`` (the ``from`` of its messages)."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    # ----- recording -------------------------------------------------------------------------

    @property
    def calls(self) -> list[tuple[str, Params]]:
        """Every request as ``(method, params)``, failed and unknown ones included."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[Params]:
        """Params of every call to ``method`` (case-insensitive), in arrival order."""
        wanted = method.lower()
        with self._lock:
            return [params for name, params in self._calls if name.lower() == wanted]

    def sent(
        self, chat_id: int | None = None, methods: Iterable[str] = MESSAGE_METHODS
    ) -> list[Params]:
        """Params of *accepted* sendMessage/edit calls (failed attempts excluded), in order."""
        wanted = set(methods)
        with self._lock:
            return [
                params
                for name, params in self._delivered
                if name in wanted and (chat_id is None or _same_chat(params, chat_id))
            ]

    def texts(self, chat_id: int | None = None) -> list[str]:
        """Texts of accepted sendMessage/editMessageText calls; handy for assertions."""
        return [p["text"] for p in self.sent(chat_id) if "text" in p]

    @property
    def send_times(self) -> list[float]:
        """``time.monotonic()`` at arrival of each accepted sendMessage."""
        with self._lock:
            return [when for when, _ in self._send_log]

    def _send_times_for(self, chat_ids: Iterable[int] | None) -> list[float]:
        with self._lock:
            if chat_ids is None:
                return [when for when, _ in self._send_log]
            wanted = set(chat_ids)
            return [when for when, chat in self._send_log if chat in wanted]

    def achieved_rate(self, chat_ids: Iterable[int] | None = None) -> float:
        """Accepted sendMessage calls per second between the first and the last one."""
        times = self._send_times_for(chat_ids)
        if len(times) < 2 or times[-1] <= times[0]:
            return 0.0
        return (len(times) - 1) / (times[-1] - times[0])

    def peak_count(self, window: float = 1.0, chat_ids: Iterable[int] | None = None) -> int:
        """Most accepted sendMessage calls inside any ``window`` seconds (flood-limit check)."""
        times = sorted(self._send_times_for(chat_ids))
        best = start = 0
        for end, when in enumerate(times):
            while when - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def clear_calls(self) -> None:
        """Forget recorded calls and send times (e.g. between benchmark rounds)."""
        with self._changed:
            self._calls.clear()
            self._delivered.clear()
            self._send_log.clear()
            self._changed.notify_all()

    # ----- waiting ---------------------------------------------------------------------------

    def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Block until ``predicate()`` is truthy and return its value.

        Re-evaluated whenever the fake's state changes (and every 50 ms).  Do not call this
        from the event loop that runs the bot under test: use :meth:`await_for` there.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(self._timeout_message(timeout))
                self._changed.wait(min(remaining, 0.05))
            return result

    async def await_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Async :meth:`wait_for`: polls without blocking the event loop."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            if time.monotonic() >= deadline:
                raise TimeoutError(self._timeout_message(timeout))
            await asyncio.sleep(0.01)
        return result

    def _timeout_message(self, timeout: float) -> str:
        recent = self.calls[-5:]
        return f"condition not met within {timeout}s; last calls: {recent!r}"

    # ----- pushing updates (the user's side) -------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for ``getUpdates``; ``update_id`` is assigned if missing."""
        with self._changed:
            update = {"update_id": next(self._update_ids), **update}
            self._updates.append(update)
            self._changed.notify_all()
        return update

    def push_message(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        username: str = "tester",
        chat_type: str = "private",
        first_name: str = "Test",
    ) -> dict[str, Any]:
        """A user sends ``text``; a leading ``/command`` gets its ``bot_command`` entity."""
        user = _user(_default_user(chat_id, chat_type, user_id), username, first_name)
        with self._lock:
            chat = self._remember_chat(chat_id, chat_type, user)
            message: dict[str, Any] = {
                "message_id": next(self._message_ids[chat_id]),
                "date": int(time.time()),
                "chat": chat,
                "from": user,
                "text": text,
            }
        if entities := command_entities(text):
            message["entities"] = entities
        with self._lock:
            self._user_messages[(chat_id, message["message_id"])] = message
        return self.push_update({"message": message})

    def push_edited_message(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """The user edits a message pushed earlier (its ``message`` object) to read ``text``."""
        edited = {**message, "text": text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        if entities := command_entities(text):
            edited["entities"] = entities
        with self._lock:
            self._user_messages[(message["chat"]["id"], message["message_id"])] = edited
        return self.push_update({"edited_message": edited})

    def push_channel_post(self, chat_id: int, text: str, edited: bool = False) -> dict[str, Any]:
        """A post in a channel where the bot is an administrator (as Telegram sends it)."""
        with self._lock:
            chat = {"id": chat_id, "type": "channel", "title": "Test channel"}
            self._chats[chat_id] = chat
            post: dict[str, Any] = {
                "message_id": next(self._message_ids[chat_id]),
                "date": int(time.time()),
                "chat": dict(chat),
                "sender_chat": dict(chat),
                "text": text,
            }
        if entities := command_entities(text):
            post["entities"] = entities
        if edited:
            post["edit_date"] = int(time.time())
        return self.push_update({"edited_channel_post" if edited else "channel_post": post})

    def push_migration(
        self, old_chat_id: int, new_chat_id: int, user_id: int | None = None
    ) -> None:
        """A group becomes a supergroup: Telegram's notice in the old chat, then in the new."""
        user = _user(_default_user(old_chat_id, "group", user_id), "tester")
        with self._lock:
            old = self._remember_chat(old_chat_id, "group", user)
            new = self._remember_chat(new_chat_id, "supergroup", user)
            notices = [
                {
                    "chat": old,
                    "migrate_to_chat_id": new_chat_id,
                    "message_id": next(self._message_ids[old_chat_id]),
                },
                {
                    "chat": new,
                    "migrate_from_chat_id": old_chat_id,
                    "message_id": next(self._message_ids[new_chat_id]),
                },
            ]
        for notice in notices:
            self.push_update({"message": {**notice, "date": int(time.time()), "from": user}})

    def push_callback(
        self,
        chat_id: int,
        data: str,
        message_id: int,
        user_id: int | None = None,
        username: str = "tester",
    ) -> dict[str, Any]:
        """A user presses an inline button of the bot's message ``message_id``."""
        user = _user(_default_user(chat_id, None, user_id), username)
        with self._lock:
            message = self._messages.get((chat_id, message_id)) or self._placeholder_message(
                chat_id, message_id
            )
            query = {
                "id": str(next(self._callback_ids)),
                "from": user,
                "message": dict(message),
                "chat_instance": str(chat_id),
                "data": data,
            }
        return self.push_update({"callback_query": query})

    def push_inline_query(
        self, user_id: int, query: str, username: str = "tester", offset: str = ""
    ) -> dict[str, Any]:
        """A user types ``@bot query`` in any chat."""
        inline_query = {
            "id": str(next(self._callback_ids)),
            "from": _user(user_id, username),
            "query": query,
            "offset": offset,
        }
        return self.push_update({"inline_query": inline_query})

    def push_my_chat_member(
        self,
        chat_id: int,
        new_status: str = "kicked",
        old_status: str = "member",
        user_id: int | None = None,
    ) -> dict[str, Any]:
        """The bot's own membership changes, e.g. the user blocks it (``kicked``)."""
        user = _user(_default_user(chat_id, None, user_id), "tester")
        with self._lock:
            chat = self._chat(chat_id)
        change = {
            "chat": chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": self._bot_member(old_status),
            "new_chat_member": self._bot_member(new_status),
        }
        return self.push_update({"my_chat_member": change})

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a ``getUpdates`` offset."""
        with self._lock:
            return list(self._updates)

    # ----- fault injection -------------------------------------------------------------------

    def fail_chat(
        self,
        chat_id: int,
        error_code: int = 403,
        description: str = BLOCKED_DESCRIPTION,
        parameters: dict[str, Any] | None = None,
        methods: Iterable[str] = ("sendMessage",),
    ) -> None:
        """Every later call of ``methods`` to ``chat_id`` fails (default: user blocked bot)."""
        error = ApiError(error_code, description, parameters)
        self._add_fault(chat_id, _Fault(error, frozenset(methods)))

    def fail_next(
        self,
        chat_id: int | None,
        error_code: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        methods: Iterable[str] = ("sendMessage",),
    ) -> None:
        """The next ``times`` calls to ``chat_id`` (``None``: any chat) fail, then succeed.

        With 429 the answer has Telegram's flood-wait shape including
        ``parameters.retry_after``.
        """
        parameters = None
        if error_code == 429:
            parameters = {"retry_after": retry_after}
            description = description or f"Too Many Requests: retry after {retry_after}"
        description = description or DEFAULT_DESCRIPTIONS.get(error_code, "Error")
        error = ApiError(error_code, description, parameters)
        self._add_fault(chat_id, _Fault(error, frozenset(methods), remaining=times))

    def make_administrator(self, chat_id: int, user_id: int) -> None:
        """Make ``user_id`` an administrator (the creator) of group ``chat_id``."""
        with self._lock:
            self._administrators[chat_id].add(user_id)

    def chat_not_found(self, chat_id: int) -> None:
        """Sends to ``chat_id`` fail with 400 "Bad Request: chat not found"."""
        self.fail_chat(chat_id, 400, CHAT_NOT_FOUND_DESCRIPTION)

    def migrate_chat(self, chat_id: int, new_chat_id: int) -> None:
        """Sends to group ``chat_id`` fail with 400 and ``parameters.migrate_to_chat_id``."""
        parameters = {"migrate_to_chat_id": new_chat_id}
        self.fail_chat(chat_id, 400, MIGRATED_DESCRIPTION, parameters)

    def clear_faults(self, chat_id: int | None = None) -> None:
        """Remove injected failures for ``chat_id``, or all of them."""
        with self._lock:
            if chat_id is None:
                self._faults.clear()
            else:
                self._faults.pop(chat_id, None)

    def _add_fault(self, chat_id: int | None, fault: _Fault) -> None:
        with self._lock:
            self._faults[chat_id].append(fault)

    def _raise_fault(self, method: str, chat_id: int) -> None:
        """Raise the first matching fault; one-shot faults are consumed first."""
        with self._lock:
            candidates = self._faults.get(chat_id, []) + self._faults.get(None, [])
            ordered = sorted(candidates, key=lambda fault: fault.remaining is None)
            for fault in ordered:
                if method not in fault.methods:
                    continue
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._drop_fault(fault)
                raise fault.error

    def _drop_fault(self, fault: _Fault) -> None:
        for faults in self._faults.values():
            if fault in faults:
                faults.remove(fault)

    # ----- request dispatch ------------------------------------------------------------------

    def handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, Params]:
        """Answer one HTTP request with ``(status, json_body)``; called by handler threads."""
        url = urlsplit(path)
        match = _PATH_RE.match(url.path)
        if match is None:
            return 404, ApiError(404, "Not Found").payload()
        try:
            params = parse_params(content_type, body, url.query)
        except (ValueError, UnicodeDecodeError):
            return 400, ApiError(400, "Bad Request: can't parse request").payload()
        return self.dispatch(match["token"], match["method"], params)

    def dispatch(self, token: str, method: str, params: Params) -> tuple[int, Params]:
        """Record the call, then run its handler; unknown methods get Telegram's 404."""
        name, handler = self._handlers.get(method.lower(), (method, None))
        with self._changed:
            self._calls.append((name, params))
            self._changed.notify_all()
        try:
            if self.token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            return 200, {"ok": True, "result": handler(params)}
        except ApiError as error:
            return error.error_code, error.payload()

    def _build_handlers(self) -> dict[str, tuple[str, Handler]]:
        """Map lower-cased method names (Telegram ignores case) to ``(name, handler)``."""
        handlers: dict[str, Handler] = {
            "getMe": lambda _: {
                **self.bot_user,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            },
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setWebhook": self._set_webhook,
            "getFile": self._get_file,
            "sendPhoto": lambda p: self._send_media("photo", p),
            "sendDocument": lambda p: self._send_media("document", p),
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": lambda p: self._set_description("description", p),
            "setMyShortDescription": lambda p: self._set_description("short_description", p),
            "getMyDescription": lambda p: self._get_description("description", p),
            "getMyShortDescription": lambda p: self._get_description("short_description", p),
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": lambda _: True,
            "sendChatAction": lambda _: True,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "close": lambda _: True,
            "logOut": lambda _: True,
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    # ----- method handlers -------------------------------------------------------------------

    def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        """Confirm by ``offset``, then long-poll up to ``timeout`` seconds for updates."""
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        deadline = time.monotonic() + max(float(params.get("timeout") or 0), 0.0)
        with self._changed:
            if "allowed_updates" in params:
                self._allowed_updates = frozenset(params["allowed_updates"] or ()) or None
            self._confirm_updates(offset)
            while not (batch := self._deliverable_updates(limit)) and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.polls_timed_out += 1
                    break
                self._changed.wait(remaining)
            return batch

    def _confirm_updates(self, offset: int) -> None:
        """Telegram forgets updates below a positive offset; -N keeps only the last N."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable_updates(self, limit: int) -> list[dict[str, Any]]:
        return [u for u in self._updates if self._is_allowed(u)][:limit]

    def _is_allowed(self, update: dict[str, Any]) -> bool:
        kinds = set(update) - {"update_id"}
        if self._allowed_updates is None:
            return not kinds <= OPT_IN_UPDATE_TYPES
        return bool(kinds & self._allowed_updates)

    def _delete_webhook(self, params: Params) -> bool:
        with self._changed:
            self.webhook = None
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    # ----- webhooks, files and media ----------------------------------------------------------

    def _set_webhook(self, params: Params) -> bool:
        """Remember the webhook as Telegram would (getUpdates then answers 409)."""
        with self._changed:
            self.webhook = {k: v for k, v in params.items() if k != "certificate"}
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._changed.notify_all()
        return True

    def _get_webhook_info(self, params: Params) -> dict[str, Any]:
        webhook = self.webhook or {}
        info: dict[str, Any] = {
            "url": webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending_updates),
        }
        if webhook and self.webhook_error:
            info["last_error_date"] = int(time.time())
            info["last_error_message"] = self.webhook_error
        return info

    def add_file(self, content: bytes, file_name: str, mime_type: str) -> dict[str, Any]:
        """Store a file a user sends; return its ``Document`` for :meth:`push_document`."""
        with self._changed:
            file_id = f"file-{len(self._files) + 1}"
            self._files[file_id] = (f"documents/{file_id}-{file_name}", content)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }

    def push_document(
        self, chat_id: int, document: dict[str, Any], caption: str | None = None
    ) -> dict[str, Any]:
        """A user in a private chat sends a document (from :meth:`add_file`)."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids[chat_id]),
            "date": int(time.time()),
            "chat": self._remember_chat(chat_id, "private", _user(chat_id, None)),
            "from": _user(chat_id, None),
            "document": document,
        }
        if caption:
            message["caption"] = caption
            message["caption_entities"] = command_entities(caption)
        return self.push_update({"message": message})

    def _get_file(self, params: Params) -> dict[str, Any]:
        file_id = str(_require(params, "file_id"))
        if file_id not in self._files:
            raise ApiError(400, "Bad Request: invalid file_id")
        path, content = self._files[file_id]
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(content),
            "file_path": path,
        }

    def file_content(self, path: str) -> bytes | None:
        """Return the bytes served at ``/file/bot<token>/<path>`` (None: 404)."""
        match = re.match(r"^/file/bot[^/]+/(?P<path>.+)$", urlsplit(path).path)
        with self._lock:
            found = [c for p, c in self._files.values() if match and p == match["path"]]
        return found[0] if found else None

    def _send_media(self, kind: str, params: Params) -> dict[str, Any]:
        chat_id = _as_chat_id(_require(params, "chat_id"))
        self._raise_fault(f"send{kind.title()}", chat_id)
        upload = params.get(kind)
        with self._changed:
            message = self._bot_message(chat_id, next(self._message_ids[chat_id]), "")
            del message["text"]
            size = upload.get("size", 0) if isinstance(upload, dict) else 0
            message[kind] = (
                [{"file_id": "sent", "file_unique_id": "sent", "width": 1, "height": 1}]
                if kind == "photo"
                else {"file_id": "sent", "file_unique_id": "sent", "file_size": size}
            )
            if params.get("caption"):
                message["caption"] = params["caption"]
            self._delivered.append((f"send{kind.title()}", params))
            self._changed.notify_all()
            return dict(message)

    def _answer_callback_query(self, params: Params) -> bool:
        """A query can be answered once; Telegram refuses a second answer as too old."""
        query_id = str(_require(params, "callback_query_id"))
        with self._changed:
            if query_id in self._answered_queries:
                raise ApiError(400, QUERY_TOO_OLD_DESCRIPTION)
            self._answered_queries.add(query_id)
        return True

    def _send_message(self, params: Params) -> dict[str, Any]:
        """Deliver unless a fault is injected; the arrival time feeds the rate metrics."""
        arrived = time.monotonic()
        chat_id = _as_chat_id(_require(params, "chat_id"))
        text = _require(params, "text")
        _check_limits(params, str(text))
        if self.latency > 0:
            time.sleep(self.latency)
        self._raise_fault("sendMessage", chat_id)
        with self._changed:
            message = self._bot_message(chat_id, next(self._message_ids[chat_id]), text)
            _apply_markup(message, params.get("reply_markup"))
            replied = (params.get("reply_parameters") or {}).get("message_id")
            if replied and (chat_id, int(replied)) in self._user_messages:
                message["reply_to_message"] = self._user_messages[(chat_id, int(replied))]
            if params.get("entities"):
                message["entities"] = params["entities"]
            self._messages[(chat_id, message["message_id"])] = message
            self._delivered.append(("sendMessage", params))
            self._send_log.append((arrived, chat_id))
            self._changed.notify_all()
            return dict(message)

    def _edit_message_text(self, params: Params) -> dict[str, Any] | bool:
        text = _require(params, "text")
        _check_limits(params, str(text))
        return self._edit("editMessageText", params, text=text)

    def _edit_message_reply_markup(self, params: Params) -> dict[str, Any] | bool:
        return self._edit("editMessageReplyMarkup", params, text=None)

    def _edit(self, method: str, params: Params, text: str | None) -> dict[str, Any] | bool:
        """Shared edit logic; like Telegram, an edit without reply_markup drops the keyboard."""
        if params.get("inline_message_id"):
            self._record_delivery(method, params)
            return True
        chat_id = _as_chat_id(_require(params, "chat_id"))
        message_id = int(_require(params, "message_id"))
        self._raise_fault(method, chat_id)
        with self._changed:
            message = self._stored_message(chat_id, message_id, "message to edit not found")
            updated = {**message, "edit_date": int(time.time())}
            if text is not None:
                updated["text"] = text
            updated.pop("reply_markup", None)
            _apply_markup(updated, params.get("reply_markup"))
            if self.strict_edits and _same_content(message, updated):
                raise ApiError(400, NOT_MODIFIED_DESCRIPTION)
            self._messages[(chat_id, message_id)] = updated
            self._record_delivery(method, params)
            return dict(updated)

    def _delete_message(self, params: Params) -> bool:
        chat_id = _as_chat_id(_require(params, "chat_id"))
        message_id = int(_require(params, "message_id"))
        with self._changed:
            self._stored_message(chat_id, message_id, "message to delete not found")
            self._messages.pop((chat_id, message_id), None)
            self._changed.notify_all()
        return True

    def _get_chat(self, params: Params) -> dict[str, Any]:
        """A ``ChatFullInfo`` with the fields PTB 22 requires."""
        with self._lock:
            chat = self._chat(_as_chat_id(_require(params, "chat_id")))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _get_chat_member(self, params: Params) -> dict[str, Any]:
        """A group's creator (see `make_administrator`) or a plain member."""
        chat_id = _as_chat_id(_require(params, "chat_id"))
        user_id = int(_require(params, "user_id"))
        with self._lock:
            admin = user_id in self._administrators.get(chat_id, set())
        member = {"user": _user(user_id, None)}
        if admin:
            return {"status": "creator", "is_anonymous": False, **member}
        return {"status": "member", **member}

    def _set_my_commands(self, params: Params) -> bool:
        with self._lock:
            self._commands[_commands_key(params)] = list(params.get("commands") or [])
        return True

    def _get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._commands.get(_commands_key(params), []))

    def _delete_my_commands(self, params: Params) -> bool:
        with self._lock:
            self._commands.pop(_commands_key(params), None)
        return True

    def _set_description(self, field: str, params: Params) -> bool:
        with self._lock:
            key = f"{field}:{params.get('language_code') or ''}"
            self._descriptions[key] = params.get(field) or ""
        return True

    def _get_description(self, field: str, params: Params) -> dict[str, str]:
        with self._lock:
            key = f"{field}:{params.get('language_code') or ''}"
            return {field: self._descriptions.get(key, "")}

    # ----- state helpers (call with the lock held) -------------------------------------------

    def _record_delivery(self, method: str, params: Params) -> None:
        with self._changed:
            self._delivered.append((method, params))
            self._changed.notify_all()

    def _chat(self, chat_id: int) -> dict[str, Any]:
        """The ``Chat`` object for ``chat_id``: as pushed earlier, else inferred from the id."""
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        chat_type = _chat_type_for(chat_id)
        extra = {"first_name": "Test"} if chat_type == "private" else {"title": "Test group"}
        return {"id": chat_id, "type": chat_type, **extra}

    def _remember_chat(self, chat_id: int, chat_type: str, user: dict[str, Any]) -> dict[str, Any]:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if user.get("username"):
                chat["username"] = user["username"]
        else:
            chat = {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}
        self._chats[chat_id] = chat
        return dict(chat)

    def _bot_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id),
            "from": self.bot_user,
            "text": text,
        }

    def _placeholder_message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """Stand-in for a bot message the fake never saw (e.g. sent before a restart)."""
        return self._bot_message(chat_id, message_id, "")

    def _stored_message(self, chat_id: int, message_id: int, missing: str) -> dict[str, Any]:
        message = self._messages.get((chat_id, message_id))
        if message is not None:
            return message
        if self.strict_edits:
            raise ApiError(400, f"Bad Request: {missing}")
        return self._placeholder_message(chat_id, message_id)

    def _bot_member(self, status: str) -> dict[str, Any]:
        return {"status": status, "user": self.bot_user, **_CHAT_MEMBER_EXTRAS.get(status, {})}


def _user(user_id: int, username: str | None, first_name: str = "Test") -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
        user["language_code"] = "en"
    return user


def _default_user(chat_id: int, chat_type: str | None, user_id: int | None) -> int:
    """In a private chat the user id equals the chat id; elsewhere use a fixed tester id."""
    if user_id is not None:
        return user_id
    private = chat_type == "private" if chat_type else chat_id > 0
    return chat_id if private else DEFAULT_USER_ID


def telegram_length(text: str) -> int:
    """Telegram counts text in UTF-16 code units: most emoji and "𝐁" count two."""
    return len(text.encode("utf-16-le")) // 2


def _check_limits(params: Params, text: str) -> None:
    """Refuse, as Telegram does, a text too long once parsed, or callback data over 64 bytes."""
    shown = html.unescape(_TAG_RE.sub("", text)) if params.get("parse_mode") == "HTML" else text
    if telegram_length(shown) > MAX_TEXT_LENGTH:
        raise ApiError(400, TOO_LONG_DESCRIPTION)
    markup = params.get("reply_markup")
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    for button in (button for row in rows for button in row):
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
            raise ApiError(400, BUTTON_DATA_DESCRIPTION)


def _apply_markup(message: dict[str, Any], markup: Any) -> None:
    """Echo only inline keyboards: ``Message.reply_markup`` is an ``InlineKeyboardMarkup``,
    and echoing a reply keyboard would make PTB fail to parse the returned message."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        message["reply_markup"] = markup


def _same_content(old: dict[str, Any], new: dict[str, Any]) -> bool:
    keys = ("text", "reply_markup")
    return all(old.get(key) == new.get(key) for key in keys)


def _same_chat(params: Params, chat_id: int) -> bool:
    return str(params.get("chat_id")) == str(chat_id)


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""
