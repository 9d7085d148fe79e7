"""Submissions in TinyDB: drafts of the dialogue, sent submissions, and moderation requests."""

from datetime import UTC, datetime

from tinydb import Query

from bot.models import Draft, ReasonRequest, Submission
from store.db import Database

_Q = Query()


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

    def draft(self, user_id: int) -> Draft | None:
        """Return the user's draft, or None."""
        doc = self._drafts.get(_Q.user_id == user_id)
        return Draft.from_dict(doc) if doc else None

    def save_draft(self, draft: Draft) -> None:
        """Write the draft (one atomic file write) and stamp its time."""
        # To the microsecond: the idle timeout is measured from it.
        draft.updated_at = datetime.now(UTC).isoformat()
        self._drafts.upsert(draft.to_dict(), _Q.user_id == draft.user_id)

    def delete_draft(self, user_id: int) -> None:
        """Delete the user's draft, if any."""
        self._drafts.remove(_Q.user_id == user_id)

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
        keeps the decision but loses the author's name and contact.
        """
        with self._db.transaction():
            self.delete_draft(user_id)
            for submission in self.of_user(user_id):
                submission.user_name = ""
                if submission.status == "approved":
                    submission.answers.pop("contact", None)
                else:
                    submission.answers, submission.status = {}, "withdrawn"
                self.save(submission)
