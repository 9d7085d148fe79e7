"""Tests for rendering practices as Telegram HTML (`bot/cards.py`)."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Page
from bot.cards import (
    MAX_CALLBACK_BYTES,
    MAX_MESSAGE,
    PAGE_SIZE,
    PURPOSE_LIMIT,
    card_keyboard,
    card_text,
    deep_link,
    excerpt,
    has_more_text,
    inline_description,
    repeats,
    result_row,
    results_keyboard,
    results_text,
    shorten,
)
from bot.models import Practice

BOT = "icc_practice_bot"
LINK = re.compile(r"https://t\.me/icc_practice_bot\?start=p_([A-Za-z0-9_-]{1,60})$")
HOSTILE = "<b>&\"'<script>alert(1)</script>"
# Tags and named entities Telegram's HTML parse mode accepts.
TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre"}
TELEGRAM_ENTITIES = {"lt", "gt", "amp", "quot"}


class TelegramHTML(HTMLParser):
    """Check text the way Telegram's HTML parse mode would read it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"unsupported tag <{tag}>"
        assert not self.stack or tag != "a" or "a" not in self.stack, "nested link"
        if tag == "a":
            self.links.append(dict(attrs)["href"])
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_entityref(self, name):
        assert name in TELEGRAM_ENTITIES, f"unsupported entity &{name};"
        self.text.append(unescape(f"&{name};"))

    def handle_charref(self, name):
        self.text.append(unescape(f"&#{name};"))

    def handle_data(self, data):
        assert "&" not in data, f"bare & in {data[:40]!r}"
        self.text.append(data)


def parse(html: str) -> TelegramHTML:
    """Return the parsed message; fail on anything Telegram would reject."""
    parser = TelegramHTML()
    parser.feed(html)
    parser.close()
    assert not parser.stack, f"unclosed {parser.stack}"
    assert not parser.rawdata, f"unparsed tail {parser.rawdata[:40]!r}"
    return parser


def visible(html: str) -> str:
    return "".join(parse(html).text)


def within_limits(html: str) -> None:
    """Fail unless the message is valid and fits Telegram's limit however it is counted."""
    shown = visible(html)
    assert len(html) <= MAX_MESSAGE
    assert len(shown.encode("utf-16-le")) // 2 <= MAX_MESSAGE


def make(**fields) -> Practice:
    values = {
        "id": "safer-alta-de-lisboa",
        "title": "Safer Alta de Lisboa",
        "country": "Portugal",
        "subtitle": "A community-policing service based on intercultural principles",
        "cities": ["Lisbon"],
        "period": "2009 - ongoing",
        "topics": ["Security, justice and safety", "Public and community services"],
        "purpose": "To build trust between the police and the residents.",
        "url": "https://www.coe.int/en/web/interculturalcities/-/safer-alta-de-lisboa",
    }
    values.update(fields)
    return Practice(**values)


def hostile() -> Practice:
    return Practice(
        id="hostile",
        title=HOSTILE,
        country=HOSTILE,
        subtitle=HOSTILE,
        cities=[HOSTILE, HOSTILE],
        period=HOSTILE,
        topics=[HOSTILE],
        purpose=HOSTILE,
        rationale=HOSTILE,
        process=HOSTILE,
        impact=HOSTILE,
        keywords=[HOSTILE],
        url=HOSTILE,
        source=HOSTILE,
    )


def huge(n: int = 0, *, unit: str = HOSTILE + " 🙂 ") -> Practice:
    """A practice whose every field is far too long, with 50 cities and emoji."""
    big = unit * 4000
    return Practice(
        id=f"{'very-long-title-' * 10}{n}",
        title=big,
        country=big,
        subtitle=big,
        cities=[f"City {i} {big[:300]}" for i in range(50)],
        period=big,
        topics=[big] * 10,
        purpose=big,
        keywords=[big],
        url="https://example.org/" + "x" * 5000,
    )


