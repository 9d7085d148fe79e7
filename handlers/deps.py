"""The services every handler reaches through `context.bot_data`, built once in `bot.app`."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import ContextTypes

from bot.alert_queue import AlertQueue
from bot.catalog import Catalog
from bot.config import Settings
from bot.delivery import Deliverer
from bot.follow import Resolver
from bot.i18n import N_, Translator
from bot.moderator_help import moderator_guide
from bot.publishing import Publisher
from store.contacts import ContactStore
from store.db import Database
from store.members import MemberStore
from store.outbox import Outbox
from store.practices import PracticeStore
from store.search_log import SearchLog
from store.submissions import SubmissionStore
from store.subscriptions import SubscriptionStore
from store.waits import WaitStore

SERVICES_KEY = "services"
# In user_data: the id of the update that created the member's entry (their very first
# message, `handlers.stats.note_member`): /start with a shared link as that first message
# then says what the bot is.
FIRST_VISIT = "first_visit"
# The one answer to a member who uses what only moderators (ADMIN_IDS) may use.
MODERATORS_ONLY = N_("This is for moderators only.")
# The one answer to a photo, sticker or file where only text is read (each screen may add
# what to do next).
NOT_TEXT = N_("I can only read text, not photos, stickers or files.")


@dataclass(slots=True)
class Services:
    """What the handlers work with; one instance per application, built by `bot.app`.

    Attributes:
        settings: the configuration.
        database: the open database (its files by concern, their lock and backups).
        practices: the stored practices (every status).
        catalog: the published practices in memory, indexed for search.
        publisher: the one path that publishes (store, catalogue, alerts).
        subscriptions: who follows what.
        outbox: alerts waiting to be sent, and what became of them.
        alerts: matches new practices against subscriptions and fills the outbox.
        deliverer: drains the outbox at ALERT_RATE (the delivery job).
        resolver: names of topics, countries and cities a member follows.
        submissions: drafts of the submission dialogue and sent submissions.
        members: who wrote, in which language, and the language they chose.
        search_log: counts of searches for /stats (no user ids).
        waits: the question each member's next message answers (`bot.waits`).
        contacts: members' messages to the secretariat (/contact).
    """

    settings: Settings
    database: Database
    practices: PracticeStore
    catalog: Catalog
    publisher: Publisher
    subscriptions: SubscriptionStore
    outbox: Outbox
    alerts: AlertQueue
    deliverer: Deliverer
    resolver: Resolver
    submissions: SubmissionStore
    members: MemberStore
    search_log: SearchLog
    waits: WaitStore
    contacts: ContactStore
    # Seconds since the epoch, for waits that must expire also across restarts (tests set it).
    clock: Callable[[], float] = time.time

    def is_admin(self, user_id: int | None) -> bool:
        """Return True when this Telegram user is a configured moderator."""
        return user_id is not None and user_id in self.settings.admin_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the application's services."""
    return context.bot_data[SERVICES_KEY]


def submissions(context: ContextTypes.DEFAULT_TYPE) -> SubmissionStore:
    """Return the store of drafts and submissions."""
    return services(context).submissions


def moderator_section(update: Update, context: ContextTypes.DEFAULT_TYPE, t: Translator) -> str:
    """Return what a moderator can do, to add under /start and /help in their private chat.

    Returns "" for anyone else, and in groups (the moderators' tools work in private only).
    """
    user, chat = update.effective_user, update.effective_chat
    svc = services(context)
    if user is None or chat is None or chat.type != chat.PRIVATE or not svc.is_admin(user.id):
        return ""
    return "\n\n" + moderator_guide(t, len(svc.submissions.pending()))
