"""Texts of the submission dialogue and of moderation, as Telegram HTML. Pure.

Every answer is kept whole in the draft; here it is shortened for the prompt, the preview and
the moderators' message, and cut into message-sized parts for "Read in full". User text is
always cut first and escaped after, so no entity is split.
"""

from datetime import UTC, datetime, tzinfo
from html import escape
from typing import Any

from babel.dates import get_timezone_name

from bot import place_names
from bot.cards import MAX_MESSAGE, card_text, embed, key_link, shorten
from bot.dialogue import Step
from bot.i18n import ENGLISH, N_, Translator
from bot.models import Draft, Practice, Submission, practice_key
from bot.practice_updates import ADDED, PRACTICE_ANSWERS, Changes, merged_answers
from bot.template import FIELDS, FIELDS_BY_KEY, Field, topic_name
from bot.text import isolate, telegram_length

TOTAL_STEPS = len(FIELDS)
DETAIL_LIMIT = 300
# Room for a part's header: each part of "Read in full" stays well inside one message.
PART_BUDGET = 3700
READ_IN_FULL = N_("The other fields are too long to show here: 📄 shows them in full.")


def when(iso: str | None, t: Translator = ENGLISH, zone: tzinfo = UTC) -> str:
    """Return an ISO 8601 UTC time in `zone` and t's formats, the zone named after it.

    "May 3, 2025, 12:04 PM CEST", "3 mai 2025, 12:04 CEST", "03.05.2025, 12:04 MESZ",
    "May 3, 2025, 10:04 AM UTC" ("" if none). The zone's name is CLDR's short one in t's
    language where it has one (MEZ), else the zone's own abbreviation (CET), so that no
    reader sees a bare "+0100".
    """
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)
    name = moment.tzname() or "UTC"
    if name != "UTC":  # "UTC" reads the same everywhere; CLDR's French "TU" does not
        local = get_timezone_name(moment, "short", locale=t.language)
        name = local if local[:1].isalpha() and not local.startswith("GMT") else name
    return f"{t.format_date(moment)}, {t.format_time(moment)} {name}"


def value_text(key: str, value: Any, t: Translator = ENGLISH) -> str:
    """Return an answer as plain one-block text ("" for no answer); topics in t's language."""
    if not value:
        return ""
    if key == "contact":
        who = ", ".join(filter(None, (value.get("name", ""), value.get("organisation"))))
        return f"{who}, {value.get('email', '')}"
    if key == "topics":
        return " · ".join(topic_name(t, topic) for topic in value)
    if key == "links":
        return "\n".join(value)
    if key == "cities":
        return ", ".join(place_names.city(city, t) for city in value)
    if key == "country":
        return place_names.country(value, t)
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def step_number(step: str) -> int | None:
    """Return the number of a draft's step, or None when the draft is ready to send."""
    if step == Step.CONSENT:
        return TOTAL_STEPS
    return FIELDS_BY_KEY[step].number if step in FIELDS_BY_KEY else None


def step_label(step: str, t: Translator = ENGLISH) -> str:
    """Return where a draft stands: "step 4 of 12 (Country)" or "ready to send"."""
    number = step_number(step)
    if number is None:
        return t._("the preview, ready to send")
    name = t.gettext(FIELDS[number - 1].name)
    return t._("step {number} of {total} ({name})").format(
        number=number, total=TOTAL_STEPS, name=name
    )


def prompt_text(
    field: Field, answers: dict[str, Any], error: str | None = None, t: Translator = ENGLISH
) -> str:
    """Return a step's question: its name and progress, what to write, limit and example.

    Args:
        field: the step.
        answers: the draft's answers, to show the current one.
        error: what was wrong with the last answer (HTML), shown first.
        t: the member's language.
    """
    if field.required:
        need = t._("Required.")
    else:
        need = t._("Optional: press Skip if it does not apply.")
    lines = [
        "✍️ <b>" + _step_head(t, field.number, t.gettext(field.name)) + "</b>",
        t.gettext(field.prompt),
        f"{field.limit_in(t)} {need}",
    ]
    if field.kind != "topics":  # a tick list shows its choices: an example says nothing there
        lines.append("<i>" + t._("Example:") + "</i> " + escape(t.gettext(field.example)))
    current = value_text(field.key, answers.get(field.key), t)
    if current:
        lines += ["", "<b>" + t._("Now:") + "</b> " + embed(current, DETAIL_LIMIT)]
    text = "\n".join(lines)
    return f"⚠️ {error}\n\n{text}" if error else text


