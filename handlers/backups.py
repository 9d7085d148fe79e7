"""The running bot's snapshots: every day at BACKUP_TIME, and when `python -m bot backup` asks.

The bot takes them itself so that the files are read in one step on the event loop, where
every write is made, once its writer thread is idle (see `store.backup`). The command line
asks by writing the wanted archive path into `<DB_PATH>.backup-request` and sending SIGUSR1;
the bot writes the archive there (by rename, so it appears whole) and removes the request.
"""

import asyncio
import datetime as dtm
import logging
import signal
from pathlib import Path

from telegram.ext import Application, ContextTypes

from bot.config import Settings
from handlers.deps import SERVICES_KEY, Services
from handlers.jobs import write_search_log
from store.backup import prune, read_files, snapshot_name, write_archive
from store.db import Database

log = logging.getLogger(__name__)
REQUEST_SUFFIX = ".backup-request"
REQUEST_SIGNAL = signal.SIGUSR1
JOB_NAME = "daily-backup"


def request_path(db_path: Path) -> Path:
    """Return the file through which the command line asks the running bot for a snapshot."""
    return db_path.with_name(db_path.name + REQUEST_SUFFIX)


async def take_snapshot(
    settings: Settings, target: Path | None = None, database: Database | None = None
) -> Path:
    """Snapshot the database now and prune old snapshots; return the archive written.

    `database`: the bot's open database, whose writes in flight are awaited first.
    """
    if database is not None:
        await database.idle()
    contents = read_files(settings.db_path)  # one synchronous step: no write in between
    target = target or settings.backups / snapshot_name()
    await asyncio.to_thread(write_archive, contents, settings.db_path, target)
    await asyncio.to_thread(prune, settings.backups, settings.backup_keep)
    log.info("snapshot written to %s", target)
    return target


async def daily_backup(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take the day's snapshot."""
    svc: Services = context.bot_data[SERVICES_KEY]
    write_search_log(svc)  # the snapshot holds the searches counted so far
    try:
        await take_snapshot(svc.settings, database=svc.database)
    except OSError as error:
        log.error("the daily snapshot failed: %s", error)


async def answer_request(app: Application) -> None:
    """Write the snapshot the command line asked for, then remove its request."""
    svc: Services = app.bot_data[SERVICES_KEY]
    request = request_path(svc.settings.db_path)
    try:
        target = Path(request.read_text(encoding="utf-8").strip())
    except OSError:
        log.warning("SIGUSR1 without a backup request; ignored")
        return
    write_search_log(svc)
    try:
        await take_snapshot(svc.settings, target, svc.database)
    except OSError as error:
        log.error("the requested snapshot failed: %s", error)
    finally:
        request.unlink(missing_ok=True)


def schedule_backups(app: Application) -> None:
    """Run the daily snapshot at BACKUP_TIME (UTC)."""
    settings = app.bot_data[SERVICES_KEY].settings
    if app.job_queue is None:
        log.warning("no job queue: no daily snapshot (install the job-queue extra)")
        return
    at = settings.backup_time.replace(tzinfo=dtm.UTC)
    app.job_queue.run_daily(daily_backup, at, name=JOB_NAME)


def listen_for_requests(app: Application) -> None:
    """Answer SIGUSR1 with a snapshot (call it on the running loop, in post_init).

    A request made while the bot was starting (the signal was ignored then) is answered now.
    """
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(REQUEST_SIGNAL, lambda: app.create_task(answer_request(app)))
    if request_path(app.bot_data[SERVICES_KEY].settings.db_path).exists():
        app.create_task(answer_request(app))
