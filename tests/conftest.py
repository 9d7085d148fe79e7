"""Shared fixtures: a bot on a fake Bot API, over an in-memory or on-file database."""

from collections.abc import AsyncIterator

import pytest

from tests.fakes import BotHarness, FakeRequest, make_settings, memory_database


@pytest.fixture
async def harness() -> AsyncIterator[BotHarness]:
    """A bot with the bundled catalogue in memory, answering through a FakeRequest."""
    async with BotHarness(memory_database(), FakeRequest(), make_settings()) as bot:
        yield bot