def _step_head(t: Translator, number: int, name: str) -> str:
    return t._("Step {number} of {total} · {name}").format(
        number=number, total=TOTAL_STEPS, name=escape(name)
    )


def consent_text(
    answers: dict[str, Any], error: str | None = None, t: Translator = ENGLISH
) -> str:
    """Return the contact step's second question: may the contact be published?"""
    contact = embed(value_text("contact", answers.get("contact")), DETAIL_LIMIT)
    head = _step_head(t, TOTAL_STEPS, t.gettext(FIELDS_BY_KEY["contact"].name))
    question = t._(
        "May <b>{contact}</b> be published with the practice, so that other cities can get "
        "in touch? The moderators see it either way."
    ).format(contact=contact)
    text = f"✍️ <b>{head}</b>\n{question}"
    return f"⚠️ {error}\n\n{text}" if error else text


def _details(answers: dict[str, Any], limit: int, contact: bool, t: Translator) -> list[str]:
    lines = []
    for key in ("rationale", "process", "impact", "links"):
        value = value_text(key, answers.get(key)).replace("\n", " · ")
        if value:
            name = escape(t.gettext(FIELDS_BY_KEY[key].name))
            lines.append(
                t._("<b>{name}:</b> {value}").format(name=name, value=embed(value, limit))
            )
    person = answers.get("contact")
    if contact and person:
        shown = t._("published") if person.get("public") else t.gettext(CONTACT_PRIVATE)
        text = embed(value_text("contact", person), 200)
        name = escape(t.gettext(FIELDS_BY_KEY["contact"].name))
        line = t._("<b>{name}:</b> {value}").format(name=name, value=text)
        lines.append(f"{line} ({shown})")
    return lines


# The contact's visibility, in the preview and on the consent step's button.
CONTACT_PRIVATE = N_("for the moderators only")


def with_details(
    card: str,
    answers: dict[str, Any],
    tail: str = "",
    contact: bool = True,
    t: Translator = ENGLISH,
) -> str:
    """Return a card + the fields that are not on it + `tail`, within one message.

    The details are shortened further, or left to "Read in full", when the whole would not
    fit; the card (made by `card_text`, within the limit on its own) always stays whole.
    """
    shorter = [_details(answers, limit, contact, t) for limit in (DETAIL_LIMIT, 100)]
    read_in_full = "<i>" + t.gettext(READ_IN_FULL) + "</i>"
    options = [*("\n".join(lines) for lines in shorter), read_in_full, ""]
    for details in options:
        text = "\n\n".join(part for part in (card, details, tail) if part)
        if telegram_length(text) <= MAX_MESSAGE:
            return text
    return card


def preview_text(
    practice: Practice,
    answers: dict[str, Any],
    bot_username: str,
    note: str = "",
    t: Translator = ENGLISH,
) -> str:
    """Return the preview: the card exactly as it will be published (`card_text`), nothing else.

    The fields the card leaves out are behind the same "📄 Full text" button as on the
    published card (`full_text_parts(..., public=True)`).

    Args:
        practice: the practice the draft describes.
        answers: the draft's answers (kept for callers; the card is made from `practice`).
        bot_username: for the card's deep link.
        note: HTML shown first (what was wrong, or why a reopened submission was rejected);
            the card makes room for it.
    """
    head = t._("👀 <b>Preview</b>: this is the card as it will be published.")
    tail = t._(
        "The other fields are behind 📄 <b>Full text</b>, as on the published card. "
        "Check it, then <b>Send</b> it to the moderators, or edit a field."
    )
    card = card_text(practice, bot_username, note=f"{note}\n\n{head}" if note else head, t=t)
    text = f"{card}\n\n{tail}"
    return text if telegram_length(text) <= MAX_MESSAGE else card


