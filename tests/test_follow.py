"""Reading what a user wants to follow: typed forms, canonical names, suggestions."""

import pytest

from bot.aliases import load_aliases
from bot.follow import MAX_KEYWORD, Resolver, parse_follow
from bot.template import TOPICS

PLACES = {"Lisbon", "Turin", "Berlin-Neukölln", "Portugal"}


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(load_aliases(), TOPICS)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("topic:refugees", ("topic", "refugees")),
        ("country: portugal", ("country", "portugal")),
        ('city:"Santa Maria da Feira"', ("city", "Santa Maria da Feira")),
        ("ville:Genève", ("city", "Genève")),
        ("thème:roms", ("topic", "roms")),
        ("roma   education", ("keyword", "roma education")),
        ("year:2019", ("keyword", "year:2019")),
        ("housing city:oslo", ("keyword", "housing city:oslo")),
    ],
)
def test_typed_forms_are_split_into_kind_and_value(typed: str, expected: tuple) -> None:
    assert parse_follow(typed) == expected


@pytest.mark.parametrize(
    ("kind", "typed", "canonical"),
    [
        ("topic", "refugees", "Refugees"),
        ("topic", "réfugiés", "Refugees"),
        ("topic", "anti rum", "Anti-rumour methodologies"),
        ("country", "portugal", "Portugal"),
        ("country", "Espagne", "Spain"),
        ("city", "lisboa", "Lisbon"),
        ("city", "Torino", "Turin"),
        ("city", "GENÈVE", "Geneva"),
        ("city", "berlin neukolln", "Berlin-Neukölln"),
    ],
)
def test_names_resolve_to_their_canonical_form(
    resolver: Resolver, kind: str, typed: str, canonical: str
) -> None:
    found = resolver.resolve(kind, typed, PLACES)
    assert (found.value, found.problem) == (canonical, None)


@pytest.mark.parametrize(
    ("kind", "typed", "suggested"),
    [
        ("country", "portgal", "Portugal"),
        ("city", "lisbn", "Lisbon"),
        ("topic", "refugess", "Refugees"),
    ],
)
def test_misspelt_names_get_suggestions(
    resolver: Resolver, kind: str, typed: str, suggested: str
) -> None:
    found = resolver.resolve(kind, typed, PLACES)
    assert found.value is None and found.choices[0] == suggested
    assert "I don't know" in (found.problem or "")


def test_an_ambiguous_topic_offers_the_topics_it_fits(resolver: Resolver) -> None:
    found = resolver.resolve("topic", "anti", PLACES)
    assert found.value is None and len(found.choices) > 1
    assert "Anti-rumour methodologies" in found.choices


def test_a_one_or_two_letter_name_is_refused_not_guessed(resolver: Resolver) -> None:
    # Since issue 12: "e" used to offer every topic with an e-word.
    for kind, value in (("topic", "e"), ("city", "xy"), ("country", "XQ")):
        found = resolver.resolve(kind, value, PLACES)
        assert found.value is None and found.choices == ()
        assert "too short" in (found.problem or "")


def test_nonsense_gets_no_suggestion_but_an_explanation(resolver: Resolver) -> None:
    found = resolver.resolve("city", "qqxzv", PLACES)
    assert found.value is None and found.choices == () and "qqxzv" in (found.problem or "")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "Type the words"),
        ("!!! ???", "Type the words"),
        ("x" * 500, "too long"),
        ("the of and", "too common"),
        ("housing country:narnia", "don't know the country"),
    ],
)
def test_bad_keywords_are_refused_with_a_reason(
    resolver: Resolver, typed: str, problem: str
) -> None:
    found = resolver.resolve("keyword", typed, PLACES)
    assert found.value is None and problem in (found.problem or "")


def test_a_keyword_of_the_maximum_length_is_kept(resolver: Resolver) -> None:
    text = ("roma " * 40)[:MAX_KEYWORD]
    assert resolver.resolve("keyword", text, PLACES).value == text.strip()


def test_unknown_names_are_echoed_escaped(resolver: Resolver) -> None:
    found = resolver.resolve("country", "<b>nowhere</b>", PLACES)
    assert "&lt;b&gt;nowhere&lt;/b&gt;" in (found.problem or "")


def test_button_names_are_checked(resolver: Resolver) -> None:
    assert resolver.is_known("city", "Lisbon", PLACES)
    assert resolver.is_known("city", "Berlin-Neukölln", PLACES)
    assert not resolver.is_known("city", "Atlantis", PLACES)
    assert not resolver.is_known("country", "portugal", PLACES)  # buttons carry canonical names
    assert resolver.is_known("topic", "Roma", PLACES)


def test_confirmation_names_the_canonical_form_and_country(resolver: Resolver) -> None:
    assert resolver.describe("city", "Lisbon") == "the city <b>Lisbon</b> (Portugal)"
    assert resolver.describe("keyword", "<i>x</i>") == "the keyword <b>“&lt;i&gt;x&lt;/i&gt;”</b>"