def buttons(markup: InlineKeyboardMarkup | None) -> list:
    return [b for row in markup.inline_keyboard for b in row] if markup else []


# --- deep links ------------------------------------------------------------------------------


def test_deep_link_opens_the_practice_in_the_bot():
    assert deep_link(BOT, make()) == "https://t.me/icc_practice_bot?start=p_safer-alta-de-lisboa"


@pytest.mark.parametrize(
    "pid",
    ["safer-alta-de-lisboa", "a" * 200, "réseauteurs-et-réseauteuses", "x y/z?&"],
)
def test_deep_link_fits_telegram_start_parameter_whatever_the_id(pid):
    match = LINK.match(deep_link(BOT, make(id=pid)))
    assert match
    assert len("p_" + match.group(1)) <= 64


def test_card_title_carries_the_deep_link():
    links = parse(card_text(make(), BOT)).links
    assert links == [deep_link(BOT, make())]


def test_every_result_row_carries_its_deep_link():
    practices = [make(id=f"practice-{n}", title=f"Practice {n}") for n in range(7)]
    text = results_text("policing", practices, 0, BOT)
    assert parse(text).links == [deep_link(BOT, p) for p in practices[:PAGE_SIZE]]
    assert parse(result_row(1, practices[6], BOT)).links == [deep_link(BOT, practices[6])]


# --- the card --------------------------------------------------------------------------------


def test_card_shows_title_subtitle_place_period_topics_and_purpose():
    shown = visible(card_text(make(cities=["Turin", "Milan"], country="Italy"), BOT))
    for part in (
        "Safer Alta de Lisboa",
        "A community-policing service based on intercultural principles",
        "Turin, Milan, Italy",
        "2009 - ongoing",
        "Security, justice and safety",
        "Public and community services",
        "To build trust between the police and the residents.",
    ):
        assert part in shown


def test_card_of_a_national_practice_shows_its_country():
    shown = visible(card_text(make(cities=[], country="Ireland"), BOT))
    assert "Ireland" in shown


def test_card_leaves_out_missing_fields():
    practice = Practice(id="bare", title="Bare practice", country="Spain")
    assert visible(card_text(practice, BOT)).splitlines() == ["Bare practice", "📍 Spain"]


def test_a_card_without_subtitle_or_purpose_says_what_it_is_by_its_keywords():
    practice = Practice(
        id="kw", title="Action Plan", country="Spain", keywords=["inclusion", "diversity plan"]
    )
    assert visible(card_text(practice, BOT)).splitlines() == [
        "Action Plan",
        "inclusion · diversity plan",
        "📍 Spain",
    ]
    with_purpose = Practice(
        id="p", title="T", country="Spain", purpose="It helps.", keywords=["inclusion"]
    )
    assert "inclusion" not in visible(card_text(with_purpose, BOT))


def test_long_purpose_is_shortened_with_an_ellipsis():
    purpose = "word " * 1000
    shown = visible(card_text(make(purpose=purpose), BOT))
    line = next(line for line in shown.splitlines() if line.startswith("Purpose:"))
    assert line.endswith("…")
    assert len(line) <= len("Purpose: ") + PURPOSE_LIMIT


def test_short_purpose_is_shown_whole():
    shown = visible(card_text(make(purpose="Short."), BOT))
    assert "Purpose: Short." in shown
    assert "…" not in shown


def test_note_goes_above_the_card():
    text = card_text(make(), BOT, note="🔔 <i>You follow: Roma</i>")
    assert text.startswith("🔔 <i>You follow: Roma</i>\n\n<b>")
    parse(text)


@pytest.mark.parametrize("url", ["https://example.org/p", "http://example.org/p"])
def test_card_has_read_more_button_for_a_web_url(url):
    (button,) = buttons(card_keyboard(make(url=url), share=False))
    assert "Read more" in button.text
    assert button.url == url


