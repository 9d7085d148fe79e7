"""Relevance of search on the bundled catalogue: a script, not a test.

    .venv/bin/python benchmarks/relevance.py            # the table
    .venv/bin/python benchmarks/relevance.py --misses   # and the queries that miss

A labelled set of queries of our own (English keywords, the five other languages of the
network, questions and sentences, places, filters, typos and junk), each with the practices
that answer it. For each kind it prints MRR@5 (1 / rank of the first relevant practice among the
first five results, 0 when none) and recall@5 (share of the relevant practices among the first
five, over min(5, number relevant)); for junk, the share of queries that return nothing. Beside
it, the same numbers for a plain baseline: practices ranked by rapidfuzz `token_set_ratio`
between the folded query and the folded title, kept from a score of 60.

The bar (issue "Ask as people ask"): MRR@5 ≥ 0.80 on multilingual and question queries, and
keyword queries kept ≥ 0.90. The "probe" kind is a second held-out set (questions and phrases
in the six languages), written when broad readings were found to beat exact matches
("intercultural action plan", "sport for refugees"); it was labelled from the catalogue
before the ranking was changed, and its before/after numbers are in the change's note. The
labels were written from the catalogue, not from the search's answers; the search's rules are
general (see bot/search.py), not tuned to these strings.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz import fuzz

from bot.aliases import load_aliases
from bot.models import Practice
from bot.search import SearchIndex
from bot.template import TOPICS
from bot.text import fold

K = 5
BASELINE_CUTOFF = 60

# Groups of practices that answer the same need.
REFUGEES = [
    "give-something-back-to-berlin",
    "siemens-program-for-integrating-refugees",
    "a-smile-of-a-child",
    "career-counselling-for-sprar-beneficiaries",
    "centri-di-accoglienza-straordinaria-cas-centres-d-accueil-speciaux",
    "erlangen-lyrical-bridge-building",
    "peer-to-peer-project-addiction-aid-for-refugees",
    "the-welcome-app",
]
REFUGEE_JOBS = [
    "siemens-program-for-integrating-refugees",
    "career-counselling-for-sprar-beneficiaries",
]
ANTI_RUMOUR = [
    "anti-rumour-agents-and-cultural-activities-to-increase-acceptance-of-newcomers-in-amadora",
    "anti-rumour-web-app",
    "botkyrka-anti-rumour-cafes-stop-the-rumour",
]
RACISM = [
    "an-anti-racism-cockpit",
    "semaine-neuchateloise-d-actions-contre-le-racisme",
    "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
]
HATE_SPEECH = [
    "geneve-s-attaque-aux-mots-qui-blessent",
    "lublin-krakow-and-wroclaw-together-against-hate-speech",
]
ISLAMOPHOBIA = ["a-pioneer-plan-to-combat-islamophobia"]
ROMA = [
    "empowering-roma-students",
    "roma-inclusion-policies-in-reggio-emilia-italy",
    "roma-strategy-for-the-bradford-district-2021-2025",
]
LIBRARIES = [
    "the-public-library-a-place-for-social-dialogue",
    "the-role-of-libraries-as-drivers-of-integration-and-intercultural-interaction",
    "bradford-s-people-library",
]
WOMEN = [
    "femmes-sante-et-violence",
    "district-mothers",
    "gender-responsive-budgeting-to-improve-the-impact-of-public-policies-on-gender-equality",
]
GENDER = [
    "gender-responsive-budgeting-to-improve-the-impact-of-public-policies-on-gender-equality",
    "femmes-sante-et-violence",
]
YOUTH = [
    "il-centro-per-i-giovani-an-intercultural-educational-project",
    "iorispetto-active-citizenship-against-discrimination",
    "dna-cascais-a-creative-approach-to-promote-entrepreneurship",
]
PARTICIPATION = [
    "auckland-s-intercultural-elections",
    "democratic-citizenship-in-ansan",
    "participatory-budget",
    "conseil-pour-l-immigration-de-berlin-neukolln-migrationsbeirat",
    "supporting-culturally-diverse-ngos",
    "iorispetto-active-citizenship-against-discrimination",
]
VOTING = ["democratic-citizenship-in-ansan", "auckland-s-intercultural-elections"]
LANGUAGES = [
    "programme-language-hub",
    "promoting-multilingualism-in-a-multicultural-city",
    "the-public-library-a-place-for-social-dialogue",
]
ENTREPRENEURS = [
    "auckland-s-support-for-its-diverse-entrepreneurs",
    "dna-cascais-a-creative-approach-to-promote-entrepreneurship",
    "bizfeira-bilateral-overseas-business-development",
]
FESTIVALS = [
    "lisbon-the-festival-todos-to-celebrate-interculturality",
    "mescla-t",
    "the-intercultural-week-of-portimao",
    "weeks-of-culture",
    "erlangen-lyrical-bridge-building",
]
EQUALITY_DATA = [
    "creating-the-conditions-for-an-equality-data-strategy-in-ireland",
    "improving-equality-data-collection-in-belgium",
    "reaching-a-point-from-which-to-take-action-in-oslo",
]
MEDIATION = [
    "intercultural-mediation-to-promote-living-together",
    "mediation-is-a-priority-in-barcelona",
]
INTERFAITH = ["table-on-interreligious-dialogue", "the-council-of-churches-in-lutsk"]
HUMAN_RIGHTS = [
    "building-a-culture-of-human-rights",
    "la-maison-de-la-paix-et-des-droits-de-l-homme",
    "iorispetto-active-citizenship-against-discrimination",
]
EDUCATION = [
    "barcelona-the-districts-reflect-on-education-and-interculturality",
    "education-projects-for-interculturality",
    "intercultural-education-as-a-part-of-a-school-curriculum",
    "il-centro-per-i-giovani-an-intercultural-educational-project",
    "ongi-etorri-eskolara",
    "empowering-roma-students",
]
EDUCATION_SPAIN = [
    "barcelona-the-districts-reflect-on-education-and-interculturality",
    "education-projects-for-interculturality",
    "ongi-etorri-eskolara",
]
HOUSING = ["zambujal-gets-better-project"]
LIVING_TOGETHER = [
    "nachbarschaftsheim-neukolln",
    "reseauteurs-et-reseauteuses-des-communautes-d-immigre-e-s-creer-des-liens-dans-le-quartier",
    "intercultural-mediation-to-promote-living-together",
    "mescla-t",
    "table-on-interreligious-dialogue",
]
GERMANY = [
    "give-something-back-to-berlin",
    "siemens-program-for-integrating-refugees",
    "conseil-pour-l-immigration-de-berlin-neukolln-migrationsbeirat",
    "district-mothers",
    "erlangen-lyrical-bridge-building",
    "migrant-stories",
    "nachbarschaftsheim-neukolln",
    "peer-to-peer-project-addiction-aid-for-refugees",
    "the-welcome-app",
]

ACTION_PLAN = ["action-plan-for-inclusion-and-diversity"]
MUSEUM = ["musee-interculturel"]
SPORT = [
    "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
    "fans-for-diversity-inclusion-through-a-community-of-football-supporters",
]
POLICE = ["safer-alta-de-lisboa"]
MULTILINGUALISM = ["promoting-multilingualism-in-a-multicultural-city", "programme-language-hub"]
SCHOOLS = [
    "education-projects-for-interculturality",
    "intercultural-education-as-a-part-of-a-school-curriculum",
    "ongi-etorri-eskolara",
]

# (kind, query, relevant ids); junk has no relevant practice and must return nothing.
QUERIES: list[tuple[str, str, list[str]]] = [
    # English keywords
    ("keyword", "refugee employment", REFUGEE_JOBS),
    ("keyword", "anti rumour", ANTI_RUMOUR),
    ("keyword", "hate speech", HATE_SPEECH),
    ("keyword", "roma education", ["empowering-roma-students"]),
    ("keyword", "interfaith dialogue", INTERFAITH),
    ("keyword", "community policing", ["safer-alta-de-lisboa"]),
    ("keyword", "libraries", LIBRARIES),
    ("keyword", "participatory budgeting", ["participatory-budget"]),
    (
        "keyword",
        "football",
        ["fans-for-diversity-inclusion-through-a-community-of-football-supporters"],
    ),
    ("keyword", "equality data", EQUALITY_DATA),
    ("keyword", "islamophobia", ISLAMOPHOBIA),
    ("keyword", "entrepreneurship", ENTREPRENEURS),
    ("keyword", "gender equality", GENDER),
    ("keyword", "radicalisation", ["the-anti-radicalisation-programme"]),
    ("keyword", "museum", ["musee-interculturel"]),
    ("keyword", "language learning", LANGUAGES),
    ("keyword", "human rights", HUMAN_RIGHTS),
    ("keyword", "mediation", MEDIATION),
    ("keyword", "festival", FESTIVALS),
    ("keyword", "voting rights", VOTING),
    ("keyword", "housing", HOUSING),
    (
        "keyword",
        "migrant council",
        ["conseil-pour-l-immigration-de-berlin-neukolln-migrationsbeirat"],
    ),
    ("keyword", "storytelling", ["migrant-stories", "bradford-s-people-library"]),
    ("keyword", "drug prevention", ["peer-to-peer-project-addiction-aid-for-refugees"]),
    # the five other languages of the network
    ("french", "réfugiés emploi", REFUGEE_JOBS),
    ("french", "lutte contre le racisme", RACISM),
    ("french", "éducation interculturelle", EDUCATION),
    ("french", "logement", HOUSING),
    ("french", "femmes migrantes santé", ["femmes-sante-et-violence", "district-mothers"]),
    ("french", "bibliothèques", LIBRARIES),
    ("french", "médiation interculturelle", MEDIATION),
    ("french", "dialogue interreligieux", INTERFAITH),
    ("french", "jeunes", YOUTH),
    ("german", "Flüchtlinge Arbeitsmarkt", REFUGEE_JOBS),
    ("german", "Rassismus", RACISM),
    ("german", "Hassrede", HATE_SPEECH),
    ("german", "Bibliotheken", LIBRARIES),
    ("german", "Frauen Gesundheit", ["femmes-sante-et-violence", "district-mothers"]),
    ("german", "Wohnungen", HOUSING),
    ("german", "Roma Bildung", ["empowering-roma-students"]),
    ("german", "Unternehmer", ENTREPRENEURS),
    ("italian", "rifugiati lavoro", REFUGEE_JOBS),
    ("italian", "razzismo", RACISM),
    ("italian", "mediazione interculturale", MEDIATION),
    ("italian", "biblioteche", LIBRARIES),
    ("italian", "giovani", YOUTH),
    ("italian", "parità di genere", GENDER),
    ("italian", "dialogo interreligioso", INTERFAITH),
    ("spanish", "refugiados", REFUGEES),
    ("spanish", "discurso de odio", HATE_SPEECH),
    ("spanish", "educación intercultural", EDUCATION),
    ("spanish", "vivienda", HOUSING),
    ("spanish", "emprendimiento", ENTREPRENEURS),
    ("spanish", "mujeres", WOMEN),
    ("spanish", "participación ciudadana", PARTICIPATION),
    ("portuguese", "refugiados emprego", REFUGEE_JOBS),
    ("portuguese", "combate ao racismo", RACISM),
    ("portuguese", "mediação intercultural", MEDIATION),
    ("portuguese", "habitação", HOUSING),
    ("portuguese", "igualdade de género", GENDER),
    ("portuguese", "bibliotecas", LIBRARIES),
    ("portuguese", "jovens", YOUTH),
    # questions and sentences
    ("question", "how can a city involve young people in politics?", YOUTH[:2]),
    ("question", "what are examples of helping refugees find jobs?", REFUGEE_JOBS),
    ("question", "comment lutter contre les rumeurs sur les migrants ?", ANTI_RUMOUR),
    ("question", "quelles villes ont un budget participatif ?", ["participatory-budget"]),
    ("question", "wie können wir Flüchtlinge in den Arbeitsmarkt integrieren?", REFUGEE_JOBS),
    ("question", "gibt es Beispiele für interreligiösen Dialog?", INTERFAITH),
    ("question", "come coinvolgere i giovani nella vita della città?", YOUTH[:2]),
    ("question", "quali progetti contro il discorso d'odio?", HATE_SPEECH),
    ("question", "¿qué hacen las ciudades contra la islamofobia?", ISLAMOPHOBIA),
    ("question", "¿cómo mejorar la convivencia en los barrios?", LIVING_TOGETHER),
    (
        "question",
        "como apoiar mulheres imigrantes?",
        ["district-mothers", "femmes-sante-et-violence"],
    ),
    ("question", "quais cidades têm festivais interculturais?", FESTIVALS),
    ("question", "ideas for an intercultural festival in my neighbourhood", FESTIVALS),
    ("question", "examples of libraries welcoming newcomers", LIBRARIES[:2]),
    # reported by a tester: a question's verb cut the answer to two or three practices
    ("question", "how do cities support refugees?", REFUGEES),
    ("question", "¿cómo apoyan las ciudades a los refugiados?", REFUGEES),
    ("question", "comment les villes accueillent les réfugiés ?", REFUGEES),
    ("question", "come le città accolgono i rifugiati?", REFUGEES),
    (
        "question",
        "I am looking for projects with football fans",
        ["fans-for-diversity-inclusion-through-a-community-of-football-supporters"],
    ),
    # places
    (
        "place",
        "Lisboa",
        [
            "safer-alta-de-lisboa",
            "international-migrants-day-in-the-lisbon-city-hall",
            "lisbon-the-festival-todos-to-celebrate-interculturality",
        ],
    ),
    (
        "place",
        "refugees berlin",
        ["give-something-back-to-berlin", "peer-to-peer-project-addiction-aid-for-refugees"],
    ),
    ("place", "roma strategy", ["roma-strategy-for-the-bradford-district-2021-2025"]),
    ("place", "Genève discours de haine", ["geneve-s-attaque-aux-mots-qui-blessent"]),
    (
        "place",
        "Neuchâtel",
        ["salut-l-etranger-ere", "semaine-neuchateloise-d-actions-contre-le-racisme"],
    ),
    (
        "place",
        "festival Portugal",
        [
            "lisbon-the-festival-todos-to-celebrate-interculturality",
            "the-intercultural-week-of-portimao",
        ],
    ),
    (
        "place",
        "Torino razzismo",
        ["an-anti-racism-cockpit", "iorispetto-active-citizenship-against-discrimination"],
    ),
    ("place", "Stuttgart", GERMANY),
    (
        "place",
        "education Spain",
        EDUCATION_SPAIN,
    ),
    # filters
    ("filter", "topic:roma country:italy", ["roma-inclusion-policies-in-reggio-emilia-italy"]),
    ("filter", "topic:refugess", REFUGEES),
    ("filter", "topic:rifugati country:germny", [p for p in REFUGEES if p in GERMANY]),
    (
        "filter",
        "city:oslo education",
        ["musee-interculturel", "reaching-a-point-from-which-to-take-action-in-oslo"],
    ),
    (
        "filter",
        "year:2019",
        ["an-anti-racism-cockpit", "intercultural-mediation-to-promote-living-together"],
    ),
    ("filter", "topic:refugees country:germany", [p for p in REFUGEES if p in GERMANY]),
    (
        "filter",
        "country:italy anti racism",
        [
            "an-anti-racism-cockpit",
            "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
            "iorispetto-active-citizenship-against-discrimination",
        ],
    ),
    (
        "filter",
        "topic:education year:2020",
        [
            "education-projects-for-interculturality",
            "employment-and-skills-adult-learning-programme-build-programme-leeds-anchors-network",
        ],
    ),
    # typos
    ("typo", "refugee jobs berln", ["give-something-back-to-berlin"]),
    ("typo", "libary", LIBRARIES),
    ("typo", "entrepeneurs", ENTREPRENEURS),
    ("typo", "mediaton", MEDIATION),
    (
        "typo",
        "discrimnation",
        [
            "an-anti-racism-cockpit",
            "iorispetto-active-citizenship-against-discrimination",
            "reaching-a-point-from-which-to-take-action-in-oslo",
        ],
    ),
    ("typo", "radicalization", ["the-anti-radicalisation-programme"]),
    ("typo", "islamofobia", ISLAMOPHOBIA),
    ("typo", "refugee jbos", REFUGEE_JOBS),
    ("typo", "rifugiati lavroo", REFUGEE_JOBS),
    # held out: written and labelled after the search was built, never tuned on
    (
        "held-out",
        "city programmes that help migrant women",
        ["district-mothers", "femmes-sante-et-violence"],
    ),
    ("held-out", "How can a municipality fight Islamophobia?", ISLAMOPHOBIA),
    ("held-out", "peace and reconciliation", ["la-maison-de-la-paix-et-des-droits-de-l-homme"]),
    ("held-out", "museums and diversity", ["musee-interculturel"]),
    ("held-out", "support for entrepreneurs with a migrant background", ENTREPRENEURS),
    ("held-out", "projets avec des familles d'accueil", ["households-welcome-migrants"]),
    (
        "held-out",
        "ateliers contre le racisme",
        ["workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism"],
    ),
    ("held-out", "données sur l'égalité", EQUALITY_DATA),
    ("held-out", "prévention de la radicalisation", ["the-anti-radicalisation-programme"]),
    ("held-out", "Welche Projekte gibt es für Kinder von Geflüchteten?", ["a-smile-of-a-child"]),
    (
        "held-out",
        "Sportvereine und Integration",
        [
            "fans-for-diversity-inclusion-through-a-community-of-football-supporters",
            "workshops-books-exhibitions-music-theater-workshops-and-sports-against-racism",
        ],
    ),
    ("held-out", "Wahlrecht für Ausländer", VOTING),
    (
        "held-out",
        "strategia per i rom",
        [
            "roma-strategy-for-the-bradford-district-2021-2025",
            "roma-inclusion-policies-in-reggio-emilia-italy",
        ],
    ),
    (
        "held-out",
        "cittadinanza attiva dei giovani",
        ["iorispetto-active-citizenship-against-discrimination"],
    ),
    ("held-out", "app per i rifugiati", ["the-welcome-app"]),
    ("held-out", "campagne contro l'odio online", HATE_SPEECH),
    ("held-out", "¿Cómo combatir los estereotipos?", [*ANTI_RUMOUR, "bradford-s-people-library"]),
    ("held-out", "bibliotecas humanas", ["bradford-s-people-library"]),
    ("held-out", "salud de las mujeres", ["femmes-sante-et-violence"]),
    ("held-out", "festival de poesía con refugiados", ["erlangen-lyrical-bridge-building"]),
    ("held-out", "cafés anti-rumores", ["botkyrka-anti-rumour-cafes-stop-the-rumour"]),
    (
        "held-out",
        "formação profissional para migrantes",
        [
            "employment-and-skills-adult-learning-programme-build-programme-leeds-anchors-network",
            "career-counselling-for-sprar-beneficiaries",
        ],
    ),
    ("held-out", "orçamento participativo", ["participatory-budget"]),
    ("held-out", "violência de género", ["femmes-sante-et-violence"]),
    ("held-out", "mapa da imigração", ["carte-de-l-immigration-a-leeds"]),
    (
        "held-out",
        "welcoming guide for newcomers",
        ["amadora-launches-a-guide-on-the-welcoming-of-migrants"],
    ),
    ("held-out", "community centre in Berlin", ["nachbarschaftsheim-neukolln"]),
    (
        "held-out",
        "topic:education country:spain",
        EDUCATION_SPAIN,
    ),
    ("held-out", "Lutsk", ["the-council-of-churches-in-lutsk"]),
    # held out beside the tester's questions: other verbs and the two other languages
    ("held-out", "wie unterstützen Städte Geflüchtete?", REFUGEES),
    ("held-out", "como as cidades acolhem os refugiados?", REFUGEES),
    ("held-out", "how can a town help asylum seekers?", REFUGEES),
    ("held-out", "come i comuni sostengono i rifugiati?", REFUGEES),
    ("held-out", "¿cómo ayudan los municipios a los refugiados?", REFUGEES),
    ("held-out", "comment les villes aident-elles les réfugiés ?", REFUGEES),
    ("held-out", "how do cities welcome refugees into jobs?", REFUGEE_JOBS),
    (
        "held-out",
        "topic:educaton country:spian",
        EDUCATION_SPAIN,
    ),
    # probe: a second held-out set, written from the catalogue after finding that a weak
    # "full match" (every word met only through topics or broad synonyms) outranked strong
    # partial matches; labelled by reading the practices, not the search's answers
    ("probe", "intercultural action plan", ACTION_PLAN),
    ("probe", "museum exhibition migration history", MUSEUM),
    ("probe", "sport for refugees", SPORT),
    ("probe", "hate speech online", HATE_SPEECH),
    ("probe", "football club inclusion", SPORT[1:]),
    ("probe", "anti-rumour strategy for cities", ANTI_RUMOUR),
    ("probe", "building trust between police and migrant communities", POLICE),
    ("probe", "human library against prejudice", ["bradford-s-people-library"]),
    ("probe", "mobile app for newcomers", ["the-welcome-app"]),
    ("probe", "diversity dashboard for employers", ["the-leeds-city-region-diversity-dashboard"]),
    ("probe", "dialogue between churches and religious communities", INTERFAITH),
    ("probe", "support for roma students at school", ["empowering-roma-students"]),
    ("probe", "award for intercultural heroes", ["salut-l-etranger-ere"]),
    ("probe", "therapy for refugee children", ["a-smile-of-a-child"]),
    ("probe", "quelles villes ont un plan d'action interculturel ?", ACTION_PLAN),
    ("probe", "musée de l'histoire des migrations", MUSEUM),
    ("probe", "sport pour les réfugiés", SPORT),
    ("probe", "discours de haine en ligne", HATE_SPEECH),
    (
        "probe",
        "formation des agents municipaux aux droits humains",
        ["building-a-culture-of-human-rights"],
    ),
    ("probe", "police de proximité interculturelle", POLICE),
    ("probe", "wie fördern Städte die Mehrsprachigkeit in Kindergärten?", MULTILINGUALISM),
    ("probe", "Museum Ausstellung Migrationsgeschichte", MUSEUM),
    ("probe", "Sport für Flüchtlinge", SPORT),
    ("probe", "Hassrede im Internet", HATE_SPEECH),
    ("probe", "Aktionsplan für Vielfalt und Inklusion", ACTION_PLAN),
    ("probe", "Fußballfans gegen Rassismus", SPORT),
    ("probe", "piano d'azione interculturale", ACTION_PLAN),
    ("probe", "museo della storia dell'immigrazione", MUSEUM),
    ("probe", "sport per i rifugiati", SPORT),
    ("probe", "come le città contrastano i discorsi d'odio online?", HATE_SPEECH),
    ("probe", "imprenditori della diaspora", ["bizfeira-bilateral-overseas-business-development"]),
    ("probe", "progetti interculturali nelle scuole", SCHOOLS),
    ("probe", "plan de acción para la diversidad", ACTION_PLAN),
    ("probe", "museo intercultural", MUSEUM),
    ("probe", "deporte para refugiados", SPORT),
    ("probe", "¿cómo usan las ciudades el fútbol para la inclusión?", SPORT[1:]),
    ("probe", "discurso de odio en las redes sociales", HATE_SPEECH),
    ("probe", "policía comunitaria", POLICE),
    ("probe", "plano de ação intercultural", ACTION_PLAN),
    ("probe", "museu da história da migração", MUSEUM),
    ("probe", "desporto para refugiados", SPORT),
    ("probe", "como as cidades combatem o discurso de ódio online?", HATE_SPEECH),
    ("probe", "bibliotecas para recém-chegados", LIBRARIES),
    ("probe", "multilinguismo nas escolas", MULTILINGUALISM),
    ("probe", "mediação de conflitos nos bairros", MEDIATION),
    ("probe", "multilingual kindergartens", MULTILINGUALISM),
    ("junk:held-out", "best hotels in Paris", []),
    ("junk:held-out", "comment réparer mon vélo", []),
    ("junk:held-out", "Öffnungszeiten Bahnhof", []),
    ("junk:held-out", "oroscopo di oggi", []),
    ("junk:held-out", "precio de la gasolina", []),
    ("junk:held-out", "horário dos autocarros", []),
    # junk, by kind
    ("junk:food", "pizza recipe", []),
    ("junk:food", "recette de crêpes", []),
    ("junk:food", "Rezept für Apfelkuchen", []),
    ("junk:food", "ricetta della pizza", []),
    ("junk:food", "receta de paella", []),
    ("junk:food", "receita de bacalhau", []),
    ("junk:weather", "weather tomorrow", []),
    ("junk:weather", "météo demain", []),
    ("junk:weather", "Wetter morgen", []),
    ("junk:weather", "previsioni meteo domani", []),
    ("junk:weather", "el tiempo mañana", []),
    ("junk:weather", "previsão do tempo amanhã", []),
    ("junk:gibberish", "qwxzv", []),
    ("junk:gibberish", "asdfgh jkl", []),
    ("junk:other", "bitcoin price", []),
    ("junk:other", "cheap flights", []),
]


def load_practices() -> list[Practice]:
    """Return the bundled catalogue."""
    raw = resources.files("bot.data").joinpath("practices.json").read_text(encoding="utf-8")
    return [Practice.from_dict(item) for item in json.loads(raw)]


def baseline(practices: list[Practice], query: str) -> list[str]:
    """Rank by rapidfuzz token_set_ratio on folded titles, keeping scores ≥ the cut-off."""
    folded = fold(query)
    scored = [
        (fuzz.token_set_ratio(folded, fold(p.title)), n, p.id) for n, p in enumerate(practices)
    ]
    return [
        pid
        for score, _, pid in sorted(scored, key=lambda s: (-s[0], s[1]))
        if score >= BASELINE_CUTOFF
    ]


def reciprocal_rank(found: list[str], relevant: list[str]) -> float:
    """Return 1 / rank of the first relevant id among the first K, or 0."""
    for rank, pid in enumerate(found[:K], start=1):
        if pid in relevant:
            return 1.0 / rank
    return 0.0


def recall(found: list[str], relevant: list[str]) -> float:
    """Return the share of relevant ids among the first K, over min(K, len(relevant))."""
    return len(set(found[:K]) & set(relevant)) / min(K, len(relevant))


def group(kind: str) -> str:
    """Return the row a kind is reported in: languages other than English are 'multilingual'."""
    return (
        "multilingual"
        if kind in {"french", "german", "italian", "spanish", "portuguese"}
        else kind
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list queries that miss")
    args = parser.parse_args()
    practices = load_practices()
    known = {p.id for p in practices}
    index = SearchIndex(practices, load_aliases(), TOPICS, datetime.now(UTC).year)
    rows: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    misses: list[str] = []
    for kind, query, relevant in QUERIES:
        assert set(relevant) <= known, (query, set(relevant) - known)
        ours = [p.id for p in index.search(query).practices]
        base = baseline(practices, query)
        names = [kind, group(kind)] if group(kind) != kind else [kind]
        if kind.startswith("junk"):
            names.append("junk (all)")
        for name in names:
            cell = rows[name]
            if kind.startswith("junk"):
                cell["rejected"].append(float(not ours))
                cell["b_rejected"].append(float(not base))
            else:
                cell["mrr"].append(reciprocal_rank(ours, relevant))
                cell["recall"].append(recall(ours, relevant))
                cell["b_mrr"].append(reciprocal_rank(base, relevant))
                cell["b_recall"].append(recall(base, relevant))
        if (kind.startswith("junk") and ours) or (
            not kind.startswith("junk") and reciprocal_rank(ours, relevant) < 1
        ):
            misses.append(f"  {kind:14} {query!r}: {ours[:5]}")
    questions = [q for q in QUERIES if not q[0].startswith("junk")]
    print(
        f"{len(QUERIES)} labelled queries ({len(questions)} with answers), "
        f"{len(practices)} practices\n"
    )
    print(
        f"{'kind':16} {'n':>3}  {'MRR@5':>6} {'R@5':>6} {'junk rejected':>13}  | "
        f"baseline {'MRR@5':>6} {'R@5':>6} {'rejected':>8}"
    )
    order = [
        "keyword",
        "multilingual",
        "french",
        "german",
        "italian",
        "spanish",
        "portuguese",
        "question",
        "held-out",
        "probe",
        "place",
        "filter",
        "typo",
        "junk (all)",
    ]
    order += sorted(k for k in rows if k.startswith("junk:"))
    for name in order:
        cell = rows.get(name)
        if not cell:
            continue

        def avg(key: str, cell: dict[str, list[float]] = cell) -> str:
            values = cell.get(key)
            return f"{sum(values) / len(values):.2f}" if values else "-"

        n = len(cell.get("mrr") or cell.get("rejected"))
        print(
            f"{name:16} {n:>3}  {avg('mrr'):>6} {avg('recall'):>6} {avg('rejected'):>13}  | "
            f"{'':8} {avg('b_mrr'):>6} {avg('b_recall'):>6} {avg('b_rejected'):>8}"
        )
    if args.misses:
        print("\nMisses (MRR < 1, or junk answered):")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
