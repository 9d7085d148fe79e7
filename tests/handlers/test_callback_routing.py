"""Every button is routed by its action's pattern, and forged data gets one answer."""

import copy
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler

from bot import callbacks
from bot.callbacks import ACTIONS, Action
from bot.search_texts import STALE_BUTTON
from handlers import fallback, gate
from store.db import TABLES, Database
from tests.fakes import ADMIN_ID, BotHarness, FakeRequest, make_settings, memory_database
from tests.handlers.dialogue import running_bot
from tests.test_callbacks import all_variants, forged

# Handlers that take every button: the group gate (before all) and the stale answer (after all).
CATCH_ALL = {gate.on_group_button, gate.on_repeated_press, fallback.stale_button}


def callback_handlers(handlers: list[BaseHandler]) -> Iterator[CallbackQueryHandler]:
    """Yield the CallbackQueryHandlers, those inside a ConversationHandler included, in order."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            inner = [*handler.entry_points, *handler.fallbacks]
            inner += [h for state in handler.states.values() for h in state]
            yield from callback_handlers(inner)
        elif isinstance(handler, CallbackQueryHandler):
            yield handler


def owned_by(handler: CallbackQueryHandler, action: type[Action]) -> bool:
    owner = callbacks.owner_of(handler.pattern)
    if isinstance(owner, tuple):
        return action in owner
    if isinstance(owner, str):  # a namespace: all data under `<namespace>|`
        return action.prefix.split("|")[0] == owner
    return owner is action


@pytest.fixture
async def database() -> Database:
    return memory_database()


@pytest.fixture
async def harness(database: Database) -> AsyncIterator[BotHarness]:
    async with BotHarness(database, FakeRequest(), make_settings()) as bot:
        yield bot


def all_handlers(harness: BotHarness) -> list[CallbackQueryHandler]:
    groups = sorted(harness.app.handlers)
    return list(callback_handlers([h for g in groups for h in harness.app.handlers[g]]))


def test_every_button_handler_routes_by_a_pattern_of_bot_callbacks(harness: BotHarness) -> None:
    handlers = all_handlers(harness)
    for handler in handlers:
        if handler.pattern is None:
            assert handler.callback in CATCH_ALL
        else:
            assert callbacks.owner_of(handler.pattern) is not None, handler.pattern
    patterns = [h.pattern for h in handlers if h.pattern is not None]
    assert len(patterns) == len(set(patterns)), "a pattern registered twice"


def test_every_button_has_a_handler_of_its_action(harness: BotHarness) -> None:
    handlers = [h for h in all_handlers(harness) if h.pattern is not None]
    for button in all_variants():
        data = button.pack()
        takers = [h for h in handlers if h.pattern.match(data)]
        assert takers, f"no handler for {data!r}"
        assert all(owned_by(h, type(button)) for h in takers), data


def snapshot(harness: BotHarness, database: Database) -> dict[str, Any]:
    """Return what the bot keeps, but who wrote last (noted for every update, by design)."""
    tables = {name: database.table(name).all() for name in TABLES if name != "members"}
    searches = {k: v for k, v in harness.app.bot_data.items() if k.startswith("search")}
    return copy.deepcopy({"tables": tables, "searches": searches})


OTHER_FORGED = ["garbage", "", "mod|zz", "sb|zz|3", "sb|stale", "c|", "c|" + "x" * 63]
# Data of the right shape that names nothing: an unknown language, place, topic or search.
NAMES_NOTHING = ["lg|xx", "cn|Atlantis", "fl|y|Atlantis", "fl|c|narnia", "fl|t|99", "ps|1|ffff"]
CASES = {action.__name__: forged(action) for action in ACTIONS}
CASES |= {"other": OTHER_FORGED, "names nothing": NAMES_NOTHING}


@pytest.mark.parametrize("case", CASES)
async def test_forged_or_stale_data_gets_the_one_answer_and_changes_nothing(
    harness: BotHarness, database: Database, case: str
) -> None:
    await harness.send("/start", user_id=ADMIN_ID)
    await harness.send("/subscribe topic:roma", user_id=ADMIN_ID)
    before = snapshot(harness, database)
    for data in CASES[case]:
        calls = await harness.press(data, user_id=ADMIN_ID)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert calls[0].params["text"] == STALE_BUTTON, data
        assert calls[0].params.get("show_alert") is True
    assert snapshot(harness, database) == before


async def test_forged_dialogue_data_during_a_dialogue_changes_nothing(database: Database) -> None:
    async with running_bot(database) as harness:
        await harness.send("/submit")
        before = snapshot(harness, database)
        for data in ("sb|b|x", "sb|zz|1", "sb|b", "sb|t|1|" + "é" * 40):
            calls = await harness.press(data)
            assert [c.method for c in calls] == ["answerCallbackQuery"], data
            assert calls[0].params["text"] == STALE_BUTTON
        assert snapshot(harness, database) == before
