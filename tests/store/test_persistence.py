"""PTB persistence in the bot's TinyDB file: conversation states, and nothing else."""

from pathlib import Path

import pytest

from store.db import open_database
from store.persistence import TinyDBPersistence


async def test_conversation_states_are_written_and_read_back_from_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    persistence = TinyDBPersistence(database)
    await persistence.update_conversation("submit", (1001, 1001), "asking")
    await persistence.update_conversation("submit", (1002, 1002), "preview")
    await persistence.update_conversation("submit", (1001, 1001), "duplicate")
    await persistence.update_conversation("reject", (9001, 9001), "reason")
    await persistence.update_conversation("submit", (1002, 1002), None)
    database.close()  # no flush: every update is on disk already

    database = open_database(path)
    try:
        again = TinyDBPersistence(database)
        assert await again.get_conversations("submit") == {(1001, 1001): "duplicate"}
        assert await again.get_conversations("reject") == {(9001, 9001): "reason"}
        assert await again.get_conversations("other") == {}
    finally:
        database.close()


async def test_only_conversations_are_stored() -> None:
    database = open_database(None)
    persistence = TinyDBPersistence(database)
    stored = persistence.store_data
    assert not (stored.bot_data or stored.user_data or stored.chat_data or stored.callback_data)
    await persistence.update_bot_data({"services": object()})
    assert await persistence.get_bot_data() == {}
    assert database.table("conversations").all() == []


async def test_a_state_that_is_not_plain_data_is_refused() -> None:
    persistence = TinyDBPersistence(open_database(None))
    with pytest.raises(TypeError):
        await persistence.update_conversation("submit", (1, 1), object())
