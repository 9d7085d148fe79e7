"""The jobs that run while the bot runs: alert delivery and the search log's writes.

Every second `bot.delivery.Deliverer` drains the outbox; every FLUSH_SECONDS the search log
(`store.search_log`) writes its new counts. The daily snapshot is `handlers.backups`.
"""

import logging

from telegram.ext import Application, ContextTypes

from handlers.deps import Services, services
from store.search_log import FLUSH_SECONDS

log = logging.getLogger(__name__)
JOB_NAME = "deliver-alerts"
TICK_SECONDS = 1.0


def schedule_delivery(app: Application) -> None:
    """Run the delivery job every second while the application runs."""
    if app.job_queue is None:
        log.warning("no job queue: alerts will not be delivered (install the job-queue extra)")
        return
    # A drain can outlast one tick; the next tick then returns at once (`Deliverer.running`),
    # and allowing two instances keeps APScheduler from logging a skipped run every second.
    app.job_queue.run_repeating(
        delivery_job,
        TICK_SECONDS,
        first=TICK_SECONDS,
        name=JOB_NAME,
        job_kwargs={"max_instances": 2, "coalesce": True},
    )


async def delivery_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drain the outbox until it is empty or the application stops."""
    app = context.application
    await services(context).deliverer.drain(context.bot, should_stop=lambda: not app.running)


def schedule_search_log_flush(app: Application) -> None:
    """Write the search log's new counts every FLUSH_SECONDS (and when the bot stops)."""
    if app.job_queue is not None:
        app.job_queue.run_repeating(
            _flush_search_log, FLUSH_SECONDS, first=FLUSH_SECONDS, name="search log"
        )


async def _flush_search_log(context: ContextTypes.DEFAULT_TYPE) -> None:
    write_search_log(services(context))


def write_search_log(svc: Services) -> None:
    """Write the search log's new counts now (before a snapshot, every minute); log failures."""
    try:
        svc.search_log.flush()
    except OSError as error:
        log.error("could not write the search log: %s", error)


def close_search_log(svc: Services) -> None:
    """Write the search log's last counts and close it (at shutdown)."""
    try:
        svc.search_log.close()
    except OSError as error:
        log.error("could not write the search log: %s", error)
