"""The publishing path queues alerts: imports, the CLI, and all-or-nothing writes."""

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.alerts import PENDING
from bot.app import build_services
from bot.models import OutboxRow, Practice, Subscription
from store.db import open_database
from store.outbox import Outbox
from store.subscriptions import SubscriptionStore
from tests.fakes import make_settings

RECORD = {
    "title": "A brand new Roma mentoring scheme",
    "cities": ["Barcelona"],
    "country": "Spain",
    "period": "2024 - ongoing",
    "topics": ["Roma"],
    "purpose": "Mentors for young Roma.",
}


def follow_roma(path: Path, chat_id: int = 5) -> None:
    database = open_database(path)
    SubscriptionStore(database).add(Subscription(chat_id, chat_id, "topic", "Roma"), limit=50)
    database.close()


def pending_chats(path: Path) -> list[int]:
    database = open_database(path)
    try:
        return [row.chat_id for row in Outbox(database).pending()]
    finally:
        database.close()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DB_PATH", str(tmp_path / "bot.json"))
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    (tmp_path / "new.json").write_text(json.dumps([RECORD]), encoding="utf-8")
    return tmp_path


def test_the_first_load_of_the_bundled_catalogue_never_alerts(tmp_path: Path) -> None:
    follow_roma(tmp_path / "bot.json")  # subscribed before the catalogue was ever loaded
    database = open_database(tmp_path / "bot.json")
    services = build_services(make_settings(), database)
    assert len(services.catalog) > 50
    assert Outbox(database).pending() == []
    database.close()


def test_import_queues_alerts_for_the_running_bot_to_send(cli_env: Path) -> None:
    main(["stats"])  # the first start: the bundled catalogue is loaded
    follow_roma(cli_env / "bot.json")
    assert main(["import", "new.json"]) == 0
    assert pending_chats(cli_env / "bot.json") == [5]
    assert main(["import", "new.json"]) == 0  # nothing new: nothing more queued
    assert pending_chats(cli_env / "bot.json") == [5]


def test_import_with_no_alerts_queues_nothing(cli_env: Path) -> None:
    main(["stats"])
    follow_roma(cli_env / "bot.json")
    assert main(["import", "new.json", "--no-alerts"]) == 0
    assert pending_chats(cli_env / "bot.json") == []


def test_a_practice_and_its_alerts_are_written_together_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    follow_roma(path)
    database = open_database(path)
    services = build_services(make_settings(), database)

    def broken(rows: list[OutboxRow]) -> None:
        raise OSError("disk full")

    services.outbox.queue = broken  # type: ignore[method-assign]  # the alerts' write fails
    practice = Practice(id="doomed-roma", title="Doomed", country="Spain", topics=["Roma"])
    with pytest.raises(OSError):
        services.publisher.publish([practice])
    assert services.catalog.get("doomed-roma") is None
    database.close()

    database = open_database(path)
    assert database.table("practices").search(lambda doc: doc["id"] == "doomed-roma") == []
    assert [d["status"] for d in database.table("outbox").all()] == []
    database.close()


def test_queued_rows_wait_as_pending(tmp_path: Path) -> None:
    path = tmp_path / "bot.json"
    follow_roma(path, chat_id=8)
    database = open_database(path)
    services = build_services(make_settings(), database)
    practice = Practice(id="fresh-roma", title="Fresh", country="Spain", topics=["Roma"])
    services.publisher.publish([practice])
    database.close()
    database = open_database(path)
    [row] = database.table("outbox").all()
    assert (row["chat_id"], row["keys"], row["status"]) == (8, ["fresh-roma"], PENDING)
    database.close()