def moderation_text(
    submission: Submission,
    practice: Practice,
    bot_username: str,
    t: Translator = ENGLISH,
    zone: tzinfo = UTC,
    related: Practice | None = None,
    update: Changes | None = None,
) -> str:
    """Return what moderators see: who sent it, the decision, the card and every field.

    `related` is the published practice the submission is a suggested update of
    (`update_of`), or whose title is close to it (`similar_to`); the card says which, with
    a link to it. A suggested update lists `update`: each field approving it changes, the
    published value struck → the new one, and the fields that stay as published; `practice`
    is then the card as approving publishes it (`bot.practice_updates.updated_practice`).
    A resubmission after a rejection lists the fields changed since.

    The sender is named as their contact answer names them (name, organisation or city), with
    their Telegram @username when they have one; escaped.
    """
    lines = [
        t._("🆕 <b>Submission #{number}</b> from {who}, sent {when}").format(
            number=submission.id, who=sender(submission, t), when=when(submission.sent_at, t, zone)
        )
    ]
    if related is not None:
        link = escape(key_link(bot_username, practice_key(related.id)))
        named = f'<a href="{link}">{embed(related.title, 100)}</a>'
        if submission.update_of == related.id:
            line = t._(
                "✏️ <b>Suggested update</b> of the published “{title}”: approving it updates "
                "that practice instead of adding a new one; the card below is that practice "
                "as it will then be."
            )
        else:
            line = t._(
                "⚠️ The title is close to the published “{title}”; the member answered "
                "<b>No, send mine</b> (a different practice)."
            )
        lines.append(line.format(title=named))
    if update is not None:
        lines += update_lines(update, t, applied=submission.status == "approved")
    rejected = [e for e in submission.history if e.get("event") == "rejected"]
    if rejected and submission.status == "pending":
        reason = embed(rejected[-1].get("reason") or "", 200, 400)
        again = t._("🔁 Sent again after a rejection: <i>{reason}</i>").format(reason=reason)
        lines.append(again)
        lines += _changes(submission, t)
    outcome = outcome_line(submission, bot_username, t, zone)
    lines += [outcome] if outcome else []
    card = card_text(practice, bot_username, note="\n".join(lines), t=t)
    # An update's details are the practice's as approving publishes them, not the draft's.
    answers = submission.answers
    details = merged_answers(practice, answers) if update is not None and answers else answers
    return with_details(card, details, t=t)


CHANGE_SHOWN = 60  # characters of each side of a changed field on the moderation card


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[str]]:
    """Return the fields whose answers differ: {field key: [old text, new text]}, in order.

    The texts are plain one-block text (`value_text`), kept whole; "" for no answer.
    """
    changes: dict[str, list[str]] = {}
    for f in FIELDS:
        before, after = value_text(f.key, old.get(f.key)), value_text(f.key, new.get(f.key))
        if before != after:
            changes[f.key] = [before, after]
    return changes


def _changes(submission: Submission, t: Translator) -> list[str]:
    """Return the lines of what a resubmission changed ("Title: old → new"), short."""
    resent = [e for e in submission.history if e.get("event") == "resent"]
    changed: dict[str, list[str]] = resent[-1].get("changed", {}) if resent else {}
    if not resent:
        return []
    if not changed:
        return [t._("Nothing was changed since the rejection.")]
    lines = [t._("<b>Changed:</b>")]
    for key, (before, after) in changed.items():
        lines.append(_change_line(_field_name(key, t), before, after, CHANGE_SHOWN, t))
    return lines


def _field_name(key: str, t: Translator) -> str:
    return escape(t.gettext(FIELDS_BY_KEY[key].name)) if key in FIELDS_BY_KEY else escape(key)


def _labelled(name: str, value: str, t: Translator) -> str:
    """Return "• Name: value" with the language's punctuation ("• Nom : valeur" in French)."""
    return "• " + t._("{name}: {value}").format(name=name, value=value)


def _change_line(name: str, before: str, after: str, limit: int, t: Translator = ENGLISH) -> str:
    """Return "• Name: <s>old</s> → new" (HTML) from plain texts; "—" for no value."""
    old = embed(before.replace("\n", " "), limit) if before else "—"
    new = embed(after.replace("\n", " "), limit) if after else "—"
    return _labelled(name, f"<s>{old}</s> → {new}", t)


UPDATE_SHOWN = 100  # characters of each side of a field a suggested update changes


def update_lines(update: Changes, t: Translator = ENGLISH, applied: bool = False) -> list[str]:
    """Return what a suggested update changes, field by field, and what stays as published.

    A replaced field reads "• Period: <s>2016 onwards</s> → 2016 - laufend"; cities, topics
    and links are added to the published ones (`bot.practice_updates`), so theirs read
    "• Topics: Refugees · Welcoming and social integration <b>+ Education</b>", the published
    items not struck since they stay.

    Args:
        update: the changes (`bot.practice_updates.changes`).
        t: the reader's language (field and topic names; the values stay as written).
        applied: the update is approved: the lines say what it changed.

    Returns:
        HTML lines.
    """
    if applied:
        lines = [t._("<b>What the approval changed</b> (before → after):")]
    elif update.changed:
        lines = [t._("<b>What approving it changes</b> (published → suggested):")]
    else:
        lines = [t._("Nothing in it differs from the published practice.")]
    for key, (before, after) in update.changed.items():
        name = _field_name(key, t)
        if key in ADDED or key == "links":
            added = [item for item in after or [] if item not in (before or [])]
            kept = embed(value_text(key, before, t).replace("\n", " · "), UPDATE_SHOWN)
            new = embed(value_text(key, added, t).replace("\n", " · "), UPDATE_SHOWN)
            lines.append(_labelled(name, f"{kept} <b>+ {new}</b>" if kept else new, t))
        else:
            old, new = value_text(key, before, t), value_text(key, after, t)
            lines.append(_change_line(name, old, new, UPDATE_SHOWN, t))
    if update.kept:
        names = ", ".join(_kept_name(key, t) for key in update.kept)
        lines.append(t._("<b>Stays as published:</b> {fields}.").format(fields=names))
    return lines


