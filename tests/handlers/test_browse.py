"""Browsing, result headers and cards as issue 11 asks, through a real Application.

Every list reached from a picker leads back to it; headers say what is listed in words
("Roma · 3 practices", "13 practices · 1–5"), never filter syntax; /latest is newest added
first with dates; pickers are alphabetical in the reader's language; cards cut at sentence
or word ends with "…" and offer the full text, show a repeated subtitle once, carry Share
(inline mode with exactly that practice), and alerts carry the same buttons.
"""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html import unescape

import pytest

from bot.i18n import translator
from bot.models import Practice, period_years
from bot.text import fold
from tests.fakes import (
    ADMIN_ID,
    FRENCH_USER,
    GERMAN_USER,
    USER_ID,
    BotHarness,
    Call,
    FakeRequest,
    make_settings,
    memory_database,
)
from tests.handlers.dialogue import ANSWERS, answer, fill_in, running_bot, screen, screens, svc

_TAG = re.compile(r"<[^>]*>")
# Filter syntax in any of the bot's languages: never shown unless the member typed it.
FILTER_SYNTAX = re.compile(r"\b(topic|city|country|year|thème|ville|pays|thema|stadt|land):")


@pytest.fixture
async def bot() -> AsyncIterator[BotHarness]:
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as harness:
        yield harness


def visible(call: Call) -> str:
    return unescape(_TAG.sub("", call.text))


def header(call: Call) -> str:
    return visible(call).split("\n", 1)[0]


def labels(call: Call) -> list[str]:
    return [b["text"] for b in call.buttons]


def sent(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.method in ("sendMessage", "editMessageText")]


def publish(bot: BotHarness, *practices: Practice) -> None:
    svc(bot).publisher.publish(list(practices), alerts=True)


def practice(pid: str, **fields: object) -> Practice:
    values: dict[str, object] = {
        "title": pid.replace("-", " ").title(),
        "country": "Spain",
        "cities": ["Barcelona"],
        "topics": ["Roma"],
        "url": f"https://example.org/{pid}",
    }
    values.update(fields)
    return Practice(id=pid, **values)  # type: ignore[arg-type]


# --- browsing: back to the picker, headers in words ------------------------------------------


async def test_a_topics_list_goes_back_to_the_topics_from_any_page(bot: BotHarness) -> None:
    picker = sent(await bot.send("/topics"))[0]
    first = sent(await bot.click(picker, "Refugees ("))[-1]
    assert first.method == "editMessageText"  # it replaced the picker
    assert header(first) == "🔎 Refugees · 8 practices · 1–5"
    second = sent(await bot.click(first, "Next"))[-1]
    assert header(second) == "🔎 Refugees · 8 practices · 6–8"
    assert "◀ Topics" in labels(second)
    back = sent(await bot.click(second, "◀ Topics"))[-1]
    assert back.method == "editMessageText" and back.text == picker.text
    assert labels(back) == labels(picker)


async def test_a_city_list_goes_back_to_its_countrys_cities(bot: BotHarness) -> None:
    countries = sent(await bot.send("/countries"))[0]
    cities = sent(await bot.click(countries, "Italy ("))[-1]
    ravenna = sent(await bot.click(cities, "Ravenna ("))[-1]
    assert header(ravenna) == "🔎 Ravenna, Italy · 3 practices"
    back = sent(await bot.click(ravenna, "◀ Back to Italy"))[-1]
    assert back.method == "editMessageText" and back.text == cities.text
    everything = sent(await bot.click(back, "All in Italy"))[-1]
    assert re.fullmatch(r"🔎 Italy · \d+ practices · 1–5", header(everything))
    further = sent(await bot.click(everything, "Next"))[-1]
    assert "◀ Back to Italy" in labels(further)


async def test_a_german_reader_goes_back_to_deutschland(bot: BotHarness) -> None:
    countries = sent(await bot.send("/countries", user_id=GERMAN_USER))[0]
    cities = sent(await bot.click(countries, "Italien (", GERMAN_USER))[-1]
    listed = sent(await bot.click(cities, "Ganz Italien", GERMAN_USER))[-1]
    assert re.fullmatch(r"🔎 Italien · \d+ Praxisbeispiele · 1–5", header(listed))
    assert "◀ Zurück zu Italien" in labels(listed)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ('topic:"Roma"', "🔎 Roma · 3 practices"),
        ("topic:roma", "🔎 Roma · 3 practices"),
        ('city:"Ravenna"', "🔎 Ravenna, Italy · 3 practices"),
        ("ville:Stuttgart", None),
        ("/search country:spain", "🔎 Spain · 13 practices · 1–5"),
        ("roma education", "🔎 1 practice for ‘roma education’"),
    ],
)
async def test_headers_say_what_is_listed_without_filter_syntax(
    bot: BotHarness, typed: str, expected: str | None
) -> None:
    calls = sent(await bot.send(typed))
    for call in calls:
        assert not FILTER_SYNTAX.search(visible(call)), call.text
        assert not re.search(r"\d+ of \d+|page \d+ of", visible(call)), call.text
    if expected:
        assert header(calls[-1]) == expected


