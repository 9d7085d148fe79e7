"""Callback data: what every button of the bot carries, built and read here only. Pure.

Wire format: `<prefix>|<field>|<field>…`, UTF-8, at most Telegram's 64 bytes
(`InlineKeyboardButtonLimit.MAX_CALLBACK_DATA`). A prefix names the action (it may itself hold
a `|`, as `fl|x`); fields follow in the order the action declares them: an `int` is decimal
digits, a `str` is any text without `|` (the last field may hold `|`, so a query travels as
typed), a `Literal` is one of its words. A trailing field with a default is left out when it
holds it. A `Name` field (a country or city) that would not fit travels as its token, "#" and
12 hex digits of its SHA-1 (`name_token`); the handler turns it back with `named`.

Callback data is never trusted: `parse` raises `CallbackDataError` for anything this module
would not have built (wrong prefix or field count, a word where digits belong, over 64 bytes),
and every handler still checks that what it names exists and that the user may act on it.
Each action's `pattern` routes it (`CallbackQueryHandler(..., pattern=Card.pattern)`).

Every action, as `ACTIONS` at the bottom lists them (`<field>`, `a/b` one of the words (more
than four: `<field>`, the class lists them),
`[…]` left out when it holds its default; `wire_format` spells these lines, a test compares):
  c|<key>                           Card
  pg|<page>|<query>                 Page
  ps|<page>|<search_id>             RememberedPage
  lt|<page>                         LatestPage
  cn|<name>                         Country
  t0|<index>                        EmptyTopic
  browse|topics/countries/latest/back Browse
  tp|<page>|<index>                 TopicPage
  pp|<page>|<country>[|<city>]      PlacePage
  tb                                TopicsBack
  help                              Help
  lg|<code>                         Language
  fl|menu/new                       FollowMenu
  fl|k|topic/country/city/keyword   FollowKind
  fl|t|<index>                      FollowTopic
  fl|c|<name>                       FollowCountry
  fl|y|<name>                       FollowCity
  fp|<key>                          FollowPractice
  fx|<target>|<key>                 FollowToggle
  fx|f/s|<target>|<key>             FollowSet
  fk|t|<index>[|f/s]                PickTopic
  fk|c|<name>[|f/s]                 PickCountry
  fl|list/ls                        Subscriptions
  fl|x|<subscription>               StopOne
  fl|xa[|yes]                       StopAll
  fg|yes/no                         Forget
  sb|<what>                         Submit
  sb|reopen|<submission>            Reopen
  sb|<action>|<rev>[|<arg>]         StepButton
  mod|a/r/f|<submission>            Moderate
  mod|p|<after>                     PendingNext
  mod|x/rs/re/rq                    Reason
  ft|<key>                          FullText
  ct|new/x                          Contact
  ct|p|<key>                        ContactAbout
  ct|r|<message>                    ContactReply
"""

import dataclasses
import hashlib
import re
from collections.abc import Iterable
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    dataclass_transform,
    get_args,
    get_origin,
    get_type_hints,
)

from telegram.constants import InlineKeyboardButtonLimit

MAX_BYTES = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA  # bytes of UTF-8, not characters
SEPARATOR = "|"
_TOKEN = "token"
# A country's or city's name: travels as its token when the data would exceed MAX_BYTES.
Name = Annotated[str, _TOKEN]


class CallbackDataError(ValueError):
    """Callback data that no button of this bot builds: forged, cut, or from an old version."""


def name_token(name: str) -> str:
    """Return the short stand-in of a name in callback data: "#" and 12 hex digits of its hash.

    Stable across restarts; `named` turns it back into the name.
    """
    return "#" + hashlib.sha1(name.encode()).hexdigest()[:12]


def named(argument: str, names: Iterable[str]) -> str | None:
    """Return the name a button's argument stands for: itself, or the name of its token.

    Args:
        argument: the name or token from callback data (never trusted).
        names: the names it may stand for (looked through only for a token).
    """
    if not argument.startswith("#"):
        return argument
    return next((name for name in names if name_token(name) == argument), None)


@dataclasses.dataclass(frozen=True)
class _Field:
    """One field of an action: its name, its type and what it may hold."""

    name: str
    kind: type
    choices: tuple[str, ...] = ()
    token: bool = False
    optional: bool = False

    def regex(self, last: bool, choices: tuple[str, ...] | None = None) -> str:
        """Return the regular expression of the field's text, as a named group."""
        if self.choices:
            # A default ("") is written by leaving the field out, never as an empty field.
            words = [word for word in choices or self.choices if word]
            body = "|".join(re.escape(word) for word in words)
        elif self.kind is int:
            body = r"\d{1,18}"
        else:
            body = ".+" if last else r"[^|]+"
        group = rf"\|(?P<{self.name}>{body})"
        return f"(?:{group})?" if self.optional else group


