"""Browsing without typing: /topics, /countries (then cities) and /latest."""

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import place_names
from bot.callbacks import Browse, CallbackDataError, Country, EmptyTopic, LatestPage, named
from bot.cards import PAGE_SIZE, results_keyboard, results_text
from bot.i18n import N_, Translator
from bot.template import topic_name
from handlers.deps import services
from handlers.editing import edit_or_ignore
from handlers.gate import kept_for_member
from handlers.language import tr
from handlers.results import page_callbacks
from handlers.updates import chat_of, message_of, query_of

COUNTRIES = N_("🌍 <b>Countries</b>: pick one, then a city.")
TOPICS_TEXT = N_("🗂 <b>Topics</b>: pick one to see its practices.")
NO_TOPIC_PRACTICES = N_("No practices on this topic yet. Know one? Share it with /submit.")


def _grid(buttons: list[InlineKeyboardButton], width: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def topics_markup(context: ContextTypes.DEFAULT_TYPE, t: Translator) -> InlineKeyboardMarkup:
    """Return one button per programme topic, in t's language, with its number of practices."""
    buttons = []
    for number, (topic, count) in enumerate(services(context).catalog.topic_counts()):
        data = (
            page_callbacks(context, f'topic:"{topic}"')(0) if count else EmptyTopic(number).pack()
        )
        label = f"{topic_name(t, topic)} ({t.format_number(count)})"
        buttons.append(InlineKeyboardButton(label, callback_data=data))
    return _grid(buttons, width=1)


def countries_markup(context: ContextTypes.DEFAULT_TYPE, t: Translator) -> InlineKeyboardMarkup:
    """Return one button per country that has practices, named in t's language."""
    buttons = [
        InlineKeyboardButton(
            f"{place_names.country(country, t)} ({t.format_number(count)})",
            callback_data=Country(country).pack(),
        )
        for country, count in services(context).catalog.country_counts()
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
    """Return one page of the newest practices, in t's language."""
    practices = services(context).catalog.latest()
    page = max(0, min(page, (len(practices) - 1) // PAGE_SIZE))
    text = results_text(t._("latest"), practices, page, context.bot.username, t)
    return text, results_keyboard(practices, page, lambda n: LatestPage(n).pack(), t)


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
            callback_data=page_callbacks(context, f'country:"{country}"')(0),
        )
    ]
    buttons += [
        InlineKeyboardButton(
            f"{place_names.city(city, t)} ({t.format_number(count)})",
            callback_data=page_callbacks(context, f'city:"{city}"')(0),
        )
        for city, count in cities
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
