"""Wiring: build the Telegram application with its stores, services and handlers."""

import asyncio
import gc
import logging
from collections.abc import Iterable
from importlib import resources

from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot.alert_queue import AlertQueue
from bot.alerts import AlertMatcher
from bot.aliases import Aliases, bundled_aliases
from bot.catalog import Catalog
from bot.config import Settings
from bot.delivery import Deliverer
from bot.follow import Resolver
from bot.i18n import N_, SOURCE_LANGUAGE, languages, translator
from bot.importers import read_practice_file
from bot.logs import update_context
from bot.publishing import Publisher
from bot.template import TOPICS
from bot.webhook import webhook_options
from handlers.backups import listen_for_requests, schedule_backups
from handlers.contribute import schedule_pruning, set_moderator_commands
from handlers.deps import SERVICES_KEY, Services
from handlers.jobs import close_search_log, schedule_delivery, schedule_search_log_flush
from handlers.language import tr_for
from handlers.limiter import ReplyFirstLimiter
from handlers.ordering import MemberOrder
from handlers.readable_updates import ReadableUpdates
from store.contacts import ContactStore
from store.db import Database
from store.members import MemberStore
from store.outbox import Outbox
from store.persistence import TinyDBPersistence
from store.practices import PracticeStore
from store.search_log import SearchLog, search_log_path
from store.submissions import SubmissionStore
from store.subscriptions import SubscriptionStore
from store.waits import WaitStore

log = logging.getLogger(__name__)
BUNDLED_LOADED = "bundled_catalogue_loaded"


def load_bundled_catalogue(database: Database, aliases: Aliases) -> int:
    """Load the bundled practices once, on the first start of a database; never alerts.

    Returns:
        How many practices were added (0 when the database already had its first load).
    """
    meta = database.table("meta")
    first = meta.get(doc_id=1)
    if first and first.get(BUNDLED_LOADED):
        return 0
    source = resources.files("bot.data").joinpath("practices.json")
    with resources.as_file(source) as path:
        batch = read_practice_file(path, aliases)
    with database.transaction():
        report = PracticeStore(database).import_practices(batch.practices)
        meta.update({BUNDLED_LOADED: True}, doc_ids=[1])
    return len(report.added)


def build_services(settings: Settings, database: Database) -> Services:
    """Build every store and service over an open database, and wire publishing to alerts.

    Publishing (`Publisher`) writes the practices, updates the catalogue and queues the
    alerts (`AlertQueue`) in one transaction; the delivery job (`Deliverer`) sends them.
    """
    aliases = bundled_aliases()
    load_bundled_catalogue(database, aliases)
    practices = PracticeStore(database)
    catalog = Catalog(practices, aliases)
    # A publication whose write failed is undone on disk: search must not find it either.
    database.on_reload(catalog.reload)
    subscriptions = SubscriptionStore(database)
    outbox = Outbox(database)
    alerts = AlertQueue(subscriptions, outbox, catalog, AlertMatcher(aliases, TOPICS))
    alerts.warm()
    members = MemberStore(database)
    svc = Services(
        settings=settings,
        database=database,
        practices=practices,
        catalog=catalog,
        publisher=Publisher(practices, catalog, alerts, transaction=database.transaction),
        subscriptions=subscriptions,
        outbox=outbox,
        alerts=alerts,
        deliverer=Deliverer(
            outbox,
            subscriptions,
            catalog,
            settings.alert_rate,
            # Each alert is written in its subscriber's language (the members store).
            language_of=lambda chat_id: tr_for(svc, chat_id),
        ),
        resolver=Resolver(aliases, TOPICS),
        submissions=SubmissionStore(database),
        members=members,
        search_log=SearchLog(search_log_path(database.path) if database.path else None),
        waits=WaitStore(database),
        contacts=ContactStore(database),
    )
    return svc


class _LoggingApplication(Application):
    """An application whose log lines name the update being handled (`bot.logs`)."""

    async def process_update(self, update: object) -> None:
        with update_context(update.update_id if isinstance(update, Update) else None):
            await super().process_update(update)


