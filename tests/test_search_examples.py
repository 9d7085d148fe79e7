"""Every search example the bot or the README shows finds practices on the bundled catalogue.

The examples are read from the texts themselves (italic and code spans of the welcome, /help,
the empty-query and no-results advice, the /search usage; code spans of the README's Ask
section), so a new example is checked as soon as it is written.
"""

import json
import re
from html import unescape
from importlib import resources
from pathlib import Path

import pytest

from bot import search_texts as texts
from bot.aliases import load_aliases
from bot.i18n import languages, translator
from bot.models import Practice
from bot.query import small_talk
from bot.search import SearchIndex
from bot.template import TOPICS

README = Path(__file__).resolve().parents[1] / "README.md"
_SPAN = re.compile(r"<(i|code)>(.*?)</\1>", re.S)
_BACKTICKS = re.compile(r"`([^`]+)`")


def _is_search(example: str) -> bool:
    """Tell a search example from a command, a link or a placeholder."""
    return not example.startswith(("/", "http", "@<", "{")) and "<" not in example


def _bot_examples() -> list[str]:
    """Return the examples of the texts in every language the bot speaks."""
    found: list[str] = []
    for code in languages():
        _ = translator(code).gettext
        for text in (texts.WELCOME, texts.HELP, texts.EMPTY_QUERY, texts.NOT_FOUND_TIPS):
            for _tag, span in _SPAN.findall(_(text)):
                found.append(unescape(span))
        for _tag, span in _SPAN.findall(_(texts.SEARCH_USAGE)):
            found.append(unescape(span).removeprefix("/search "))
    found = [e.replace("@{bot} ", "") for e in found]
    return [e for e in found if _is_search(e)]


def _readme_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    ask = text[text.index("- **Ask**:") : text.index("- **Follow**:")]
    found = [e.removeprefix("/search ") for e in _BACKTICKS.findall(ask)]
    found = [e.replace("@<bot> ", "") for e in found]
    return [e for e in found if _is_search(e)]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    practices = [Practice.from_dict(item) for item in json.loads(raw)]
    return SearchIndex(practices, load_aliases(), TOPICS, 2025)


def test_the_texts_hold_examples():
    assert len(_bot_examples()) >= 10
    assert len(_readme_examples()) >= 10


@pytest.mark.parametrize("example", sorted(set(_bot_examples() + _readme_examples())))
def test_every_advertised_example_finds_practices(index, example):
    if example in ("pizza recipe",):  # the README's example of a query that finds nothing
        assert index.search(example).practices == []
    elif small_talk(example):  # the README's greetings, answered with the welcome or /help
        assert example in ("hello", "merci", "Hilfe")
    else:
        assert index.search(example).practices, example
