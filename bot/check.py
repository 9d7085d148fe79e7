"""`python -m bot check`: is this installation ready to run? One line per finding.

Checks, in order: the configuration; every database file (readable, a TinyDB document, a
schema version this bot knows; the journal's whole and torn lines); the token (`getMe`); in
webhook mode, the webhook Telegram holds (`getWebhookInfo`: URL, pending updates, last error).
It never takes the database lock, so it can run beside the bot.
"""

import asyncio
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.config import ConfigError, Settings, load_settings
from store.db import SCHEMA_VERSION, SHARDED, concern_files, database_files, orphaned_files
from store.health import FileReport, commit_note, inspect_file, is_journal, running_pid
from store.search_log import search_log_path

# More pending updates than this means the bot is not taking them (down, or the proxy is).
PENDING_WARNING = 100


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report."""

    ok: bool
    topic: str
    text: str

    def line(self) -> str:
        """Return `ok    topic: text` or `FAIL  topic: text`."""
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.topic}: {' '.join(self.text.split())}"


def run_check() -> int:
    """Print every finding and return the exit code: 0 when all are ok, 1 otherwise."""
    findings = list(check_all(None, Path(".env")))
    for finding in findings:
        print(finding.line())
    return 0 if all(f.ok for f in findings) else 1


def check_all(environ: Mapping[str, str] | None, dotenv: Path | None) -> Iterator[Finding]:
    """Yield the findings; a configuration that can't be read stops there."""
    try:
        settings = load_settings(environ, dotenv)
    except ConfigError as error:
        yield Finding(False, "config", str(error))
        return
    mode = f"webhook at {settings.webhook_url}" if settings.webhook_mode else "long polling"
    yield Finding(True, "config", f"{mode}; {len(settings.admin_ids)} moderators")
    yield from check_database(settings.db_path)
    if settings.token is None:
        yield Finding(False, "token", "TELEGRAM_BOT_TOKEN is not set")
        return
    yield from asyncio.run(_check_telegram(settings))


def check_database(db_path: Path) -> Iterator[Finding]:
    """Yield whether a bot process holds the database, then one finding per file."""
    pid = running_pid(db_path)
    yield Finding(True, "process", f"the bot is running (pid {pid})" if pid else "no bot running")
    orphans = orphaned_files(db_path)
    if orphans:
        yield Finding(
            False,
            "database",
            f"{db_path} is missing, but {len(orphans)} other files of its database are there "
            f"({orphans[0].name} …): the bot will not start; restore it from a backup",
        )
        return
    if not db_path.exists():
        yield Finding(True, "database", f"{db_path} not created yet; the bot creates it")
        return
    main = inspect_file(db_path)
    # The files of the main file's schema (1: made at the next start, as this version's).
    layout = main.schema if main.schema and main.schema > 1 else SCHEMA_VERSION
    sharded = [concern_files(db_path, concern, layout) for concern in SHARDED]
    shards = {path: files[-1] for files in sharded if len(files) > 1 for path in files}
    whole: list[FileReport] = []  # the valid shards of a concern: one line for all of them
    for path in database_files(db_path, layout):
        report = main if path == db_path else inspect_file(path)
        if path in shards:
            if report.exists and not report.problem:
                whole.append(report)
            if path == shards[path] and whole:
                yield Finding(True, "database", shards_line(whole))
                whole = []
            if report.exists and not report.problem:
                continue
        topic = "journal" if is_journal(path) else "database"
        if report.problem:
            yield Finding(False, topic, f"{path} {report.problem}")
        elif report.exists:
            yield Finding(True, topic, f"{path}: {report.detail}")
        elif is_journal(path):
            yield Finding(True, topic, f"{path}: empty")
        elif main.schema is not None and main.schema < SCHEMA_VERSION:
            yield Finding(True, topic, f"{path}: made from {db_path} at the next start")
        else:
            yield Finding(False, topic, f"{path} is missing: restore a backup")
    searches = inspect_file(search_log_path(db_path))
    if searches.problem:
        yield Finding(False, "searches", f"{searches.path} {searches.problem}")
    elif searches.exists:
        yield Finding(True, "searches", f"{searches.path}: {searches.detail}")
    if commit_note(db_path).exists():
        yield Finding(True, "database", "a change cut short will be completed at the next start")


def shards_line(reports: list[FileReport]) -> str:
    """Say in one line what the valid shards of a concern hold: files, then documents."""
    counts: dict[str, int] = {}
    for report in reports:
        for table, count in report.counts.items():
            counts[table] = counts.get(table, 0) + count
    tables = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()))
    return (
        f"{reports[0].path} … {reports[-1].path.name}: {len(reports)} shards; {tables or 'empty'}"
    )


async def _check_telegram(settings: Settings) -> list[Finding]:
    token = settings.require_token()
    bot = Bot(token, base_url=settings.api_base_url, base_file_url=settings.api_file_url)
    try:
        async with bot:
            findings = [Finding(True, "token", f"accepted: the bot is @{bot.username}")]
            if settings.webhook_mode:
                findings.append(await _check_webhook(bot, settings))
            return findings
    except InvalidToken:
        return [Finding(False, "token", "Telegram rejected TELEGRAM_BOT_TOKEN")]
    except (NetworkError, TelegramError) as error:
        reason = str(error).replace(token, "<token>")
        return [
            Finding(
                False, "token", f"can't reach the Bot API at {settings.api_base_url} ({reason})"
            )
        ]


async def _check_webhook(bot: Bot, settings: Settings) -> Finding:
    info = await bot.get_webhook_info()
    if not info.url:
        return Finding(False, "webhook", "Telegram has no webhook: start the bot to register it")
    if info.url != settings.webhook_url:
        return Finding(
            False, "webhook", f"Telegram posts to {info.url}, not WEBHOOK_URL; restart the bot"
        )
    pending = f"{info.pending_update_count} pending updates"
    if info.last_error_message:
        when = info.last_error_date or datetime.now(UTC)
        return Finding(
            False,
            "webhook",
            f"{info.url}: {pending}; last error {when:%Y-%m-%d %H:%M} UTC: "
            f"{info.last_error_message}",
        )
    if info.pending_update_count > PENDING_WARNING:
        return Finding(False, "webhook", f"{info.url}: {pending}; is the bot running?")
    return Finding(True, "webhook", f"{info.url}: {pending}, no error")