def build_application(
    settings: Settings, database: Database, request: BaseRequest | None = None
) -> Application:
    """Build the application: Bot API client, services in `bot_data`, handlers, jobs.

    Args:
        settings: the configuration; its token is required.
        database: the open database; closed when the application shuts down.
        request: a request object to use instead of HTTP (tests).
    """
    order = MemberOrder()
    builder = (
        ApplicationBuilder()
        .application_class(_LoggingApplication)
        .token(settings.require_token())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        # Other members' updates run while one makes a Bot API call (its writes reaching the
        # disk, its send slot, the HTTP call itself).
        .concurrent_updates(order)
        # Answers to members first; alerts in what they leave, up to ALERT_RATE.
        # It also holds every call until the writes made before it are on disk.
        .rate_limiter(
            ReplyFirstLimiter(
                alert_rate=settings.alert_rate,
                saved=order.saved(database),
                aside=order.step_aside,
            )
        )
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        # Conversation states (the submission dialogue) survive a restart; bot_data is not kept.
        .persistence(TinyDBPersistence(database))
    )
    # Updates are fetched through a request that leaves out what PTB can't read, so that one
    # such update never stops the polling for everyone (`handlers.readable_updates`).
    if request is not None:
        builder = builder.request(request).get_updates_request(ReadableUpdates(request))
    else:
        # PTB's own default for getUpdates: one connection (`ApplicationBuilder`).
        builder = builder.get_updates_request(
            ReadableUpdates(HTTPXRequest(connection_pool_size=1))
        )
    app = builder.build()
    app.bot_data[SERVICES_KEY] = build_services(settings, database)
    handlers.register(app)
    schedule_delivery(app)
    schedule_pruning(app)
    schedule_backups(app)
    schedule_search_log_flush(app)
    return app


# What Telegram shows on the bot's profile and on the empty chat before the first message.
SHORT_DESCRIPTION = N_(
    "Good practices of the Council of Europe's Intercultural Cities: find, follow and share them."
)
DESCRIPTION = N_(
    "I help you find, follow and share the good practice examples of the Council of Europe's "
    "Intercultural Cities programme: how cities welcome newcomers, fight discrimination, "
    "involve residents and more. Ask in your own words, browse by topic or country, get "
    "alerts on what interests you, and share a practice of your city."
)


async def register_menus(bot: Bot, admin_ids: Iterable[int]) -> None:
    """Register the command menu, the description and the short description per language.

    English is registered as the default (every language without a menu of its own); each
    other language of `bot.i18n.languages()` under its code, so Telegram shows each user the
    bot in their language before the first message. Moderators get their menu per language.
    """
    for code in languages():
        t = translator(code)
        language_code = None if code == SOURCE_LANGUAGE else code
        commands = [BotCommand(c.command, t.gettext(c.description)) for c in handlers.COMMANDS]
        try:
            await bot.set_my_commands(commands, language_code=language_code)
            await bot.set_my_description(t.gettext(DESCRIPTION), language_code=language_code)
            await bot.set_my_short_description(
                t.gettext(SHORT_DESCRIPTION), language_code=language_code
            )
        except TelegramError as error:
            log.warning("could not register the %s command menu: %s", code, error)
        await set_moderator_commands(bot, admin_ids, commands, t)


async def _post_init(app: Application) -> None:
    # Files are written off the event loop from now on (`store.files.Writer`).
    app.bot_data[SERVICES_KEY].database.write_in_background()
    await register_menus(app.bot, app.bot_data[SERVICES_KEY].settings.admin_ids)
    listen_for_requests(app)
    freeze_startup_objects()
    log.info("@%s is ready", app.bot.username)


def freeze_startup_objects() -> None:
    """Leave what start-up built (catalogue, subscriptions, the files' data) out of GC passes.

    They live as long as the process; at ten times the programme's size a full collection
    over them (millions of objects) held the event loop for hundreds of milliseconds now and
    then (`benchmarks/load.py`). Objects made later are collected as usual.
    """
    gc.collect()
    gc.freeze()


async def _post_shutdown(app: Application) -> None:
    close_search_log(app.bot_data[SERVICES_KEY])
    app.bot_data[SERVICES_KEY].database.close()


def run(settings: Settings, database: Database) -> None:
    """Run the bot until SIGINT or SIGTERM: long polling, or a webhook when WEBHOOK_URL is set.

    On a stop signal PTB stops taking updates, lets the updates and jobs under way finish (an
    alert drain stops launching sends and awaits those in flight), flushes persistence, and
    `_post_shutdown` closes the database.

    Raises:
        InvalidToken or NetworkError: Telegram rejected the token or can't be reached; checked
            before polling starts, so the caller can say so in one line.
    """
    app = build_application(settings, database)
    asyncio.run(_check_bot_api(app.bot))
    if settings.webhook_mode:
        app.run_webhook(allowed_updates=Update.ALL_TYPES, **webhook_options(settings))
    else:
        # Polling deletes a webhook set by an earlier run in webhook mode.
        app.run_polling(allowed_updates=Update.ALL_TYPES)


async def _check_bot_api(bot: Bot) -> None:
    async with bot:
        pass
