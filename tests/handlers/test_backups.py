"""The bot's own snapshots (`handlers/backups.py`): the daily job and its rotation."""

import datetime as dtm
import tarfile
from pathlib import Path

from telegram.ext import CallbackContext

from handlers.backups import JOB_NAME, daily_backup
from store.db import open_database
from tests.fakes import BotHarness, FakeRequest, make_settings


async def test_the_daily_snapshot_runs_at_backup_time_and_keeps_the_newest(tmp_path: Path):
    db_path = tmp_path / "bot.json"
    settings = make_settings(
        db_path=db_path,
        backup_dir=tmp_path / "snapshots",
        backup_time=dtm.time(4, 15),
        backup_keep=2,
    )
    async with BotHarness(open_database(db_path), FakeRequest(), settings) as bot:
        [job] = bot.app.job_queue.get_jobs_by_name(JOB_NAME)
        trigger = job.job.trigger
        assert (str(trigger.fields[5]), str(trigger.fields[6])) == ("4", "15")
        assert str(trigger.timezone) == "UTC"
        context = CallbackContext.from_job(job, bot.app)
        for _ in range(3):
            await daily_backup(context)
    snapshots = sorted((tmp_path / "snapshots").glob("icc-bot-*.tar.gz"))
    assert len(snapshots) == 2
    with tarfile.open(snapshots[-1]) as tar:
        assert "bot.json" in tar.getnames()
