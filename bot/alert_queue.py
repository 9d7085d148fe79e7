"""Queue the alerts of a publication: match the new practices, write the outbox rows."""

import logging
from datetime import UTC, datetime
from typing import Protocol

from bot.alerts import AlertMatcher, plan_rows, without_submitters
from bot.catalog import Catalog
from bot.models import OutboxRow, Practice, Subscription

log = logging.getLogger(__name__)


class SubscriptionSource(Protocol):
    """Where subscriptions are kept (`store.subscriptions.SubscriptionStore`)."""

    def by_target(self) -> dict[tuple[str, str], list[Subscription]]: ...


class OutboxWriter(Protocol):
    """Where alerts wait to be sent (`store.outbox.Outbox`)."""

    def queue(self, rows: list[OutboxRow]) -> None: ...


class AlertQueue:
    """Called by `Publisher` with the practices new to the catalogue in one publication."""

    def __init__(
        self,
        subscriptions: SubscriptionSource,
        outbox: OutboxWriter,
        catalog: Catalog,
        matcher: AlertMatcher,
    ) -> None:
        self._subscriptions = subscriptions
        self._outbox = outbox
        self._catalog = catalog
        self._matcher = matcher

    def warm(self) -> None:
        """Prepare the matching of every subscription now rather than at the first publication."""
        self._matcher.prepare(self._subscriptions.by_target(), self._catalog.index.places)

    def queue(self, practices: list[Practice]) -> list[OutboxRow]:
        """Match the practices against every active subscription and queue the alerts.

        One alert per (practice, chat), or one digest per chat, in one write.

        Returns:
            The rows queued (with their ids).
        """
        matches = self._matcher.match(
            practices,
            self._subscriptions.by_target(),
            self._catalog.index.places,
            datetime.now(UTC).year,
        )
        matches = without_submitters(practices, matches)
        rows = plan_rows(practices, matches)
        if rows:
            self._outbox.queue(rows)
        digests = sum(row.is_digest for row in rows)
        log.info(
            "queued %d alerts (%d digests) for %d chats about %d new practices",
            len(rows),
            digests,
            len(matches),
            len(practices),
        )
        return rows
