"""The services every handler reaches through `context.bot_data`, built once in `bot.app`."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton
from telegram.ext import ContextTypes

from bot.catalog import Catalog
from bot.config import Settings
from bot.i18n import N_
from bot.models import Practice
from bot.publishing import Publisher
from store.db import Database
from store.practices import PracticeStore
from store.submissions import SubmissionStore

SERVICES_KEY = "services"
# The one answer to a member who uses what only moderators (ADMIN_IDS) may use.
MODERATORS_ONLY = N_("This is for moderators only.")
# The one answer to a photo, sticker or file where only text is read (each screen may add
# what to do next).
NOT_TEXT = N_("I can only read text, not photos, stickers or files.")
SUBMISSIONS_KEY = "submissions"


@dataclass(slots=True)
class Services:
    """What the handlers work with; one instance per application."""

    settings: Settings
    database: Database
    practices: PracticeStore
    catalog: Catalog
    publisher: Publisher
    # Capabilities register their own stores here (subscriptions, outbox, submissions).
    extra: dict[str, Any] = field(default_factory=dict)
    # Buttons that capabilities add to every card (Share, Follow …).
    welcome_buttons: list[InlineKeyboardButton] = field(default_factory=list)
    # Called with a user id by /forget, so each capability deletes what it keeps of the user.
    forget_hooks: list[Callable[[int], None]] = field(default_factory=list)
    card_buttons: list[Callable[[Practice], Sequence[InlineKeyboardButton]]] = field(
        default_factory=list
    )
    # Seconds since the epoch, for waits that must expire also across restarts (tests set it).
    clock: Callable[[], float] = time.time

    def is_admin(self, user_id: int | None) -> bool:
        """Return True when this Telegram user is a configured moderator."""
        return user_id is not None and user_id in self.settings.admin_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the application's services."""
    return context.bot_data[SERVICES_KEY]


def submissions(context: ContextTypes.DEFAULT_TYPE) -> SubmissionStore:
    """Return the store of drafts and submissions, kept in `Services.extra`."""
    return services(context).extra[SUBMISSIONS_KEY]
