"""Synthetic catalogues for benchmarks: variations of the bundled practices, deterministic.

`make_catalogue(n)` returns `n` records in the DESIGN §3 JSON shape. The 75 bundled practices
come first, unchanged, so real queries ("anti racism turin") keep their real targets; the
others are variations of them:

* the title gains one to three extra words taken from the catalogue's own vocabulary, and
  often a made-up project name (a word nobody typed before, as real project names are);
* most move to another city of the alias table (GeoNames cities of the programme's member
  countries), with that city's country, so place names grow as they would;
* topics are often re-drawn (one to three of the programme's list), keywords re-sampled;
* about half carry purpose and process texts built from sentences of the catalogue.

The vocabulary therefore grows with the size (about 1,900 indexed words at 1,000 practices
and 11,000 at 10,000, against 700 for the 75 bundled ones) instead of repeating the same
records.
"""

from __future__ import annotations

import json
import random
import re
from importlib import resources
from typing import Any

from bot.aliases import Aliases, load_aliases
from bot.template import TOPICS
from bot.text import slugify

SEED = 20_240_601
_SYLLABLES = (
    "ka lo ri ne ta mu so vi de la no ra be to mi sa lu ze fa gi po re an el in or us ia".split()
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W\d_]{4,}")


def bundled_practices() -> list[dict[str, Any]]:
    """Return the bundled catalogue (`bot/data/practices.json`) as JSON records."""
    text = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    return json.loads(text)


def _pools(base: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """Return words, sentences and keywords of the bundled catalogue to draw variations from."""
    texts = [
        str(value)
        for record in base
        for key in ("title", "subtitle", "purpose", "rationale", "process", "impact")
        if (value := record.get(key))
    ]
    words = sorted({w.lower() for text in texts for w in _WORD.findall(text)})
    sentences = sorted(
        {s.strip() for text in texts for s in _SENTENCE.split(text) if len(s.split()) >= 4}
    )
    keywords = sorted({k for record in base for k in record.get("keywords") or []})
    return words, sentences, keywords


def _project_name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _period(rng: random.Random) -> str | None:
    start = rng.randint(2005, 2024)
    return rng.choice(
        [
            None,
            str(start),
            f"{start} onwards",
            f"Since {start}",
            f"{start}-{min(start + rng.randint(1, 5), 2025)}",
            "ongoing",
        ]
    )


def make_catalogue(
    size: int, seed: int = SEED, aliases: Aliases | None = None
) -> list[dict[str, Any]]:
    """Return `size` practice records: the bundled ones, then deterministic variations.

    Args:
        size: how many records.
        seed: the random seed; the same seed gives the same catalogue.
        aliases: the alias table to draw cities from (loaded when None).
    """
    rng = random.Random(seed)
    base = bundled_practices()
    aliases = aliases or load_aliases()
    words, sentences, keywords = _pools(base)
    cities = sorted(city for city, countries in aliases.city_countries.items() if countries)
    records = [dict(record) for record in base[:size]]
    taken = {record["id"] for record in records}
    number = 0
    while len(records) < size:
        number += 1
        record = dict(rng.choice(base))
        extra = rng.sample(words, rng.randint(1, 3))
        if rng.random() < 0.6:
            extra.append(_project_name(rng))
        title = f"{record['title']} {' '.join(extra)}"
        if rng.random() < 0.75:
            city = rng.choice(cities)
            record["cities"] = [city]
            record["country"] = aliases.city_countries[city][0]
            if rng.random() < 0.3:
                title = f"{city}: {title}"
        if rng.random() < 0.5:
            record["topics"] = rng.sample(TOPICS, rng.randint(1, 3))
        record["keywords"] = rng.sample(keywords, rng.randint(2, 5))
        if rng.random() < 0.5:
            record["purpose"] = " ".join(rng.sample(sentences, rng.randint(1, 3)))
            record["process"] = " ".join(rng.sample(words, rng.randint(20, 60)))
        record["period"] = _period(rng)
        record["title"] = title
        slug = slugify(title)[:180].strip("-") or "practice"
        record["id"] = slug if slug not in taken else f"{slug}-{number}"
        record["url"] = f"https://example.org/practices/{record['id']}"
        record["source"] = "benchmark"
        taken.add(record["id"])
        records.append(record)
    return records
