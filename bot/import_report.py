"""What an import did, in words: the same lines for `python -m bot import` and `/import`."""

from collections.abc import Sequence

from bot.publishing import ImportResult


def import_lines(report: ImportResult, rejected: Sequence[tuple[str, str]]) -> list[str]:
    """Return the counts line, then one line per rejected record with its reason.

    Args:
        report: what publishing changed.
        rejected: (record label, reason) for each record left out.
    """
    counts = (
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"unchanged {len(report.unchanged)}, rejected {len(rejected)}"
    )
    return [counts, *(f"  rejected {label}: {reason}" for label, reason in rejected)]
