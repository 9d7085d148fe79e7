"""Plain values the domain works on; `store/` turns them into TinyDB documents and back."""

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.dialogue import Step
from bot.text import fold, slugify, strip_accents

MAX_KEY_LENGTH = 60
_PERIOD_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
# "2014-15", "2015-2020 / 2021-25"; not the month of a date ("2023-09-01", "2016-05").
_TWO_DIGIT_END = re.compile(r"\b(19\d{2}|20\d{2})\s*[-–/]\s*(\d{2})\b(?!\d)(?![-–/.]\d)")
_KEY_SAFE = re.compile(r"[A-Za-z0-9_-]+")
_ONGOING = re.compile(
    r"ongoing|on-going|onwards|since|present|current|still|depuis|partir|chaque|\d\s*-\s*$|à\s*\.\.\."
    # The words the dialogue's own examples teach in French and German ("2018 - en cours",
    # "2018 - laufend"), and their neighbours in the languages the bot reads.
    r"|en cours|aujourd|laufend|\bseit\b|\bheute\b|in corso|en curso|em curso",
    re.IGNORECASE,
)

# The JSON shape of DESIGN §3, in order; import and export use exactly these keys.
PRACTICE_FIELDS = (
    "id",
    "title",
    "subtitle",
    "cities",
    "country",
    "period",
    "topics",
    "purpose",
    "rationale",
    "process",
    "impact",
    "keywords",
    "url",
    "language",
    "source",
)


def practice_key(practice_id: str) -> str:
    """Return the short stable key of a practice id, used in deep links and callback data.

    Ids are title slugs and can be longer than Telegram allows, so a long id keeps its first
    words and gains a hash of the whole id, which keeps it unique and stable.
    """
    if len(practice_id) <= MAX_KEY_LENGTH and _KEY_SAFE.fullmatch(practice_id):
        return practice_id
    # An id with characters a link can't carry (not one the importer accepts, but stored data
    # may hold anything) keeps only its safe runs, so every key fits a deep link and a button.
    start = "-".join(_KEY_SAFE.findall(practice_id))[: MAX_KEY_LENGTH - 9].rstrip("-")
    digest = hashlib.sha1(practice_id.encode()).hexdigest()[:8]
    return f"{start}-{digest}" if start else digest


def period_years(period: str | None, current_year: int) -> tuple[int, int] | None:
    """Derive the span of years a free-text period covers, where the text allows.

    Args:
        period: the period as the programme writes it ("2018 onwards", "2015-2020 / 2021-25").
        current_year: the year an ongoing practice runs to.

    Returns:
        (first year, last year), or None when the text names no year.
    """
    if not period:
        return None
    years = [int(y) for y in _PERIOD_YEAR.findall(period)]
    # A two-digit end year belongs to its start's century and comes after it.
    years += [int(a[:2] + b) for a, b in _TWO_DIGIT_END.findall(period) if a[2:] < b]
    if not years:
        return (current_year, current_year) if _ONGOING.search(period) else None
    first, last = min(years), max(years)
    if _ONGOING.search(period):
        last = max(last, current_year)
    return first, last


