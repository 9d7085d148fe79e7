"""The alert delivery job: every second, `bot.delivery.Deliverer` drains the outbox."""

import logging

from telegram.ext import Application, ContextTypes

from handlers.deps import services

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
