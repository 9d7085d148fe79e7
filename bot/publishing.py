"""The one path that publishes practices, whoever publishes them (import, moderation)."""

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

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


# Called with the practices that are new to the catalogue, e.g. to queue alerts.
PublishHook = Callable[[list[Practice]], None]


class Publisher:
    """Store practices, make them searchable at once, and tell the hooks about new ones."""

    def __init__(
        self,
        store: PracticeWriter,
        catalog: Catalog,
        transaction: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self._store = store
        self._catalog = catalog
        # The practices and what the hooks write (alerts) reach the disk together or not at
        # all, so a crash between them can't publish a practice whose alerts are lost.
        self._transaction = transaction
        self.hooks: list[PublishHook] = []

    def publish(
        self, practices: list[Practice], alerts: bool = True, partial: bool = False
    ) -> ImportResult:
        """Publish practices: new ids are added, known ids updated.

        Args:
            practices: validated practices with status "published".
            alerts: whether the hooks hear of the new practices (False: `import --no-alerts`
                and the first load of the bundled catalogue).
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
                    for hook in self.hooks:
                        hook(new)
        except BaseException:
            self._catalog.reload()  # nothing was written: show what the store holds
            raise
        return report
