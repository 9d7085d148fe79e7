"""Members' messages to the secretariat (`bot.contact.ContactMessage`), in TinyDB.

The `contacts` table (members file), one document per message, its id the message's number.
/forget empties a member's messages and unlinks them (`user_id` 0): the number stays, so a
moderator's Reply button never names another member's message.
"""

from tinydb import Query

from bot.contact import ContactMessage
from store.db import Database

_Q = Query()


class ContactStore:
    """The `contacts` table."""

    def __init__(self, database: Database) -> None:
        self._table = database.table("contacts")

    def add(self, message: ContactMessage) -> ContactMessage:
        """Store a new message and give it its number; return it with `id` set."""
        message.id = self._table.insert(message.to_dict())
        return message

    def get(self, number: int) -> ContactMessage | None:
        """Return message number `number`, or None."""
        doc = self._table.get(doc_id=number)
        return ContactMessage.from_dict(doc, doc.doc_id) if doc else None

    def save(self, message: ContactMessage) -> None:
        """Write a changed message."""
        self._table.update(message.to_dict(), doc_ids=[message.id])

    def sent_times(self, user_id: int) -> list[float]:
        """Return when each stored message of a member was sent (seconds since the epoch)."""
        return [float(doc["sent_at"]) for doc in self._table.search(_Q.user_id == user_id)]

    def of_user(self, user_id: int) -> list[ContactMessage]:
        """Return a member's messages, oldest first."""
        docs = self._table.search(_Q.user_id == user_id)
        return sorted((ContactMessage.from_dict(d, d.doc_id) for d in docs), key=lambda m: m.id)

    def forget_user(self, user_id: int) -> None:
        """Delete what a member wrote and their name; the numbers stay, linked to no one."""
        for message in self.of_user(user_id):
            message.user_id, message.user_name, message.text, message.reply = 0, "", "", ""
            self.save(message)