def _kept_name(key: str, t: Translator) -> str:
    if key == "url":
        return t._("the 📖 Read more page")
    if key == "keywords":
        return t._("the keywords")
    return _field_name(key, t)


def sender(submission: Submission, t: Translator = ENGLISH) -> str:
    """Return who sent a submission, as HTML: "Ana Silva, City of Lisbon (@ana)".

    From the contact answer (name and optional organisation or city); without one, the name
    Telegram gave. The @username is the part of `user_name` in "(@…)", when there is one.
    """
    contact = submission.answers.get("contact") or {}
    telegram_name, _, handle = (submission.user_name or "").partition(" (@")
    parts = [contact.get("name") or telegram_name, contact.get("organisation")]
    who = embed(", ".join(p for p in parts if p) or t._("a member"), 100, 200)
    return f"{who} ({escape('@' + handle.rstrip(')'))})" if handle else who


def outcome_line(
    submission: Submission, bot_username: str, t: Translator = ENGLISH, zone: tzinfo = UTC
) -> str:
    """Return the decision on a submission ("" while it is pending); times in `zone`."""
    by = embed(submission.decided_by_name or t._("a moderator"), 60, 120)
    at = when(submission.decided_at, t, zone)
    if submission.status == "approved" and submission.practice_id:
        link = key_link(bot_username, practice_key(submission.practice_id))
        return t._('✅ <b>Approved</b> by {by}, {when}: <a href="{link}">published</a>.').format(
            by=by, when=at, link=escape(link)
        )
    if submission.status == "rejected":
        reason = embed(submission.reason or "", 300, 600)
        return t._("❌ <b>Rejected</b> by {by}, {when}: <i>{reason}</i>").format(
            by=by, when=at, reason=reason
        )
    if submission.status == "withdrawn":
        return t._("↩️ <b>Withdrawn</b>: its author asked for their data to be erased.")
    return ""


def decided_text(submission: Submission, t: Translator = ENGLISH, zone: tzinfo = UTC) -> str:
    """Return the alert for a moderation button pressed after the decision was taken."""
    if submission.status not in ("approved", "rejected"):
        return t._("Submission #{number} was withdrawn by its author.").format(
            number=submission.id
        )
    # Plain text (a button's alert, at most 200 characters): isolated, not escaped.
    by = isolate(shorten(submission.decided_by_name or t._("a moderator"), 60))
    if submission.status == "approved":
        text = t._("#{number} was already approved by {by} ({when}).")
    else:
        text = t._("#{number} was already rejected by {by} ({when}).")
    return text.format(number=submission.id, by=by, when=when(submission.decided_at, t, zone))


def reason_preview_text(number: int, title: str, reason: str, t: Translator = ENGLISH) -> str:
    """Return the rejection reason shown back to the moderator before it is sent.

    Args:
        number: the submission's number.
        title, reason: already HTML-escaped.
        t: the moderator's language.
    """
    return t._(
        "❌ Reject #{number} “{title}” with this reason?\n\n<i>{reason}</i>\n\n"
        "Send it to the submitter, press Edit or type another reason to replace it, or Cancel."
    ).format(number=number, title=title, reason=reason)


def _sections(
    answers: dict[str, Any], contact: bool, t: Translator, public: bool = False
) -> list[tuple[str, str]]:
    place = place_names.place(answers.get("cities", []), answers.get("country") or "", t)
    title = t.gettext(FIELDS_BY_KEY["title"].name)
    sections = [(title, answers.get("title") or ""), (t._("Place"), place)]
    for f in FIELDS:
        if f.key not in ("title", "cities", "country", "contact"):
            sections.append((t.gettext(f.name), value_text(f.key, answers.get(f.key), t)))
    person = answers.get("contact")
    name = t.gettext(FIELDS_BY_KEY["contact"].name)
    if public and person and person.get("public"):
        # What the public reads: the contact plainly, and only with the member's consent.
        sections.append((name, value_text("contact", person)))
    elif contact and person and not public:
        shown = t._("may be published") if person.get("public") else t._("not to be published")
        sections.append((name, f"{value_text('contact', person)} ({shown})"))
    return [(name, text) for name, text in sections if text]