@pytest.mark.parametrize(
    "url", [None, "", "javascript:alert(1)", "ftp://example.org", "www.example.org", HOSTILE]
)
def test_card_has_no_read_more_button_without_a_web_url(url):
    assert card_keyboard(make(url=url), share=False) is None
    # Share alone is left: every published card can be shared.
    (share,) = buttons(card_keyboard(make(url=url)))
    assert share.switch_inline_query == f"p_{make().key}"


def test_extra_buttons_follow_read_more():
    extra = [InlineKeyboardButton("Share", switch_inline_query="x")]
    markup = card_keyboard(make(), extra)
    assert [b.text for b in buttons(markup)] == ["📖 Read more", "↗️ Share", "Share"]


# --- escaping and limits ---------------------------------------------------------------------


def test_hostile_practice_renders_as_valid_escaped_html():
    text = card_text(hostile(), BOT)
    shown = visible(text)
    assert "<script>" not in text and "<b>&" not in text
    assert HOSTILE in shown
    assert shown.count(HOSTILE) >= 4  # title, subtitle, place, purpose


def test_hostile_practice_renders_escaped_everywhere():
    practice = hostile()
    row = result_row(1, practice, BOT)
    page = results_text(HOSTILE, [practice] * 3, 0, BOT)
    for text in (row, page):
        assert HOSTILE in visible(text)
        assert "<script>" not in text
    assert HOSTILE in inline_description(practice)  # plain text, sent without a parse mode
    assert card_keyboard(practice, share=False) is None  # no hostile URL behind Read more


def test_huge_practice_card_fits_one_message():
    for practice in (huge(), huge(unit="&quot;'\"" * 3), huge(unit="🙂")):
        within_limits(card_text(practice, BOT))
        within_limits(card_text(practice, BOT, note="🔔 <i>You follow: everything</i>"))


def test_huge_practices_result_page_fits_one_message():
    practices = [huge(n) for n in range(12)]
    for page in range(3):
        within_limits(results_text(HOSTILE * 500, practices, page, BOT))


def test_card_with_fifty_cities_names_them_shortened():
    practice = make(cities=[f"Town number {n}" for n in range(50)])
    shown = visible(card_text(practice, BOT))
    assert "Town number 0" in shown
    assert "…" in shown
    within_limits(card_text(practice, BOT))


def test_card_huge_text_keeps_its_structure():
    lines = visible(card_text(huge(), BOT)).splitlines()
    assert lines[0].startswith(HOSTILE.split()[0][:5])
    assert any(line.startswith("Purpose:") for line in lines)


def test_callback_data_never_exceeds_64_bytes():
    practices = [huge(n) for n in range(12)] + [make(id="я" * 60), make(id="🙂" * 60)]
    for page in range(3):
        markup = results_keyboard(practices, page, lambda n: Page(n, "q").pack())
        for button in buttons(markup):
            assert button.callback_data is not None
            assert len(button.callback_data.encode()) <= MAX_CALLBACK_BYTES


def test_inline_description_is_one_short_plain_line():
    description = inline_description(huge())
    assert len(description) <= 200
    assert "\n" not in description


# --- result pages ----------------------------------------------------------------------------


def test_results_page_counts_and_numbers_its_rows():
    practices = [make(id=f"p{n}", title=f"Practice {n}") for n in range(12)]
    first = visible(results_text("roma", practices, 0, BOT))
    second = visible(results_text("roma", practices, 1, BOT))
    last = visible(results_text("roma", practices, 2, BOT))
    # Said as a person would: what is listed, how many in all, which rows are shown.
    assert first.startswith("🔎 roma · 12 practices · 1–5\n")
    assert "1. Practice 0" in first and "5. Practice 4" in first
    assert second.startswith("🔎 roma · 12 practices · 6–10\n")
    assert "6. Practice 5" in second and "Practice 4" not in second
    assert last.startswith("🔎 roma · 12 practices · 11–12") and "12. Practice 11" in last
    typed = visible(results_text("", practices, 0, BOT, words="refugee jobs"))
    assert typed.startswith("🔎 12 practices for ‘refugee jobs’ · 1–5")
    assert " of " not in first and "page" not in first