@dataclass(slots=True)
class Practice:
    """A good practice example, in the shape of DESIGN §3 plus its publication state."""

    id: str
    title: str
    country: str
    subtitle: str | None = None
    cities: list[str] = field(default_factory=list)
    period: str | None = None
    topics: list[str] = field(default_factory=list)
    purpose: str | None = None
    rationale: str | None = None
    process: str | None = None
    impact: str | None = None
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    language: str = "en"
    source: str | None = None
    status: str = "published"
    published_at: str | None = None
    submitted_by: int | None = None

    @property
    def key(self) -> str:
        """Return the short key used in deep links and buttons."""
        return practice_key(self.id)

    @property
    def place(self) -> str:
        """Return "City, City, Country" for display."""
        return ", ".join([*self.cities, self.country] if self.country else self.cities)

    def to_public_dict(self) -> dict[str, Any]:
        """Return the DESIGN §3 JSON shape (no publication state)."""
        data = asdict(self)
        return {name: data[name] for name in PRACTICE_FIELDS}

    def to_dict(self) -> dict[str, Any]:
        """Return every field, for storage."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Practice":
        """Build a practice from a stored or imported mapping, ignoring unknown keys."""
        known = {name: data[name] for name in cls.__slots__ if name in data}
        for name in ("cities", "topics", "keywords"):
            known[name] = list(known.get(name) or [])
        return cls(**known)


def new_practice_id(title: str, taken: set[str]) -> str:
    """Return the slug of a title, made unique against ids already taken."""
    base = slugify(title) or "practice"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@dataclass(slots=True)
class Draft:
    """A practice being written in the submission dialogue, saved at every step.

    Attributes:
        user_id: the author; one draft per user.
        answers: template field key → validated value (`bot.template.FIELDS`).
        step: the screen the dialogue stands at (`bot.dialogue.Step`, stored as its value).
        editing: the step was chosen from the preview, so the preview comes back after it.
        rev: bumped at every change; buttons carry it, so buttons of an older screen are known.
        active: the dialogue is open (False once cancelled or idle: the draft waits for /submit).
        reopened_from: the id of the rejected submission this draft fixes, if any.
        prompt_message_id: the message with the current step's buttons.
        not_duplicate: the author said the practice is not the similar one found before sending.
        updated_at: ISO 8601 UTC time of the last change.
        last_answer_id: the message id of the last typed answer, so that editing that message
            in Telegram changes the answer.
        last_answer_step: the step that message answered.
        offer: a corrected answer to the current step the member may take with one button
            (a long text shortened, links with https:// added); None when there is none.
    """

    user_id: int
    answers: dict[str, Any] = field(default_factory=dict)
    step: Step = Step.TITLE
    editing: bool = False
    rev: int = 0
    active: bool = True
    reopened_from: int | None = None
    prompt_message_id: int | None = None
    not_duplicate: bool = False
    updated_at: str | None = None
    last_answer_id: int | None = None
    last_answer_step: str | None = None
    offer: Any = None

    def __post_init__(self) -> None:
        self.step = Step(self.step)  # a stored draft holds the step's string value

    def to_dict(self) -> dict[str, Any]:
        """Return every field, for storage (the step as its plain string value)."""
        step, answered = self.step, self.last_answer_step
        return {**asdict(self), "step": str(step), "last_answer_step": answered and str(answered)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Draft":
        """Build a draft from a stored mapping, ignoring unknown keys.

        Raises:
            ValueError: the stored step is not a `Step` value.
        """
        return cls(**{name: data[name] for name in cls.__slots__ if name in data})


# A submission is pending until a moderator approves (publishes) or rejects it; a withdrawn
# one was erased at its author's request.
SUBMISSION_STATES = ("pending", "approved", "rejected", "withdrawn")


@dataclass(slots=True)
class Submission:
    """A practice sent for moderation, with who sent it and what was decided.

    Attributes:
        id: the store's number, shown to users as the reference (#12).
        user_id: the submitter's Telegram id.
        user_name: the submitter's name as Telegram gave it, for the moderators.
        answers: the template answers, kept whole.
        status: one of SUBMISSION_STATES.
        sent_at: when it was (last) sent, ISO 8601 UTC.
        decided_at, decided_by, decided_by_name: the last decision and its moderator.
        reason: why it was rejected.
        practice_id: the published practice, once approved.
        messages: [chat id, message id] of every moderator's copy, to mark with the outcome.
        history: past events ({"event", "at", "by", "reason"}), oldest first; a "resent"
            event holds "changed": {field key: [old, new]} for the fields changed since the
            rejection.
        similar_to: a published practice whose title is close to this one's, whose author
            answered "No, send mine" (a different practice); None when there was none.
        update_of: the published practice this submission is a suggested update of (its
            author answered "Yes, the same one"); approving it updates that practice.
    """

    user_id: int
    answers: dict[str, Any]
    user_name: str = ""
    id: int = 0
    status: str = "pending"
    sent_at: str | None = None
    decided_at: str | None = None
    decided_by: int | None = None
    decided_by_name: str | None = None
    reason: str | None = None
    practice_id: str | None = None
    messages: list[list[int]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    similar_to: str | None = None
    update_of: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return every field but the id, which is the store's document id."""
        data = asdict(self)
        del data["id"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], submission_id: int = 0) -> "Submission":
        """Build a submission from a stored mapping, ignoring unknown keys."""
        known = {name: data[name] for name in cls.__slots__ if name in data}
        return cls(**{**known, "id": submission_id or known.get("id", 0)})