def full_text_parts(
    answers: dict[str, Any], contact: bool, t: Translator = ENGLISH, public: bool = False
) -> list[str]:
    """Return every answer in full, cut into numbered messages that each fit Telegram's limit.

    Args:
        answers: a draft's or submission's answers.
        contact: include the contact with whether it may be published (moderators).
        t: the reader's language (names of the fields; answers stay as written).
        public: the text as published (a card's and the preview's "Full text"): the contact
            shown plainly with the member's consent, else not at all; no consent wording.
    """
    blocks: list[str] = []
    for name, text in _sections(answers, contact, t, public):
        for n, chunk in enumerate(split_text(text, PART_BUDGET - 100)):
            label = name if n == 0 else t._("{name} (continued)").format(name=name)
            blocks.append(f"<b>{escape(label)}</b>\n{escape(chunk)}")
    parts: list[list[str]] = [[]]
    for block in blocks:
        if parts[-1] and telegram_length("\n\n".join([*parts[-1], block])) > PART_BUDGET:
            parts.append([])
        parts[-1].append(block)
    title = embed(answers.get("title") or t._("Practice"), 100)
    total = len(parts)
    return [
        f"📄 <b>{title}</b> · "
        + t._("full text {part}/{total}").format(
            part=t.format_number(n), total=t.format_number(total)
        )
        + "\n\n"
        + "\n\n".join(group)
        for n, group in enumerate(parts, start=1)
    ]


def split_text(text: str, budget: int) -> list[str]:
    """Cut text into pieces whose escaped form fits `budget`, at a line or word where possible.

    Returns:
        The pieces, in order; together they hold the whole text (spaces at cuts aside).
    """
    pieces: list[str] = []
    rest = text.strip()
    while rest:
        cut, used = len(rest), 0
        for i, ch in enumerate(rest):
            used += telegram_length(escape(ch))
            if used > budget:
                cut = i
                break
        if cut < len(rest):
            space = max(rest.rfind("\n", 0, cut), rest.rfind(" ", 0, cut))
            cut = space + 1 if space > cut // 2 else cut
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    return pieces


def draft_line(draft: Draft, t: Translator = ENGLISH) -> str:
    """Return a draft's line in /mysubmissions."""
    title = embed(draft.answers.get("title") or t._("untitled"), 80)
    return t._("📝 <b>Draft</b> “{title}”: {where}. /submit to continue.").format(
        title=title, where=step_label(draft.step, t)
    )


def submission_line(
    submission: Submission, bot_username: str, t: Translator = ENGLISH, zone: tzinfo = UTC
) -> str:
    """Return a submission's line in /mysubmissions: number, title and state; times in zone."""
    title = embed(submission.answers.get("title") or t._("(erased)"), 80)
    head = f"<b>#{submission.id}</b> {t.quote(title)}"
    sent, decided = when(submission.sent_at, t, zone), when(submission.decided_at, t, zone)
    if submission.status == "pending":
        state = t._("⏳ waiting for a moderator since {when}.").format(when=sent)
    elif submission.status == "rejected":
        reason = embed(submission.reason or "", 300)
        state = t._("❌ not accepted ({when}): <i>{reason}</i>").format(
            when=decided, reason=reason
        )
    elif submission.status == "approved" and submission.practice_id:
        link = key_link(bot_username, practice_key(submission.practice_id))
        state = t._('✅ <a href="{link}">published</a> {when}.').format(
            link=escape(link), when=decided
        )
    else:
        state = t._("↩️ withdrawn.")
    return f"{head}: {state}"


def public_answers(practice: Practice, answers: dict[str, Any] | None) -> dict[str, Any]:
    """Return what the public may read of a submitted practice, in the shape of answers.

    Args:
        practice: the published practice (its fields are what was published).
        answers: its submission's answers, for the links and the contact; None if unknown.
    """
    answers = answers or {}
    public = {key: getattr(practice, key) for key in PRACTICE_ANSWERS}
    # The card's Read more page first: after a suggested update it is the programme's page,
    # and the submission's links follow it.
    links = [practice.url] if practice.url else []
    public["links"] = list(dict.fromkeys([*links, *(answers.get("links") or [])]))
    contact = answers.get("contact")
    if contact and contact.get("public"):
        public["contact"] = contact
    return public
