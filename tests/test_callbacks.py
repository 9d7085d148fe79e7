"""Tests for the callback data of every button (`bot/callbacks.py`)."""

import dataclasses
import re
from typing import Literal, get_args, get_origin, get_type_hints

import pytest
from telegram.constants import InlineKeyboardButtonLimit

from bot import callbacks
from bot.callbacks import (
    ACTIONS,
    Action,
    CallbackDataError,
    Card,
    Country,
    FollowCity,
    Page,
    StepButton,
    StopAll,
    name_token,
    named,
)

# One button of every action, as the bot builds it.
SAMPLES: dict[type[Action], Action] = {
    callbacks.Card: callbacks.Card("safer-alta-de-lisboa"),
    callbacks.Page: callbacks.Page(2, 'topic:"Roma" | city:oslo'),
    callbacks.RememberedPage: callbacks.RememberedPage(3, "1f"),
    callbacks.LatestPage: callbacks.LatestPage(1),
    callbacks.Country: callbacks.Country("Portugal"),
    callbacks.EmptyTopic: callbacks.EmptyTopic(4),
    callbacks.Browse: callbacks.Browse("latest"),
    callbacks.TopicPage: callbacks.TopicPage(1, 17),
    callbacks.PlacePage: callbacks.PlacePage(0, "Italy", "Ravenna"),
    callbacks.TopicsBack: callbacks.TopicsBack(),
    callbacks.Help: callbacks.Help(),
    callbacks.Language: callbacks.Language("de"),
    callbacks.FollowMenu: callbacks.FollowMenu("new"),
    callbacks.FollowKind: callbacks.FollowKind("city"),
    callbacks.FollowTopic: callbacks.FollowTopic(0),
    callbacks.FollowCountry: callbacks.FollowCountry("Norway"),
    callbacks.FollowCity: callbacks.FollowCity("Oslo"),
    callbacks.FollowPractice: callbacks.FollowPractice("safer-alta-de-lisboa"),
    callbacks.Subscriptions: callbacks.Subscriptions("ls"),
    callbacks.StopOne: callbacks.StopOne(17),
    callbacks.StopAll: callbacks.StopAll("yes"),
    callbacks.Forget: callbacks.Forget("yes"),
    callbacks.Submit: callbacks.Submit("over"),
    callbacks.Reopen: callbacks.Reopen(12),
    callbacks.StepButton: callbacks.StepButton("c", 7, "Portugal"),
    callbacks.Moderate: callbacks.Moderate("a", 3),
    callbacks.PendingNext: callbacks.PendingNext(10),
    callbacks.Reason: callbacks.Reason("rq"),
    callbacks.FullText: callbacks.FullText("safer-alta-de-lisboa"),
    callbacks.FollowToggle: callbacks.FollowToggle(2, "safer-alta-de-lisboa"),
    callbacks.FollowSet: callbacks.FollowSet("s", 2, "safer-alta-de-lisboa"),
    callbacks.PickTopic: callbacks.PickTopic(3, "f"),
    callbacks.PickCountry: callbacks.PickCountry("Portugal", "s"),
    callbacks.Contact: callbacks.Contact("new"),
    callbacks.ContactAbout: callbacks.ContactAbout("safer-alta-de-lisboa"),
    callbacks.ContactReply: callbacks.ContactReply(5),
}


def variants(action: type[Action]) -> list[Action]:
    """Return the sample of an action once with every word its `Literal` fields allow."""
    sample = SAMPLES[action]
    found = [sample]
    for name, hint in get_type_hints(action).items():
        if get_origin(hint) is Literal:
            found += [dataclasses.replace(sample, **{name: word}) for word in get_args(hint)]
    return found


def all_variants() -> list[Action]:
    return [button for action in ACTIONS for button in variants(action)]


def forged(action: type[Action]) -> list[str]:
    """Return data of this action's shape that no button of the bot carries.

    A field too few or too many, a word where digits belong, a prefix nobody uses, more than
    64 bytes.
    """
    sample = SAMPLES[action]
    data = sample.pack()
    candidates = [action.prefix, data + "|1", "zz" + data, data + "é" * 40]
    for field in dataclasses.fields(sample):
        if get_type_hints(action)[field.name] is int:
            candidates.append(dataclasses.replace(sample, **{field.name: "x"})._join(False))
    return [d for d in candidates if not any(parses(a, d) for a in ACTIONS)]


def parses(action: type[Action], data: str) -> bool:
    try:
        action.parse(data)
    except CallbackDataError:
        return False
    return True


def test_every_action_is_listed_and_has_a_sample() -> None:
    declared = {a for a in Action.__subclasses__() if a.__module__ == callbacks.__name__}
    assert set(ACTIONS) == set(SAMPLES) == declared


@pytest.mark.parametrize("button", all_variants(), ids=repr)
def test_every_button_round_trips(button: Action) -> None:
    data = button.pack()
    assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    assert type(button).parse(data) == button
    assert type(button).pattern.match(data)


@pytest.mark.parametrize("button", all_variants(), ids=repr)
def test_each_button_is_read_by_its_own_action_alone(button: Action) -> None:
    data = button.pack()
    readers = [action for action in ACTIONS if action.pattern.match(data)]
    assert readers == [type(button)]


