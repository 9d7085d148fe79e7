"""The search log (`store/search_log.py`) and the members table (`store/members.py`)."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from store.db import open_database
from store.members import MemberStore
from store.search_log import SearchLog, search_log_path


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


def test_a_query_counts_once_per_member_per_day() -> None:
    clock = Clock(date(2026, 11, 30))
    log = SearchLog(None, clock)
    assert log.record(1, "Roma education", 3)
    assert not log.record(1, "  roma   EDUCATION ", 3)  # the same query, folded
    assert log.record(2, "roma education", 3)
    assert log.record(1, "refugees", 5)
    clock.day += timedelta(days=1)
    assert log.record(1, "Roma education", 3)
    assert log.top(30, 10) == [("roma education", 3), ("refugees", 1)]


def test_zero_result_queries_are_those_whose_last_search_found_nothing() -> None:
    clock = Clock(date(2026, 11, 2))
    log = SearchLog(None, clock)
    log.record(1, "roma housing oslo", 0)
    log.record(2, "roma housing oslo", 0)
    log.record(1, "anti rumours", 0)
    clock.day += timedelta(days=1)
    log.record(1, "anti rumours", 4)  # the catalogue has it now
    log.record(3, "mediation tartu", 0)
    assert log.top(30, 10, zero_only=True) == [("roma housing oslo", 2), ("mediation tartu", 1)]


def test_only_the_last_30_days_are_listed_and_90_kept() -> None:
    clock = Clock(date(2026, 1, 1))
    log = SearchLog(None, clock)
    log.record(1, "old query", 0)
    clock.day += timedelta(days=30)
    log.record(1, "recent query", 0)
    assert log.top(30, 10) == [("recent query", 1)]
    clock.day += timedelta(days=61)
    log.record(1, "today", 1)
    assert [q for q, _ in log.top(365, 10)] == ["recent query", "today"]


def test_searches_per_week_run_from_monday() -> None:
    clock = Clock(date(2026, 11, 30))  # a Monday
    log = SearchLog(None, clock)
    log.record(1, "a", 1)
    clock.day = date(2026, 11, 29)  # the Sunday before
    log.record(1, "b", 1)
    log.record(2, "b", 1)
    clock.day = date(2026, 12, 2)
    log.record(1, "c", 1)
    assert log.per_week(3) == [
        (date(2026, 11, 16), 0),
        (date(2026, 11, 23), 2),
        (date(2026, 11, 30), 2),
    ]


def test_the_file_keeps_no_trace_of_who_searched(tmp_path: Path) -> None:
    path = search_log_path(tmp_path / "bot.json")
    assert path == tmp_path / "bot.searches.json"
    log = SearchLog(path)
    log.record(987654321, "roma", 2)
    log.record(123456789, "roma", 2)
    assert log.flush()
    text = path.read_text(encoding="utf-8")
    assert "987654321" not in text and "123456789" not in text
    assert '"count":2' in text
    assert SearchLog(path).top(30, 10) == [("roma", 2)]


def test_members_are_written_only_when_something_changes(tmp_path: Path) -> None:
    database = open_database(tmp_path / "bot.json")
    members = MemberStore(database)
    now = datetime(2026, 11, 30, 10, tzinfo=UTC)
    assert members.seen(1, "pt-BR", now)
    assert not members.seen(1, "pt-br", now + timedelta(hours=3))
    assert members.seen(1, "pt-br", now + timedelta(days=1))
    assert members.seen(2, None, now)
    assert members.seen(3, "fr", now - timedelta(days=40))
    assert members.counts(since="2026-11-01") == (3, 2, {"pt-br": 1, "": 1, "fr": 1})
    members.forget(1)
    database.close()
    database = open_database(tmp_path / "bot.json")
    assert MemberStore(database).counts(since="2026-11-01") == (2, 1, {"": 1, "fr": 1})
    database.close()


def test_searches_are_written_by_flush_not_at_every_search(tmp_path: Path) -> None:
    path = search_log_path(tmp_path / "bot.json")
    log = SearchLog(path)
    before = path.read_bytes()
    log.record(1, "roma", 2)
    log.record(2, "housing", 0)
    assert path.read_bytes() == before  # a search costs no write of the file
    assert log.flush() and not log.flush()  # one write for both; nothing left after
    assert SearchLog(path).top(30, 10) == [("housing", 1), ("roma", 1)]
    log.record(3, "roma", 2)
    log.close()  # the bot stopping writes what is left
    assert SearchLog(path).top(30, 10) == [("roma", 2), ("housing", 1)]
