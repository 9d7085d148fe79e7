"""Submissions in TinyDB: drafts of the dialogue, sent submissions, and moderation requests."""

from datetime import UTC, datetime, timedelta

from tinydb import Query
from tinydb.table import Document

from bot.models import Draft, ReasonRequest, Submission
from store.db import Database
from store.keys import conversation_id
from store.persistence import ConversationKey, prune_states, set_state

_Q = Query()
# Drafts idle for longer are deleted (the dialogue tells the member so), and conversation
# states older than this, or whose draft is gone, with them.
DRAFT_RETENTION = timedelta(days=60)


class SubmissionStore:
    """The `drafts`, `submissions` and `reason_requests` tables.

    A submission's number is its document id. Submissions are never deleted (a forgotten one is
    erased in place), so a number is never given twice and an old button can't reach a newer
    submission.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._drafts = database.table("drafts")
        self._submissions = database.table("submissions")
        self._reasons = database.table("reason_requests")
        self._states = database.table("conversations")

    def draft(self, user_id: int) -> Draft | None:
        """Return the user's draft, or None (drafts are keyed by user id: no scan)."""
        doc = self._drafts.get(doc_id=user_id)
        return Draft.from_dict(doc) if doc else None

    def save_draft(self, draft: Draft) -> None:
        """Write the draft (one atomic write of the dialogues file) and stamp its time."""
        # To the microsecond: the idle timeout is measured from it.
        draft.updated_at = datetime.now(UTC).isoformat()
        self._drafts.upsert(Document(draft.to_dict(), draft.user_id))

    def save_dialogue(
        self, draft: Draft, conversation: str, key: ConversationKey, state: str | None
    ) -> None:
        """Write the draft and its conversation's state together, in one atomic write.

        A crash can't leave a draft whose dialogue is gone, or the other way round.

        Args:
            draft: the draft, already moved to the screen about to be shown.
            conversation: the ConversationHandler's name.
            key: its key for this member (chat id, user id).
            state: the state that routes the member's next message; None ends it.
        """
        with self._db.transaction():
            self.save_draft(draft)
            set_state(self._states, conversation, key, state)

    def note_prompt(self, user_id: int, message_id: int) -> None:
        """Remember which message shows the draft's screen, written with the next change.

        Only used to take the buttons off that message later: a crash that loses it costs
        nothing else, so it costs no write of its own.
        """
        self._db.defer_update("drafts", user_id, {"prompt_message_id": message_id})

    def delete_draft(self, user_id: int) -> None:
        """Delete the user's draft, if any (no write when there is none)."""
        if self._drafts.contains(doc_id=user_id):
            self._drafts.remove(doc_ids=[user_id])

    def end_dialogue(self, user_id: int, conversation: str, key: ConversationKey) -> None:
        """Delete the user's draft and the conversation's state in one write."""
        with self._db.transaction():
            self.delete_draft(user_id)
            set_state(self._states, conversation, key, None)

    def prune(self, conversation: str, now: datetime | None = None) -> tuple[int, int]:
        """Delete drafts idle for longer than DRAFT_RETENTION and stale conversation states.

        A state of `conversation` is stale when its member has no draft any more; any state is
        stale when it was set longer ago than DRAFT_RETENTION.

        Returns:
            (drafts deleted, conversation states deleted), written in one write.
        """
        cutoff = ((now or datetime.now(UTC)) - DRAFT_RETENTION).isoformat()
        with self._db.transaction():
            old = [d.doc_id for d in self._drafts.all() if (d.get("updated_at") or "") < cutoff]
            if old:
                self._drafts.remove(doc_ids=old)
            live = {
                conversation_id(conversation, (d.doc_id, d.doc_id)) for d in self._drafts.all()
            }
            orphans = [
                doc.doc_id
                for doc in self._states.search(_Q.name == conversation)
                if doc.doc_id not in live
            ]
            if orphans:
                self._states.remove(doc_ids=orphans)
            states = len(orphans) + prune_states(self._states, DRAFT_RETENTION, now)
        return len(old), states

    def add(self, submission: Submission) -> Submission:
        """Store a new submission and give it its number.

        Returns:
            The same submission, with `id` set.
        """
        submission.id = self._submissions.insert(submission.to_dict())
        return submission

    def get(self, submission_id: int) -> Submission | None:
        """Return the submission with this number, or None."""
        doc = self._submissions.get(doc_id=submission_id)
        return Submission.from_dict(doc, doc.doc_id) if doc else None

    def save(self, submission: Submission) -> None:
        """Write a changed submission."""
        self._submissions.update(submission.to_dict(), doc_ids=[submission.id])

    def of_user(self, user_id: int) -> list[Submission]:
        """Return a user's submissions, newest first."""
        docs = self._submissions.search(_Q.user_id == user_id)
        return sorted((Submission.from_dict(d, d.doc_id) for d in docs), key=lambda s: -s.id)

    def pending(self) -> list[Submission]:
        """Return the submissions waiting for a decision, oldest first."""
        docs = self._submissions.search(_Q.status == "pending")
        return sorted((Submission.from_dict(d, d.doc_id) for d in docs), key=lambda s: s.id)

    def by_practice(self, practice_id: str) -> Submission | None:
        """Return the approved submission that became this practice, or None."""
        doc = self._submissions.get(_Q.practice_id == practice_id)
        return Submission.from_dict(doc, doc.doc_id) if doc else None

    def ask_reason(
        self, moderator_id: int, submission_id: int, started_at: float, reason: str | None = None
    ) -> None:
        """Remember that the moderator's next message is the reason to reject a submission.

        Args:
            moderator_id: the moderator's Telegram user id.
            submission_id: the submission to reject.
            started_at: when the moderator was asked, in seconds since the epoch; the wait
                expires a stated time after it, also across restarts.
            reason: the reason typed so far, when it is shown back for confirmation.
        """
        record = {
            "moderator_id": moderator_id,
            "submission_id": submission_id,
            "started_at": started_at,
            "reason": reason,
        }
        self._reasons.upsert(record, _Q.moderator_id == moderator_id)

    def reason_request(self, moderator_id: int) -> ReasonRequest | None:
        """Return the rejection the moderator is writing a reason for, or None.

        A request stored before waits had a start time comes back with `started_at` 0, so it
        counts as expired.
        """
        doc = self._reasons.get(_Q.moderator_id == moderator_id)
        if doc is None:
            return None
        return ReasonRequest(
            int(doc["submission_id"]), float(doc.get("started_at") or 0.0), doc.get("reason")
        )

    def clear_reason_request(self, moderator_id: int) -> None:
        """Forget that the moderator was asked for a reason."""
        self._reasons.remove(_Q.moderator_id == moderator_id)

    def forget_user(self, user_id: int) -> None:
        """Erase what the user wrote: the draft, unpublished submissions, and every contact.

        A published practice stays published (it belongs to the catalogue now); its submission
        keeps the decision but loses the author's name and contact. Every submission loses its
        link to the user (`user_id` 0), so none is theirs any more (/mysubmissions is empty);
        an unpublished one keeps only its number, as "withdrawn" (numbers are never reused).
        """
        with self._db.transaction():
            self.delete_draft(user_id)
            for submission in self.of_user(user_id):
                submission.user_name, submission.user_id = "", 0
                if submission.status == "approved":
                    submission.answers.pop("contact", None)
                else:
                    submission.answers, submission.status = {}, "withdrawn"
                self.save(submission)
