"""Other-language names of places and topics, kept as data in `bot/data/`.

* `places.json` (cities, countries, city → countries) is generated at build time by
  `scripts/build_aliases.py` from GeoNames and the ISO 3166 translations; the bot only reads it.
* `topic_words.json` is kept by hand: `{"<topic name>": ["word or phrase", ...]}` in English,
  French, German, Spanish, Italian, Portuguese … Add words there; they are folded on load.
"""

import json
from dataclasses import dataclass, field
from importlib import resources

from bot.template import TOPICS
from bot.text import fold


@dataclass(slots=True)
class Aliases:
    """Folded alias → canonical name, for cities, countries and topics.

    Attributes:
        cities: folded city name or alternate name → canonical English city name.
        countries: folded country name or translation → canonical country name.
        topics: folded topic word or phrase (English, French …) → programme topic name.
        city_countries: canonical city name → canonical country names it lies in.
    """

    cities: dict[str, str] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)
    city_countries: dict[str, list[str]] = field(default_factory=dict)
    _name_counts: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def name_count(self, city: str) -> int:
        """Return how many names (own and other-language) the table knows for a city.

        GeoNames lists other-language names mostly for cities known beyond their region, so
        this tells Stuttgart (20 names) from a small town that shares a word's spelling.
        """
        if not self._name_counts and self.cities:
            for canonical in self.cities.values():
                self._name_counts[canonical] = self._name_counts.get(canonical, 0) + 1
        return self._name_counts.get(city, 0)

    def city(self, name: str) -> str | None:
        """Return the canonical name of a city, or None when it is not known."""
        return self.cities.get(fold(name))

    def country(self, name: str) -> str | None:
        """Return the canonical name of a country, or None when it is not known."""
        return self.countries.get(fold(name))

    def canonical_city(self, name: str) -> str:
        """Return the canonical name of a city, or the name itself when it is not known."""
        return self.city(name) or name

    def canonical_country(self, name: str) -> str:
        """Return the canonical name of a country, or the name itself when it is not known."""
        return self.country(name) or name


# Words of the topic names that say too little on their own to pick a topic.
_GENERIC_TOPIC_WORDS = frozenset(
    "and of the community support methodologies resolution urban commitment outlook".split()
)


def topic_aliases(topic_words: dict[str, list[str]]) -> dict[str, str]:
    """Return folded word or phrase → topic name, from the topics and their hand-kept words.

    Three sources, strongest first: a topic's full name ("anti rumour methodologies"); the
    words listed for it in `topic_words.json`; each significant word of its name ("roma",
    "multilingualism", "gender"). A key takes its topic from the strongest source that has it.
    When that source gives the key to two topics, the key maps to neither: so "equality"
    (in "Anti-discrimination and equality" and "Gender equality and intersectionality"),
    "public", "social" and "political" resolve to no topic, while "gender equality" does. To
    give such a word to one topic on purpose, list it under that topic in `topic_words.json`.
    """
    sources: list[dict[str, set[str]]] = [{}, {}, {}]
    for topic in TOPICS:
        sources[0].setdefault(fold(topic), set()).add(topic)
        for word in topic_words.get(topic, []):
            sources[1].setdefault(fold(word), set()).add(topic)
        for word in fold(topic).split():
            if word not in _GENERIC_TOPIC_WORDS:
                sources[2].setdefault(word, set()).add(topic)
    topics: dict[str, str] = {}
    for source in reversed(sources):  # stronger sources overwrite weaker ones
        for key, names in source.items():
            if not key:
                continue
            if len(names) == 1:
                topics[key] = next(iter(names))
            else:
                topics.pop(key, None)
    return topics


def _read_json(name: str) -> dict:
    return json.loads(resources.files("bot.data").joinpath(name).read_text(encoding="utf-8"))


def load_aliases() -> Aliases:
    """Load the bundled alias tables: `places.json` and `topic_words.json`."""
    places = _read_json("places.json")
    return Aliases(
        cities=places["cities"],
        countries=places["countries"],
        topics=topic_aliases(_read_json("topic_words.json")),
        city_countries=places["city_countries"],
    )
