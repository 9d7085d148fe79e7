"""Document ids that are found without a scan: derived from what the documents are about."""

import hashlib
import json
from collections.abc import Sequence


def conversation_id(name: str, key: Sequence[int | str]) -> int:
    """Return the document id of a conversation's state: a stable 48-bit hash of name and key.

    Two of 10,000 conversations collide with a chance of about 1 in 10^7; TinyDB ids must be
    integers, and a scan of every state at every step is what this avoids.
    """
    text = json.dumps([name, list(key)], separators=(",", ":"))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=6).digest(), "big")
