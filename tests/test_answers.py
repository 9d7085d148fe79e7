"""Checking answers to the template, and the practice they describe."""

import pytest

from bot.aliases import Aliases
from bot.answers import (
    Answer,
    check_answer,
    clean_text,
    country_suggestions,
    email_is_valid,
    find_same_title,
    missing_fields,
    practice_from_answers,
    same_title,
    shorten_to,
    toggle_topic,
    url_problem,
)
from bot.models import Practice
from bot.template import FIELDS_BY_KEY, TOPICS
from bot.text import fold

YEAR = 2025
_COUNTRIES = ("Portugal", "Germany", "Spain", "Italy", "Poland", "Norway")
PLACES = Aliases(
    countries={fold(n): n for n in _COUNTRIES} | {"deutschland": "Germany", "espana": "Spain"},
    cities={"lisbon": "Lisbon", "lisboa": "Lisbon", "torino": "Turin", "turin": "Turin"},
    city_countries={"Lisbon": ["Portugal"], "Turin": ["Italy"]},
)


def check(key: str, text: str) -> Answer:
    return check_answer(FIELDS_BY_KEY[key], text, PLACES, YEAR)


def test_title_keeps_markup_emoji_and_right_to_left_text_as_typed() -> None:
    for title in ("<b>Cooking</b> **together**", "מטבח משותף 🍲", "Kochen  in\nBerlin"):
        assert check("title", title).error is None
    assert check("title", "Kochen  in\nBerlin").value == "Kochen in Berlin"
    assert check("title", "<b>x</b> y").value == "<b>x</b> y"


def test_too_long_answer_says_its_length_and_the_limit() -> None:
    answer = check("title", "x" * 10_000)
    assert answer.value is None
    assert "10,000 characters" in answer.error and "at most 150" in answer.error
    assert "4,000" in check("process", "word " * 2000).error


def test_empty_or_letterless_answers_are_refused() -> None:
    assert check("title", "   ").error == "That answer is empty."
    assert "letters" in check("title", "123 456").error
    assert "at least a sentence" in check("purpose", "Help.").error
    assert "or press Skip" in check("rationale", "Why?").error


def test_cities_are_split_on_commas_named_in_english_and_counted() -> None:
    assert check("cities", "Lisboa, Torino; Lisbon, Bergen").value == ["Lisbon", "Turin", "Bergen"]
    assert "is not a city name" in check("cities", "Lisbon, 42").error
    eleven = ", ".join(f"Town{chr(65 + n)}" for n in range(11))
    assert "11 cities" in check("cities", eleven).error


def test_country_is_recognised_in_other_languages() -> None:
    assert check("country", "Deutschland").value == "Germany"
    assert check("country", "ESPAÑA").value == "Spain"


def test_misspelt_country_is_refused_with_suggestions() -> None:
    answer = check("country", "Portgal")
    assert answer.value is None and "Did you mean" in answer.error
    assert answer.suggestions[0] == "Portugal"
    nonsense = check("country", "Xqzwv")
    assert nonsense.suggestions == () and "in English" in nonsense.error
    assert country_suggestions("Norwya", PLACES) == ("Norway",)


def test_country_shown_back_is_escaped() -> None:
    assert "&lt;script&gt;" in check("country", "<script>").error


@pytest.mark.parametrize("period", ["2009 - ongoing", "ongoing", "Since 2014", "2015-2020"])
def test_period_with_years_or_ongoing_is_accepted(period: str) -> None:
    assert check("period", period).value == period


@pytest.mark.parametrize(
    ("period", "says"),
    [("last spring", "Give the years"), ("2031 - 2035", "starts in 2031")],
)
def test_period_without_years_or_in_the_future_is_refused(period: str, says: str) -> None:
    assert says in check("period", period).error


def test_links_accept_http_and_https_only_at_most_five() -> None:
    answer = check("links", "https://a.org/x, <http://b.eu/page?q=1>\nhttps://a.org/x")
    assert answer.value == ["https://a.org/x", "http://b.eu/page?q=1"]
    assert "Only http:// and https://" in check("links", "javascript:alert(1)").error
    assert "Only http:// and https://" in check("links", "ftp://files.org/a").error
    assert "needs http:// or https://" in check("links", "www.example.org").error
    assert "not a web address" in check("links", "no links").error
    six = " ".join(f"https://e.org/{n}" for n in range(6))
    assert "6 links; at most 5" in check("links", six).error


def test_url_problem_knows_a_host_from_garbage() -> None:
    assert url_problem("https://www.coe.int/en/web/interculturalcities") is None
    assert url_problem("https://localhost/x") is not None
    assert url_problem("https://") is not None
    assert url_problem("http://[::1") is not None


