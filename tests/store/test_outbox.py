"""Tests for the outbox (`store/outbox.py`): rows in TinyDB, marks in the journal."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.alerts import DROPPED, FAILED, PENDING, SENT, OutboxRow
from store.db import Database, open_database
from store.outbox import FOLD_AFTER, JOURNAL_SUFFIX, Journal, Outbox


@pytest.fixture
def database(db_path: Path | None) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


def rows(*chats: int) -> list[OutboxRow]:
    return [OutboxRow(chat, [f"p{n}"], ["Roma"]) for n, chat in enumerate(chats)]


def statuses(database: Database) -> dict[int, str]:
    return {doc.doc_id: doc["status"] for doc in database.table("outbox").all()}


def test_queued_rows_get_ids_and_are_pending_in_order(database: Database) -> None:
    outbox = Outbox(database)
    queued = rows(1, 2, 3)
    outbox.queue(queued)
    assert [r.id for r in queued] == [1, 2, 3]
    assert [(r.id, r.chat_id, r.keys, r.why) for r in outbox.pending()] == [
        (1, 1, ["p0"], ["Roma"]),
        (2, 2, ["p1"], ["Roma"]),
        (3, 3, ["p2"], ["Roma"]),
    ]


def test_a_mark_takes_a_row_out_of_pending_at_once_and_reaches_the_table_on_fold(
    database: Database,
) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(1, 2, 3))
    outbox.mark(1, SENT)
    outbox.mark(2, FAILED, "Timed out")
    assert [r.id for r in outbox.pending()] == [3]
    assert not outbox.is_pending(1) and outbox.is_pending(3)
    assert statuses(database) == {1: PENDING, 2: PENDING, 3: PENDING}  # not rewritten yet
    outbox.fold()
    # Done rows leave the outbox and become counts: the file holds what is pending.
    assert statuses(database) == {3: PENDING}
    stats = outbox.stats()
    assert stats.counts == {SENT: 1, FAILED: 1, PENDING: 1}
    assert stats.failures == {"Timed out": 1}


def test_take_new_returns_only_rows_queued_since_and_really_stored(database: Database) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(1))
    assert [r.chat_id for r in outbox.pending()] == [1]
    outbox.queue(rows(2))
    with pytest.raises(RuntimeError), database.transaction():
        outbox.queue(rows(3))  # the publication failed: these rows were never written
        raise RuntimeError
    assert [r.chat_id for r in outbox.take_new()] == [2]
    assert outbox.take_new() == []


def test_stats_count_statuses_and_reasons(database: Database) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(1, 2, 3, 4))
    outbox.mark(1, SENT)
    outbox.mark(2, FAILED, "Bad Request: message is too long")
    outbox.mark(3, DROPPED, "blocked")
    stats = outbox.stats()
    assert stats.counts == {SENT: 1, FAILED: 1, DROPPED: 1, PENDING: 1}
    assert stats.failures == {"Bad Request: message is too long": 1}


def test_moving_and_deleting_a_chat(database: Database) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(-1, -1, 2, 2))
    outbox.move_chat(-1, -100)
    assert [r.chat_id for r in outbox.pending()] == [-100, -100, 2, 2]
    outbox.mark(3, SENT)
    assert outbox.delete_chat(2) == 1  # the sent one is only a count by now
    assert [r.chat_id for r in outbox.pending()] == [-100, -100]


def test_many_marks_fold_by_themselves(database: Database) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(*range(FOLD_AFTER)))
    for row_id in range(1, FOLD_AFTER + 1):
        outbox.mark(row_id, SENT)
    assert statuses(database) == {}
    assert [d["count"] for d in database.table("outbox_summary").all()] == [FOLD_AFTER]


def test_counts_older_than_the_retention_are_forgotten(database: Database) -> None:
    outbox = Outbox(database)
    outbox.queue(rows(1, 2))
    outbox.mark(1, SENT)
    outbox.fold()
    database.table("outbox_summary").update({"day": "2000-01-01"})
    outbox.mark(2, SENT)
    outbox.fold()
    assert [(d["day"] > "2000", d["count"]) for d in database.table("outbox_summary").all()] == [
        (True, 1)
    ]


def test_finished_rows_of_an_older_database_become_counts(database: Database) -> None:
    database.table("outbox").insert_multiple(
        [
            {"chat_id": 1, "status": SENT, "done_at": "2099-01-01T10:00:00+00:00"},
            {"chat_id": 2, "status": FAILED, "reason": "x", "done_at": "2099-01-01T11:00:00"},
            {"chat_id": 3, "status": SENT, "done_at": "2000-01-01T10:00:00+00:00"},
            {"chat_id": 4, "status": PENDING},
        ]
    )
    outbox = Outbox(database)
    outbox.queue(rows(5))
    outbox.mark(5, SENT)
    outbox.fold()
    assert statuses(database) == {4: PENDING}
    stats = outbox.stats()
    assert stats.counts == {SENT: 2, FAILED: 1, PENDING: 1}
    assert stats.failures == {"x": 1}


# ----- on a real file: restarts and crashes -------------------------------------------------


def test_marks_survive_a_crash_before_the_fold(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    outbox = Outbox(database)
    outbox.queue(rows(1, 2, 3))
    outbox.mark(1, SENT)
    outbox.mark(2, SENT)
    database.close()  # the process dies: nothing folded
    assert (tmp_path / f"bot.json{JOURNAL_SUFFIX}").exists()

    database = open_database(path)
    restarted = Outbox(database)
    assert [r.id for r in restarted.pending()] == [3]
    assert statuses(database) == {3: PENDING}
    assert restarted.stats().counts == {SENT: 2, PENDING: 1}
    assert not (tmp_path / f"bot.json{JOURNAL_SUFFIX}").exists()
    database.close()


def test_a_torn_last_line_is_ignored_so_that_row_is_sent_again(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    Outbox(database).queue(rows(1, 2))
    database.close()
    journal = tmp_path / f"bot.json{JOURNAL_SUFFIX}"
    journal.write_text(json.dumps({"id": 1, "s": SENT}) + '\n{"id": 2, "s": "se')

    database = open_database(path)
    assert [r.id for r in Outbox(database).pending()] == [2]
    database.close()


def test_folding_twice_after_a_crash_between_fold_and_clear_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    outbox = Outbox(database)
    outbox.queue(rows(1, 2))
    outbox.mark(1, SENT)
    kept = (tmp_path / f"bot.json{JOURNAL_SUFFIX}").read_text()
    outbox.fold()
    database.close()
    (tmp_path / f"bot.json{JOURNAL_SUFFIX}").write_text(kept)  # the clear never happened

    database = open_database(path)
    again = Outbox(database)
    assert [r.id for r in again.pending()] == [2]
    assert statuses(database) == {2: PENDING}
    assert again.stats().counts == {SENT: 1, PENDING: 1}  # not counted twice
    database.close()


def test_journal_without_a_path_keeps_nothing(tmp_path: Path) -> None:
    journal = Journal(None)
    journal.append({"id": 1, "s": SENT})
    assert journal.read() == []
    on_disk = Journal(tmp_path / "j")
    on_disk.append({"id": 1, "s": SENT})
    on_disk.append({"id": 2, "s": FAILED, "r": "x"})
    assert on_disk.read() == [{"id": 1, "s": SENT}, {"id": 2, "s": FAILED, "r": "x"}]
    on_disk.clear()
    assert on_disk.read() == []


def test_journal_lines_that_are_json_but_not_marks_are_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "bot.json"
    database = open_database(path)
    Outbox(database).queue(rows(1, 2, 3, 4, 5, 6))
    database.close()
    lines = [
        {"id": 1},  # no status
        {"id": 2, "s": "exploded"},  # a status no version wrote
        {"s": SENT},  # no id
        {"id": "4", "s": SENT},  # an id that is not a number
        [5, SENT],  # not an object
        {"id": 6, "s": SENT},  # a real mark
    ]
    journal = tmp_path / f"bot.json{JOURNAL_SUFFIX}"
    journal.write_text("\n".join(json.dumps(line) for line in lines) + "\n")

    database = open_database(path)
    outbox = Outbox(database)
    assert [r.id for r in outbox.pending()] == [1, 2, 3, 4, 5]  # sent (again) rather than lost
    assert outbox.stats().counts == {PENDING: 5, SENT: 1}
    database.close()
    skipped = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert len(skipped) == 5


def test_a_journal_with_room_reserved_reads_back_its_marks(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j")
    journal.reserve(10)
    journal.append({"id": 1, "s": SENT})
    journal.close()
    assert (tmp_path / "j").stat().st_size > 100  # zeros reserved beyond the line
    again = Journal(tmp_path / "j")
    again.append({"id": 2, "s": FAILED, "r": "x"})
    assert again.read() == [{"id": 1, "s": SENT}, {"id": 2, "s": FAILED, "r": "x"}]
    again.close()
    end = len((tmp_path / "j").read_bytes().rstrip(b"\0"))
    with (tmp_path / "j").open("r+b") as handle:  # a line torn by a crash, then more marks
        handle.seek(end)
        handle.write(b'{"id": 3, "s": "se')
    torn = Journal(tmp_path / "j")
    torn.append({"id": 4, "s": SENT})
    assert [m["id"] for m in torn.read()] == [1, 2, 4]
