"""Command line: `python -m bot` runs the bot; `import`, `export` and `stats` manage data."""

import argparse
import html
import json
import signal
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from telegram.error import InvalidToken, NetworkError

from bot.aliases import load_aliases
from bot.config import ConfigError, Settings, load_settings
from bot.i18n import terminal_translator
from bot.import_report import import_lines
from bot.importers import ImportFileError, read_practice_file
from bot.logs import configure_logging
from handlers.backups import REQUEST_SIGNAL
from store.db import Database, DatabaseError, DatabaseLocked, open_database
from store.practices import PracticeStore


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description="The Intercultural Cities practice bot."
    )
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    importer = commands.add_parser("import", help="add or update practices from a file")
    importer.add_argument("file", type=Path, help="JSON (DESIGN §3 shape) or listing-page text")
    importer.add_argument(
        "--no-alerts", action="store_true", help="publish without alerting subscribers"
    )
    exporter = commands.add_parser("export", help="write the published practices as JSON")
    exporter.add_argument("file", type=Path, help="where to write; '-' for standard output")
    stats = commands.add_parser("stats", help="print the figures /stats shows")
    stats.add_argument("--json", action="store_true", help="as one JSON object")
    commands.add_parser("backup", help="write a snapshot of the database to BACKUP_DIR now")
    restorer = commands.add_parser("restore", help="replace the database by a snapshot")
    restorer.add_argument("file", type=Path, help="a snapshot (.tar.gz) written by backup")
    commands.add_parser(
        "check", help="check configuration, database, token and webhook; exit 1 on a problem"
    )
    return parser


def run_bot(settings: Settings, database: Database) -> int:
    """Run the bot until it is stopped."""
    from bot.app import run

    token = settings.require_token()
    try:
        run(settings, database)
    except InvalidToken:
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; copy it again from @BotFather.",
            file=sys.stderr,
        )
        return 1
    except NetworkError as error:
        reason = str(error).replace(token, "<token>")
        print(
            f"error: can't reach the Bot API at {settings.api_base_url} ({reason})",
            file=sys.stderr,
        )
        return 1
    return 0


def import_file(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    """Import practices from a file, publish the new ones, and print what changed."""
    from bot.app import build_services

    services = build_services(settings, database)
    batch = read_practice_file(args.file, services.catalog.aliases)
    report = services.publisher.publish(
        batch.practices, alerts=not args.no_alerts, partial=batch.partial
    )
    print("\n".join(import_lines(report, batch.rejected, terminal_translator())))
    return 0


def export_file(args: argparse.Namespace, database: Database) -> int:
    """Write the published practices in the import shape."""
    from bot.app import load_bundled_catalogue

    load_bundled_catalogue(database, load_aliases())
    records = [p.to_public_dict() for p in PracticeStore(database).all()]
    text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if str(args.file) == "-":
        sys.stdout.write(text)
    else:
        try:
            args.file.write_text(text, encoding="utf-8")
        except OSError as error:
            print(f"error: can't write {args.file}: {error.strerror or error}", file=sys.stderr)
            return 1
        print(f"exported {len(records)} practices to {args.file}")
    return 0


def error_line(error: BaseException) -> str:
    """Return an error as one line for the operator: an OSError as its reason and file
    ("Permission denied: data/.bot.json.tmp"), anything else as its message."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}: {error.filename}" if error.filename else error.strerror
    return str(error)


def print_stats(args: argparse.Namespace, settings: Settings, database: Database) -> int:
    """Print the secretariat's figures (as /stats shows them), or them as JSON."""
    from bot.app import build_services
    from bot.stats import render
    from handlers.stats import collect

    stats = collect(build_services(settings, database))
    if args.json:
        print(json.dumps(stats.to_json(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(html.unescape(line) for line in render(stats, html=False)))
    return 0


def stats_of_running_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Print the figures of the running bot, from a snapshot it takes for the purpose.

    The running bot owns the database; a snapshot (see `backup`) is what it has saved, read
    in one step, and is opened here in a temporary folder that is deleted afterwards.
    """
    from bot.operations import OperationError, backup
    from store.backup import BackupError, restore

    with tempfile.TemporaryDirectory(prefix="icc-stats-") as folder:
        here = Path(folder)
        try:
            archive = backup(settings.model_copy(update={"backup_dir": here}))
            db_path = here / "database" / settings.db_path.name
            restore(archive, db_path, here / "aside")
        except (OperationError, BackupError, DatabaseError, OSError) as error:
            print(f"error: {error_line(error)}", file=sys.stderr)
            return 1
        database = open_database(db_path)
        try:
            return print_stats(args, settings.model_copy(update={"db_path": db_path}), database)
        finally:
            database.close()


def backup_or_restore(args: argparse.Namespace, settings: Settings) -> int:
    """Take a snapshot now, or restore one; print what was done."""
    from bot.operations import OperationError, backup, restore_snapshot
    from store.backup import BackupError

    try:
        if args.command == "backup":
            print(f"snapshot written to {backup(settings)}")
            return 0
        restored = restore_snapshot(settings, args.file)
    except (OperationError, BackupError, DatabaseError, OSError) as error:
        print(f"error: {error_line(error)}", file=sys.stderr)
        return 1
    print(f"restored the database ({len(restored.files)} files) from {args.file}")
    print(f"the previous files are kept in {restored.aside}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors the operator can fix are one line on stderr, exit code 1."""
    args = _parser().parse_args(argv)
    if args.command == "check":
        from bot.check import run_check

        return run_check()
    if (args.command or "run") == "run":
        # A snapshot request (SIGUSR1) can come as soon as the database is locked, before the
        # bot listens for it; its default action would end the process.
        signal.signal(REQUEST_SIGNAL, signal.SIG_IGN)
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format, settings.secrets())
        if args.command in ("backup", "restore"):
            return backup_or_restore(args, settings)
        if (args.command or "run") == "run":
            settings.require_token()
        try:
            database = open_database(settings.db_path)
        except DatabaseLocked:
            if args.command != "stats":
                raise
            return stats_of_running_bot(args, settings)
    except (ConfigError, DatabaseError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    try:
        if args.command == "import":
            return import_file(args, settings, database)
        if args.command == "export":
            return export_file(args, database)
        if args.command == "stats":
            return print_stats(args, settings, database)
        return run_bot(settings, database)
    except ImportFileError as error:
        print(f"error: {error.reason.render(terminal_translator())}", file=sys.stderr)
        return 1
    except (DatabaseError, OSError) as error:
        print(f"error: {error_line(error)}", file=sys.stderr)
        return 1
    finally:
        database.close()


if __name__ == "__main__":
    sys.exit(main())
