"""The `/stats` chart: searches per week and practices per topic, as one PNG.

matplotlib is an optional extra (`pip install 'icc-practice-bot[charts]'`); without it
`available()` is False and callers send the text only. The Agg backend draws without a display.
"""

import io
from importlib.util import find_spec

from bot.stats import Stats

TOPICS_SHOWN = 21  # every topic of the programme's list


def available() -> bool:
    """Return True when matplotlib is installed."""
    return find_spec("matplotlib") is not None


def render_png(stats: Stats) -> bytes:
    """Draw the chart and return the PNG bytes.

    Raises:
        ImportError: matplotlib is not installed (check `available()` first).
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 9), layout="constrained")
    weeks_axes, topics_axes = figure.subplots(2, 1, height_ratios=(1, 2))
    labels = [f"{monday:%d %b}" for monday, _ in stats.searches_per_week]
    weeks_axes.bar(labels, [n for _, n in stats.searches_per_week], color="#1f5fa8")
    weeks_axes.set_title("Searches per week (counted once per member and day)")
    weeks_axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    topics = stats.practices_by_topic[:TOPICS_SHOWN][::-1]
    topics_axes.barh([t for t, _ in topics], [n for _, n in topics], color="#d9822b")
    topics_axes.set_title("Published practices per topic")
    topics_axes.tick_params(axis="y", labelsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