def _field(field: dataclasses.Field[Any], hint: Any) -> _Field:
    optional = field.default is not dataclasses.MISSING
    if get_origin(hint) is Annotated:
        return _Field(field.name, str, token=_TOKEN in get_args(hint)[1:], optional=optional)
    if get_origin(hint) is Literal:
        return _Field(field.name, str, tuple(get_args(hint)), optional=optional)
    if hint not in (int, str):
        raise TypeError(f"callback field {field.name} must be int, str, Name or a Literal")
    return _Field(field.name, hint, optional=optional)


@dataclass_transform(frozen_default=True)
class Action:
    """One kind of button: a subclass names its prefix and declares its fields, typed.

    `class Card(Action, prefix="c"): key: str` makes `Card("lisbon").pack() == "c|lisbon"`,
    `Card.parse("c|lisbon") == Card("lisbon")` and `Card.pattern`, the router's pattern.
    """

    prefix: ClassVar[str]
    pattern: ClassVar[re.Pattern[str]]
    _fields: ClassVar[tuple[_Field, ...]]
    # Set by `dataclasses.dataclass` on each action; declared so that type checkers know.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True)(cls)
        hints = get_type_hints(cls, include_extras=True)
        cls.prefix = prefix
        cls._fields = tuple(_field(f, hints[f.name]) for f in dataclasses.fields(cls))
        cls.pattern = _compile(cls)

    @classmethod
    def pattern_for(cls, **fixed: str) -> re.Pattern[str]:
        """Return the pattern of this action with some `Literal` fields fixed to one word.

        E.g. `StepButton.pattern_for(action="b")` routes the dialogue's Back button alone.
        """
        return _compile(cls, fixed)

    def pack(self) -> str:
        """Return the callback data of this button.

        Raises:
            CallbackDataError: the data exceeds 64 bytes even with its name as a token.
        """
        data = self.try_pack()
        if data is None:
            raise CallbackDataError(f"{self!r} does not fit {MAX_BYTES} bytes")
        return data

    def try_pack(self) -> str | None:
        """Return the callback data of this button, or None when it can't fit 64 bytes.

        A `Name` field too long to fit is replaced by its token first.
        """
        data = self._join(tokens=False)
        if len(data.encode()) > MAX_BYTES and any(f.token for f in self._fields):
            data = self._join(tokens=True)
        return data if len(data.encode()) <= MAX_BYTES else None

    def _join(self, tokens: bool) -> str:
        parts = [self.prefix]
        for field in self._fields:
            value = getattr(self, field.name)
            if field.optional and value == getattr(type(self), field.name):
                break
            text = str(value)
            if SEPARATOR in text and field is not self._fields[-1]:
                raise ValueError(f"{field.name} of {self!r} holds {SEPARATOR!r}")
            parts.append(name_token(text) if tokens and field.token else text)
        return SEPARATOR.join(parts)

    @classmethod
    def parse(cls, data: str | None) -> Self:
        """Return the button that `data` stands for.

        Raises:
            CallbackDataError: data this action never builds (prefix, fields, over 64 bytes).
        """
        if data is None or len(data.encode()) > MAX_BYTES:
            raise CallbackDataError(f"not {cls.__name__} data: {data!r}")
        match = cls.pattern.fullmatch(data)
        if match is None:
            raise CallbackDataError(f"not {cls.__name__} data: {data!r}")
        values = {
            f.name: int(text) if f.kind is int else text
            for f in cls._fields
            if (text := match.group(f.name)) is not None
        }
        return cls(**values)


# Every pattern an action made, so the wiring can be checked against this module.
_PATTERNS: dict[re.Pattern[str], type[Action] | tuple[type[Action], ...] | str] = {}


def _compile(action: type[Action], fixed: dict[str, str] | None = None) -> re.Pattern[str]:
    fixed = fixed or {}
    choices = {f.name: f.choices for f in action._fields}
    for name, word in fixed.items():
        if word not in choices.get(name, ()):
            raise ValueError(f"{action.__name__}.{name} has no word {word!r}")
    last = action._fields[-1] if action._fields else None
    fields = "".join(
        f.regex(f is last, (fixed[f.name],) if f.name in fixed else None) for f in action._fields
    )
    pattern = re.compile(rf"^{re.escape(action.prefix)}{fields}\Z", re.DOTALL)
    _PATTERNS[pattern] = action
    return pattern


