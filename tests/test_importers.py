"""Tests for reading practice files: JSON, the listing-page text, and record validation."""

import json
from pathlib import Path
from typing import Any

import pytest

from bot.aliases import Aliases
from bot.importers import ImportFileError, read_practice_file
from bot.listing import parse_listing_text
from bot.records import InvalidRecord, validate_record
from bot.text import fold, slugify

DATA = Path(__file__).parent / "data"
SEED = DATA / "listing_seed.txt"
SAMPLE = DATA / "practices_sample.json"

_COUNTRIES = (
    *("Belgium", "Germany", "Ireland", "Italy", "Poland", "Portugal", "Spain", "Switzerland"),
    *("United Kingdom", "Republic of Korea", "New Zealand", "Guinea", "Guinea-Bissau"),
)
# Built here rather than loaded, so these tests do not depend on the bundled alias table.
ALIASES = Aliases(
    countries={fold(name): name for name in _COUNTRIES} | {"espagne": "Spain"},
    cities={"lisbon": "Lisbon", "lisboa": "Lisbon"},
)

VALID = {"title": "Safer Alta de Lisboa", "country": "Portugal", "cities": ["Lisbon"]}


def _sample() -> list[dict[str, Any]]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def _write(tmp_path: Path, name: str, content: Any) -> Path:
    """Write `content` (JSON-encoded unless it is already str or bytes) to tmp_path/name."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
    return path


def _block(title: str, place: str, excerpt: str | None = "Purpose: Something...") -> str:
    lines = [title, place] + ([excerpt] if excerpt else []) + ["Read More"]
    return "\n\n".join(lines) + "\n\n"


def _reason(**changes: Any) -> str:
    """Return the reason VALID with `changes` is rejected (a None value drops the key)."""
    record = {**VALID, **changes}
    record = {key: value for key, value in record.items() if value is not None}
    with pytest.raises(InvalidRecord) as caught:
        validate_record(record, ALIASES)
    return str(caught.value)


# --- the listing page -----------------------------------------------------------------------


def test_seed_listing_yields_exactly_its_five_practices():
    expected = _sample()[:5]
    batch = read_practice_file(SEED, ALIASES)
    assert batch.rejected == []
    assert [p.id for p in batch.practices] == [r["id"] for r in expected]
    for practice, record in zip(batch.practices, expected, strict=True):
        got = (practice.title, practice.country, practice.cities, practice.period)
        assert got == (record["title"], record["country"], record["cities"], record["period"])


def test_seed_listing_sets_listing_url_source_and_language():
    for record in parse_listing_text(SEED.read_text(encoding="utf-8"), ALIASES):
        assert record["url"] == f"https://www.coe.int/en/web/interculturalcities/-/{record['id']}"
        assert (record["source"], record["language"]) == ("coe-listing", "en")
        assert (record["topics"], record["keywords"]) == ([], [])


@pytest.mark.parametrize(
    ("practice_id", "field", "expected"),
    [
        # Text before "Purpose:" is the subtitle; the listing's "..." is dropped.
        (
            "safer-alta-de-lisboa",
            "subtitle",
            "A community-policing service based on intercultural principles",
        ),
        (
            "safer-alta-de-lisboa",
            "purpose",
            "Since 2007, the Lisbon Municipal Police (LMP) "
            "has been developing a community policing strategy, seeking the maintenance of",
        ),
        ("give-something-back-to-berlin", "subtitle", None),
        (
            "give-something-back-to-berlin",
            "purpose",
            "A social enterprise that treats refugees not as victims but bringers of "
            "diversity advantage",
        ),
        (
            "give-something-back-to-berlin",
            "process",
            "The “Give Something Back to Berlin” (GSBTB) foundation is a fine example of a civil",
        ),
        # An excerpt without labels is the purpose.
        (
            "employment-and-skills-adult-learning-programme-build-programme-leeds-anchors-network",
            "purpose",
            "In Leeds 24% of the working age population do not have a Level 2 Qualification. "
            "The city therefore runs an Adult Learning Programme which is targeted at residents "
            "with low-level skills and",
        ),
    ],
)
def test_seed_excerpt_is_split_at_its_labels(practice_id, field, expected):
    records = {r["id"]: r for r in parse_listing_text(SEED.read_text(encoding="utf-8"), ALIASES)}
    assert records[practice_id][field] == expected


@pytest.mark.parametrize(
    ("place", "country", "cities", "period"),
    [
        ("United Kingdom Leeds 2020", "United Kingdom", ["Leeds"], "2020"),
        ("Republic of Korea Ansan", "Republic of Korea", ["Ansan"], None),
        ("New Zealand Auckland 2017 onwards", "New Zealand", ["Auckland"], "2017 onwards"),
        ("Ireland Since 2020", "Ireland", [], "Since 2020"),
        ("Belgium", "Belgium", [], None),
        ("Portugal Amadora", "Portugal", ["Amadora"], None),
        ("Portugal Santa Maria da Feira ongoing", "Portugal", ["Santa Maria da Feira"], "ongoing"),
        (
            "Italy Turin, Milan and Palermo March 2018 until 31 August 2019",
            "Italy",
            ["Turin", "Milan", "Palermo"],
            "March 2018 until 31 August 2019",
        ),
        (
            "Poland Lublin, Krakow, Wroclaw 2nd half 2021",
            "Poland",
            ["Lublin", "Krakow", "Wroclaw"],
            "2nd half 2021",
        ),
        ("Germany Berlin-Neukölln à partir 2016", "Germany", ["Berlin-Neukölln"], "à partir 2016"),
        (
            "Switzerland Neuchâtel Chaque année autour du 21 mars, depuis 1995",
            "Switzerland",
            ["Neuchâtel"],
            "Chaque année autour du 21 mars, depuis 1995",
        ),
        ("Switzerland Genève 2018 à ...", "Switzerland", ["Genève"], "2018 à ..."),
        ("Portugal Portimão Ongoing-", "Portugal", ["Portimão"], "Ongoing-"),
        ("Italy Fermo – January - February 2018", "Italy", ["Fermo"], "January - February 2018"),
        # The longest known prefix is the country, not the first one that resolves.
        ("Guinea Bissau Bissau 2019", "Guinea-Bissau", ["Bissau"], "2019"),
        # Only an accented "à" starts a period; "A Coruña" is a city.
        ("Spain A Coruña 2019", "Spain", ["A Coruña"], "2019"),
        # A translated country name is recognised and given its canonical name.
        ("Espagne Barcelone 2019", "Spain", ["Barcelone"], "2019"),
    ],
)
def test_place_line_is_split_into_country_cities_and_period(place, country, cities, period):
    [record] = parse_listing_text(_block("A practice", place), ALIASES)
    assert (record["country"], record["cities"], record["period"]) == (country, cities, period)


def test_listing_ignores_furniture_around_the_practices():
    text = (
        "Avenue de l'Europe\nF-67075 Strasbourg Cedex\n\nIntercultural cities\n\n"
        "Template for collection of Good practices >>\n\n"
        + _block("First", "Spain Bilbao 2014")
        + _block("Second", "Italy Fermo 2018")
        + "Topic\n0 International outlook\nYear\n"
    )
    records = parse_listing_text(text, ALIASES)
    assert [(r["title"], r["cities"]) for r in records] == [
        ("First", ["Bilbao"]),
        ("Second", ["Fermo"]),
    ]


def test_read_more_line_may_vary_in_case_and_arrows():
    text = "First\n\nSpain Bilbao 2014\n\nREAD MORE >>\n\nSecond\n\nItaly Fermo\n\nRead more »\n"
    assert [r["title"] for r in parse_listing_text(text, ALIASES)] == ["First", "Second"]


def test_excerpt_starting_with_a_country_is_not_taken_for_the_place_line():
    # The place line names an unknown country; the labelled excerpt must not stand in for it.
    text = _block("Lost", "Atlantis Poseidonia 2019", "Germany Purpose: a plan...")
    assert parse_listing_text(text, ALIASES) == []


def test_listing_practice_without_excerpt_is_parsed():
    [record] = parse_listing_text(_block("Short one", "Spain Salt 2009", excerpt=None), ALIASES)
    assert (record["title"], record["cities"], record["purpose"]) == ("Short one", ["Salt"], None)


def test_listing_block_without_known_country_is_rejected_not_guessed(tmp_path):
    text = _block("Good", "Spain Salt 2009") + _block("Lost", "Atlantis Poseidonia 2019")
    batch = read_practice_file(_write(tmp_path, "listing.txt", text), ALIASES)
    assert [p.title for p in batch.practices] == ["Good"]
    [(label, reason)] = batch.rejected
    assert label == "practice ending at line 15"
    assert "place line" in reason


def test_listing_title_with_html_is_kept_as_text(tmp_path):
    title = "<b>Cities</b> & <i>citizens</i>"
    batch = read_practice_file(_write(tmp_path, "l.txt", _block(title, "Spain Salt")), ALIASES)
    assert batch.practices[0].title == title


# --- JSON -------------------------------------------------------------------------------------


def test_json_list_is_read_record_for_record():
    batch = read_practice_file(SAMPLE, ALIASES)
    assert batch.rejected == []
    assert [p.to_public_dict() for p in batch.practices] == _sample()


def test_json_single_object_is_one_practice(tmp_path):
    batch = read_practice_file(_write(tmp_path, "one.json", _sample()[0]), ALIASES)
    assert [p.to_public_dict() for p in batch.practices] == [_sample()[0]]


def test_json_with_byte_order_mark_is_read(tmp_path):
    content = "\ufeff" + json.dumps([VALID])
    batch = read_practice_file(_write(tmp_path, "bom.json", content), ALIASES)
    assert [p.title for p in batch.practices] == [VALID["title"]]


def test_rejected_record_label_is_cut_to_one_short_line(tmp_path):
    record = {"title": "word " * 40 + "\n end", "country": 1}
    batch = read_practice_file(_write(tmp_path, "long.json", [record]), ALIASES)
    [(label, _)] = batch.rejected
    assert len(label) == 80 and label.endswith("…") and "\n" not in label


def test_duplicate_ids_keep_the_last_record(tmp_path):
    records = [
        {**VALID, "id": "same", "title": "First"},
        {**VALID, "title": "Other"},
        {**VALID, "id": "same", "title": "Second"},
    ]
    batch = read_practice_file(_write(tmp_path, "dups.json", records), ALIASES)
    assert [(p.id, p.title) for p in batch.practices] == [
        ("other", "Other"),
        ("same", "Second"),
    ]
    [(label, reason)] = batch.rejected
    assert label == "First"
    assert reason.startswith("duplicate id")


def test_invalid_records_are_rejected_with_a_label_and_the_rest_kept(tmp_path):
    records = [VALID, {"country": "Spain"}, 42, {**VALID, "title": "Typo", "url": "ftp://x.org"}]
    batch = read_practice_file(_write(tmp_path, "mixed.json", records), ALIASES)
    assert [p.title for p in batch.practices] == [VALID["title"]]
    assert batch.rejected == [
        ("record 2", "title is required"),
        ("record 3", "a practice must be a JSON object, not a number"),
        ("Typo", "url must be an http or https address, not 'ftp://x.org'"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("absent.json", None, "no such file"),
        (
            "latin1.json",
            '[{"title": "Café"}]'.encode("latin-1"),
            "not UTF-8 text (byte 0xe9 on line 1)",
        ),
        ("empty.json", "  \n", "the file is empty"),
        (
            "cut.json",
            '[\n  {"title": "A", "country": "Spain"},\n',
            "malformed JSON at line 3, column 1",
        ),
        ("bad.json", '{"title": "A",, }', "malformed JSON at line 1, column 15"),
        (
            "number.json",
            "42",
            "JSON must be a list of practices or one practice object, not a number",
        ),
        ("notjson.json", "Safer Alta de Lisboa", "malformed JSON at line 1, column 1"),
        ("notes.txt", "Some notes\n\nwith no practice in them\n", "no practice found"),
    ],
)
def test_unreadable_file_raises_one_line_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name if content is None else _write(tmp_path, name, content)
    with pytest.raises(ImportFileError) as caught:
        read_practice_file(path, ALIASES)
    text = str(caught.value)
    assert text.startswith(str(path)) and message in text
    assert "\n" not in text


def test_directory_is_not_a_file(tmp_path):
    with pytest.raises(ImportFileError, match="is a directory"):
        read_practice_file(tmp_path, ALIASES)


# --- validating a record --------------------------------------------------------------------


def test_valid_record_passes_with_defaults():
    practice = validate_record(VALID, ALIASES)
    assert practice.id == "safer-alta-de-lisboa"
    assert (practice.language, practice.source, practice.topics) == ("en", "import", [])


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"title": None}, "title is required"),
        ({"title": "   "}, "title is required"),
        ({"title": 7}, "title must be a string, not a number"),
        ({"title": "x" * 301}, "title is longer than 300 characters (301)"),
        ({"id": "Safer_Alta"}, "id 'Safer_Alta' must be lower-case letters and digits"),
        ({"id": "safer--alta"}, "id 'safer--alta' must be lower-case letters and digits"),
        ({"id": "-safer"}, "id '-safer' must be lower-case letters and digits"),
        ({"id": "a" * 201}, "id is longer than 200 characters (201)"),
        ({"id": 5}, "id must be a string, not a number"),
        ({"title": "🌍 · 🌍"}, "the title gives no usable id"),
        ({"title": "!!!"}, "the title gives no usable id"),
        ({"country": None}, "country is required"),
        ({"country": ["Spain"]}, "country must be a string, not a list"),
        ({"cities": 5}, "cities must be a list of strings"),
        ({"cities": ["Lisbon", 3]}, "cities must be a list of strings"),
        ({"cities": ["x" * 301]}, "cities: an item is longer than 300 characters"),
        ({"period": 2019}, "period must be a string, not a number"),
        ({"topics": "Education"}, "topics must be a list of strings"),
        ({"topics": ["Educaton"]}, "unknown topic 'Educaton' (did you mean 'Education'?)"),
        ({"topics": ["Education", "Sports"]}, "unknown topic 'Sports'"),
        ({"keywords": "policing"}, "keywords must be a list of strings"),
        ({"subtitle": 5}, "subtitle must be a string, not a number"),
        ({"url": "ftp://example.org/x"}, "url must be an http or https address"),
        ({"url": "javascript:alert(1)"}, "url must be an http or https address"),
        ({"url": "www.example.org"}, "url must be an http or https address"),
        ({"url": "https://exa mple.org"}, "url must be an http or https address"),
        ({"url": "https://example.org/a\nb"}, "url must be an http or https address"),
        ({"language": "English"}, "language must be a code such as 'en' or 'fr'"),
        ({"source": False}, "source must be a string, not a boolean"),
        ({"titel": "x"}, "unknown key 'titel' (did you mean 'title'?)"),
        ({"status": "published", "zzz": 1}, "unknown keys 'status', 'zzz'"),
    ],
)
def test_each_rule_rejects_with_its_reason(changes, reason):
    assert reason in _reason(**changes)


@pytest.mark.parametrize("field", ["subtitle", "purpose", "rationale", "process", "impact"])
def test_long_text_fields_are_capped(field):
    assert validate_record({**VALID, field: "x" * 20_000}, ALIASES)
    assert f"{field} is longer than 20000 characters" in _reason(**{field: "x" * 20_001})


def test_every_problem_of_a_record_is_reported_at_once():
    reason = _reason(url="ftp://x.org", topics=["Sports"], colour="red")
    assert all(part in reason for part in ("url must be", "unknown topic 'Sports'", "'colour'"))


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"title": "  Safer \n Alta  "}, "title", "Safer Alta"),
        ({"title": "Café Ünïcode"}, "id", "cafe-unicode"),
        ({"id": " given-id "}, "id", "given-id"),
        ({"id": ""}, "id", "safer-alta-de-lisboa"),
        ({"country": "Espagne"}, "country", "Spain"),
        ({"country": " Atlantis "}, "country", "Atlantis"),
        ({"cities": "Turin, Milan ,Palermo"}, "cities", ["Turin", "Milan", "Palermo"]),
        ({"cities": [" Lisbon ", "", "Lisbon"]}, "cities", ["Lisbon"]),
        ({"cities": []}, "cities", []),
        ({"cities": None}, "cities", []),
        (
            {"topics": ["education", "SECURITY, JUSTICE AND SAFETY", "Réfugees"]},
            "topics",
            ["Education", "Security, justice and safety", "Refugees"],
        ),
        ({"topics": ["Education", "education"]}, "topics", ["Education"]),
        ({"keywords": [" trust ", ""]}, "keywords", ["trust"]),
        ({"purpose": "  Line one.\n\nLine two.  "}, "purpose", "Line one.\n\nLine two."),
        ({"subtitle": "   "}, "subtitle", None),
        ({"rationale": None}, "rationale", None),
        ({"period": " 2009 - ongoing "}, "period", "2009 - ongoing"),
        ({"url": " http://example.org/a "}, "url", "http://example.org/a"),
        ({"language": "fr"}, "language", "fr"),
        ({"source": "bergen-2024"}, "source", "bergen-2024"),
    ],
)
def test_values_are_trimmed_and_canonicalised(changes, field, expected):
    assert getattr(validate_record({**VALID, **changes}, ALIASES), field) == expected


def test_long_title_gives_an_id_cut_at_a_word():
    title = "word " * 59 + "tail"  # a 300-character title, a 299-character slug
    practice = validate_record({**VALID, "title": title}, ALIASES)
    assert len(practice.id) <= 200 and slugify(title).startswith(practice.id)
    assert practice.id.endswith("-word")


def test_html_in_title_is_kept_as_text():
    title = "<script>alert('x')</script> & <b>Bold</b> plan"
    practice = validate_record({**VALID, "title": title}, ALIASES)
    assert practice.title == title
    assert practice.id == slugify(title)


def test_invalid_record_is_a_value_error():
    # Callers that only know ValueError (the CLI, the submission flow) must still catch it.
    assert issubclass(InvalidRecord, ValueError)


def test_missing_title_is_not_also_reported_as_a_bad_id():
    assert _reason(title=None) == "title is required"