def test_single_page_has_no_page_count():
    shown = visible(results_text("Roma", [make()], 0, BOT))
    assert shown.startswith("🔎 Roma · 1 practice\n")
    assert "–" not in shown.split("\n")[0]


def test_results_keyboard_opens_cards_and_pages_on():
    practices = [make(id=f"p{n}") for n in range(12)]
    first = buttons(results_keyboard(practices, 0, lambda n: f"pg|{n}"))
    middle = buttons(results_keyboard(practices, 1, lambda n: f"pg|{n}"))
    last = buttons(results_keyboard(practices, 2, lambda n: f"pg|{n}"))
    assert [(b.text, b.callback_data) for b in first[:2]] == [("1", "c|p0"), ("2", "c|p1")]
    assert [b.text for b in first][-1] == "Next ▶"
    assert [b.callback_data for b in middle[-2:]] == ["pg|0", "pg|2"]
    assert [b.text for b in last] == ["11", "12", "◀ Back"]


# --- shortening ------------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [1, 2, 5, 10, 50])
def test_shorten_never_exceeds_the_limit(limit):
    result = shorten("the quick brown fox jumps over the lazy dog " * 5, limit)
    assert len(result) <= limit
    assert result.endswith("…")


def test_shorten_cuts_at_a_word():
    assert shorten("Intercultural mediation in schools", 20) == "Intercultural…"


def test_shorten_keeps_short_text_and_collapses_spaces():
    assert shorten("  Roma \n  inclusion ", 100) == "Roma inclusion"


# --- what a card shows once, and where it cuts ------------------------------------------------


def test_purpose_cut_for_the_card_ends_at_a_sentence_with_an_ellipsis():
    sentence = "The city trained its staff in intercultural mediation. "
    text = card_text(make(purpose=sentence * 40), BOT)
    purpose = visible(text).split("Purpose:")[1].strip()
    assert purpose.endswith("mediation. …")
    assert has_more_text(make(purpose=sentence * 40))


def test_purpose_that_stops_mid_sentence_gets_its_ellipsis_at_a_word_end():
    cut = "It can be difficult to secure a"
    shown = visible(card_text(make(purpose=f"Housing matters. {cut}"), BOT))
    assert shown.rstrip().endswith("It can be difficult to secure a…")
    long_word = "Longwordsentence " * 60
    assert excerpt(long_word, 100)[0].endswith("Longwordsentence…")
    assert excerpt("Complete sentence.", 100) == ("Complete sentence.", False)


@pytest.mark.parametrize(
    "subtitle",
    [
        "Community policing for everyone.",
        "community policing for everyone",
        "Community-policing for everyone!",
        "Community policing",
    ],
)
def test_a_subtitle_the_purpose_repeats_is_shown_once(subtitle):
    purpose = "Community policing for everyone."
    shown = visible(card_text(make(subtitle=subtitle, purpose=purpose), BOT))
    assert shown.casefold().replace("-", " ").count("community policing") == 1
    assert repeats(subtitle, purpose)


def test_a_different_subtitle_stays():
    practice = make(subtitle="Police on foot", purpose="Community policing for everyone.")
    assert "Police on foot" in visible(card_text(practice, BOT))


def test_a_nearly_empty_card_shows_what_there_is_and_read_more():
    bare = Practice(id="bare", title="Bare", country="Italy", url="https://example.org/bare")
    shown = visible(card_text(bare, BOT))
    assert shown.strip() == "Bare\n📍 Italy"
    labels = [b.text for b in buttons(card_keyboard(bare))]
    assert labels == ["📖 Read more", "↗️ Share"]
