"""Matching new practices against subscriptions, planning rows, and the alert texts."""

from pathlib import Path

import pytest

from bot.alerts import (
    DIGEST_AFTER,
    AlertMatcher,
    OutboxRow,
    alert_message,
    digest_text,
    group_by_target,
    plan_rows,
    why_line,
)
from bot.aliases import Aliases, load_aliases
from bot.cards import MAX_MESSAGE
from bot.importers import read_practice_file
from bot.models import Practice, Subscription
from bot.search import SearchIndex
from bot.template import TOPICS

YEAR = 2025


@pytest.fixture(scope="module")
def aliases() -> Aliases:
    return load_aliases()


@pytest.fixture(scope="module")
def catalogue(aliases: Aliases) -> list[Practice]:
    path = Path(__file__).parents[1] / "bot" / "data" / "practices.json"
    return read_practice_file(path, aliases).practices


def practice(pid: str, **fields: object) -> Practice:
    values: dict[str, object] = {"title": pid.replace("-", " ").title(), "country": "Portugal"}
    values.update(fields)
    return Practice(id=pid, **values)  # type: ignore[arg-type]


def sub(chat: int, kind: str, value: str, sub_id: int = 0) -> Subscription:
    return Subscription(chat, chat, kind, value, id=sub_id)


def match(aliases: Aliases, practices: list[Practice], subs: list[Subscription]) -> dict:
    matcher = AlertMatcher(aliases, TOPICS)
    places = {p.country for p in practices} | {c for p in practices for c in p.cities}
    return matcher.match(practices, group_by_target(subs), places, YEAR)


def test_topic_country_and_city_subscriptions_match_only_their_practice(aliases: Aliases) -> None:
    lisbon = practice("lisbon-welcome", cities=["Lisboa"], topics=["Refugees"])
    oslo = practice("oslo-schools", country="Norway", cities=["Oslo"], topics=["Education"])
    subs = [
        sub(1, "topic", "Refugees"),
        sub(2, "country", "Portugal"),
        sub(3, "city", "Lisbon"),
        sub(4, "topic", "Roma"),
        sub(5, "city", "Oslo"),
    ]
    found = match(aliases, [lisbon, oslo], subs)
    assert found == {
        1: {"lisbon-welcome": ["Refugees"]},
        2: {"lisbon-welcome": ["Portugal"]},
        3: {"lisbon-welcome": ["Lisbon"]},
        5: {"oslo-schools": ["Oslo"]},
    }


def test_a_practice_matching_several_subscriptions_of_a_chat_comes_once(aliases: Aliases) -> None:
    new = practice("lisbon-welcome", cities=["Lisbon"], topics=["Refugees"])
    subs = [sub(1, "topic", "Refugees"), sub(1, "city", "Lisbon"), sub(1, "keyword", "welcome")]
    found = match(aliases, [new], subs)
    assert found == {1: {"lisbon-welcome": ["Refugees", "Lisbon", "“welcome”"]}}
    rows = plan_rows([new], found)
    assert len(rows) == 1 and rows[0].why == ["Refugees", "Lisbon", "“welcome”"]


@pytest.mark.parametrize(
    "keyword",
    [
        "anti rumour",
        "roma",
        "refugees",
        "education",
        "intercultural",
        "city:torino",
        "country:espagne",
        "topic:roma country:spain",
        "housing",
        "women",
        "berln",
        "zzzz nothing",
    ],
)
def test_a_keyword_matches_exactly_what_searching_for_it_finds(
    aliases: Aliases, catalogue: list[Practice], keyword: str
) -> None:
    index = SearchIndex(catalogue, aliases, TOPICS, YEAR)
    searched = {p.id for p in index.search(keyword).practices}
    matcher = AlertMatcher(aliases, TOPICS)
    groups = group_by_target([sub(1, "keyword", keyword)])
    found = matcher.match(catalogue, groups, index.places, YEAR)
    assert set(found.get(1, {})) == searched


def test_weak_keyword_matches_are_not_alerted(aliases: Aliases) -> None:
    new = practice("sports-for-all", purpose="Football clubs open to newcomers", topics=["Roma"])
    subs = [
        sub(1, "keyword", "museum"),
        sub(2, "keyword", "football"),
        sub(3, "keyword", "footbal"),
    ]
    found = match(aliases, [new], subs)
    assert set(found) == {2, 3}


