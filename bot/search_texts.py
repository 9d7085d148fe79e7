"""The messages of asking: welcome, help, and what a search that finds nothing explains. Pure.

Constants are English source text marked with `N_`; they are translated where they are shown
(`t.gettext(WELCOME)`), and the functions take the `Translator` of the user's language.
"""

from html import escape

from bot import place_names
from bot.aliases import Aliases, unknown_name_problem
from bot.answers import country_suggestions
from bot.cards import QUERY_ECHO_LIMIT, embed
from bot.i18n import N_, Translator
from bot.query import MAX_QUERY_LENGTH, Query, without_filters
from bot.search import SearchResult
from bot.template import topic_name

WELCOME = N_(
    "👋 <b>Intercultural Cities practices</b>\n"
    "I help you find, follow and share the good practice examples of the Council of Europe's "
    "Intercultural Cities programme. Type what you are looking for, in your language, "
    "e.g. <i>refugee jobs berlin</i>, <i>participation des jeunes</i> or "
    "<i>wie bekämpfen Städte Rassismus?</i>, or pick below."
)

HELP = N_(
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

EMPTY_QUERY = N_(
    "Tell me what you are looking for with a few words, e.g. <i>refugee jobs berlin</i> or "
    "<code>topic:roma country:italy</code>. /help shows everything I understand."
)

NOT_FOUND_TIPS = N_(
    "Try other or fewer words (<i>youth participation</i>, <i>hate speech</i>), or browse "
    "/topics and /countries. Know a practice that is missing? Share it with /submit."
)

SEARCH_USAGE = N_(
    "Add what you are looking for: <code>/search anti racism turin</code>. "
    "/help shows the filters."
)

THANKS = N_("You're welcome! Type another search whenever you like, or pick below.")

# What to do after "I don't know the … ‘…’." (bot.aliases.unknown_name_problem).
UNKNOWN_FILTER_HINTS = {
    "topic": N_("/topics lists them all."),
    "country": N_("/countries lists those with practices."),
    "city": N_("/countries lists the cities with practices."),
}
NOT_A_YEAR = N_("‘{value}’ is not a year: write it like <code>year:2019</code>.")

TOO_LONG = N_("(Your message was long, so I searched its first {count} characters.)")
STALE_BUTTON = N_("This button has expired. Please search again.")
NOTHING_LEFT = N_("Nothing matches this any more. Please search again.")
UNKNOWN_PRACTICE = N_(
    "That practice is not in the catalogue: it is not published yet, or no longer. "
    "Try searching for it."
)


def help_text(t: Translator, bot_username: str) -> str:
    """Return the help message in t's language."""
    return t.gettext(HELP).replace("{bot}", escape(bot_username))


def too_long_note(t: Translator) -> str:
    """Return the note above results of a query cut to MAX_QUERY_LENGTH."""
    return t.gettext(TOO_LONG).format(count=t.format_number(MAX_QUERY_LENGTH))


def unknown_filter_text(
    t: Translator, name: str, value: str, aliases: Aliases | None = None
) -> str:
    """Return what to say about a filter value the bot doesn't know (HTML; value escaped).

    Args:
        aliases: when given, a misspelt country close to several ("austrlia": Australia,
            Austria) gets them offered ("Did you mean …?").
    """
    shown = embed(value, QUERY_ECHO_LIMIT)
    if name not in UNKNOWN_FILTER_HINTS:
        return t.gettext(NOT_A_YEAR).format(value=shown)
    hint = t.gettext(UNKNOWN_FILTER_HINTS[name])
    close = country_suggestions(value, aliases) if aliases and name == "country" else ()
    if close:
        names = t._(" or ").join(escape(place_names.country(c, t)) for c in close)
        did_you_mean = t._("Did you mean {names}?").format(names=names)
        hint = f"{did_you_mean} {hint}"
    return f"{unknown_name_problem(name, shown, t)} {hint}"


def not_found_text(t: Translator, text: str, result: SearchResult, aliases: Aliases) -> str:
    """Explain why a search found nothing and what to try instead.

    Args:
        t: the user's language.
        text: the query as typed.
        result: the empty result.
        aliases: place names, to name the filters' places in words.

    Returns:
        HTML text.
    """
    query = result.query
    if query.unknown:
        name, value = query.unknown[0]
        return unknown_filter_text(t, name, value, aliases)
    tips = t.gettext(NOT_FOUND_TIPS)
    if result.missing and not query.words:
        return f"{missing_place_line(t, result)}\n{tips}"
    if query.is_empty:
        return t.gettext(EMPTY_QUERY)
    # Filters are said in words ("Spain · 2030"), never echoed as typed ("pays:espagne").
    words, subject = without_filters(text), search_subject(t, query, aliases)
    echo = embed(words or text, QUERY_ECHO_LIMIT)
    if subject and not words:
        lines = [t._("No practices match {subject}.").format(subject=escape(subject))]
    elif subject:
        line = t._("No practices match ‘{query}’ ({subject}).")
        lines = [line.format(query=echo, subject=escape(subject))]
    else:
        lines = [t._("No practices match ‘{query}’.").format(query=echo)]
    if result.missing:
        lines.append(missing_place_line(t, result))
    lines.append(tips)
    return "\n".join(lines)


def missing_place_line(t: Translator, result: SearchResult) -> str:
    """Return the line saying a typed place has no practice yet (and what is shown instead)."""
    kind, name = result.missing or ("", "")
    name = (place_names.country if kind == "country" else place_names.city)(name, t)
    line = t._("There are no practices from {place} yet.").format(place=escape(name))
    if result.instead and result.practices:
        instead = escape(place_names.country(result.instead, t))
        line += " " + t._("Here are the practices from {place}.").format(place=instead)
    return line


def result_note(t: Translator, result: SearchResult) -> str | None:
    """Return one line to show above results that answer a query only in part, or None.

    Args:
        t: the user's language.
        result: a search result with practices.

    Returns:
        HTML text, or None when the results match the query as typed.
    """
    query = result.query
    if result.filter_only:
        words = embed(" ".join(query.words), QUERY_ECHO_LIMIT)
        label = escape(filter_label(t, query))
        return t._("Nothing {filters} matches ‘{words}’; here is everything {filters}:").format(
            filters=label, words=words
        )
    if result.partial:
        # Practices matching every word may follow, below stronger partial answers.
        return t._("The best answers match only part of your query.")
    return None


def filter_label(t: Translator, query: Query) -> str:
    """Return what a query's filters ask for, in words: "in Oslo", "on Roma in Italy"."""
    parts: list[str] = []
    either = t._(" or ")
    if query.topics:
        topics = either.join(sorted(topic_name(t, topic) for topic in query.topics))
        parts.append(t._("on {topics}").format(topics=topics))
    places = sorted(
        [place_names.city(name, t) for name in query.cities]
        + [place_names.country(name, t) for name in query.countries]
    )
    if places:
        parts.append(t._("in {places}").format(places=either.join(places)))
    if query.year is not None:
        parts.append(t._("in {year}").format(year=query.year))
    return " ".join(parts)


def search_subject(t: Translator, query: Query, aliases: Aliases) -> str:
    """Return what a query's filters ask for, as a person says it (plain text, unescaped).

    Topics in t's language, then places ("Ravenna, Italy": a city with its country when the
    city lies in one; a country in t's language), then the year, joined by " · ": the
    header of results never shows filter syntax.
    """
    either = t._(" or ")
    parts: list[str] = []
    if query.topics:
        parts.append(either.join(sorted(topic_name(t, topic) for topic in query.topics)))
    places = [_city_with_country(t, city, aliases, query) for city in sorted(query.cities)]
    if not query.cities:
        places += [place_names.country(country, t) for country in sorted(query.countries)]
    if places:
        parts.append(either.join(places))
    if query.year is not None:
        parts.append(str(query.year))
    return " · ".join(parts)


def _city_with_country(t: Translator, city: str, aliases: Aliases, query: Query) -> str:
    countries = sorted(query.countries) or aliases.city_countries.get(city, [])
    if len(countries) == 1:
        return place_names.place([city], countries[0], t)
    return place_names.city(city, t)
