"""/help: everything the bot does, in short sections, with a button for each. Pure.

The details of searching (filters, inline mode) are the "How to search" button's message
(`bot.search_texts.HELP`); this overview names every command a member has.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import Browse, Contact, Help
from bot.i18n import N_, Translator
from bot.menus import WELCOME_BUTTONS, translated

HELP_OVERVIEW = N_(
    "<b>What I can do</b>\n\n"
    "🔎 <b>Search</b>: type what you are looking for, in your language "
    "(<i>refugee jobs berlin</i>), or <code>/search</code> and the words. "
    "“How to search” shows the filters.\n"
    "🗂 <b>Browse</b>: /topics · /countries · /latest\n"
    "🔔 <b>Follow</b>: /subscribe to a topic, a country, a city or words, and each new "
    "practice on it comes here. /subscriptions lists them; /unsubscribe stops them.\n"
    "✍️ <b>Submit</b>: /submit shares a practice of your city, step by step; moderators "
    "review it. /mysubmissions shows where yours stand.\n"
    "✉️ <b>Contact</b>: /contact writes to the programme's secretariat; the reply comes here.\n"
    "🔐 <b>Your data</b>: /forget deletes what I keep about you. 🌐 /language changes the "
    "language I speak.\n"
    "📣 <b>Anywhere in Telegram</b>: type <code>@{bot} anti rumours</code> in any chat to share "
    "a practice."
)
# What the bot is, in one line: above a card opened by a shared link, for a first visit.
INTRO = N_(
    "👋 I am the Intercultural Cities practice bot of the Council of Europe: search, follow and "
    "share the programme's good practices. Someone shared this one with you, and the buttons "
    "at the bottom show the rest."
)


def help_overview(t: Translator, bot_username: str) -> str:
    """Return the /help message in t's language (HTML)."""
    return t.gettext(HELP_OVERVIEW).replace("{bot}", bot_username)


def help_markup(t: Translator) -> InlineKeyboardMarkup:
    """Return /help's buttons: how to search, the three ways to browse, Follow, Submit, Contact."""
    contact = InlineKeyboardButton(t._("✉️ Contact us"), callback_data=Contact("new").pack())
    rows = [
        [
            InlineKeyboardButton(t._("🔎 How to search"), callback_data=Help().pack()),
            InlineKeyboardButton(t._("🗂 Topics"), callback_data=Browse("topics").pack()),
        ],
        [
            InlineKeyboardButton(t._("🌍 Countries"), callback_data=Browse("countries").pack()),
            InlineKeyboardButton(t._("🆕 Latest"), callback_data=Browse("latest").pack()),
        ],
        [translated(button, t) for button in WELCOME_BUTTONS],
        [contact],
    ]
    return InlineKeyboardMarkup(rows)
