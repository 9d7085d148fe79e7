"""Questions whose answer is the member's next message: what is awaited, since when. Pure.

When the bot asks a member for something typed (a city or keywords to follow, a message for
the secretariat), their next text message in that chat is the answer, whether or not it is a
Telegram reply, for as long as that question is the last thing the bot asked them and for at
most its stated time. The wait is stored with its start and end (seconds since the epoch), so
it ends on time also across a restart. A command ends it (`handlers.waits`), and so does a button
that starts another flow asking its own questions (the submission dialogue, a rejection).
"""

from dataclasses import dataclass

from bot.i18n import N_

FOLLOW_CITY, FOLLOW_KEYWORD = "follow_city", "follow_keyword"
CONTACT, CONTACT_REPLY = "contact", "contact_reply"
IMPORT = "import"  # a moderator's next document is the file to import (handlers/imports.py)
KINDS = (FOLLOW_CITY, FOLLOW_KEYWORD, CONTACT, CONTACT_REPLY, IMPORT)
# How long each question waits for its answer, in minutes: long enough to look something up
# or to write a few lines, short enough that a search typed later is never taken for it.
MINUTES = {FOLLOW_CITY: 30, FOLLOW_KEYWORD: 30, CONTACT: 60, CONTACT_REPLY: 60, IMPORT: 30}
# What is still awaited, said when something else comes (a sticker, a photo): the question
# stays open, so the member is told what to send, or how to stop.
STILL_WAITING = {
    FOLLOW_CITY: N_("I am still waiting for the city to follow: type its name, or /cancel."),
    FOLLOW_KEYWORD: N_("I am still waiting for the words to follow: type them, or /cancel."),
    CONTACT: N_("I am still waiting for your message to the secretariat: type it, or /cancel."),
    CONTACT_REPLY: N_("I am still waiting for your reply to the member: type it, or /cancel."),
    IMPORT: N_("I am still waiting for the file of practices to import, or /cancel."),
}


@dataclass(frozen=True, slots=True)
class Wait:
    """A question waiting for a member's next message.

    Attributes:
        kind: one of KINDS.
        chat_id: the chat where it was asked (an answer elsewhere is not its answer).
        started_at: when it was asked, seconds since the epoch.
        expires_at: when it stops waiting, seconds since the epoch.
        data: what the question is about: for CONTACT the key of the practice attached (or
            ""), for CONTACT_REPLY the number of the member's message being answered.
    """

    kind: str
    chat_id: int
    started_at: float
    expires_at: float
    data: str = ""

    @classmethod
    def opened(cls, kind: str, chat_id: int, now: float, data: str = "") -> "Wait":
        """Return the wait of a question asked now, ending after its kind's MINUTES."""
        if kind not in MINUTES:
            raise ValueError(f"no wait kind {kind!r}")
        return cls(kind, chat_id, now, now + MINUTES[kind] * 60, data)

    def takes(self, chat_id: int, now: float) -> bool:
        """Return True when a message in chat_id at `now` answers this question."""
        return chat_id == self.chat_id and self.started_at <= now < self.expires_at