async def test_a_french_reader_gets_the_header_in_french(bot: BotHarness) -> None:
    page = sent(await bot.send("thème:roms", user_id=FRENCH_USER))[0]
    assert header(page) == "🔎 Roms · 3 pratiques"


# --- /latest ---------------------------------------------------------------------------------


async def test_latest_is_newest_added_first_with_each_date_in_the_readers_format(
    bot: BotHarness,
) -> None:
    before = sent(await bot.send("/latest"))[0]  # the order is kept until a publication
    assert "Added Just Now" not in before.text
    publish(
        bot,
        practice("added-long-ago", period="2024", published_at="2001-03-04T10:00:00+00:00"),
        practice("added-just-now", period="2009", published_at="2040-01-02T10:00:00+00:00"),
    )
    english = sent(await bot.send("/latest"))[0]
    assert header(english) == "🆕 Newest first, by date added · 77 practices · 1–5"
    rows = visible(english).split("\n\n")[1:]
    assert rows[0].startswith("1. Added Just Now\n     🆕 Jan 2, 2040 · Barcelona, Spain")
    assert all("🆕 " in row for row in rows)
    french = sent(await bot.send("/latest", user_id=FRENCH_USER))[0]
    assert "🆕 2 janv. 2040" in visible(french)
    assert header(french).startswith("🆕 Les plus récentes d’abord, par date d’ajout")
    german = sent(await bot.send("/latest", user_id=GERMAN_USER))[0]
    assert "🆕 02.01.2040" in visible(german)
    last = sent(await bot.press("lt|15"))[-1]
    assert "Added Long Ago" in visible(last).split("\n\n")[-1]
    assert "🆕 Mar 4, 2001" in visible(last)


async def test_bundled_practices_added_together_run_from_recent_to_old(bot: BotHarness) -> None:
    latest = svc(bot).catalog.latest()
    assert len({p.published_at for p in latest}) == 1  # one first load
    this_year = datetime.now(UTC).year
    # Ongoing practices reach this year and come first; the others by the last year they ran.
    last_years = [(period_years(p.period, this_year) or (0, 0))[1] for p in latest]
    assert last_years == sorted(last_years, reverse=True)
    assert last_years[0] == this_year and last_years[-1] < this_year


# --- pickers in alphabetical order -----------------------------------------------------------


@pytest.mark.parametrize("user_id", [USER_ID, FRENCH_USER, GERMAN_USER])
async def test_topics_and_countries_are_alphabetical_in_the_readers_language(
    bot: BotHarness, user_id: int
) -> None:
    for command in ("/topics", "/countries"):
        picker = sent(await bot.send(command, user_id=user_id))[0]
        names = [fold(label.rsplit(" (", 1)[0]) for label in labels(picker)]
        assert names == sorted(names), names
    topics = labels(sent(await bot.send("/topics", user_id=user_id))[0])
    assert len(topics) == 21
    for country in ("Italy", "Spain", "Switzerland"):
        cities = sent(await bot.press(f"cn|{country}", user_id=user_id))[-1]
        names = [fold(label.rsplit(" (", 1)[0]) for label in labels(cities)[1:-1]]
        assert names == sorted(names), names


# --- cards -----------------------------------------------------------------------------------


async def test_every_card_and_result_can_be_shared_as_exactly_that_practice(
    bot: BotHarness,
) -> None:
    results = sent(await bot.send("roma education"))[0]
    card = sent(await bot.click(results, "1"))[-1]
    share = card.button("Share")
    assert share["switch_inline_query"] == "p_empowering-roma-students"
    linked = sent(await bot.send("/start p_safer-alta-de-lisboa"))[-1]
    assert linked.button("Share")["switch_inline_query"] == "p_safer-alta-de-lisboa"
    answer = (await bot.inline(share["switch_inline_query"]))[-1]
    assert [r["id"] for r in answer.params["results"]] == ["empowering-roma-students"]
    buttons = [b for row in answer.params["results"][0]["reply_markup"]["inline_keyboard"]
               for b in row]  # fmt: skip
    assert any(b.get("switch_inline_query") == "p_empowering-roma-students" for b in buttons)


async def test_a_long_purpose_is_cut_at_a_sentence_and_the_full_text_offered(
    bot: BotHarness,
) -> None:
    sentence = "Residents and officials met every month to plan the next steps together. "
    publish(bot, practice("long-purpose", purpose=sentence * 30, process="Step one, step two."))
    card = sent(await bot.send("/start p_long-purpose"))[-1]
    purpose = visible(card).split("Purpose:")[1].strip()
    assert purpose.endswith("together. …")
    full = sent(await bot.click(card, "Full text"))
    body = " ".join(visible(c) for c in full)
    assert body.count("plan the next steps") == 30 and "Step one, step two." in body
    assert "published" not in body