def test_contact_takes_a_name_and_one_valid_e_mail() -> None:
    value = check("contact", "Ana Silva <ana.silva@cm-lisboa.pt>").value
    assert value == {"name": "Ana Silva", "email": "ana.silva@cm-lisboa.pt", "public": None}
    assert check("contact", "ana@x.org, Ana").value["name"] == "Ana"
    with_place = check("contact", "Ana Silva, City of Lisbon, ana@x.org").value
    assert with_place["name"] == "Ana Silva" and with_place["organisation"] == "City of Lisbon"
    assert "no e-mail address" in check("contact", "Ana Silva").error
    assert "more than one" in check("contact", "Ana a@b.org c@d.org").error
    assert "name" in check("contact", "ana@example.org").error
    assert "not a valid e-mail" in check("contact", "Ana, ana@example").error


@pytest.mark.parametrize(
    ("email", "valid"),
    [
        ("ana@example.org", True),
        ("ana.silva+icc@cm-lisboa.pt", True),
        ("jürgen@bürgeramt.de", True),
        ("ana@example", False),
        ("ana..silva@example.org", False),
        (".ana@example.org", False),
        ("ana@-example.org", False),
        ("ana@example.c", False),
    ],
)
def test_email_form(email: str, valid: bool) -> None:
    assert email_is_valid(email) is valid


def test_topics_tick_untick_and_stop_at_three() -> None:
    chosen, error = toggle_topic([], TOPICS.index("Roma"))
    chosen, error = toggle_topic(chosen, TOPICS.index("Education"))
    assert chosen == ["Education", "Roma"] and error is None  # programme order
    chosen, _ = toggle_topic(chosen, TOPICS.index("Refugees"))
    same, error = toggle_topic(chosen, 0)
    assert same == chosen and "At most 3" in error
    assert toggle_topic(chosen, TOPICS.index("Roma"))[0] == ["Education", "Refugees"]
    assert toggle_topic(chosen, 99)[1] == "That topic is not in the list."


def test_clean_text_drops_control_characters_and_blank_runs() -> None:
    assert clean_text("a\x00b\r\nc\n\n\n\nd  \n") == "ab\nc\n\nd"


def test_missing_fields_include_a_contact_without_consent() -> None:
    answers = {"title": "T", "cities": ["A"], "country": "Spain", "period": "2020"}
    answers |= {"topics": ["Roma"], "purpose": "p", "process": "q"}
    assert [f.key for f in missing_fields(answers)] == ["contact"]
    answers["contact"] = {"name": "Ana", "email": "a@b.org", "public": None}
    assert [f.key for f in missing_fields(answers)] == ["contact"]
    answers["contact"]["public"] = False
    assert missing_fields(answers) == []


def test_practice_from_answers_takes_the_first_link_and_never_the_contact() -> None:
    answers = {"title": "T", "cities": ["Lisbon"], "country": "Portugal", "topics": ["Roma"]}
    answers |= {"links": ["https://a.org", "https://b.org"], "contact": {"name": "Ana"}}
    practice = practice_from_answers(answers, "t")
    assert practice.url == "https://a.org" and practice.source == "submission"
    assert practice.place == "Lisbon, Portugal" and "Ana" not in str(practice.to_dict())


@pytest.mark.parametrize(
    ("title", "other", "same"),
    [
        ("Safer Alta de Lisboa", "Safer Alta de Lisboa", True),
        ("safer alta lisboa", "Safer Alta de Lisboa", True),
        ("Safer Alta de Lisboa project", "Safer Alta de Lisboa", True),
        ("Anti-Racism Cockpit Turin", "An Anti-Racism Cockpit", True),
        ("Roma", "Empowering Roma Students", False),
        ("Anti rumour", "Anti-Rumour Web App", False),
        ("Intercultural mediation", "Intercultural mediation to promote living together", False),
        ("Welcome to Berlin", "Give Something Back to Berlin", False),
        ("", "Anything", False),
    ],
)
def test_same_title_is_strict(title: str, other: str, same: bool) -> None:
    assert same_title(title, other) is same


def test_find_same_title_returns_the_matching_practice() -> None:
    practices = [Practice(id="a", title="Mescla't", country="Spain")]
    practices.append(Practice(id="b", title="Safer Alta de Lisboa", country="Portugal"))
    assert find_same_title("Safer Alta Lisboa", practices).id == "b"
    assert find_same_title("Cooking together", practices) is None


@pytest.mark.parametrize("word", ["skip", "Passer", "überspringen", "n/a", "saltar", "pular"])
def test_a_skip_word_is_never_kept_as_an_answer(word: str) -> None:
    for key in ("subtitle", "rationale", "title"):
        answer = check(key, word)
        assert answer.value is None and "Skip" in (answer.error or "")


def test_shorten_to_cuts_at_the_last_sentence_end_that_fits() -> None:
    text = "First one. Second one! Third one is long " + "word " * 50
    assert shorten_to(text, 40) == "First one. Second one!"
    assert shorten_to("short.", 40) == "short."


def test_shorten_to_without_a_sentence_end_cuts_at_a_word_with_an_ellipsis() -> None:
    cut = shorten_to("alpha beta gamma delta epsilon zeta", 20)
    assert cut == "alpha beta gamma…" and len(cut) <= 20
