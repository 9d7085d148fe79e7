"""The bot's fixed messages and the explanations it gives when a search finds nothing. Pure."""

from html import escape

from bot.aliases import Aliases
from bot.cards import QUERY_ECHO_LIMIT, embed
from bot.query import MAX_QUERY_LENGTH
from bot.search import SearchResult

WELCOME = (
    "👋 <b>Intercultural Cities practices</b>\n"
    "I help you find, follow and share the good practice examples of the Council of Europe's "
    "Intercultural Cities programme. Type what you are looking for, "
    "e.g. <i>refugee jobs berlin</i>, or pick below."
)

HELP = (
    "<b>How to search</b>\n"
    "Type a few words in this chat, or <code>/search</code> followed by them: "
    "<i>anti racism turin</i>, <i>roma education</i>. Spelling mistakes, accents and other "
    "languages' names are fine (Torino, Genève, réfugiés).\n\n"
    "<b>Filters</b> combine with words:\n"
    "• <code>topic:roma</code> · <code>country:spain</code> · <code>city:oslo</code> · "
    "<code>year:2019</code>\n"
    '• names with spaces go in quotes: <code>country:"united kingdom"</code>\n\n'
    "<b>Browse</b>: /topics · /countries · /latest\n"
    "<b>Anywhere in Telegram</b>: type <code>@{bot} anti rumours</code> in any chat to share "
    "a practice."
)

EMPTY_QUERY = (
    "Tell me what you are looking for with a few words, e.g. <i>refugee jobs berlin</i> or "
    "<code>topic:roma country:spain</code>. /help shows everything I understand."
)

NOT_FOUND_TIPS = (
    "Check the spelling, try fewer or broader words, or browse /topics and /countries. "
    "Know a practice that is missing? Share it with /submit."
)

UNKNOWN_FILTER = {
    "topic": "I don't know the topic ‘{value}’. /topics lists them all.",
    "country": "I don't know the country ‘{value}’. /countries lists those with practices.",
    "city": "I don't know the city ‘{value}’. /countries lists the cities with practices.",
    "year": "‘{value}’ is not a year: write it like <code>year:2019</code>.",
}

TOO_LONG = f"(Your message was long, so I searched its first {MAX_QUERY_LENGTH} characters.)"
STALE_BUTTON = "This button has expired. Please search again."
NOTHING_LEFT = "Nothing matches this any more. Please search again."
UNKNOWN_PRACTICE = "That practice is not in the catalogue any more. Try searching for it."


def help_text(bot_username: str) -> str:
    """Return the help message."""
    return HELP.replace("{bot}", escape(bot_username))


def not_found_text(text: str, result: SearchResult, aliases: Aliases) -> str:
    """Explain why a search found nothing and what to try instead.

    Args:
        text: the query as typed.
        result: the empty result.
        aliases: place names, to tell a known place with no practices from a misspelt word.

    Returns:
        HTML text.
    """
    query = result.query
    if query.unknown:
        name, value = query.unknown[0]
        return UNKNOWN_FILTER[name].format(value=embed(value, QUERY_ECHO_LIMIT))
    if query.is_empty:
        return EMPTY_QUERY
    lines = [f"No practices match ‘{embed(text, QUERY_ECHO_LIMIT)}’."]
    places = [aliases.city(w) or aliases.country(w) for w in query.words]
    known = [place for place in places if place]
    if known:
        lines.append(f"There are no practices from {escape(known[0])} yet.")
    lines.append(NOT_FOUND_TIPS)
    return "\n".join(lines)
