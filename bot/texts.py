"""The bot's fixed messages and the explanations it gives when a search finds nothing. Pure."""

from html import escape

from bot.aliases import Aliases
from bot.cards import QUERY_ECHO_LIMIT, embed
from bot.query import MAX_QUERY_LENGTH, Query
from bot.search import SearchResult

WELCOME = (
    "👋 <b>Intercultural Cities practices</b>\n"
    "I help you find, follow and share the good practice examples of the Council of Europe's "
    "Intercultural Cities programme. Type what you are looking for, in your language, "
    "e.g. <i>refugee jobs berlin</i>, <i>participation des jeunes</i> or "
    "<i>wie bekämpfen Städte Rassismus?</i>, or pick below."
)

HELP = (
    "<b>How to search</b>\n"
    "Type a few words or a question in this chat, or <code>/search</code> followed by them: "
    "<i>anti racism turin</i>, <i>roma education</i>, <i>¿cómo apoyan las ciudades a los "
    "refugiados?</i>. English, French, German, Italian, Spanish and Portuguese all work, and "
    "so do spelling mistakes, accents and other languages' names (Torino, Genève, réfugiés).\n\n"
    "<b>Filters</b> combine with words:\n"
    "• <code>topic:roma</code> · <code>country:italy</code> · <code>city:oslo</code> · "
    "<code>year:2019</code>\n"
    '• names with spaces go in quotes: <code>country:"united kingdom"</code>\n\n'
    "<b>Browse</b>: /topics · /countries · /latest\n"
    "<b>Anywhere in Telegram</b>: type <code>@{bot} anti rumours</code> in any chat to share "
    "a practice."
)

EMPTY_QUERY = (
    "Tell me what you are looking for with a few words, e.g. <i>refugee jobs berlin</i> or "
    "<code>topic:roma country:italy</code>. /help shows everything I understand."
)

NOT_FOUND_TIPS = (
    "Try other or fewer words (<i>youth participation</i>, <i>hate speech</i>), or browse "
    "/topics and /countries. Know a practice that is missing? Share it with /submit."
)

SEARCH_USAGE = (
    "Add what you are looking for: <code>/search anti racism turin</code>. "
    "/help shows the filters."
)

THANKS = "You're welcome! Type another search whenever you like, or pick below."

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
        aliases: place names (kept for callers; places are read by the search itself).

    Returns:
        HTML text.
    """
    query = result.query
    if query.unknown:
        name, value = query.unknown[0]
        return UNKNOWN_FILTER[name].format(value=embed(value, QUERY_ECHO_LIMIT))
    if result.missing and not query.words:
        return f"{missing_place_line(result)}\n{NOT_FOUND_TIPS}"
    if query.is_empty:
        return EMPTY_QUERY
    lines = [f"No practices match ‘{embed(text, QUERY_ECHO_LIMIT)}’."]
    if result.missing:
        lines.append(missing_place_line(result))
    lines.append(NOT_FOUND_TIPS)
    return "\n".join(lines)


def missing_place_line(result: SearchResult) -> str:
    """Return the line saying a typed place has no practice yet (and what is shown instead)."""
    _kind, name = result.missing or ("", "")
    line = f"There are no practices from {escape(name)} yet."
    if result.instead and result.practices:
        line += f" Here are the practices from {escape(result.instead)}."
    return line


def result_note(result: SearchResult) -> str | None:
    """Return one line to show above results that answer a query only in part, or None.

    Args:
        result: a search result with practices.

    Returns:
        HTML text, or None when the results match the query as typed.
    """
    query = result.query
    if result.filter_only:
        words = embed(" ".join(query.words), QUERY_ECHO_LIMIT)
        return (
            f"Nothing {escape(filter_label(query))} matches ‘{words}’; here is everything "
            f"{escape(filter_label(query))}:"
        )
    if result.partial:
        # Practices matching every word may follow, below stronger partial answers.
        return "The best answers match only part of your query."
    return None


def filter_label(query: Query) -> str:
    """Return what a query's filters ask for, in words: "in Oslo", "on Roma in Italy"."""
    parts: list[str] = []
    if query.topics:
        parts.append("on " + " or ".join(sorted(query.topics)))
    places = sorted(query.cities | query.countries)
    if places:
        parts.append("in " + " or ".join(places))
    if query.year is not None:
        parts.append(f"in {query.year}")
    return " ".join(parts)