def namespace_pattern(namespace: str) -> re.Pattern[str]:
    """Return the pattern of all data under `namespace|` (known actions or not).

    For a handler that answers every button of a group, such as moderation buttons, which a
    member who is not a moderator is refused whatever they carry.
    """
    pattern = re.compile(rf"^{re.escape(namespace)}\|", re.DOTALL)
    _PATTERNS[pattern] = namespace
    return pattern


def wire_format(action: type[Action]) -> str:
    """Return how an action's data is spelt, as in the table of the module's docstring."""
    parts = [action.prefix]
    for field in action._fields:
        words = [word for word in field.choices if word]
        text = "/".join(words) if words and len(words) <= 4 else f"<{field.name}>"
        parts.append(f"[|{text}]" if field.optional else f"|{text}")
    return "".join(parts)


def owner_of(pattern: object) -> type[Action] | tuple[type[Action], ...] | str | None:
    """Return the action(s) or the namespace whose pattern this is, or None for any other."""
    return _PATTERNS.get(pattern) if isinstance(pattern, re.Pattern) else None


# ---- The actions -------------------------------------------------------------------------
# Asking and browsing (handlers/search.py, browse.py, start.py, language.py)
class Card(Action, prefix="c"):
    """Open a practice's card."""

    key: str


class Page(Action, prefix="pg"):
    """A page of the results of a query short enough to travel."""

    page: int
    query: str


class RememberedPage(Action, prefix="ps"):
    """A page of a query too long to travel, remembered under a short id."""

    page: int
    search_id: str


class LatestPage(Action, prefix="lt"):
    """A page of /latest."""

    page: int


class Country(Action, prefix="cn"):
    """A country's cities."""

    name: Name


class EmptyTopic(Action, prefix="t0"):
    """A topic with no practice yet (its number in the list of topics)."""

    index: int


class Browse(Action, prefix="browse"):
    """Topics, countries, latest, or back to the countries."""

    what: Literal["topics", "countries", "latest", "back"]


class TopicPage(Action, prefix="tp"):
    """A page of a topic's practices, opened from /topics (its number in the list of topics).

    Its list has "◀ Topics" (`TopicsBack`) back to the picker it replaced.
    """

    page: int
    index: int


class PlacePage(Action, prefix="pp"):
    """A page of a country's practices, or of one of its cities', opened from /countries.

    Its list has "◀ <country>" (`Country`) back to the country's cities it replaced.
    """

    page: int
    country: Name
    city: Name = ""


class TopicsBack(Action, prefix="tb"):
    """Back from a topic's practices to the list of topics, in place."""


class Help(Action, prefix="help"):
    """How to search."""


class Language(Action, prefix="lg"):
    """Choose the bot's language."""

    code: str


# Following (handlers/subscribe.py, subscriptions.py, forget.py)
class FollowMenu(Action, prefix="fl"):
    """The Follow menu, in place (menu) or as a new message (new)."""

    where: Literal["menu", "new"]


class FollowKind(Action, prefix="fl|k"):
    """Pick a topic or country, or type a city or keywords."""

    kind: Literal["topic", "country", "city", "keyword"]


class FollowTopic(Action, prefix="fl|t"):
    """Follow topic n of the list of topics."""

    index: int


class FollowCountry(Action, prefix="fl|c"):
    """Follow a country."""

    name: Name


class FollowCity(Action, prefix="fl|y"):
    """Follow a city."""

    name: Name


class FollowPractice(Action, prefix="fp"):
    """Offer to follow a card's topics and places."""

    key: str


# What a toggle-like button does, as the button showed it when pressed: follow (f) or stop
# (s). A second press of the same button, stale by then, finds it done and changes nothing.
Want = Literal["f", "s"]


class FollowToggle(Action, prefix="fx"):
    """Follow, or stop following, target n of a card's Follow menu: the data of menus sent
    before buttons carried what they do (`FollowSet`); read as "the opposite of now"."""

    target: int
    key: str


class FollowSet(Action, prefix="fx"):
    """Follow (f) or stop (s) target n of a card's Follow menu (its topics, places)."""

    want: Want
    target: int
    key: str


