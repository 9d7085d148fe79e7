"""The merge of a suggested update into its published practice, field by field."""

from dataclasses import fields
from typing import Any

import pytest

from bot.contribute import update_lines
from bot.models import Practice
from bot.practice_updates import (
    PRACTICE_ANSWERS,
    Changes,
    changes,
    merged_answers,
    updated_practice,
)

PUBLISHED = Practice(
    id="the-welcome-app",
    title="The Welcome App",
    country="Germany",
    subtitle="An app for newcomers",
    cities=["Erlangen"],
    period="2016 onwards",
    topics=["Refugees", "Welcoming and social integration"],
    purpose="To welcome refugees.",
    keywords=["mobile app", "asylum information"],
    url="https://www.coe.int/en/web/interculturalcities/-/the-welcome-app",
    language="en",
    source="coe-listing",
    published_at="2026-01-01T00:00:00+00:00",
    submitted_by=None,
)


def test_what_the_template_does_not_ask_stays_as_published() -> None:
    answers = {"title": "The Welcome App", "links": ["https://example.org/app"]}
    updated = updated_practice(PUBLISHED, answers)
    assert updated.url == PUBLISHED.url
    assert updated.keywords == PUBLISHED.keywords and updated.keywords is not PUBLISHED.keywords
    assert (updated.id, updated.language, updated.source) == (
        "the-welcome-app",
        "en",
        "coe-listing",
    )
    assert updated.published_at == PUBLISHED.published_at


def test_every_practice_field_the_template_does_not_set_is_kept() -> None:
    # Every answer given, so that only what the template can't set is left to the practice.
    answers = {
        "title": "Arrival guide",
        "subtitle": "New",
        "cities": ["Fürth"],
        "country": "Austria",
        "period": "2020",
        "topics": ["Roma"],
        "purpose": "New aim.",
        "rationale": "New why.",
        "process": "New how.",
        "impact": "New results.",
        "links": ["https://example.org/a"],
        "contact": {"name": "Ana", "email": "ana@example.org", "public": True},
    }
    updated = updated_practice(PUBLISHED, answers)
    for name in (f.name for f in fields(Practice)):
        if name not in PRACTICE_ANSWERS:
            assert getattr(updated, name) == getattr(PUBLISHED, name), name


@pytest.mark.parametrize("key", ["subtitle", "period", "purpose", "country"])
def test_a_skipped_field_keeps_its_published_value(key: str) -> None:
    assert getattr(updated_practice(PUBLISHED, {key: None}), key) == getattr(PUBLISHED, key)
    assert key not in changes(PUBLISHED, {key: ""}).changed


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("subtitle", "A new line"),
        ("period", "2015 - laufend"),
        ("purpose", "A new aim."),
        ("impact", "Used by 4,000 people."),
    ],
)
def test_an_answered_field_replaces_the_published_one(key: str, value: str) -> None:
    assert getattr(updated_practice(PUBLISHED, {key: value}), key) == value
    assert changes(PUBLISHED, {key: value}).changed[key] == [getattr(PUBLISHED, key), value]


def test_cities_and_topics_are_added_to_the_published_ones() -> None:
    answers: dict[str, Any] = {"cities": ["erlangen", "Nürnberg"], "topics": ["Education"]}
    updated = updated_practice(PUBLISHED, answers)
    assert updated.cities == ["Erlangen", "Nürnberg"]  # case and accents aside, no repeat
    assert updated.topics == ["Refugees", "Welcoming and social integration", "Education"]
    same = updated_practice(PUBLISHED, {"topics": ["Refugees"], "cities": ["Erlangen"]})
    assert (same.cities, same.topics) == (PUBLISHED.cities, PUBLISHED.topics)


@pytest.mark.parametrize(
    "period", ["2016 - laufend", "seit 2016", "2016 - en cours", "Since 2016"]
)
def test_a_period_spanning_the_same_years_keeps_the_published_wording(period: str) -> None:
    assert updated_practice(PUBLISHED, {"period": period}).period == "2016 onwards"
    assert "period" in changes(PUBLISHED, {"period": period}).kept


@pytest.mark.parametrize("period", ["2016 - 2019", "2017 - laufend", "2016"])
def test_a_period_of_other_years_replaces_the_published_one(period: str) -> None:
    assert updated_practice(PUBLISHED, {"period": period}).period == period


def test_a_title_naming_the_same_practice_keeps_the_published_one() -> None:
    assert updated_practice(PUBLISHED, {"title": "the welcome app"}).title == "The Welcome App"
    renamed = updated_practice(PUBLISHED, {"title": "Erlangen's arrival guide"})
    assert renamed.title == "Erlangen's arrival guide"


def test_the_members_first_link_becomes_read_more_only_when_there_was_none() -> None:
    bare = updated_practice(PUBLISHED, {})
    bare.url = None
    assert updated_practice(bare, {"links": ["https://example.org/a"]}).url == (
        "https://example.org/a"
    )
    merged = merged_answers(PUBLISHED, {"links": ["https://example.org/a", PUBLISHED.url]})
    assert merged["links"] == [PUBLISHED.url, "https://example.org/a"]


def test_changes_list_what_differs_and_what_stays() -> None:
    found = changes(PUBLISHED, {"title": "The Welcome App", "period": "2017", "topics": ["Roma"]})
    assert list(found.changed) == ["period", "topics"]
    assert found.kept == ("title", "subtitle", "cities", "country", "purpose", "url", "keywords")
    assert Changes.from_dict(found.to_dict()) == found


def test_update_lines_strike_a_replaced_value_and_mark_added_items() -> None:
    lines = update_lines(changes(PUBLISHED, {"period": "2017 <now>", "topics": ["Roma"]}))
    assert "• Period: <s>2016 onwards</s> → 2017 &lt;now&gt;" in lines  # escaped
    assert "• Topics: Refugees · Welcoming and social integration <b>+ Roma</b>" in lines
    assert lines[-1].startswith("<b>Stays as published:</b> Title, Subtitle")
    assert "the 📖 Read more page, the keywords." in lines[-1]
    assert update_lines(changes(PUBLISHED, {}))[0] == (
        "Nothing in it differs from the published practice."
    )


def test_a_subtitle_that_only_repeated_the_purpose_goes_with_a_replaced_purpose() -> None:
    from dataclasses import replace

    excerpt = "Erlangen shows that labour markets can open up to refugees"
    published = replace(PUBLISHED, subtitle=excerpt, purpose=excerpt + " under conditions.")
    new_purpose = {"purpose": "Ouvrir le marché du travail aux réfugiés, avec les entreprises."}
    assert updated_practice(published, new_purpose).subtitle is None
    # A subtitle of its own stays; so does the excerpt when the purpose is kept.
    assert updated_practice(PUBLISHED, new_purpose).subtitle == "An app for newcomers"
    assert updated_practice(published, {"period": "2016 - ongoing"}).subtitle == excerpt
    mine = {**new_purpose, "subtitle": "Jobs for refugees"}
    assert updated_practice(published, mine).subtitle == "Jobs for refugees"
