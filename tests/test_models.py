"""Tests for the plain values of the domain (`bot/models.py`): keys, periods, JSON shape."""

import json
import re
from importlib import resources

import pytest

from bot.models import (
    MAX_KEY_LENGTH,
    PRACTICE_FIELDS,
    Practice,
    new_practice_id,
    period_years,
    practice_key,
)

NOW = 2025
KEY = re.compile(r"^[A-Za-z0-9_-]{1,60}$")


# --- practice keys ---------------------------------------------------------------------------


def test_short_id_is_its_own_key():
    assert practice_key("safer-alta-de-lisboa") == "safer-alta-de-lisboa"


def test_id_of_exactly_the_limit_is_kept():
    pid = "a" * MAX_KEY_LENGTH
    assert practice_key(pid) == pid


def test_long_id_gets_a_short_stable_key():
    pid = "employment-and-skills-adult-learning-programme-build-programme-and-anchor-institutions"
    key = practice_key(pid)
    assert len(key) <= MAX_KEY_LENGTH
    assert KEY.match(key)
    assert key.startswith("employment-and-skills-adult-learning")
    assert practice_key(pid) == key


def test_long_ids_sharing_their_start_get_different_keys():
    start = "x" * 80
    assert practice_key(start + "-one") != practice_key(start + "-two")


@pytest.mark.parametrize(
    "pid",
    [
        "a" * 500,
        "-" * 100,
        "réseauteurs-et-réseauteuses",
        "Straße/Ümlaut?x=1&y=2",
        "id with spaces",
        "идентификатор",
        "🙂" * 40,
        "a|b|c",
        "",
    ],
)
def test_key_is_link_safe_whatever_the_id_holds(pid):
    key = practice_key(pid)
    assert KEY.match(key), key
    assert practice_key(pid) == key


def test_distinct_unsafe_ids_get_distinct_keys():
    assert practice_key("ré-union") != practice_key("rè-union")


def test_every_bundled_practice_has_a_unique_safe_key():
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    keys = [practice_key(item["id"]) for item in json.loads(raw)]
    assert all(KEY.match(key) for key in keys)
    assert len(set(keys)) == len(keys)


# --- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "span"),
    [
        # Periods as the catalogue writes them.
        ("2008-2017", (2008, 2017)),
        ("2009 - ongoing", (2009, NOW)),
        ("2009-ongoing", (2009, NOW)),
        ("2010", (2010, 2010)),
        ("2011-", (2011, NOW)),
        ("2012 onwards", (2012, NOW)),
        ("2015-2020 / 2021-25", (2015, 2025)),
        ("2016-", (2016, NOW)),
        ("2017-2018", (2017, 2018)),
        ("2018 à ...", (2018, NOW)),
        ("2018-2022 (still in use)", (2018, NOW)),
        ("21 June 2018", (2018, 2018)),
        ("25-28 August 2016", (2016, 2016)),
        ("2nd half 2021", (2021, 2021)),
        ("8-11 September 2016", (2016, 2016)),
        ("Chaque année autour du 21 mars, depuis 1995", (1995, NOW)),
        ("January - February 2018", (2018, 2018)),
        ("March 2017 – present", (2017, NOW)),
        ("March 2018 until 31 August 2019", (2018, 2019)),
        ("On-going since 2014", (2014, NOW)),
        ("Since 2009", (2009, NOW)),
        ("à partir 2016", (2016, NOW)),
        ("Ongoing", (NOW, NOW)),
        ("Ongoing-", (NOW, NOW)),
        ("current", (NOW, NOW)),
        # Other shapes a submission may use.
        ("2014-15", (2014, 2015)),
        ("2019/20", (2019, 2020)),
        ("2019–2021", (2019, 2021)),
        ("1999-2003", (1999, 2003)),
        ("2016-2018 and 2020", (2016, 2020)),
        # "Ongoing" as the dialogue's examples write it in French and German, and neighbours.
        ("2018 - en cours", (2018, NOW)),
        ("2016 - laufend", (2016, NOW)),
        ("seit 2015", (2015, NOW)),
        ("2017 - heute", (2017, NOW)),
        ("2016 - aujourd'hui", (2016, NOW)),
        ("dal 2019, in corso", (2019, NOW)),
        ("2020 - en curso", (2020, NOW)),
    ],
)
def test_period_gives_its_span_of_years(period, span):
    assert period_years(period, NOW) == span


@pytest.mark.parametrize("period", [None, "", "n/a", "to be confirmed", "a few months"])
def test_period_without_a_year_gives_none(period):
    assert period_years(period, NOW) is None


@pytest.mark.parametrize(
    ("period", "span"),
    [
        # A date is not a two-digit end year: "2023-09" is September, not 2009.
        ("2023-09-01 - ongoing", (2023, NOW)),
        ("2016-05-12 to 2017-06-30", (2016, 2017)),
        ("12.05.2016", (2016, 2016)),
        # A two-digit end before the start is not a year of the previous century.
        ("1998-02", (1998, 1998)),
    ],
)
def test_dates_in_a_period_are_not_read_as_short_years(period, span):
    assert period_years(period, NOW) == span


def test_every_bundled_period_gives_years_in_order():
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    for item in json.loads(raw):
        span = period_years(item["period"], NOW)
        if span is not None:
            assert 1990 <= span[0] <= span[1] <= NOW, item["period"]


# --- the practice value ------------------------------------------------------------------------


def _full() -> dict:
    return {
        "id": "safer-alta-de-lisboa",
        "title": "Safer Alta de Lisboa",
        "subtitle": "Community policing",
        "cities": ["Lisbon"],
        "country": "Portugal",
        "period": "2009 - ongoing",
        "topics": ["Security, justice and safety"],
        "purpose": "Trust.",
        "rationale": None,
        "process": None,
        "impact": None,
        "keywords": ["community policing"],
        "url": "https://www.coe.int/en/web/interculturalcities/-/safer-alta-de-lisboa",
        "language": "en",
        "source": "coe-listing",
    }


def test_public_dict_is_the_design_json_shape_in_order():
    practice = Practice.from_dict({**_full(), "status": "pending", "submitted_by": 5})
    assert list(practice.to_public_dict()) == list(PRACTICE_FIELDS)
    assert practice.to_public_dict() == _full()


def test_stored_dict_round_trips_with_publication_state():
    practice = Practice.from_dict({**_full(), "status": "pending", "published_at": "2024-01-01"})
    assert Practice.from_dict(practice.to_dict()) == practice
    assert practice.to_dict()["status"] == "pending"


def test_from_dict_ignores_unknown_keys_and_fills_missing_lists():
    practice = Practice.from_dict(
        {"id": "x", "title": "X", "country": "Y", "colour": "red", "cities": None}
    )
    assert practice.cities == [] and practice.topics == [] and practice.keywords == []
    assert practice.status == "published"


def test_place_joins_cities_and_country():
    assert Practice("x", "X", "Italy", cities=["Turin", "Milan"]).place == "Turin, Milan, Italy"
    assert Practice("x", "X", "Ireland").place == "Ireland"
    assert Practice("x", "X", "", cities=["Oslo"]).place == "Oslo"


def test_new_id_is_the_title_slug_made_unique():
    assert new_practice_id("Genève s’attaque aux mots", set()) == "geneve-s-attaque-aux-mots"
    assert new_practice_id("Roma", {"roma", "roma-2"}) == "roma-3"
    # A title in another script is transliterated (issue 12); one with no letters falls back.
    assert new_practice_id("Καλωσόρισμα", set()) == "kalosorisma"
    assert new_practice_id("🌍 🌍", set()) == "practice"
