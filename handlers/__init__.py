"""Telegram glue: `register(app)` adds every handler from one ordered list.

Buttons are routed by the patterns of their actions in `bot/callbacks.py`; data that no
pattern takes, or that names nothing, gets one answer (`fallback.stale_button`).
"""

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks
from bot.i18n import N_
from bot.waits import CONTACT, CONTACT_REPLY, FOLLOW_CITY, FOLLOW_KEYWORD
from handlers import (
    browse,
    chat_state,
    contact,
    contribute,
    edits,
    fallback,
    forget,
    gate,
    imports,
    inline,
    language,
    search,
    start,
    stats,
    subscribe,
    subscriptions,
    waits,
)
from handlers.deps import SERVICES_KEY
from handlers.errors import on_error

PRIVATE = filters.ChatType.PRIVATE
# New messages only: an edit is handled by `edits` alone and never taken for a new message.
NEW = filters.UpdateType.MESSAGE

# Descriptions are English source text, translated per language when registered (bot.app).
COMMANDS = [
    BotCommand("search", N_("Find good practices: /search anti racism turin")),
    BotCommand("topics", N_("Browse practices by topic")),
    BotCommand("countries", N_("Browse practices by country and city")),
    BotCommand("latest", N_("The newest practices")),
    BotCommand("subscribe", N_("Follow a topic, country, city or keywords")),
    BotCommand("subscriptions", N_("What you follow; stop alerts")),
    BotCommand("unsubscribe", N_("Stop following something, or everything")),
    BotCommand("forget", N_("Delete everything the bot keeps about you")),
    BotCommand("submit", N_("Share a good practice of your city")),
    BotCommand("mysubmissions", N_("Your submissions and where they stand")),
    BotCommand("contact", N_("Write to the programme's secretariat")),
    BotCommand("language", N_("Choose the language the bot speaks to you in")),
    BotCommand("help", N_("Everything the bot does")),
    BotCommand("start", N_("Welcome and main menu")),
]


def core_handlers() -> list[BaseHandler]:
    """Return the handlers of asking and browsing, in the order they are tried."""
    return [
        CommandHandler("start", start.start, filters=~gate.OWN_FLOW_LINK),
        CommandHandler("help", start.help_command),
        CommandHandler("language", language.language_command),
        CallbackQueryHandler(language.on_language_button, pattern=callbacks.Language.pattern),
        CommandHandler("search", search.search_command),
        CommandHandler("topics", browse.topics),
        CommandHandler("countries", browse.countries),
        CommandHandler("latest", browse.latest),
        CallbackQueryHandler(search.on_card, pattern=callbacks.Card.pattern),
        CallbackQueryHandler(search.on_page, pattern=callbacks.Page.pattern),
        CallbackQueryHandler(search.on_remembered_page, pattern=callbacks.RememberedPage.pattern),
        CallbackQueryHandler(browse.on_latest_page, pattern=callbacks.LatestPage.pattern),
        CallbackQueryHandler(browse.on_country, pattern=callbacks.Country.pattern),
        CallbackQueryHandler(browse.on_empty_topic, pattern=callbacks.EmptyTopic.pattern),
        CallbackQueryHandler(browse.on_topic_page, pattern=callbacks.TopicPage.pattern),
        CallbackQueryHandler(browse.on_place_page, pattern=callbacks.PlacePage.pattern),
        CallbackQueryHandler(browse.on_topics_back, pattern=callbacks.TopicsBack.pattern),
        CallbackQueryHandler(browse.on_browse, pattern=callbacks.Browse.pattern),
        CallbackQueryHandler(start.on_help_button, pattern=callbacks.Help.pattern),
        InlineQueryHandler(inline.inline_query),
    ]


