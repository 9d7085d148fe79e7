"""Updates this version of python-telegram-bot can't read are skipped, not retried forever.

PTB reads a whole `getUpdates` batch at once (`Update.de_list`); one update it can't read
(a field Telegram added or changed before PTB follows) fails the batch, and the poller fetches
the same batch again at once, forever: nobody is answered and the log fills the disk. The
request that fetches updates (`ReadableUpdates`) checks each update of a batch first and
replaces one that can't be read by a bare update with its id, which no handler takes: it is
logged once, confirmed to Telegram with the rest, and everyone else is answered.
"""

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

log = logging.getLogger(__name__)


class ReadableUpdates(BaseRequest):
    """A request for `getUpdates` that leaves out what can't be read (module docstring).

    Args:
        inner: the request that talks to the Bot API (PTB's `HTTPXRequest`, or a test's).
    """

    def __init__(self, inner: BaseRequest) -> None:
        self._inner = inner

    @property
    def read_timeout(self) -> float | None:
        """The inner request's read timeout (PTB adds the long-polling time to it)."""
        return self._inner.read_timeout

    async def initialize(self) -> None:
        """Initialize the inner request."""
        await self._inner.initialize()

    async def shutdown(self) -> None:
        """Shut the inner request down."""
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make the call; a `getUpdates` answer comes back with unreadable updates left out."""
        code, payload = await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if code != 200 or not url.endswith("/getUpdates"):
            return code, payload
        return code, readable(payload)


def readable(payload: bytes) -> bytes:
    """Return a `getUpdates` answer whose updates `Update.de_json` can all read.

    Args:
        payload: the Bot API's JSON answer ({"ok": true, "result": [update, …]}).

    Returns:
        The same bytes when every update reads; else the answer with each unreadable update
        replaced by {"update_id": its id} (one that has no id is left as it is).
    """
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    updates = data.get("result") if isinstance(data, dict) else None
    if not isinstance(updates, list):
        return payload
    changed = False
    for index, update in enumerate(updates):
        try:
            Update.de_json(update, None)
        except Exception as error:  # whatever PTB raises on data it doesn't expect
            update_id = update.get("update_id") if isinstance(update, dict) else None
            if not isinstance(update_id, int):
                continue
            log.error(
                "update %s can't be read by this version of python-telegram-bot and is "
                "skipped (%s: %s); upgrading the bot's dependencies may be needed",
                update_id,
                type(error).__name__,
                error,
            )
            updates[index] = {"update_id": update_id}
            changed = True
    return json.dumps(data).encode("utf-8") if changed else payload
