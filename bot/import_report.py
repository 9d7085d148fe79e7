"""What an import did, in words: the same lines for `python -m bot import` and `/import`."""

from collections.abc import Sequence

from bot.i18n import ENGLISH, Translator, render
from bot.publishing import ImportResult


def import_lines(
    report: ImportResult, rejected: Sequence[tuple[str, str]], t: Translator = ENGLISH
) -> list[str]:
    """Return the counts line, then one line per rejected record with its reason.

    Args:
        report: what publishing changed.
        rejected: (record label, reason) for each record left out; `bot.i18n.Message`s
            (the reasons, and labels that are no title) are written in t's language.
        t: the moderator's language (the command line: the terminal's, see `bot.__main__`).
    """
    counts = t._("added {added}, updated {updated}, unchanged {unchanged}, rejected {rejected}")
    line = counts.format(
        added=t.format_number(len(report.added)),
        updated=t.format_number(len(report.updated)),
        unchanged=t.format_number(len(report.unchanged)),
        rejected=t.format_number(len(rejected)),
    )
    each = t._("  rejected {label}: {reason}")
    return [
        line,
        *(
            each.format(label=render(label, t), reason=render(reason, t))
            for label, reason in rejected
        ),
    ]