def test_wire_format_is_prefix_and_fields() -> None:
    assert Card("safer-alta").pack() == "c|safer-alta"
    assert Page(2, "roma | oslo").pack() == "pg|2|roma | oslo"
    assert Page.parse("pg|2|roma | oslo") == Page(2, "roma | oslo")
    assert StepButton("b", 12).pack() == "sb|b|12"
    assert StepButton("t", 12, "3").pack() == "sb|t|12|3"
    assert StopAll().pack() == "fl|xa" and StopAll.parse("fl|xa") == StopAll()
    assert callbacks.Help().pack() == "help"


def test_data_over_64_bytes_is_refused_counting_bytes_not_characters() -> None:
    assert Card("x" * 62).pack() == "c|" + "x" * 62
    assert Card("x" * 63).try_pack() is None
    assert Page(1, "é" * 30).try_pack() is None  # 35 characters but 65 bytes
    assert Card("я" * 31).try_pack() == "c|" + "я" * 31  # 64 bytes
    assert Card("я" * 31 + "x").try_pack() is None
    with pytest.raises(CallbackDataError):
        Card("🙂" * 20).pack()


@pytest.mark.parametrize("name", ["Sankt Marien im Langen Tal " * 3, "Ελληνική Δημοκρατία" * 3])
def test_a_name_too_long_travels_as_its_token_and_comes_back(name: str) -> None:
    for button in (Country(name), FollowCity(name), StepButton("c", 2**53, name)):
        data = button.pack()
        assert len(data.encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
        assert data.endswith(name_token(name))
        argument = data.rsplit("|", 1)[-1]
        assert named(argument, ["Oslo", name]) == name


def test_a_name_that_fits_travels_as_itself() -> None:
    assert Country("Portugal").pack() == "cn|Portugal"
    assert named("Portugal", []) == "Portugal"
    assert named("#000000000000", ["Portugal"]) is None


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.__name__)
def test_forged_data_of_every_action_is_refused_by_parse_and_pattern(
    action: type[Action],
) -> None:
    bad = forged(action)
    assert bad
    for data in bad:
        with pytest.raises(CallbackDataError):
            action.parse(data)
    for other in (None, "", "garbage", "c|" + "x" * 63, "lt|3\n", "fl|xa|"):
        with pytest.raises(CallbackDataError):
            action.parse(other)


def test_parse_refuses_over_64_bytes_even_when_the_shape_is_right() -> None:
    data = "c|" + "x" * 63
    assert Card.pattern.match(data)  # the router takes it to the handler …
    with pytest.raises(CallbackDataError):  # … which refuses it
        Card.parse(data)


def test_pattern_for_routes_one_word_of_an_action() -> None:
    back = StepButton.pattern_for(action="b")
    assert back.match("sb|b|3") and not back.match("sb|s|3")
    assert callbacks.owner_of(back) is StepButton


def test_one_of_routes_several_actions_and_parse_one_of_reads_them() -> None:
    pattern = callbacks.one_of(Country, FollowCity)
    assert pattern.match("cn|Norway") and pattern.match("fl|y|Oslo")
    assert not pattern.match("fl|c|Norway")
    assert callbacks.parse_one_of("fl|y|Oslo", Country, FollowCity) == FollowCity("Oslo")
    with pytest.raises(CallbackDataError):
        callbacks.parse_one_of("fl|c|Norway", Country, FollowCity)


def test_a_separator_inside_a_middle_field_is_a_programming_error() -> None:
    class Pair(Action, prefix="test-pair"):
        first: str
        second: str

    assert Pair.parse("test-pair|a|b|c") == Pair("a", "b|c")  # the last field takes the rest
    with pytest.raises(ValueError):
        Pair("a|b", "c").pack()


def test_patterns_are_compiled_regular_expressions_owned_by_their_action() -> None:
    for action in ACTIONS:
        assert isinstance(action.pattern, re.Pattern)
        assert callbacks.owner_of(action.pattern) is action
    assert callbacks.owner_of(r"^c\|") is None


def test_the_module_docstring_lists_every_action_as_it_is_spelt() -> None:
    lines = [" ".join(line.split()) for line in (callbacks.__doc__ or "").splitlines()]
    for action in ACTIONS:
        assert f"{callbacks.wire_format(action)} {action.__name__}" in lines


def test_pattern_for_refuses_a_word_the_action_does_not_have() -> None:
    with pytest.raises(ValueError):
        StepButton.pattern_for(action="zz")
    with pytest.raises(ValueError):
        Card.pattern_for(key="x")


def test_card_follow_buttons_old_and_new_read_apart() -> None:
    # Menus sent before buttons said follow or stop still reach their handler, as toggles.
    old = "fx|2|safer-alta-de-lisboa"
    assert callbacks.parse_one_of(old, callbacks.FollowSet, callbacks.FollowToggle) == (
        callbacks.FollowToggle(2, "safer-alta-de-lisboa")
    )
    new = callbacks.FollowSet("f", 2, "safer-alta-de-lisboa").pack()
    assert new == "fx|f|2|safer-alta-de-lisboa" and not parses(callbacks.FollowToggle, new)
    assert callbacks.PickTopic.parse("fk|t|3") == callbacks.PickTopic(3, "")
