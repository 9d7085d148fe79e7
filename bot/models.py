"""Plain values the domain works on; `store/` turns them into TinyDB documents and back."""

import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.text import slugify

MAX_KEY_LENGTH = 60
_PERIOD_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_TWO_DIGIT_END = re.compile(r"\b(19\d{2}|20\d{2})\s*[-–/]\s*(\d{2})\b(?!\d)")
_ONGOING = re.compile(
    r"ongoing|on-going|onwards|since|present|current|still|depuis|partir|chaque|\d\s*-\s*$|à\s*\.\.\.",
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
    if len(practice_id) <= MAX_KEY_LENGTH:
        return practice_id
    digest = hashlib.sha1(practice_id.encode()).hexdigest()[:8]
    return f"{practice_id[: MAX_KEY_LENGTH - 9].rstrip('-')}-{digest}"


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
    years += [int(a[:2] + b) for a, b in _TWO_DIGIT_END.findall(period)]
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
