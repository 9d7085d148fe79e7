"""What an import did, in words: the same lines for `python -m bot import` and `/import`."""

from collections.abc import Sequence

from bot.i18n import ENGLISH, Translator
from bot.publishing import ImportResult


def import_lines(
    report: ImportResult, rejected: Sequence[tuple[str, str]], t: Translator = ENGLISH
) -> list[str]:
    """Return the counts line, then one line per rejected record with its reason.

    Args:
        report: what publishing changed.
        rejected: (record label, reason) for each record left out (reasons stay English).
        t: the moderator's language (the command line writes English).
    """
    counts = t._("added {added}, updated {updated}, unchanged {unchanged}, rejected {rejected}")
    line = counts.format(
        added=len(report.added),
        updated=len(report.updated),
        unchanged=len(report.unchanged),
        rejected=len(rejected),
    )
    each = t._("  rejected {label}: {reason}")
    return [line, *(each.format(label=label, reason=reason) for label, reason in rejected)]