# What a subscription can follow; a keyword is a saved search (words and filters).
SUBSCRIPTION_KINDS = ("topic", "country", "city", "keyword")


@dataclass(slots=True)
class Subscription:
    """What a chat follows: a topic, a country, a city, or a keyword (a saved search).

    Attributes:
        chat_id: where alerts go (the user's private chat, or a group).
        user_id: who subscribed; only they may stop it in a group.
        kind: one of SUBSCRIPTION_KINDS.
        value: the canonical topic, country or city name, or the keyword text as typed.
        id: the store's id, used in buttons (0 until stored).
        created_at: when it was made, ISO 8601 UTC.
    """

    chat_id: int
    user_id: int
    kind: str
    value: str
    id: int = 0
    created_at: str | None = None

    @property
    def target(self) -> tuple[str, str]:
        """Return what is followed, normalised, so that the same thing twice is one target.

        A keyword keeps its punctuation (`topic:roma` is a filter, `topic roma` two words);
        case, accents and spacing never make two keywords different.
        """
        if self.kind == "keyword":
            return self.kind, " ".join(strip_accents(self.value).casefold().split())
        return self.kind, fold(self.value) or self.value.casefold()

    @property
    def label(self) -> str:
        """Return the name shown to users: "Refugees", or “housing” for a keyword."""
        return f"“{self.value}”" if self.kind == "keyword" else self.value


@dataclass(slots=True)
class ReasonRequest:
    """A rejection waiting for its reason: the moderator's next typed message, for a while.

    Attributes:
        submission_id: the submission to reject.
        started_at: when the moderator was last asked (Reject pressed, or the reason shown
            back), in seconds since the epoch; 0 for a request stored without it.
        reason: the reason typed, waiting for Send; None until typed.
    """

    submission_id: int
    started_at: float = 0.0
    reason: str | None = None

    def expired(self, now: float, timeout: float) -> bool:
        """Return True when more than `timeout` seconds have passed since `started_at`."""
        return now - self.started_at > timeout


# What became of an alert in the outbox (`store.outbox`, `bot.delivery`).
PENDING, SENT, FAILED, DROPPED = "pending", "sent", "failed", "dropped"


@dataclass(slots=True)
class OutboxRow:
    """One message to send: an alert (one practice) or a digest (several).

    Attributes:
        chat_id: where it goes.
        keys: the practices' keys, in the order they are shown.
        why: labels of the subscriptions that matched ("Refugees", "“housing”").
        id: the store's id (0 until queued).
        status: PENDING, SENT, FAILED or DROPPED.
        reason: why it failed or was dropped.
        queued_at: when it was queued, ISO 8601 UTC.
    """

    chat_id: int
    keys: list[str]
    why: list[str] = field(default_factory=list)
    id: int = 0
    status: str = PENDING
    reason: str | None = None
    queued_at: str | None = None

    @property
    def is_digest(self) -> bool:
        """Return True when the row lists several practices in one message."""
        return len(self.keys) > 1
