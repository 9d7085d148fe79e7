"""The `/stats` chart: searches per week and practices per topic, as one PNG.

matplotlib is an optional extra (`pip install 'icc-practice-bot[charts]'`); without it
`available()` is False and callers send the text only. The Agg backend draws without a display.
"""

import io
from dataclasses import dataclass
from importlib.util import find_spec

from bot.i18n import N_, Translator, translator
from bot.stats import Stats
from bot.template import topic_name

TOPICS_SHOWN = 21  # every topic of the programme's list
WEEKS_TITLE = N_("Searches per week (counted once per member and day)")
TOPICS_TITLE = N_("Published practices per topic")


@dataclass(frozen=True, slots=True)
class ChartTexts:
    """Every word drawn on the chart, in the reader's language."""

    weeks_title: str
    week_labels: list[str]
    topics_title: str
    topic_labels: list[str]


def chart_texts(stats: Stats, t: Translator) -> ChartTexts:
    """Return the chart's titles and labels in t's language (weeks as CLDR's day-month)."""
    topics = stats.practices_by_topic[:TOPICS_SHOWN][::-1]
    return ChartTexts(
        weeks_title=t.gettext(WEEKS_TITLE),
        week_labels=[t.format_day(monday) for monday, _ in stats.searches_per_week],
        topics_title=t.gettext(TOPICS_TITLE),
        topic_labels=[topic_name(t, topic) for topic, _ in topics],
    )


def available() -> bool:
    """Return True when matplotlib is installed."""
    return find_spec("matplotlib") is not None


def render_png(stats: Stats, language: str = "en") -> bytes:
    """Draw the chart with its words in a language (a code: it crosses to another process).

    Raises:
        ImportError: matplotlib is not installed (check `available()` first).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 9), layout="constrained")
    weeks_axes, topics_axes = figure.subplots(2, 1, height_ratios=(1, 2))
    texts = chart_texts(stats, translator(language))
    weeks_axes.bar(texts.week_labels, [n for _, n in stats.searches_per_week], color="#1f5fa8")
    weeks_axes.set_title(texts.weeks_title)
    weeks_axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    topics = stats.practices_by_topic[:TOPICS_SHOWN][::-1]
    topics_axes.barh(texts.topic_labels, [n for _, n in topics], color="#d9822b")
    topics_axes.set_title(texts.topics_title)
    topics_axes.tick_params(axis="y", labelsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
