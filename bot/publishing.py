"""The one path that publishes practices, whoever publishes them (import, moderation)."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Protocol

from bot.catalog import Catalog
from bot.models import Practice


class ImportResult(Protocol):
    """What a store reports after writing practices (`store.practices.ImportReport`)."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]


class PracticeWriter(Protocol):
    """Where practices are written (`store.practices.PracticeStore`)."""

    def import_practices(
        self, practices: list[Practice], partial: bool = False
    ) -> ImportResult: ...


class AlertSink(Protocol):
    """What queues the alerts about new practices (`bot.alert_queue.AlertQueue`)."""

    def queue(self, practices: list[Practice]) -> Any: ...


class Publisher:
    """Store practices, then, in the same transaction, what must follow a publication.

    After the store has written the practices, `publish` runs, in this order:
      1. the catalogue: new practices are added to the in-memory index (a changed one
         reloads it), so they are found by the next search;
      2. the alerts: `alerts.queue(new)` matches the practices new to the catalogue against
         every subscription and writes the outbox rows (`bot.alert_queue`), which the
         delivery job (`bot.delivery`) sends.
    Both are given to the constructor, in the application's wiring (`bot.app.build_services`).
    """

    def __init__(
        self,
        store: PracticeWriter,
        catalog: Catalog,
        alerts: AlertSink,
        transaction: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self._store = store
        self._catalog = catalog
        self._alerts = alerts
        # The practices and their alerts reach the disk together or not at all, so a crash
        # between them can't publish a practice whose alerts are lost.
        self._transaction = transaction

    def publish(
        self, practices: list[Practice], alerts: bool = True, partial: bool = False
    ) -> ImportResult:
        """Publish practices: new ids are added, known ids updated.

        Args:
            practices: validated practices with status "published".
            alerts: whether alerts are queued for the new practices (False: `import
                --no-alerts` and the first load of the bundled catalogue).
            partial: the practices carry only some fields (listing text); see the store.

        Returns:
            The store's report of what was added, updated and unchanged.
        """
        try:
            with self._transaction():
                report = self._store.import_practices(practices, partial)
                added = set(report.added)
                new = [practice for practice in practices if practice.id in added]
                if report.updated:
                    self._catalog.reload()
                elif new:
                    self._catalog.add(new)
                if alerts and new:
                    self._alerts.queue(new)
        except BaseException:
            self._catalog.reload()  # nothing was written: show what the store holds
            raise
        return report
