"""Members: the people who use the bot, with the interface language Telegram reports.

One document per user, its id the user's id (no scan): `{"language": "fr", "first_seen":
"2026-11-30", "last_seen": "2026-11-30", "chosen": "de"}` (`chosen`: the bot's language the
user picked with /language, absent until then). Written only when something changes (a new
member, another language, a new day, a choice), so an ordinary message costs no write.
/forget deletes it.

A group chat's language is kept in the same table under the chat's (negative) id, as
`{"chosen": "fr"}`: the group's /language choice, or the language of the member who first
subscribed there. It is no member: `counts` leaves it out.
"""

from datetime import UTC, datetime

from tinydb.table import Document

from store.db import Database


class MemberStore:
    """The `members` table, with an in-memory copy of what was last written."""

    def __init__(self, database: Database) -> None:
        self._table = database.table("members")
        self._load()
        database.on_reload(self._load)

    def _load(self) -> None:
        """Read the table into memory (at start, and after a failed write was undone)."""
        self._known: dict[int, tuple[str, str]] = {
            doc.doc_id: (doc.get("language") or "", doc.get("last_seen") or "")
            for doc in self._table.all()
            if doc.doc_id > 0  # group chats (negative ids) are no members
        }
        self._chosen: dict[int, str] = {
            doc.doc_id: doc["chosen"] for doc in self._table.all() if doc.get("chosen")
        }

    def seen(self, user_id: int, language: str | None, now: datetime | None = None) -> bool:
        """Note that a user wrote to the bot today; return True when that cost a write.

        Args:
            user_id: the Telegram user id.
            language: Telegram's `language_code` (IETF tag such as "en" or "pt-br"), or None.
            now: the current time (UTC); tests pass it.
        """
        day = (now or datetime.now(UTC)).date().isoformat()
        language = (language or "").strip().lower()[:16]
        known = self._known.get(user_id)
        if known == (language, day):
            return False
        doc = self._table.get(doc_id=user_id)
        fields = {"language": language, "last_seen": day}
        if doc is None:
            self._table.insert(Document({**fields, "first_seen": day}, doc_id=user_id))
        else:
            self._table.update(fields, doc_ids=[user_id])
        self._known[user_id] = (language, day)
        return True

    def is_new(self, user_id: int) -> bool:
        """Return True when nothing is kept about this user yet (their first message)."""
        return user_id not in self._known

    def choose(self, user_id: int, language: str) -> None:
        """Store the bot language a user picked (it wins over Telegram's from now on)."""
        if self._chosen.get(user_id) == language:
            return
        if self._table.get(doc_id=user_id) is None:
            if user_id < 0:  # a group chat: its language only
                self._table.insert(Document({"chosen": language}, doc_id=user_id))
            else:
                self._table.insert(Document({"language": "", "chosen": language}, doc_id=user_id))
                self._known[user_id] = ("", "")
        else:
            self._table.update({"chosen": language}, doc_ids=[user_id])
        self._chosen[user_id] = language

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """Carry a group's language over to its supergroup's id (Telegram's upgrade)."""
        language = self._chosen.get(old_chat_id)
        if language is None:
            return
        if new_chat_id not in self._chosen:  # first the new id: a stop between keeps both
            self.choose(new_chat_id, language)
        self._table.remove(doc_ids=[old_chat_id])
        del self._chosen[old_chat_id]

    def chosen(self, user_id: int) -> str | None:
        """Return the bot language a user picked, or None when they never picked one."""
        return self._chosen.get(user_id)

    def telegram_language(self, user_id: int) -> str | None:
        """Return the interface language Telegram last reported for a user, or None."""
        known = self._known.get(user_id)
        return known[0] or None if known else None

    def forget(self, user_id: int) -> None:
        """Delete what is kept about a user, their language choice included."""
        self._chosen.pop(user_id, None)
        if self._known.pop(user_id, None) is not None:
            self._table.remove(doc_ids=[user_id])

    def counts(self, since: str) -> tuple[int, int, dict[str, int]]:
        """Return (members, members seen since the ISO day `since`, members by language).

        A member whose Telegram reports no language counts under "".
        """
        languages: dict[str, int] = {}
        active = 0
        for language, last_seen in self._known.values():
            languages[language] = languages.get(language, 0) + 1
            active += last_seen >= since
        return len(self._known), active, languages
