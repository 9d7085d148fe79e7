"""A disk that is full, read-only or not writable at start-up: one line, exit 1, every command.

The faults are simulated at the file layer (`os`), since the tests may run as root, for whom
no permission is ever missing.
"""

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from store.db import open_database

FAULTS = {
    "full": errno.ENOSPC,
    "read-only": errno.EROFS,
    "not writable": errno.EACCES,
}
COMMANDS = [["run"], ["import", "practices.json"], ["export", "out.json"], ["stats"]]


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_API_BASE_URL", "TELEGRAM_API_FILE_URL", "ADMIN_IDS", "ALERT_RATE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST-TOKEN")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9/bot")
    monkeypatch.setenv("DB_PATH", str(tmp_path / "data" / "bot.json"))
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    (tmp_path / "practices.json").write_text("[]", encoding="utf-8")
    return tmp_path / "data"


def break_disk(monkeypatch: pytest.MonkeyPatch, code: int, under: Path) -> None:
    """Make every write under a folder fail as the disk would (opening, writing, reserving)."""
    real_open, real_write = os.open, os.write
    writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND

    def fail(path: Any = None) -> OSError:
        return OSError(code, os.strerror(code), str(path) if path is not None else None)

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        inside = Path(os.fspath(path)).resolve().is_relative_to(under.resolve())
        if inside and flags & writing and code != errno.ENOSPC:
            raise fail(path)
        return real_open(path, flags, *args, **kwargs)

    def fallocate(fd: int, offset: int, length: int) -> None:
        raise fail()

    def write(fd: int, data: Any) -> int:
        if code == errno.ENOSPC and len(data):
            raise fail()
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "posix_fallocate", fallocate)
    monkeypatch.setattr(os, "write", write)
    monkeypatch.setattr(os, "writev", lambda fd, pieces: write(fd, b"".join(pieces)))


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_disk_fault_at_start_up_is_one_line_and_exit_1(
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    fault: str,
    command: list[str],
) -> None:
    open_database(data_dir / "bot.json").close()  # a database that was fine until now
    capsys.readouterr()
    break_disk(monkeypatch, FAULTS[fault], data_dir)
    code = main(command)
    err = capsys.readouterr().err
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error:") and os.strerror(FAULTS[fault]) in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_new_database_on_a_faulty_disk_is_one_line_and_exit_1(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    data_dir.mkdir()
    break_disk(monkeypatch, FAULTS[fault], data_dir)
    assert main(["stats"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), lines


def test_an_import_record_with_a_lone_surrogate_is_rejected_and_the_rest_imported(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {
        "title": "Neighbourhood mediators in Lyon",
        "country": "France",
        "cities": ["Lyon"],
        "topics": ["Mediation and conflict resolution"],
    }
    records = [
        {**good, "title": "Broken \\ud800 title"},
        {**good, "title": "Broken keywords", "keywords": ["ok", "bad \\udfff"]},
        good,
    ]
    text = "[" + ",".join(json.dumps(r).replace("\\\\u", "\\u") for r in records) + "]"
    (data_dir.parent / "surrogates.json").write_text(text, encoding="utf-8")
    assert main(["import", "surrogates.json", "--no-alerts"]) == 0
    out = capsys.readouterr().out
    assert "added 1," in out and "rejected 2" in out
    assert "title: not valid text" in out and "keywords: not valid text" in out
    database = open_database(data_dir / "bot.json")
    try:
        titles = {doc["title"] for doc in database.table("practices").all()}
    finally:
        database.close()
    assert "Neighbourhood mediators in Lyon" in titles
    assert not any("Broken" in title for title in titles)


def test_export_to_a_folder_that_does_not_exist_names_the_file_in_one_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = data_dir.parent / "no" / "such" / "folder" / "out.json"
    assert main(["export", str(target)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"error: can't write {target}: No such file or directory"


def test_backup_then_restore_say_what_they_did_in_a_line_each(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_database(data_dir / "bot.json").close()
    assert main(["backup"]) == 0
    archive = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert main(["restore", archive]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("restored the database (") and out[0].endswith(archive)
    assert len(out) == 2 and out[1].startswith("the previous files are kept in")