class PickTopic(Action, prefix="fk|t"):
    """Follow (f) or stop (s) topic n in /subscribe's list of topics, which stays (✓ on
    followed); without `want` (lists sent before it), the opposite of now."""

    index: int
    want: Literal["", "f", "s"] = ""


class PickCountry(Action, prefix="fk|c"):
    """Follow (f) or stop (s) a country in /subscribe's list of countries, which stays;
    without `want` (lists sent before it), the opposite of now."""

    name: Name
    want: Literal["", "f", "s"] = ""


class Subscriptions(Action, prefix="fl"):
    """The chat's subscriptions, in place (list) or as a new message (ls, from an alert)."""

    where: Literal["list", "ls"]


class StopOne(Action, prefix="fl|x"):
    """Stop one subscription."""

    subscription: int


class StopAll(Action, prefix="fl|xa"):
    """Stop all subscriptions: asked first, then confirmed."""

    confirmed: Literal["", "yes"] = ""


class Forget(Action, prefix="fg"):
    """/forget confirmed or not."""

    answer: Literal["yes", "no"]


# Contributing (handlers/contribute.py, submit*.py, moderate.py, reject.py, mine.py)
class Submit(Action, prefix="sb"):
    """Start a submission, continue the draft, start over (asked, then confirmed: "wipe"), or
    delete the paused draft."""

    what: Literal["start", "go", "over", "wipe", "del"]


class Reopen(Action, prefix="sb|reopen"):
    """Reopen rejected submission n, to fix and send again."""

    submission: int


# Back, skip, keep, take the corrected answer offered, topic, done, country, publish the contact
# or not, edit menu, edit field, preview, cancel, read in full, send, same practice, different
# practice, send as an update of it, keep as a draft (handlers/contribute.py).
StepAction = Literal[
    "b", "s", "k", "ok", "t", "d", "c", "y", "n", "e", "f", "v", "x", "full", "send", "same",
    "diff", "upd", "kd",
]  # fmt: skip


class StepButton(Action, prefix="sb"):
    """A dialogue screen's button, valid while the draft's rev is `rev`."""

    action: StepAction
    rev: int
    arg: Name = ""


class Moderate(Action, prefix="mod"):
    """Approve, reject or read in full submission n."""

    action: Literal["a", "r", "f"]
    submission: int


class PendingNext(Action, prefix="mod|p"):
    """The next page of /pending: the submissions waiting after submission n, oldest first."""

    after: int


class Reason(Action, prefix="mod"):
    """After a rejection reason: cancel, send it, type it again, or search it."""

    action: Literal["x", "rs", "re", "rq"]


class FullText(Action, prefix="ft"):
    """The full text of a submitted practice's card."""

    key: str


# Contact (handlers/contact.py)
class Contact(Action, prefix="ct"):
    """Write to the secretariat (new), or cancel the message asked for (x)."""

    what: Literal["new", "x"]


class ContactAbout(Action, prefix="ct|p"):
    """Suggest a correction to a practice: a message to the secretariat about it."""

    key: str


class ContactReply(Action, prefix="ct|r"):
    """A moderator replies to a member's message n."""

    message: int


ACTIONS: tuple[type[Action], ...] = (
    Card, Page, RememberedPage, LatestPage, Country, EmptyTopic, Browse,
    TopicPage, PlacePage, TopicsBack, Help, Language,
    FollowMenu, FollowKind, FollowTopic, FollowCountry, FollowCity, FollowPractice,
    FollowToggle, FollowSet, PickTopic, PickCountry, Subscriptions, StopOne, StopAll, Forget,
    Submit, Reopen, StepButton, Moderate, PendingNext, Reason, FullText,
    Contact, ContactAbout, ContactReply,
)  # fmt: skip


def one_of(*actions: type[Action]) -> re.Pattern[str]:
    """Return the pattern that routes any of these actions to one handler."""
    # Group names repeat across actions (`name`, `index`): the union needs none of them.
    bodies = (re.sub(r"\(\?P<\w+>", "(?:", action.pattern.pattern) for action in actions)
    pattern = re.compile("|".join(f"(?:{body})" for body in bodies), re.DOTALL)
    _PATTERNS[pattern] = actions
    return pattern


def parse_one_of(data: str | None, *actions: type[Action]) -> Action:
    """Return the button `data` stands for, the first of `actions` that reads it.

    Raises:
        CallbackDataError: none of them builds this data.
    """
    for action in actions:
        try:
            return action.parse(data)
        except CallbackDataError:
            continue
    raise CallbackDataError(f"none of {[a.__name__ for a in actions]}: {data!r}")
