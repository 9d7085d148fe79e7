"""Every store test runs twice: on TinyDB's memory storage and on a real file."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store.db import Database, open_database


@pytest.fixture(params=["memory", "file"])
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> Path | None:
    return None if request.param == "memory" else tmp_path / "bot.json"


@pytest.fixture
def opened() -> Iterator[list[Database]]:
    """Every database a test opens, closed at its end."""
    databases: list[Database] = []
    yield databases
    for database in databases:
        database.close()


@pytest.fixture
def store_database(db_path: Path | None, opened: list[Database]) -> Database:
    """An open, empty database."""
    opened.append(open_database(db_path))
    return opened[-1]


@pytest.fixture
def reopen_database(db_path: Path | None, opened: list[Database]) -> Callable[[], Database]:
    """Return a function giving the database read back from its file (in memory: the same)."""

    def reopen() -> Database:
        if db_path is not None:
            opened.pop().close()
            opened.append(open_database(db_path))
        return opened[-1]

    return reopen
