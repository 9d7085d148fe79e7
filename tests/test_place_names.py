"""`bot.place_names`: one name per place, the reader's, whatever spelling the data has."""

import pytest

from bot import place_names
from bot.aliases import bundled_aliases
from bot.i18n import translator


@pytest.mark.parametrize(
    ("written", "language", "shown"),
    [
        ("Slovak Republic", "en", "Slovakia"),
        ("Slovakia", "en", "Slovakia"),
        ("Czech Republic", "en", "Czechia"),
        ("Czech Republic", "de", "Tschechien"),
        ("République tchèque", "fr", "Tchéquie"),
        ("Republic of Korea", "en", "South Korea"),
        ("Turkey", "en", "Türkiye"),
        ("Svizzera", "de", "Schweiz"),
        ("CH", "fr", "Suisse"),
        ("Atlantis", "fr", "Atlantis"),
        ("", "fr", ""),
    ],
)
def test_countries_take_cldrs_everyday_name_in_the_readers_language(
    written: str, language: str, shown: str
) -> None:
    assert place_names.country(written, language) == shown
    assert place_names.country(written, translator(language)) == shown


@pytest.mark.parametrize(
    ("forms", "names"),
    [
        (("Geneva", "Genève", "Genf", "Ginevra"), {"en": "Geneva", "fr": "Genève", "de": "Genf"}),
        (("Ravenna", "Ravenne"), {"en": "Ravenna", "fr": "Ravenne", "de": "Ravenna"}),
        (("Seville", "Sevilla", "Séville"), {"en": "Seville", "fr": "Séville", "de": "Sevilla"}),
        (("Lisbon", "Lisboa"), {"en": "Lisbon", "fr": "Lisbonne", "de": "Lissabon"}),
        (
            ("Donostia-San Sebastian", "Donostia-Saint Sébastien", "San Sebastián"),
            {
                "en": "Donostia-San Sebastián",
                "fr": "Donostia-Saint-Sébastien",
                "de": "Donostia-San Sebastián",
            },
        ),
    ],
)
def test_every_spelling_of_a_city_reads_the_same_in_each_language(
    forms: tuple[str, ...], names: dict[str, str]
) -> None:
    for form in forms:
        assert {lang: place_names.city(form, lang) for lang in names} == names, form


def test_each_localised_name_is_also_a_search_alias_of_its_city() -> None:
    aliases = bundled_aliases()
    for canonical, names in aliases.city_names.items():
        for name in names.values():
            assert aliases.city(name) is not None, (canonical, name)
    assert aliases.city("Genf") == aliases.city("Genève") == "Geneva"


def test_an_unknown_city_stays_as_written() -> None:
    assert place_names.city(" Atlantis ", "fr") == "Atlantis"


def test_a_place_line_drops_repeats_and_names_the_country() -> None:
    assert place_names.place(["Geneva", "Genève"], "Switzerland", "de") == "Genf, Schweiz"
    assert place_names.place([], "Italy", "fr") == "Italie"
    assert place_names.place(["Ravenne"], "", "en") == "Ravenna"


def test_a_label_without_its_kind_is_shown_as_the_place_it_names() -> None:
    assert place_names.any_place("Switzerland", "fr") == "Suisse"
    assert place_names.any_place("Geneva", "de") == "Genf"
