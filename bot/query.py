"""Parse what a user types into free words and filters: pure, no I/O.

Filters are `topic:`, `city:`, `country:` and `year:` (and their French and German names);
place names and years typed as plain words become filters too, so "refugees lisboa 2019" asks
for practices in Lisbon covering 2019 that match "refugees".
"""

import functools
import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.aliases import Aliases
from bot.template import names_in_every_language
from bot.text import drop_invisible, fold
from bot.vocabulary import Vocabulary, load_vocabulary

MAX_QUERY_LENGTH = 200
# Words that carry no meaning in a query: the stopwordsiso lists of the six languages and the
# query filler of `bot/data/query_words.json` (see `bot.vocabulary`), minus the concept words.
STOP_WORDS = load_vocabulary().stop_words | load_vocabulary().filler
FILTER_NAMES = {
    "topic": "topic",
    "theme": "topic",
    "thème": "topic",
    "city": "city",
    "ville": "city",
    "country": "country",
    "pays": "country",
    "year": "year",
    "annee": "year",
    "année": "year",
    # German (the bot's languages: bot.i18n)
    "thema": "topic",
    "stadt": "city",
    "land": "country",
    "jahr": "year",
}
_FILTER = re.compile(r'(?i)\b(\w+):\s*("([^"]*)"|“([^”]*)”|(\S+))')
_YEAR = re.compile(r"^(19\d{2}|20\d{2})$")
_MAX_PLACE_WORDS = 4


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query.

    Attributes:
        words: the meaningful words, folded, in order; a phrase that names one concept
            ("discours de haine") is one entry.
        concepts: for each entry of `words`, the concepts it names (may be empty).
        shares: for each entry of `words`, the share of a typed word it is: 1.0, or 1/n for
            each of the n parts of a compound ("kindergärten" → kinder, garten), so that one
            long word does not weigh as n words (empty: 1.0 each).
        soft: for each entry of `words`, whether it is a soft word of a question
            (`Vocabulary.is_soft`: "support", "apoyan", the "hilfe" of "Flüchtlingshilfe")
            that ranks but need not match (empty: none is).
        wholes: for each entry of `words`, the typed word it is a part of when a compound
            was split ("sprachpaten" for "sprach"), else "" (empty: none is a part).
        topics: topic names a practice must have one of (from `topic:` or none).
        cities: canonical city names a practice must be in one of.
        countries: canonical country names a practice must be in one of.
        year: a year the practice's period must cover.
        unknown: (filter, value) pairs that name nothing known.
        too_long: the text was cut to MAX_QUERY_LENGTH characters.
        year_in_text: the year was typed as a plain word, so a practice whose text names it
            passes too (a pasted title like "... policy 2016-2020"); `year:` is strict.
        missing: ("city" or "country", canonical name) of real places typed that have no
            practice yet ("Stuttgart"); they restrict nothing.
        phrase: the folded text without its filters, to know a pasted title.
    """

    words: tuple[str, ...] = ()
    concepts: tuple[frozenset[str], ...] = ()
    shares: tuple[float, ...] = ()
    soft: tuple[bool, ...] = ()
    wholes: tuple[str, ...] = ()
    topics: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    year: int | None = None
    unknown: tuple[tuple[str, str], ...] = ()
    too_long: bool = False
    year_in_text: bool = False
    missing: tuple[tuple[str, str], ...] = ()
    phrase: str = ""

    @property
    def is_empty(self) -> bool:
        """Return True when the query asks for nothing at all."""
        return not (self.words or self.has_filters or self.unknown or self.missing)

    @property
    def has_filters(self) -> bool:
        """Return True when the query restricts topic, place or year."""
        return bool(self.topics or self.cities or self.countries or self.year)


def match_topics(
    value: str, topics: Sequence[str], aliases: Aliases, typos: bool = True
) -> list[str]:
    """Return the topics a `topic:` value names.

    Each word of the value must start a word of the topic's name in one of the bot's languages
    ("roma", "anti rum", "educ", "réfug", "bildung"); a topic word in another language
    ("rifugiati") names its topic too. When none does and `typos` is set, the topics the value
    misspells are returned (`close_topics`: "refugess" → Refugees).
    """
    value_words = fold(value).split()
    if not value_words:
        return []
    alias = aliases.topics.get(" ".join(value_words))
    found = [
        topic
        for topic in topics
        if any(
            all(any(w.startswith(v) for w in fold(name).split()) for v in value_words)
            for name in names_in_every_language(topic)
        )
    ]
    if alias and alias not in found:
        found.append(alias)
    return found or (close_topics(value, topics, aliases) if typos else [])


def typo_edits(length: int) -> int:
    """Return how many typing errors a name of this many letters may hold and still be read
    as the name: none under 4 letters (too many names are that close), one up to 7, two from
    8 (the rule `bot.terms` applies to words)."""
    if length < 4:
        return 0
    return 1 if length < 8 else 2


def close_topics(value: str, topics: Sequence[str], aliases: Aliases) -> list[str]:
    """Return the topics a misspelt `topic:` value names ("refugess", "educaton", "rifugati").

    Each word of the value must be a typing error or two (`typo_edits`) from a word of a
    topic's name in one of the bot's languages, or the whole value from a topic word of
    another language (`aliases.topics`); the topics with the fewest errors are returned.
    """
    value_words = fold(value).split()
    if not value_words:
        return []
    best: dict[str, int] = {}
    for topic, words in _topic_words(tuple(topics)).items():
        total = 0
        for value in value_words:
            edits = typo_edits(len(value))
            near = process.extractOne(value, words, scorer=OSA.distance, score_cutoff=edits)
            if near is None:
                break
            total += int(near[1])
        else:
            best[topic] = min(total, best.get(topic, total))
    value = " ".join(value_words)
    for key, distance, _ in process.extract(
        value, list(aliases.topics), scorer=OSA.distance, score_cutoff=typo_edits(len(value))
    ):
        topic = aliases.topics[key]
        if topic in topics:
            best[topic] = min(int(distance), best.get(topic, int(distance)))
    fewest = min(best.values(), default=0)
    return [topic for topic in topics if best.get(topic, -1) == fewest]


@functools.cache
def _topic_words(topics: tuple[str, ...]) -> dict[str, list[str]]:
    """Return each topic's folded words in every one of the bot's languages."""
    return {
        topic: sorted({w for name in names_in_every_language(topic) for w in fold(name).split()})
        for topic in topics
    }


def close_name(value: str, table: Mapping[str, str], prefer: Set[str] | None = None) -> str | None:
    """Return the one canonical name a value is a typing error or two from, if only one is
    closest ("portugl" → Portugal).

    Args:
        value: a name as typed.
        table: folded names → the canonical name each stands for.
        prefer: canonical names that win a tie (places with practices: "austrlia" is one
            error from Australia and from Austria).

    Returns:
        The closest name's canonical name, or None when no name is close enough
        (`typo_edits`) or names of several places are as close (and as preferred).
    """
    folded = fold(value)
    edits = typo_edits(len(folded))
    if not edits:
        return None
    close = process.extract(folded, list(table), scorer=OSA.distance, score_cutoff=edits)
    fewest = min((distance for _, distance, _ in close), default=0)
    nearest = {table[name] for name, distance, _ in close if distance == fewest}
    if len(nearest) > 1 and prefer:
        nearest = (nearest & set(prefer)) or nearest
    return nearest.pop() if len(nearest) == 1 else None


class _Filters:
    """Filters collected while a query is parsed."""

    def __init__(self) -> None:
        self.topics: set[str] = set()
        self.cities: set[str] = set()
        self.countries: set[str] = set()
        self.year: int | None = None
        self.unknown: list[tuple[str, str]] = []
        self.missing: list[tuple[str, str]] = []


def parse_query(
    text: str,
    aliases: Aliases,
    topics: Sequence[str],
    known_places: Set[str] | None = None,
    is_word: Callable[[str], bool] | None = None,
) -> Query:
    """Parse a query typed by a user.

    Args:
        text: the query as typed.
        aliases: other-language names of places and topics.
        topics: the programme's topics.
        known_places: canonical city and country names that have practices; a plain word that
            names one of them becomes a place filter (None: any known place does).
        is_word: tells whether a folded word means something in the catalogue besides a place
            (such a word naming a place with no practice stays a word: "mobile" in "mobile
            app"); None: only the vocabulary decides.

    Returns:
        The parsed query.
    """
    vocabulary = load_vocabulary()
    too_long = len(text) > MAX_QUERY_LENGTH
    text = text[:MAX_QUERY_LENGTH]
    filters = _Filters()
    rest = _FILTER.sub(lambda m: _take_filter(m, filters, aliases, topics, known_places), text)
    phrase = fold(rest)
    words = _place_words(phrase.split(), filters, aliases, known_places, is_word)
    kept: list[str] = []
    year_in_text = False
    for word in words:
        if _YEAR.match(word) and filters.year is None:
            filters.year, year_in_text = int(word), True
        elif _is_meaningful(word):
            kept.append(word)
    free, concepts, shares, wholes = _units(kept, vocabulary)
    # A part of a typed compound is soft as the word apart would be ("Flüchtlings-hilfe");
    # search reads it strictly when a practice holds the whole word (`bot.search`).
    soft = tuple(" " not in word and vocabulary.is_soft(word) for word in free)
    return Query(
        words=free,
        concepts=concepts,
        shares=shares,
        soft=soft if any(soft) else (),
        wholes=wholes if any(wholes) else (),
        topics=frozenset(filters.topics),
        cities=frozenset(filters.cities),
        countries=frozenset(filters.countries),
        year=filters.year,
        unknown=tuple(filters.unknown),
        too_long=too_long,
        year_in_text=year_in_text,
        missing=tuple(filters.missing),
        phrase=phrase,
    )


def _units(
    words: list[str], vocabulary: Vocabulary
) -> tuple[tuple[str, ...], tuple[frozenset[str], ...], tuple[float, ...], tuple[str, ...]]:
    """Group words into meaningful units: concept phrases, then single words.

    A phrase naming a concept is one unit, even with stop words inside ("discours de haine");
    a lone word counts only when it is not a stop word or filler ("how", "examples", "villes").
    A long word made of concept words is split into them (`Vocabulary.split_compound`).

    Returns:
        The units, the concepts each names, the share of a typed word each is, and the
        typed compound each is a part of ("" for a unit typed as it is).
    """
    spans = {start: (end, ids) for start, end, ids in vocabulary.concept_spans(words)}
    free: list[str] = []
    concepts: list[frozenset[str]] = []
    shares: list[float] = []
    wholes: list[str] = []
    i = 0
    while i < len(words):
        end, ids = spans.get(i, (i + 1, frozenset()))
        unit = " ".join(words[i:end])
        if end - i == 1 and vocabulary.is_stop(unit):
            ids = frozenset()
            unit = ""
        split = vocabulary.split_compound(unit) if unit and not ids else None
        if split and vocabulary.is_soft(unit):
            # A soft verb is no compound: "accueillent" is a form of "accueil", not its part.
            ids, split = frozenset().union(*(part_ids for _, part_ids in split)), None
        parts = split or [(unit, ids)]
        for part, part_ids in parts:
            if part and part not in free:
                free.append(part)
                concepts.append(part_ids)
                shares.append(1.0 / len(parts))
                wholes.append(unit if split else "")
        i = end
    return tuple(free), tuple(concepts), tuple(shares), tuple(wholes)


def small_talk(text: str) -> str | None:
    """Return "help", "greeting" or "thanks" when a message is only that, else None.

    A message is small talk when every word is a greeting, thanks or help word of one of the
    network's languages (`bot/data/query_words.json`) or a stop word, and at least one is:
    "hello!", "merci beaucoup", "Hilfe", "help me please". "help refugees" is a search.
    """
    if len(text) > 80:
        return None
    vocabulary = load_vocabulary()
    words = fold(text).split()
    talk = vocabulary.small_talk
    counts = {kind: sum(w in talk[kind] for w in words) for kind in ("help", "greeting", "thanks")}
    best = max(counts, key=lambda kind: counts[kind])  # on a tie, the first: help
    if not counts[best]:
        return None
    if all(w in vocabulary.stop_words or any(w in talk[k] for k in talk) for w in words):
        return best
    return None


def _is_meaningful(word: str) -> bool:
    """Return False for a lone Latin letter or digit, such as the "b" of a pasted "<b>" tag.

    It could match only a one-letter word exactly, so it would only sink the other words under
    the "every word must match" rule.
    """
    return len(word) > 1 or not word.isascii()


def without_filters(text: str) -> str:
    """Return what a member typed with its filters (`topic:roma`, `ville:"Genève"`) taken out.

    What is left are their own words, which an answer may quote back; the filters are said
    in words instead (`bot.search_texts.search_subject`).
    """
    kept = _FILTER.sub(
        lambda m: " " if m.group(1).casefold() in FILTER_NAMES else m.group(0), text
    )
    # Invisible characters (soft hyphen, zero-width space …) are no part of what was typed.
    return " ".join(drop_invisible(kept).split())


def _take_filter(
    match: re.Match[str],
    filters: _Filters,
    aliases: Aliases,
    topics: Sequence[str],
    known: Set[str] | None,
) -> str:
    name = FILTER_NAMES.get(match.group(1).casefold())
    if name is None:
        return match.group(0)
    value = next(g for g in match.group(3, 4, 5) if g is not None).strip()
    if name == "topic":
        found = match_topics(value, topics, aliases)
        filters.topics.update(found)
    elif name == "city":
        # A city missing from the alias table can still be matched by its name as written.
        # A misspelt city with practices ("lisbn") is read as that city.
        city = aliases.city(value) or _close_city(value, known)
        found = [city or value] if fold(value) else []
        filters.cities.update(found)
    elif name == "country":
        # "country:IT" as well as "country:italy", and a misspelt name ("portugl")
        country = aliases.country_or_code(value) or close_name(value, aliases.countries, known)
        found = [country] if country else []
        filters.countries.update(found)
    else:
        year = value if _YEAR.match(value) else None
        found = [year] if year else []
        filters.year = int(year) if year else filters.year
    if not found:
        filters.unknown.append((name, value))
    return " "


def _close_city(value: str, known: Set[str] | None) -> str | None:
    """Return the place with practices a misspelt city name stands for, if only one is close.

    Only places with practices are tried: the alias table holds every town of the member
    countries, and among them a typing error often spells another real town.
    """
    if not known or fold(value) in {fold(name) for name in known}:
        return None
    return close_name(value, {fold(name): name for name in known})


def _place_words(
    words: list[str],
    filters: _Filters,
    aliases: Aliases,
    known: Set[str] | None,
    is_word: Callable[[str], bool] | None,
) -> list[str]:
    """Turn runs of words that clearly name a place into place filters; return the rest.

    A place with practices becomes a filter unless a lone word means something else first
    (a stop word, a concept or topic word: "roma"); a real place with no practice yet is
    noted in `filters.missing` when the word means nothing else in the vocabulary or the
    catalogue and the place is well known (named in several languages: Stuttgart, not the
    town of Wetter).
    """
    rest: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_PLACE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if size == 1 and not _may_name_place(phrase, aliases):
                continue
            city, country = aliases.cities.get(phrase), aliases.countries.get(phrase)
            if country and (known is None or country in known):
                filters.countries.add(country)
            elif city and (known is None or city in known):
                filters.cities.add(city)
            elif _clearly_absent_place(phrase, size, city, country, aliases, is_word):
                kind = "country" if country else "city"
                name = country or city or phrase
                if (kind, name) not in filters.missing:
                    filters.missing.append((kind, name))
            else:
                continue
            i += size
            break
        else:
            rest.append(words[i])
            i += 1
    return rest


# A city counts as well known when GeoNames gives it this many names (own and other-language).
MIN_PLACE_NAMES = 5


def _clearly_absent_place(
    phrase: str,
    size: int,
    city: str | None,
    country: str | None,
    aliases: Aliases,
    is_word: Callable[[str], bool] | None,
) -> bool:
    """Return True when a phrase names a real place with no practice, and nothing else."""
    if not (city or country):
        return False
    if size == 1 and is_word is not None and is_word(phrase):
        return False
    return bool(country) or aliases.name_count(city or "") >= MIN_PLACE_NAMES


def _may_name_place(word: str, aliases: Aliases) -> bool:
    """Return False for a lone word that means something else first ("roma", "como", "of")."""
    if word in _COUNTRY_ABBREVIATIONS:
        return True
    vocabulary = load_vocabulary()
    if word in STOP_WORDS or word in aliases.topics or word in vocabulary.words:
        return False
    return len(word) >= 3


# Country abbreviations that stop word lists hold too ("uk" is a Ukrainian code there).
_COUNTRY_ABBREVIATIONS = frozenset({"uk", "usa"})
