"""Browsing without typing: /topics, /countries (then cities) and /latest.

A list reached from a picker replaces it, with a "◀" button back to that picker (a topic's
practices → the topics; a country's or a city's → the country's cities). Pickers are in
alphabetical order of the names the reader sees (`collation_key`).
"""

from collections.abc import Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import place_names
from bot.callbacks import (
    Browse,
    CallbackDataError,
    Country,
    EmptyTopic,
    LatestPage,
    PlacePage,
    TopicPage,
    TopicsBack,
    named,
)
from bot.cards import PAGE_SIZE, results_keyboard, results_text
from bot.i18n import N_, Translator
from bot.template import TOPICS, topic_name
from bot.text import collation_key
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import tr
from handlers.results import browse_row, results_page
from handlers.updates import chat_of, message_of, query_of

COUNTRIES = N_("🌍 <b>Countries</b>: pick one, then a city.")
TOPICS_TEXT = N_("🗂 <b>Topics</b>: pick one to see its practices.")
NO_TOPIC_PRACTICES = N_("No practices on this topic yet. Know one? Share it with /submit.")


def _grid(buttons: list[InlineKeyboardButton], width: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def topics_markup(context: ContextTypes.DEFAULT_TYPE, t: Translator) -> InlineKeyboardMarkup:
    """Return one button per programme topic with its number of practices, named and sorted
    alphabetically in t's language."""
    buttons = []
    counts = list(enumerate(services(context).catalog.topic_counts()))
    for number, (topic, count) in sorted(
        counts, key=lambda item: collation_key(topic_name(t, item[1][0]))
    ):
        data = TopicPage(0, number).pack() if count else EmptyTopic(number).pack()
        label = f"{topic_name(t, topic)} ({t.format_number(count)})"
        buttons.append(InlineKeyboardButton(label, callback_data=data))
    return _grid(buttons, width=1)


def countries_markup(context: ContextTypes.DEFAULT_TYPE, t: Translator) -> InlineKeyboardMarkup:
    """Return one button per country that has practices, named and sorted in t's language."""
    counts = services(context).catalog.country_counts()
    buttons = [
        InlineKeyboardButton(
            f"{place_names.country(country, t)} ({t.format_number(count)})",
            callback_data=Country(country).pack(),
        )
        for country, count in sorted(
            counts, key=lambda c: collation_key(place_names.country(c[0], t))
        )
    ]
    return _grid(buttons)


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List every topic as a button."""
    t = tr(update, context)
    markup = topics_markup(context, t)
    await message_of(update).reply_text(t.gettext(TOPICS_TEXT), reply_markup=markup)


async def countries(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the countries that have practices."""
    t = tr(update, context)
    markup = countries_markup(context, t)
    await message_of(update).reply_text(t.gettext(COUNTRIES), reply_markup=markup)


async def latest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the most recently published practices."""
    text, keyboard = latest_page(context, 0, tr(update, context))
    await message_of(update).reply_text(text, reply_markup=keyboard)


def latest_page(
    context: ContextTypes.DEFAULT_TYPE, page: int, t: Translator
) -> tuple[str, InlineKeyboardMarkup]:
    """Return one page of the practices newest first by the date each was added to the
    catalogue (shown on each row), in t's language, with the other ways to browse."""
    practices = services(context).catalog.latest()
    page = max(0, min(page, (len(practices) - 1) // PAGE_SIZE))
    subject = t._("Newest first, by date added")
    text = results_text(subject, practices, page, context.bot.username, t, icon="🆕", dated=True)
    keyboard = results_keyboard(practices, page, lambda n: LatestPage(n).pack(), t)
    browse = [
        button for button in browse_row(t) if button.callback_data != Browse("latest").pack()
    ]
    return text, InlineKeyboardMarkup([*keyboard.inline_keyboard, browse])


async def on_browse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the browse buttons of the welcome and of an empty search."""
    query = query_of(update)
    target = Browse.parse(query.data).what
    t = tr(update, context)
    await query.answer()
    if target == "back" and isinstance(query.message, Message):
        await edit_or_ignore(query.message, t.gettext(COUNTRIES), countries_markup(context, t))
        return
    if target == "latest":
        text, keyboard = latest_page(context, 0, t)
    elif target == "countries":
        text, keyboard = t.gettext(COUNTRIES), countries_markup(context, t)
    else:
        text, keyboard = t.gettext(TOPICS_TEXT), topics_markup(context, t)
    await context.bot.send_message(
        chat_of(update).id,
        text,
        reply_markup=keyboard,
        reply_parameters=kept_for_member(update),
    )


async def on_latest_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Page through /latest."""
    query = query_of(update)
    number = LatestPage.parse(query.data).page
    if not isinstance(query.message, Message):
        raise CallbackDataError("a page of /latest on a message the bot can't see")
    await query.answer()
    text, keyboard = latest_page(context, number, tr(update, context))
    await edit_or_ignore(query.message, text, keyboard)


async def on_topics_back(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Put the list of topics back in place of a topic's practices."""
    query = query_of(update)
    TopicsBack.parse(query.data)
    if not isinstance(query.message, Message):
        raise CallbackDataError("the topics on a message the bot can't see")
    await query.answer()
    t = tr(update, context)
    await edit_or_ignore(query.message, t.gettext(TOPICS_TEXT), topics_markup(context, t))


async def on_topic_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a page of a topic's practices in place of the topics, with "◀ Topics"."""
    button = TopicPage.parse(query_of(update).data)
    if not 0 <= button.index < len(TOPICS):
        raise CallbackDataError(f"no topic {button.index}")
    t = tr(update, context)
    back = InlineKeyboardButton(t._("◀ Topics"), callback_data=TopicsBack().pack())
    await _show_list(
        update,
        context,
        f'topic:"{TOPICS[button.index]}"',
        button.page,
        back,
        lambda n: TopicPage(n, button.index).pack(),
    )


async def on_place_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show a page of a country's or a city's practices in place of the country's cities,
    with "◀ <country>" back to them."""
    button = PlacePage.parse(query_of(update).data)
    catalog = services(context).catalog
    country = named(button.country, [name for name, _ in catalog.country_counts()])
    city = named(button.city, [name for name, _ in catalog.city_counts(country or "")])
    if country is None or city is None:
        raise CallbackDataError(f"no practices in {button!r} any more")
    t = tr(update, context)
    # Place filters combine as "or": a city's list is asked by the city alone.
    text = f'city:"{city}"' if city else f'country:"{country}"'
    label = t._("◀ Back to {country}").format(country=place_names.country(country, t))
    back = InlineKeyboardButton(label, callback_data=Country(country).pack())
    await _show_list(
        update, context, text, button.page, back, lambda n: PlacePage(n, country, city).pack()
    )


async def _show_list(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    page: int,
    back: InlineKeyboardButton,
    page_data: Callable[[int], str],
) -> None:
    query = query_of(update)
    result = services(context).catalog.search(text)
    if not result.practices or not isinstance(query.message, Message):
        raise CallbackDataError(f"nothing to list for {text!r} any more")
    page = max(0, min(page, (len(result.practices) - 1) // PAGE_SIZE))
    t = tr(update, context)
    page_text, keyboard = results_page(context, text, result, page, t, [back], page_data)
    await query.answer()
    await edit_or_ignore(query.message, page_text, keyboard)


async def on_empty_topic(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that a topic has no practice yet."""
    EmptyTopic.parse(query_of(update).data)
    text = tr(update, context).gettext(NO_TOPIC_PRACTICES)
    await query_of(update).answer(text, show_alert=True)


async def on_country(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the cities of a country, and a button for all its practices."""
    query = query_of(update)
    t = tr(update, context)
    countries = [name for name, _ in services(context).catalog.country_counts()]
    country = named(Country.parse(query.data).name, countries) or ""
    cities = services(context).catalog.city_counts(country)
    total = sum(c for name, c in services(context).catalog.country_counts() if name == country)
    if not total or not isinstance(query.message, Message):
        raise CallbackDataError(f"no practices in {country!r} any more")
    await query.answer()
    buttons = [
        InlineKeyboardButton(
            t._("All in {country} ({count})").format(
                country=place_names.country(country, t), count=t.format_number(total)
            ),
            callback_data=PlacePage(0, country).pack(),
        )
    ]
    buttons += [
        InlineKeyboardButton(
            f"{place_names.city(city, t)} ({t.format_number(count)})",
            callback_data=PlacePage(0, country, city).pack(),
        )
        for city, count in sorted(cities, key=lambda c: collation_key(place_names.city(c[0], t)))
    ]
    keyboard = _grid(buttons)
    keyboard = InlineKeyboardMarkup(
        [
            *keyboard.inline_keyboard,
            [InlineKeyboardButton(t._("◀ Countries"), callback_data=Browse("back").pack())],
        ]
    )
    shown = escape(place_names.country(country, t))
    text = t._("🌍 <b>{country}</b>: pick a city.").format(country=shown)
    await edit_or_ignore(query.message, text, keyboard)