async def test_an_excerpt_that_stops_mid_sentence_ends_with_an_ellipsis(bot: BotHarness) -> None:
    publish(bot, practice("excerpt", purpose="Housing is scarce. It can be difficult to secure a"))
    card = sent(await bot.send("/start p_excerpt"))[-1]
    assert visible(card).endswith("It can be difficult to secure a…")
    assert card.button("Read more")["url"] == "https://example.org/excerpt"


async def test_a_subtitle_equal_to_the_purpose_is_shown_once(bot: BotHarness) -> None:
    same = "Young people design the city's youth policy together."
    publish(bot, practice("same-twice", subtitle=same.upper().rstrip("."), purpose=same))
    card = sent(await bot.send("/start p_same-twice"))[-1]
    assert fold(visible(card)).count(fold(same)) == 1


async def test_a_nearly_empty_card_shows_what_there_is_and_read_more(bot: BotHarness) -> None:
    publish(bot, Practice(id="bare", title="Bare", country="Malta", url="https://example.org/b"))
    card = sent(await bot.send("/start p_bare"))[-1]
    assert visible(card).split("\n\n")[-1] == "Bare\n📍 Malta"  # under a first visit's line
    assert card.button("Read more")["url"] == "https://example.org/b"
    assert card.button("Share") and card.button("Follow")


async def test_an_alert_card_has_the_buttons_of_any_card(bot: BotHarness) -> None:
    await bot.send("/subscribe topic:roma")
    publish(bot, practice("new-roma-school", purpose="A school.", process="Weekly lessons."))
    await svc(bot).deliverer.drain(bot.app.bot)
    alert = next(c for c in bot.request.sent(USER_ID) if "You follow:" in c.text)
    for label in ("Read more", "Share", "Follow", "Full text", "My subscriptions"):
        assert alert.button(label)
    assert alert.button("Share")["switch_inline_query"] == "p_new-roma-school"
    full = sent(await bot.click(alert, "Full text"))
    assert "Weekly lessons." in " ".join(visible(c) for c in full)


# --- the preview is the published card -------------------------------------------------------


@pytest.mark.parametrize("consent", [True, False])
async def test_the_preview_is_the_published_card_and_its_full_text_the_published_one(
    consent: bool,
) -> None:
    async with running_bot(admin_ids=frozenset({ADMIN_ID})) as bot:
        preview = await fill_in(bot, publish_contact=consent)
        assert ANSWERS["process"] not in preview.text  # behind Full text, as when published
        draft_full = " ".join(visible(c) for c in screens(await bot.click(preview, "Full text")))
        await bot.click(preview, "Send")
        copy = next(c for c in screens(bot.request.calls, ADMIN_ID) if "Submission #" in c.text)
        await bot.click(copy, "Approve", ADMIN_ID)
        key = next(p for p in svc(bot).catalog.latest() if p.title == ANSWERS["title"]).key
        card = screens(await bot.send(f"/start p_{key}"))[-1]
        assert card.text in preview.text  # the very card, under the preview's note
        assert labels(card)[:1] == labels(preview)[:1]  # Read more, as published
        published_full = " ".join(visible(c) for c in screens(await bot.click(card, "Full text")))
        assert draft_full == published_full
        for body in (draft_full, published_full):
            assert ANSWERS["process"] in body
            assert "published" not in body and "moderators only" not in body
            assert ("ana.silva@example.org" in body) is consent
        assert screen(bot).text  # the dialogue left a message behind


def test_dates_are_babel_formats() -> None:
    from datetime import date

    assert translator("fr").format_date(date(2040, 1, 2)) == "2 janv. 2040"


@pytest.mark.parametrize("user_id", [USER_ID, FRENCH_USER, GERMAN_USER])
async def test_follow_and_dialogue_topic_pickers_are_alphabetical_too(user_id: int) -> None:
    async with running_bot() as bot:
        for kind in ("topic", "country"):
            picker = sent(await bot.press(f"fl|k|{kind}", user_id=user_id))[-1]
            names = [
                fold(b["text"])
                for b in picker.buttons
                if b.get("callback_data", "").startswith(("fk|t|", "fk|c|"))
            ]
            assert len(names) > 10 and names == sorted(names), names
        await bot.send("/submit", user_id)
        for key in ("title", "subtitle", "cities", "country", "period"):
            if ANSWERS[key] is None:  # Skip, whatever the language
                await bot.press(screen(bot, user_id).buttons[1]["callback_data"], user_id)
            else:
                await answer(bot, key, ANSWERS[key], user_id)
        step = screen(bot, user_id)
        topics = [fold(label) for label in labels(step)][:21]
        assert topics == sorted(topics), topics
