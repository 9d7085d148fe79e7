"""The submission template: its fields, in the programme's order, with their rules."""

from bot.template import FIELD_KEYS, FIELDS, FIELDS_BY_KEY, TOPICS


def test_the_twelve_fields_come_in_the_order_of_the_template() -> None:
    expected = (
        *("title", "subtitle", "cities", "country", "period", "topics"),
        *("purpose", "rationale", "process", "impact", "links", "contact"),
    )
    assert list(FIELD_KEYS) == list(expected)
    assert [f.number for f in FIELDS] == list(range(1, 13))


def test_required_and_optional_fields_follow_the_design() -> None:
    optional = {f.key for f in FIELDS if not f.required}
    assert optional == {"subtitle", "rationale", "impact", "links"}


def test_every_field_has_a_prompt_an_example_and_a_stated_limit() -> None:
    for field in FIELDS:
        assert field.name and field.prompt and field.example
        assert field.limit > 0 and field.limit_text
    assert FIELDS_BY_KEY["title"].limit_text == "At most 150 characters."
    assert FIELDS_BY_KEY["topics"].limit_text == "Pick 1 to 3."
    assert FIELDS_BY_KEY["links"].limit_text == "At most 5 links."
    # A long text states its least length up front, not only when an answer is refused.
    assert FIELDS_BY_KEY["purpose"].limit_text == "20 to 2,000 characters."


def test_long_text_limits_fit_one_telegram_message() -> None:
    for field in FIELDS:
        if field.kind == "text":
            assert field.limit <= 4000


def test_topics_are_the_programmes_twenty_one_areas() -> None:
    assert len(TOPICS) == 21 and len(set(TOPICS)) == 21
    assert TOPICS[0] == "Anti-discrimination and equality"
    assert TOPICS[-1] == "International outlook"
