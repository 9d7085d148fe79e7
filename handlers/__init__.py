"""Telegram glue: `register(app)` adds every handler from one ordered list.

Callback data is `action|argument…` and never trusted: each handler checks what it names.
  c|<key>            open a practice's card          pg|<page>|<query>  a page of results
  ps|<page>|<id>     a page of a remembered query     lt|<page>          a page of /latest
  cn|<country>       a country's cities               t0|<n>             a topic with no practice
  browse|<what>      topics, countries, latest        help               how to search
"""

from telegram import BotCommand
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from handlers import browse, fallback, inline, search, start
from handlers.errors import on_error

PRIVATE = filters.ChatType.PRIVATE

COMMANDS = [
    BotCommand("search", "Find good practices: /search anti racism turin"),
    BotCommand("topics", "Browse practices by topic"),
    BotCommand("countries", "Browse practices by country and city"),
    BotCommand("latest", "The newest practices"),
    BotCommand("help", "How to search, filters and inline mode"),
    BotCommand("start", "Welcome and main menu"),
]


def core_handlers() -> list[BaseHandler]:
    """Return the handlers of asking and browsing, in the order they are tried."""
    return [
        CommandHandler("start", start.start),
        CommandHandler("help", start.help_command),
        CommandHandler("search", search.search_command),
        CommandHandler("topics", browse.topics),
        CommandHandler("countries", browse.countries),
        CommandHandler("latest", browse.latest),
        CallbackQueryHandler(search.on_card, pattern=r"^c\|"),
        CallbackQueryHandler(search.on_page, pattern=r"^p[gs]\|"),
        CallbackQueryHandler(browse.on_latest_page, pattern=r"^lt\|"),
        CallbackQueryHandler(browse.on_country, pattern=r"^cn\|"),
        CallbackQueryHandler(browse.on_empty_topic, pattern=r"^t0\|"),
        CallbackQueryHandler(browse.on_browse, pattern=r"^browse\|"),
        CallbackQueryHandler(start.on_help_button, pattern=r"^help$"),
        InlineQueryHandler(inline.inline_query),
    ]


def fallback_handlers() -> list[BaseHandler]:
    """Return the handlers tried last: plain-text search and what nothing else took."""
    return [
        MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE, search.search_message),
        MessageHandler(filters.COMMAND & PRIVATE, fallback.unknown_command),
        MessageHandler(~filters.COMMAND & PRIVATE & ~filters.StatusUpdate.ALL, fallback.not_text),
        CallbackQueryHandler(fallback.stale_button),
    ]


def register(app: Application) -> None:
    """Add every handler and the error handler to the application."""
    app.add_handlers(core_handlers())
    app.add_handlers(fallback_handlers())
    app.add_error_handler(on_error)
