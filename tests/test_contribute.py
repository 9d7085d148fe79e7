"""Texts of the submission dialogue and of moderation: escaping, limits, parts."""

from html import escape

from bot.answers import practice_from_answers
from bot.cards import MAX_MESSAGE
from bot.contribute import (
    decided_text,
    full_text_parts,
    moderation_text,
    outcome_line,
    preview_text,
    prompt_text,
    public_answers,
    split_text,
    step_label,
    telegram_length,
    when,
)
from bot.i18n import translator
from bot.models import Submission
from bot.template import FIELDS_BY_KEY

MARKUP = "<b>x</b> & **y** _z_ "
ANSWERS = {
    "title": "Cooking together",
    "cities": ["Lisbon"],
    "country": "Portugal",
    "period": "2019 - ongoing",
    "topics": ["Refugees"],
    "purpose": "To bring people together.",
    "process": "Weekly evenings.",
    "links": ["https://example.org/a", "https://example.org/b"],
    "contact": {"name": "Ana Silva", "email": "ana@example.org", "public": False},
}


def test_prompt_says_step_name_limit_example_and_the_current_answer() -> None:
    text = prompt_text(FIELDS_BY_KEY["country"], {"country": "Portugal"}, "Bad <input>")
    assert text.startswith("⚠️ Bad <input>")  # errors come as HTML already
    assert "Step 4 of 12 · Country" in text and "One country. Required." in text
    assert "<i>Example:</i> Portugal" in text and "<b>Now:</b> Portugal" in text


def test_step_label_names_the_step_or_the_preview() -> None:
    assert step_label("cities") == "step 3 of 12 (City or cities)"
    assert step_label("consent") == "step 12 of 12 (Contact)"
    assert step_label("preview") == "the preview, ready to send"


def test_preview_is_the_card_and_the_other_fields_all_escaped() -> None:
    answers = {key: MARKUP * 3 + key for key in ("title", "purpose", "process", "impact")}
    answers = {**ANSWERS, **answers}
    practice = practice_from_answers(answers, "cooking")
    text = preview_text(practice, answers, "icc_practice_bot")
    assert "<b>x</b>" not in text and escape(MARKUP) in text
    assert "https://t.me/icc_practice_bot?start=p_cooking" in text
    assert "<b>Impact:</b>" in text and "for the moderators only" in text


def test_preview_of_huge_answers_stays_within_one_message() -> None:
    answers = {**ANSWERS, "title": "&" * 150, "subtitle": "<" * 200}
    answers |= {key: "<&>" * 1300 for key in ("purpose", "rationale", "process", "impact")}
    answers["links"] = [f"https://example.org/{'&' * 400}{n}" for n in range(5)]
    text = preview_text(practice_from_answers(answers, "x"), answers, "icc_practice_bot")
    assert len(text) <= MAX_MESSAGE and text.count("<b>") == text.count("</b>")


def test_full_text_parts_hold_everything_and_each_fits_a_message() -> None:
    answers = {**ANSWERS, "process": "Partner meetings 🍲 & <more>. " * 300}
    parts = full_text_parts(answers, contact=True)
    assert len(parts) > 1 and parts[0].startswith("📄 <b>Cooking together</b> · full text 1/")
    assert all(telegram_length(p) <= MAX_MESSAGE for p in parts)
    assert sum(p.count("Partner meetings") for p in parts) == 300
    assert "ana@example.org (not to be published)" in parts[-1]
    assert "ana@example.org" not in "".join(full_text_parts(answers, contact=False))


def test_split_text_cuts_between_words_and_loses_nothing() -> None:
    text = "word " * 1000
    pieces = split_text(text, 500)
    assert all(len(piece) <= 500 for piece in pieces)
    assert " ".join(pieces).split() == text.split()
    assert split_text("x" * 1200, 500) == ["x" * 500, "x" * 500, "x" * 200]


def test_split_text_counts_escaped_characters_and_emoji_twice() -> None:
    assert [len(p) for p in split_text("&" * 10, 10)] == [2, 2, 2, 2, 2]
    assert [len(p) for p in split_text("🍲" * 6, 4)] == [2, 2, 2]


