"""Languages: gettext catalogues per language, the user's language, locale formats. Pure.

Catalogues live in `bot/locales/<lang>/LC_MESSAGES/messages.po` (sources, from `messages.pot`,
extracted with Babel: see the README). The build compiles each to `messages.mo` (`setup.py`);
when a `.mo` is missing or older than its `.po` (a development checkout), it is compiled when
first needed, in memory if the package directory is read-only.

English is the language of the source text and needs no catalogue. Every other language is the
set of catalogues present: adding a language adds a `.po` file, no code.

One process serves many users at once, so there is no "current language": callers pass a
`Translator` (or a language code) to whatever renders text.
"""

import gettext as _gettext
import io
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_skeleton as _format_skeleton
from babel.dates import format_time as _format_time
from babel.lists import format_list as _format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal

log = logging.getLogger(__name__)
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (translated where it is shown)."""
    return message


@cache
def languages() -> tuple[str, ...]:
    """Return the bot's languages: English first, then each language with a catalogue."""
    found = sorted(path.parent.parent.name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def language_name(code: str) -> str:
    """Return a language's name in that language, capitalised: "Français", "Deutsch"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_in_text(code: str) -> str:
    """Return a language's name as written inside a sentence of that language (CLDR, via
    Babel): "français" in French, "Deutsch" in German, "English" in English."""
    return Locale.parse(code).get_display_name(code) or code


def resolve(chosen: str | None, telegram_code: str | None) -> str:
    """Return the language to speak to a user.

    Args:
        chosen: the language the user picked with /language, or None.
        telegram_code: Telegram's `language_code` (an IETF tag such as "fr-CA"), or None.

    Returns:
        The chosen language when the bot has it, else the primary subtag of Telegram's code
        when the bot has it, else English.
    """
    available = languages()
    if chosen in available:
        return chosen
    prefix = (telegram_code or "").split("-")[0].split("_")[0].lower()
    return prefix if prefix in available else SOURCE_LANGUAGE


def _compile(po_path: Path) -> bytes:
    """Compile a .po file to .mo bytes (Babel's compiler; fuzzy entries left out)."""
    with po_path.open("rb") as source:
        catalog = read_po(source, locale=po_path.parent.parent.name)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_catalogues(root: Path = LOCALES) -> list[Path]:
    """Compile every `.po` under root to the `.mo` beside it; return the `.mo` paths written.

    Used by the build (`setup.py`) and at start-up for a `.mo` missing or older than its `.po`.
    """
    written = []
    for po_path in sorted(root.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.write_bytes(_compile(po_path))
        written.append(mo_path)
    return written


def _load(code: str) -> _gettext.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    po_path = LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
    mo_path = po_path.with_suffix(".mo")
    fresh = mo_path.exists() and (
        not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    )
    if fresh:
        data = mo_path.read_bytes()
    else:
        data = _compile(po_path)
        try:
            mo_path.write_bytes(data)
        except OSError as error:  # an installed, read-only package: keep it in memory
            log.info("catalogue %s compiled in memory (%s)", code, error)
    return _gettext.GNUTranslations(io.BytesIO(data))


@dataclass(frozen=True, slots=True)
class Translator:
    """The texts and formats of one language.

    `gettext`/`ngettext` return the translation of an English source string (the string
    itself when the catalogue lacks it). `_` is `gettext`, so `t._("Topics")` reads at the
    point of use and is found by extraction.
    """

    language: str
    _translations: _gettext.NullTranslations

    def gettext(self, message: str) -> str:
        """Return the translation of message."""
        return self._translations.gettext(message)

    _ = gettext

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return the translation of singular/plural for count n (the language's plural rule)."""
        return self._translations.ngettext(singular, plural, n)

    def quote(self, text: str) -> str:
        """Return text between this language's quotation marks: “x”, « x », „x“.

        The marks are the catalogue's translation of "“{text}”" (CLDR's quotationStart and
        quotationEnd of each language); text is inserted as given (escape it first for HTML).
        """
        return self.gettext("“{text}”").format(text=text)

    def format_date(self, value: date | datetime, form: str = "medium") -> str:
        """Return a date in this language's format: "Nov 30, 2026", "30 nov. 2026"."""
        return _format_date(value, format=form, locale=self.language)

    def format_day(self, value: date | datetime) -> str:
        """Return a day and month in this language's order: "Nov 2", "2 nov.", "2. Nov."."""
        return _format_skeleton("MMMd", value, locale=self.language)

    def format_time(self, value: datetime, form: str = "short") -> str:
        """Return a time of day in this language's format, in value's own zone: "10:04 AM"."""
        return _format_time(value, format=form, locale=self.language)

    def language_names(self, codes: Sequence[str]) -> str:
        """Return languages named in this language as a list: "French, German and Italian"
        (CLDR's names and list pattern, via Babel)."""
        names = [Locale.parse(code).get_display_name(self.language) or code for code in codes]
        return _format_list(names, locale=self.language)

    def format_number(self, value: float) -> str:
        """Return a number in this language's format: "1,234", "1 234", "1.234"."""
        return _format_decimal(value, locale=self.language)


@cache
def translator(code: str | None) -> Translator:
    """Return the translator of a language (English for a language the bot doesn't have)."""
    code = code if code in languages() else SOURCE_LANGUAGE
    return Translator(code, _load(code))


ENGLISH = translator(SOURCE_LANGUAGE)


def terminal_translator(environ: Mapping[str, str] | None = None) -> Translator:
    """Return the translator of the terminal's language, for the command line's reports.

    The language comes from the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set
    (gettext's order): "fr_FR.UTF-8" gives French; "C", "POSIX" or a language the bot doesn't
    have give English.
    """
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].split(".")[0]
        if value:
            return translator(resolve(None, value))
    return ENGLISH


class Message(str):
    """A text made now in English and again later in any language: an import's reasons.

    It *is* the English text (a `str`: compared, printed and joined as before), and it keeps
    the source message and its values so that `render(t)` writes it in t's language. Values
    may be Messages themselves (rendered in t's language too) or plain values.

    Example: `Message(N_("{name} is required"), name="title").render(translator("fr"))`.
    """

    message: str
    plural: str | None
    plural_count: int
    literal: bool
    values: dict[str, object]

    def __new__(
        cls,
        message: str,
        plural: str | None = None,
        count: int = 1,
        *,
        literal: bool = False,
        **values: object,
    ) -> "Message":
        made = super().__new__(cls, _render(ENGLISH, message, plural, count, literal, values))
        made.message, made.plural, made.plural_count = message, plural, count
        made.literal, made.values = literal, values
        return made

    def render(self, t: Translator) -> str:
        """Return the text in t's language (the catalogue's translation, values filled in)."""
        return _render(t, self.message, self.plural, self.plural_count, self.literal, self.values)

    @classmethod
    def joined(cls, separator: str, parts: Sequence[str]) -> "Message":
        """Return parts (Messages or plain text) joined by separator, each rendered later."""
        names = {f"p{n}": part for n, part in enumerate(parts)}
        pattern = separator.join("{" + name + "}" for name in names)
        return cls(pattern, None, 1, literal=True, **names)


def render(text: str, t: Translator) -> str:
    """Return a text in t's language: a `Message` rendered, any other text as it is."""
    return text.render(t) if isinstance(text, Message) else text


def _render(
    t: Translator,
    message: str,
    plural: str | None,
    count: int,
    literal: bool,
    values: dict[str, object],
) -> str:
    shown = {k: render(v, t) if isinstance(v, str) else v for k, v in values.items()}
    if literal:  # a join: the pattern is no catalogue message
        template = message.replace("{", "{{").replace("}", "}}") if not values else message
    elif plural is None:
        template = t.gettext(message)
    else:
        template = t.ngettext(message, plural, count)
    return template.format(**shown)