def test_few_matches_are_single_alerts_interleaved_by_chat() -> None:
    news = [practice(f"p{n}") for n in range(3)]
    found = {1: {p.id: ["Portugal"] for p in news}, 2: {"p1": ["Portugal"]}}
    rows = plan_rows(news, found)
    assert [(r.chat_id, r.keys) for r in rows] == [
        (1, ["p0"]),
        (2, ["p1"]),
        (1, ["p1"]),
        (1, ["p2"]),
    ]


def test_more_than_five_matches_in_one_publication_become_one_digest() -> None:
    news = [practice(f"p{n}") for n in range(DIGEST_AFTER + 1)]
    found = {
        1: {p.id: ["Portugal"] for p in news},
        2: {p.id: ["Roma"] for p in news[:DIGEST_AFTER]},
    }
    rows = plan_rows(news, found)
    digests = [r for r in rows if r.chat_id == 1]
    assert len(digests) == 1 and digests[0].is_digest and len(digests[0].keys) == 6
    assert len([r for r in rows if r.chat_id == 2]) == DIGEST_AFTER


def test_digest_lists_titles_with_deep_links_and_fits_one_message() -> None:
    news = [practice(f"p{n}", title=f"<Title> {n} " + "word " * 40) for n in range(80)]
    text = digest_text(news, ["“<b>x</b>”"], "icc_bot")
    assert len(text) <= MAX_MESSAGE
    assert "https://t.me/icc_bot?start=p_p0" in text
    assert "&lt;Title&gt; 0" in text and "<b>x</b>" not in text
    assert "more: /latest" in text


def test_why_line_escapes_keywords() -> None:
    assert why_line(["“<script>”"]) == "🔔 <i>You follow: “&lt;script&gt;”</i>"


def test_an_alert_is_the_card_with_why_its_buttons_and_a_manage_button() -> None:
    new = practice("p0", url="https://example.org/p0", topics=["Refugees"])
    new.process = "How it was done, in full."
    text, markup = alert_message(OutboxRow(1, ["p0"], ["Refugees"]), [new], "icc_bot")
    assert text.startswith("🔔 <i>You follow: Refugees</i>")
    assert "start=p_p0" in text
    buttons = [b for row in markup.inline_keyboard for b in row]
    # The same buttons as any card (Follow, Full text, Suggest a correction, Share), then
    # My subscriptions.
    data = [b.callback_data for b in buttons if b.callback_data]
    assert data == ["fp|p0", "ft|p0", "ct|p|p0", "fl|ls"]
    assert any(b.url == "https://example.org/p0" for b in buttons)
    assert [b.switch_inline_query for b in buttons if b.switch_inline_query] == ["p_p0"]


def test_keywords_naming_a_place_are_read_again_when_the_place_first_appears(
    aliases: Aliases,
) -> None:
    groups = group_by_target([sub(1, "keyword", "lisboa"), sub(2, "keyword", "housing")])
    matcher = AlertMatcher(aliases, TOPICS)
    oslo = practice("oslo-housing", country="Norway", cities=["Oslo"], purpose="Housing")
    assert set(matcher.match([oslo], groups, {"Oslo", "Norway"}, YEAR)) == {2}
    lisbon = practice("lisbon-housing", cities=["Lisbon"], purpose="Housing")
    places = {"Oslo", "Norway", "Lisbon", "Portugal"}
    found = matcher.match([lisbon], groups, places, YEAR)
    assert found == AlertMatcher(aliases, TOPICS).match([lisbon], groups, places, YEAR)
    assert set(found) == {1, 2}


def test_an_alerts_keyword_is_quoted_in_the_readers_language() -> None:
    from bot.alerts import why_line
    from bot.i18n import translator

    assert "« roma school »" in why_line(["“roma school”", "Roma"], translator("fr"))
    assert "„roma school“" in why_line(["“roma school”"], translator("de"))
    assert "“roma school”" in why_line(["“roma school”"], translator("en"))