def submission(**fields: object) -> Submission:
    base = {
        "user_id": 1,
        "answers": dict(ANSWERS),
        "id": 7,
        "sent_at": "2025-05-03T10:04:00+00:00",
    }
    return Submission(**{**base, **fields})  # type: ignore[arg-type]


def test_moderation_text_names_the_submitter_the_contact_and_the_outcome() -> None:
    pending = submission(user_name="<Ana> (@ana_s)")
    practice = practice_from_answers(pending.answers, "cooking-together")
    text = moderation_text(pending, practice, "icc_practice_bot")
    # Named by the contact answer (issue 11: no "(user id)" noise), with the @username.
    assert "Submission #7</b> from Ana Silva (@ana_s), sent" in text
    anonymous = submission(user_name="<Ana>", answers={**ANSWERS, "contact": None})
    text_without = moderation_text(anonymous, practice, "icc_practice_bot")
    assert "Submission #7</b> from &lt;Ana&gt;, sent" in text_without
    assert "May 3, 2025, 10:04\u202fAM UTC" in text
    assert "ana@example.org (for the moderators only)" in text
    approved = submission(
        status="approved",
        decided_by_name="Mo <d>",
        decided_at="2025-05-04T09:00:00+00:00",
        practice_id="cooking-together",
    )
    line = outcome_line(approved, "icc_practice_bot")
    assert "Approved</b> by Mo &lt;d&gt;, May 4, 2025" in line and "p_cooking-together" in line
    assert decided_text(approved) == (
        "#7 was already approved by Mo <d> (May 4, 2025, 9:00\u202fAM UTC)."
    )


def test_resent_submission_shows_the_earlier_reason() -> None:
    resent = submission(history=[{"event": "rejected", "reason": "Add <figures>"}])
    text = moderation_text(resent, practice_from_answers(resent.answers, "c"), "icc_practice_bot")
    assert "Sent again after a rejection: <i>Add &lt;figures&gt;</i>" in text


def test_public_answers_keep_the_contact_only_with_consent() -> None:
    practice = practice_from_answers(ANSWERS, "c")
    assert "contact" not in public_answers(practice, ANSWERS)
    agreed = {**ANSWERS, "contact": {**ANSWERS["contact"], "public": True}}
    assert public_answers(practice, agreed)["contact"]["email"] == "ana@example.org"
    assert public_answers(practice, None)["links"] == ["https://example.org/a"]


def test_when_formats_utc_times_in_each_language_through_babel() -> None:
    # English too goes through CLDR's formats (no strftime): month first, 12-hour clock.
    assert when("2025-12-01T18:05:09+00:00") == "Dec 1, 2025, 6:05\u202fPM UTC"
    assert when("2025-12-01T18:05:09+00:00", translator("fr")) == "1 déc. 2025, 18:05 UTC"
    assert when("2025-12-01T18:05:09+00:00", translator("de")) == "01.12.2025, 18:05 UTC"
    assert when(None) == ""


def test_moderation_text_of_the_worst_input_is_one_message_of_whole_tags() -> None:
    answers = {**ANSWERS, "title": "'" * 150, "subtitle": "'" * 200, "period": "'" * 60}
    answers |= {"cities": ["'" * 60] * 10, "topics": ["Refugees"] * 3}
    answers |= {key: "'" * 2000 for key in ("purpose", "rationale", "process", "impact")}
    worst = submission(
        answers=answers,
        user_name="'" * 200,
        status="rejected",
        reason="'" * 1000,
        decided_by_name="'" * 100,
        decided_at="2025-05-04T09:00:00+00:00",
    )
    text = moderation_text(worst, practice_from_answers(answers, "x"), "icc_practice_bot")
    assert len(text) <= MAX_MESSAGE
    for tag in ("b", "i", "a", "code"):
        assert text.count(f"<{tag}>") + text.count(f"<{tag} ") == text.count(f"</{tag}>")
    assert "Rejected</b> by" in text
