"""The published catalogue in memory: search, lookup by key, browsing counts."""

from collections import Counter
from datetime import UTC, datetime
from typing import Protocol

from bot.aliases import Aliases
from bot.models import Practice, period_years
from bot.search import SearchIndex, SearchResult
from bot.template import TOPICS


class PracticeSource(Protocol):
    """Where published practices are stored (`store.practices.PracticeStore`)."""

    def all(self, status: str | None = "published") -> list[Practice]: ...


class Catalog:
    """Published practices, indexed for search; rebuilt from the store on `reload`."""

    def __init__(self, source: PracticeSource, aliases: Aliases) -> None:
        self._source = source
        self.aliases = aliases
        self.reload()

    def reload(self) -> None:
        """Read every published practice from the store again and rebuild the index."""
        practices = self._source.all()
        self.index = SearchIndex(practices, self.aliases, TOPICS, datetime.now(UTC).year)
        self._by_key = {practice.key: practice for practice in practices}
        self._latest: list[Practice] | None = None

    def add(self, practices: list[Practice]) -> None:
        """Make newly published practices searchable at once."""
        if any(practice.key in self._by_key for practice in practices):
            self.reload()
            return
        self.index.add(practices)
        self._by_key.update((practice.key, practice) for practice in practices)
        self._latest = None

    def __len__(self) -> int:
        return len(self._by_key)

    def search(self, text: str) -> SearchResult:
        """Return the practices that match a typed query, best first."""
        return self.index.search(text)

    def keyword_matches(self, text: str) -> list[Practice]:
        """Return the practices a keyword follow of `text` would have alerted for, best first.

        The strict reading alerts use (`SearchIndex.run`): every word required, a compound
        by its whole word, no partial matches.
        """
        return self.index.run(self.index.parse(text))

    def get(self, key: str) -> Practice | None:
        """Return the published practice with this key, or None."""
        return self._by_key.get(key)

    def latest(self) -> list[Practice]:
        """Return practices newest first by when each was added to the catalogue.

        `published_at` is the UTC time of the import or the approval that added a practice;
        the bundled practices all carry the time of the database's first start. Among
        practices added at the same time, the one whose period reaches the latest year comes
        first (then catalogue order), so a batch reads from the recent to the old.
        """
        if self._latest is not None:
            return list(self._latest)  # sorted once per change: 10,000 practices take ~30 ms
        year = datetime.now(UTC).year

        def newest(practice: Practice) -> tuple[str, int]:
            years = period_years(practice.period, year)
            return practice.published_at or "", years[1] if years else 0

        # reverse=True keeps equal keys in catalogue order.
        self._latest = sorted(self.index.practices, key=newest, reverse=True)
        return list(self._latest)

    def topic_counts(self) -> list[tuple[str, int]]:
        """Return every programme topic with its number of practices, in programme order."""
        counts = Counter(t for p in self.index.practices for t in p.topics)
        return [(topic, counts.get(topic, 0)) for topic in TOPICS]

    def country_counts(self) -> list[tuple[str, int]]:
        """Return the countries that have practices, with their counts, by name."""
        counts = Counter(self.aliases.canonical_country(p.country) for p in self.index.practices)
        return sorted(counts.items())

    def city_counts(self, country: str) -> list[tuple[str, int]]:
        """Return the cities of a country that have practices, with their counts, by name."""
        counts = Counter(
            self.aliases.canonical_city(city)
            for p in self.index.practices
            if self.aliases.canonical_country(p.country) == country
            for city in p.cities
        )
        return sorted(counts.items())
