"""`/contact`: members' messages to the programme's secretariat and its replies. Pure.

A member writes one message (optionally about a practice, from a card's "Suggest a
correction" button); every moderator (ADMIN_IDS) gets a copy with a Reply button; the first
moderator who replies answers the member through the bot, and every copy then says who
replied, so no second reply goes out. A member sends at most PER_HOUR messages in any hour
(counted from the stored messages, so the limit holds across restarts). The texts are in
`bot.contact_texts`.
"""

import math
from dataclasses import dataclass, field

PER_HOUR = 3  # a few messages an hour is plenty for a question; more would flood moderators
HOUR = 3600.0  # seconds
MAX_LENGTH = 3000  # characters: the copy adds its header and stays under Telegram's 4,096


@dataclass(slots=True)
class ContactMessage:
    """A member's message to the secretariat.

    Attributes:
        user_id: the member (their private chat has the same id); 0 once they used /forget.
        user_name: their name as Telegram gave it, with @username when they have one.
        text: what they wrote.
        sent_at: when, seconds since the epoch.
        practice_key: the practice it is about ("" for none).
        copies: (chat id, message id) of each moderator's copy, to update them.
        replied_by: the moderator who replied, or None.
        replied_by_name: their name.
        reply: what they replied.
        id: the store's number (0 until stored).
    """

    user_id: int
    user_name: str
    text: str
    sent_at: float
    practice_key: str = ""
    copies: list[tuple[int, int]] = field(default_factory=list)
    replied_by: int | None = None
    replied_by_name: str = ""
    reply: str = ""
    id: int = 0

    def to_dict(self) -> dict[str, object]:
        """Return the stored document (the id is the document's id)."""
        return {
            "user_id": self.user_id,
            "user_name": self.user_name,
            "text": self.text,
            "sent_at": self.sent_at,
            "practice_key": self.practice_key,
            "copies": [list(copy) for copy in self.copies],
            "replied_by": self.replied_by,
            "replied_by_name": self.replied_by_name,
            "reply": self.reply,
        }

    @classmethod
    def from_dict(cls, doc: dict[str, object], doc_id: int) -> "ContactMessage":
        """Return the message a stored document holds."""
        copies = doc.get("copies") or []
        assert isinstance(copies, list)
        replied_by = doc.get("replied_by")
        return cls(
            user_id=int(str(doc.get("user_id") or 0)),
            user_name=str(doc.get("user_name") or ""),
            text=str(doc.get("text") or ""),
            sent_at=float(str(doc.get("sent_at") or 0.0)),
            practice_key=str(doc.get("practice_key") or ""),
            copies=[(int(c[0]), int(c[1])) for c in copies],
            replied_by=int(str(replied_by)) if replied_by is not None else None,
            replied_by_name=str(doc.get("replied_by_name") or ""),
            reply=str(doc.get("reply") or ""),
            id=doc_id,
        )


def minutes_until_allowed(sent_times: list[float], now: float) -> int:
    """Return in how many minutes a member may write again; 0 when they may now.

    Args:
        sent_times: when the member's stored messages were sent (seconds since the epoch).
        now: the current time, same unit.
    """
    recent = sorted(t for t in sent_times if now - HOUR < t <= now)
    if len(recent) < PER_HOUR:
        return 0
    # The oldest message that keeps the member at the limit leaves the hour first.
    frees_at = recent[len(recent) - PER_HOUR] + HOUR
    return max(1, math.ceil((frees_at - now) / 60))
