"""A suggested update of a published practice: what approving it publishes. Pure.

A member who finds their draft's title is a published practice's and answers "Yes, the same
one" sends the draft as a suggested update of that practice (`Submission.update_of`). The draft
was written as a new practice: the member never saw the published fields while answering. So
approving it publishes *the published practice with the member's answers applied*, never the
draft alone:

* What the template does not ask (the programme's page behind 📖 Read more, keywords,
  language, source, publication date, submitter) is the published practice's.
* A field the member skipped keeps its published value.
* A line or text the member answered (subtitle, country, period, purpose, rationale, process,
  impact) replaces the published one: it is what the member says it should be now. A
  published subtitle that only repeated the purpose goes with a replaced purpose.
* Cities and topics are added to the published ones, not put in their place: the member picked
  them without seeing the published ones, so one they did not pick is one they were never asked
  about, not one they asked to remove. (A removal goes through ✏️ Suggest a correction.)
* A period spanning the same years as the published one (`period_years`: "2016 - laufend" and
  "2016 onwards") keeps the published wording: the period is required, so a member re-types it
  in their own words even when nothing changed.
* The title stays the published one while the member's still names the same practice
  (`bot.answers.same_title`): answering "Yes, the same one" said that it does, so "Safer Alta
  Lisboa" does not rename "Safer Alta de Lisboa"; a title that names something else (changed
  after a reopen) replaces it.
* Links: the first published link (the programme's page) stays first; the member's follow.

The moderators' copy and the member's "Send as an update" screen show what changes with
`changes` and `kept`, computed from the same merge, so what is shown is what approval does.
"""

from dataclasses import dataclass, replace
from typing import Any

from bot.answers import same_title
from bot.cards import repeats
from bot.models import Practice, period_years
from bot.text import fold

# The template's answers a published practice holds itself, in template order; the links and
# the contact are not its fields.
PRACTICE_ANSWERS = (
    *("title", "subtitle", "cities", "country", "period", "topics"),
    *("purpose", "rationale", "process", "impact"),
)
# Answers added to the published ones rather than put in their place (see above).
ADDED = ("cities", "topics")


def published_answers(practice: Practice) -> dict[str, Any]:
    """Return a published practice's fields in the shape of template answers.

    Returns:
        {field key: value} for PRACTICE_ANSWERS, and "links": [its url] (or []).
    """
    answers: dict[str, Any] = {key: getattr(practice, key) for key in PRACTICE_ANSWERS}
    answers["cities"], answers["topics"] = list(practice.cities), list(practice.topics)
    answers["links"] = [practice.url] if practice.url else []
    return answers


def merged_answers(published: Practice, answers: dict[str, Any]) -> dict[str, Any]:
    """Return the answers of the practice as approving the update would publish it.

    Args:
        published: the practice the update is of, as published now.
        answers: the member's answers (a draft's or a submission's).

    Returns:
        Template answers (PRACTICE_ANSWERS, "links", and the member's "contact" if any),
        merged as the module's docstring says.
    """
    merged = published_answers(published)
    for key in PRACTICE_ANSWERS:
        mine = answers.get(key)
        if not mine or _says_the_same(key, mine, merged[key]):
            continue  # skipped, or said as published: the published value stays
        merged[key] = _added(merged[key], list(mine)) if key in ADDED else mine
    if (
        not answers.get("subtitle")
        and published.subtitle
        and merged["purpose"] != published.purpose
        and repeats(published.subtitle, published.purpose)
    ):
        # The published subtitle only repeated the purpose (the listing's excerpt of it): it
        # goes with the purpose it repeated, or the card would show the old text over the new.
        merged["subtitle"] = None
    links = merged["links"] + list(answers.get("links") or [])
    merged["links"] = list(dict.fromkeys(links))  # a web address is compared as written
    if answers.get("contact"):
        merged["contact"] = answers["contact"]
    return merged


def updated_practice(published: Practice, answers: dict[str, Any]) -> Practice:
    """Return the published practice with the member's answers applied (`merged_answers`).

    Everything the template does not ask (id, url, keywords, language, source, status,
    publication date, submitter) is the published practice's; the url is the member's first
    link only when the practice had none.
    """
    merged = merged_answers(published, answers)
    practice = replace(published, **{key: merged[key] for key in PRACTICE_ANSWERS})
    practice.cities, practice.topics = list(practice.cities), list(practice.topics)
    practice.keywords = list(published.keywords)
    if not practice.url and merged["links"]:
        practice.url = merged["links"][0]
    return practice


# Any year after every period's: an ongoing period then ends here, whatever today's year is.
_OPEN_END = 9999


def _says_the_same(key: str, mine: Any, published: Any) -> bool:
    """Return True when the member's title or period says what the published one says (a
    title naming the same practice; a period spanning the same years, ongoing or not)."""
    if not published:
        return False
    if key == "title":
        return same_title(mine, published)
    if key == "period":
        span = period_years(mine, _OPEN_END)
        return span is not None and span == period_years(published, _OPEN_END)
    return False


def _added(published: list[str], mine: list[str]) -> list[str]:
    """Return the published items, then the member's that are not among them (case, accents
    and spacing aside: "Zürich" is "Zurich")."""
    seen = {fold(item) for item in published}
    added = list(published)
    for item in mine:
        if fold(item) not in seen:
            seen.add(fold(item))
            added.append(item)
    return added


@dataclass(frozen=True, slots=True)
class Changes:
    """What approving a suggested update changes in the published practice.

    Attributes:
        changed: {field key: [published value, value after approval]} for the fields that
            differ, in template order ("links" included); raw answer values (str or list).
        kept: the keys of the fields that stay as published and have a value: template
            fields (PRACTICE_ANSWERS), then "url" and "keywords", which the template does not
            ask.
    """

    changed: dict[str, list[Any]]
    kept: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape kept in the submission's history at approval."""
        return {"changed": self.changed, "kept": list(self.kept)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Changes":
        """Build from `to_dict`'s shape (missing keys: nothing changed or kept)."""
        return cls(dict(data.get("changed") or {}), tuple(data.get("kept") or ()))


def changes(published: Practice, answers: dict[str, Any]) -> Changes:
    """Return what approving the member's answers as an update of `published` changes.

    Args:
        published: the practice as published now.
        answers: the member's answers.
    """
    before, after = published_answers(published), merged_answers(published, answers)
    changed = {
        key: [before[key], after[key]]
        for key in (*PRACTICE_ANSWERS, "links")
        if (before[key] or None) != (after[key] or None)
    }
    kept = [key for key in PRACTICE_ANSWERS if key not in changed and before[key]]
    kept += ["url"] if published.url else []
    kept += ["keywords"] if published.keywords else []
    return Changes(changed, tuple(kept))
