"""Insight for the secretariat: `/stats` for moderators, and what feeds it.

Members are noted on every update (their Telegram language), searches are counted in the
search log (`store.search_log`); `collect` gathers every figure for `/stats` and for
`python -m bot stats`.
"""

import asyncio
import logging
import multiprocessing
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta

from telegram import Update
from telegram.ext import ContextTypes

from bot import chart
from bot.stats import CHART_HINT, Stats, chunks, render
from handlers.deps import FIRST_VISIT, MODERATORS_ONLY, Services, services
from handlers.language import tr
from handlers.updates import message_of
from store.figures import alert_counts, submission_counts

log = logging.getLogger(__name__)
WEEKS = 12
ACTIVE_DAYS = 30
QUERY_DAYS = 30


async def draw_chart(stats: Stats, language: str = "en") -> bytes:
    """Draw the /stats chart in a separate process and return the PNG.

    matplotlib holds the interpreter lock while it imports and draws (seconds on a small
    server), which in a thread would stall every other member's answer; a process of its own
    keeps the bot answering.
    """
    loop = asyncio.get_running_loop()
    spawn = multiprocessing.get_context("spawn")  # fork is unsafe beside the bot's threads
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        return await loop.run_in_executor(pool, chart.render_png, stats, language)


def collect(svc: Services, now: datetime | None = None) -> Stats:
    """Gather every figure from the stores."""
    now = now or datetime.now(UTC)
    search_log = svc.search_log
    svc.outbox.fold()
    week_ago = (now - timedelta(days=6)).date().isoformat()  # 7 days, today included
    since = (now - timedelta(days=ACTIVE_DAYS - 1)).date().isoformat()
    members, active, languages = svc.members.counts(since)
    countries = sorted(svc.catalog.country_counts(), key=lambda item: (-item[1], item[0]))
    return Stats(
        practices_by_status=svc.practices.count(),
        practices_by_topic=sorted(svc.catalog.topic_counts(), key=lambda item: -item[1]),
        practices_by_country=countries,
        members=members,
        members_active=active,
        members_by_language=languages,
        subscriptions_by_kind=dict(Counter(s.kind for s in svc.subscriptions.active())),
        alerts_week=alert_counts(svc.database, week_ago),
        submissions=submission_counts(svc.database),
        searches_per_week=search_log.per_week(WEEKS),
        top_queries=search_log.top(QUERY_DAYS, 10),
        zero_result_queries=search_log.top(QUERY_DAYS, 10, zero_only=True),
    )


async def note_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Note who wrote and in which interface language (before every other handler)."""
    user = update.effective_user
    if user is None or user.is_bot or update.my_chat_member:
        return
    members = services(context).members
    if members.is_new(user.id) and context.user_data is not None:
        context.user_data[FIRST_VISIT] = update.update_id
    members.seen(user.id, user.language_code)


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show moderators the figures, with the chart when the charts extra is installed."""
    user, message = update.effective_user, message_of(update)
    svc = services(context)
    if not svc.is_admin(user.id if user else None):
        await message.reply_text(tr(update, context).gettext(MODERATORS_ONLY))
        return
    t = tr(update, context)
    stats = collect(svc)
    lines = render(stats, t=t)
    if not chart.available():
        lines += ["", t.gettext(CHART_HINT)]
    for text in chunks(lines):
        await message.reply_text(text)
    if not chart.available():
        return
    png = await draw_chart(stats, t.language)
    await message.reply_photo(png, caption=t._("Searches per week and practices per topic"))
