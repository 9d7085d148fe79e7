"""The programme's *Template for collection of good practices*: topics, fields and rules.

Pure data: the submission dialogue asks FIELDS in this order; `bot.answers` checks the answers.
"""

from dataclasses import dataclass
from functools import cache

from bot.i18n import ENGLISH, N_, Translator, languages, translator

# The programme's own areas, in the order its site lists them (DESIGN §3). Stored and matched
# in English; shown in the user's language (`topic_name`).
TOPICS: tuple[str, ...] = (
    N_("Anti-discrimination and equality"),
    N_("Anti-rumour methodologies"),
    N_("Business and employment"),
    N_("Communication and public awareness"),
    N_("Culture, leisure and heritage"),
    N_("Openness and interculturality"),
    N_("Education"),
    N_("Gender equality and intersectionality"),
    N_("Health, social care and family support"),
    N_("Housing and urban planning"),
    N_("Leadership and political commitment"),
    N_("Mediation and conflict resolution"),
    N_("Multilingualism"),
    N_("Political and public participation"),
    N_("Public and community services"),
    N_("Refugees"),
    N_("Religion and interfaith"),
    N_("Roma"),
    N_("Security, justice and safety"),
    N_("Welcoming and social integration"),
    N_("International outlook"),
)


def topic_name(t: Translator, topic: str) -> str:
    """Return a programme topic's name in t's language (the topic itself for another name)."""
    return t.gettext(topic)


@cache
def names_in_every_language(topic: str) -> tuple[str, ...]:
    """Return a topic's names in each of the bot's languages, English first, without repeats."""
    names = (translator(code).gettext(topic) for code in languages())
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class Field:
    """One question of the template (DESIGN §4).

    Attributes:
        key: the answer's key in a draft; the practice field it fills, where there is one.
        name: the field's name as the template prints it (English; `t.gettext` translates).
        prompt: what to write (HTML; English, translated where shown).
        example: a short example (plain text; translated where shown when marked with N_).
        required: False when the step can be skipped.
        limit: at most this many characters, or for lists this many items.
        kind: how the answer is given and checked: "line", "text", "cities", "country",
            "period", "topics", "links" or "contact".
    """

    key: str
    name: str
    prompt: str
    example: str
    required: bool
    limit: int
    kind: str

    @property
    def number(self) -> int:
        """Return the step number, from 1."""
        return FIELD_KEYS.index(self.key) + 1

    @property
    def limit_text(self) -> str:
        """Return the limit as the English prompt states it."""
        return self.limit_in(ENGLISH)

    def limit_in(self, t: Translator) -> str:
        """Return the limit as the prompt states it, in t's language."""
        if self.kind == "topics":
            return t._("Pick 1 to {count}.").format(count=t.format_number(self.limit))
        if self.kind == "cities":
            return t._("At most {count} cities.").format(count=t.format_number(self.limit))
        if self.kind == "links":
            return t._("At most {count} links.").format(count=t.format_number(self.limit))
        if self.kind == "country":
            return t._("One country.")
        if self.kind == "text":  # a long text: said up front, not only once refused
            return t._("{least} to {count} characters.").format(
                least=t.format_number(MIN_TEXT), count=t.format_number(self.limit)
            )
        return t._("At most {count} characters.").format(count=t.format_number(self.limit))


MIN_TEXT = 20  # a long-text answer shorter than this is not yet a sentence
FIELDS: tuple[Field, ...] = (
    Field(
        key="title",
        name=N_("Title"),
        prompt=N_("The name of the practice, as it should be listed."),
        example="Safer Alta de Lisboa",
        required=True,
        limit=150,
        kind="line",
    ),
    Field(
        key="subtitle",
        name=N_("Subtitle"),
        prompt=N_("One line that sums the practice up."),
        example=N_("A community-policing service based on intercultural principles"),
        required=False,
        limit=200,
        kind="line",
    ),
    Field(
        key="cities",
        name=N_("City or cities"),
        prompt=N_("Where it took place; separate several cities with commas."),
        example=N_("Lisbon  (or: Bergen, Oslo)"),
        required=True,
        limit=10,
        kind="cities",
    ),
    Field(
        key="country",
        name=N_("Country"),
        prompt=N_("The country of the city or cities, in English or in its own language."),
        example="Portugal",
        required=True,
        limit=60,
        kind="country",
    ),
    Field(
        key="period",
        name=N_("Period"),
        prompt=N_("When it ran: the years, or “ongoing”."),
        example=N_("2009 - ongoing  (or: 2015-2020)"),
        required=True,
        limit=60,
        kind="period",
    ),
    Field(
        key="topics",
        name=N_("Topics"),
        prompt=N_("The programme's areas it belongs to: tap to tick or untick, then press Done."),
        example="Security, justice and safety",
        required=True,
        limit=3,
        kind="topics",
    ),
    Field(
        key="purpose",
        name=N_("Purpose"),
        prompt=N_("What the practice aims to achieve."),
        example=N_("To build trust between the police and the residents of a diverse area."),
        required=True,
        limit=2000,
        kind="text",
    ),
    Field(
        key="rationale",
        name=N_("Stimulus / rationale"),
        prompt=N_("Why it was started: the need, event or evidence behind it."),
        example=N_("Residents of many origins felt unsafe and did not trust the police."),
        required=False,
        limit=2000,
        kind="text",
    ),
    Field(
        key="process",
        name=N_("Process"),
        prompt=N_("How it was done: the steps, the partners and the target groups."),
        example=N_(
            "Officers trained in intercultural skills patrol with local mediators; "
            "monthly meetings with residents' associations."
        ),
        required=True,
        limit=4000,
        kind="text",
    ),
    Field(
        key="impact",
        name=N_("Impact"),
        prompt=N_("The results and the evidence for them: figures, evaluations, what changed."),
        example=N_("Reported crime fell by a fifth in three years (city survey, 2012)."),
        required=False,
        limit=3000,
        kind="text",
    ),
    Field(
        key="links",
        name=N_("Links"),
        prompt=N_(
            "Web pages about the practice, starting with http:// or https://, separated "
            "by spaces or new lines."
        ),
        example="https://www.lisboa.pt/safer",
        required=False,
        limit=5,
        kind="links",
    ),
    Field(
        key="contact",
        name=N_("Contact"),
        prompt=N_(
            "A contact person's name, their organisation or city if you like, and their "
            "e-mail, separated by commas. The moderators see them; you choose next whether "
            "they are published."
        ),
        example="Ana Silva, City of Lisbon, ana.silva@cm-lisboa.pt",
        required=True,
        limit=200,
        kind="contact",
    ),
)
FIELD_KEYS: tuple[str, ...] = tuple(f.key for f in FIELDS)
FIELDS_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