def follow_handlers() -> list[BaseHandler]:
    """Return the handlers of following practices, alert delivery state and /forget."""
    return [
        CommandHandler("subscribe", subscribe.subscribe_command),
        CommandHandler("subscriptions", subscriptions.subscriptions_command),
        CommandHandler("unsubscribe", subscriptions.unsubscribe_command),
        CommandHandler("forget", forget.forget_command),
        CommandHandler("contact", contact.contact_command),
        # A moderator's figures are not for a group's eyes (`submit.in_group` answers there).
        CommandHandler("alerts", chat_state.alerts_command, filters=PRIVATE),
        CommandHandler("stats", stats.stats_command, filters=PRIVATE),
        CallbackQueryHandler(
            subscriptions.on_list_button, pattern=callbacks.one_of(*subscriptions.BUTTONS)
        ),
        CallbackQueryHandler(
            subscribe.on_follow_button, pattern=callbacks.one_of(*subscribe.BUTTONS)
        ),
        CallbackQueryHandler(
            subscribe.on_practice_follow, pattern=callbacks.FollowPractice.pattern
        ),
        CallbackQueryHandler(
            subscribe.on_practice_toggle,
            pattern=callbacks.one_of(callbacks.FollowSet, callbacks.FollowToggle),
        ),
        CallbackQueryHandler(
            subscribe.on_pick, pattern=callbacks.one_of(callbacks.PickTopic, callbacks.PickCountry)
        ),
        CallbackQueryHandler(forget.on_forget_button, pattern=callbacks.Forget.pattern),
        CallbackQueryHandler(contact.on_button, pattern=callbacks.one_of(*contact.BUTTONS)),
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & subscribe.PROMPT_REPLY & NEW,
            subscribe.on_prompt_reply,
        ),
        ChatMemberHandler(chat_state.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_state.on_migration),
    ]


def fallback_handlers() -> list[BaseHandler]:
    """Return the handlers tried last: plain-text search and what nothing else took."""
    return [
        # A moderator's practice file (caption /import, or after the /import prompt).
        CommandHandler("import", imports.import_command, filters=PRIVATE),
        MessageHandler(filters.Document.ALL & PRIVATE & NEW, imports.on_document),
        MessageHandler(filters.TEXT & ~filters.COMMAND & PRIVATE & NEW, search.search_message),
        MessageHandler(filters.COMMAND & PRIVATE & NEW, fallback.unknown_command),
        MessageHandler(filters.COMMAND & ~PRIVATE & NEW, fallback.unknown_group_command),
        MessageHandler(
            ~filters.COMMAND & PRIVATE & ~filters.StatusUpdate.ALL & NEW, fallback.not_text
        ),
        CallbackQueryHandler(fallback.stale_button),
    ]


DOUBLE_TAP_GROUP = -10  # a double tap's second press goes no further than this
WAITS_GROUP = -4  # a command or another flow ends a wait before anything answers it
MEMBERS_GROUP = -3
GATE_GROUP = -2  # before everything else


def awaited_answers(app: Application) -> waits.AwaitedAnswer:
    """Return the handler of answers to the bot's last question (`bot.waits`), by kind."""
    return waits.AwaitedAnswer(
        lambda: app.bot_data[SERVICES_KEY],
        {
            FOLLOW_CITY: subscribe.on_prompt_answer,
            FOLLOW_KEYWORD: subscribe.on_prompt_answer,
            CONTACT: contact.on_member_message,
            CONTACT_REPLY: contact.on_moderator_reply,
        },
    )


def register(app: Application) -> None:
    """Add every handler and the error handler to the application."""
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POSTS, gate.ignore), GATE_GROUP)
    edited = MessageHandler(filters.UpdateType.EDITED_MESSAGE, edits.on_edited_message)
    app.add_handler(edited, GATE_GROUP)
    app.add_handler(CallbackQueryHandler(gate.on_group_button), GATE_GROUP)
    app.add_handler(CallbackQueryHandler(gate.on_repeated_press), DOUBLE_TAP_GROUP)
    # Who wrote, in which language (the secretariat's figures), whatever happens next.
    app.add_handler(TypeHandler(Update, stats.note_member), MEMBERS_GROUP)
    # Before everything else: a user who writes again can receive alerts again.
    app.add_handler(TypeHandler(Update, chat_state.reactivate_on_contact), group=-1)
    app.add_handler(TypeHandler(Update, waits.end_on_other_flow), WAITS_GROUP)
    for group, handler in contribute.early_handlers().items():
        app.add_handler(handler, group=group)
    app.add_handlers(core_handlers())
    # A member's text after the bot's question is its answer, before any dialogue or search.
    app.add_handler(awaited_answers(app))
    app.add_handlers(follow_handlers())
    # The dialogues own typed answers, so they come before the plain-text search.
    app.add_handlers(contribute.conversations())
    app.add_handlers(contribute.other_handlers())
    app.add_handlers(fallback_handlers())
    for group, handler in contribute.late_handlers().items():
        app.add_handler(handler, group=group)
    app.add_error_handler(on_error)
