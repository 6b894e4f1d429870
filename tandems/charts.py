"""Server-rendered line charts (SVG) of check-in scores: no JavaScript, no chart library.

`line_chart()` turns series of values on a 1-5 scale into coordinates for
`templates/tandems/includes/line_chart.html`, which draws the SVG and, for screen readers and
printing, the same figures as a table. `Sparkline` is the dashboards' small weekly line
(`templates/includes/sparklines.html`), with the same figures in a table beside it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

WIDTH, HEIGHT = 640, 260
# The right margin leaves room for half of the last x label, which is centred on its point.
LEFT, RIGHT, TOP, BOTTOM = 44, 40, 16, 48
# Line colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by dash too: the
# tokens --chart-1 … --chart-4 of static/css/portal.css (tests/core/test_design_tokens.py).
STYLES = [
    ("#0b5c8a", ""),
    ("#a3370f", "6 4"),
    ("#1e6b35", "2 3"),
    ("#5b3d99", "10 3 2 3"),
]


@dataclass
class Series:
    label: str
    values: list[float | None]  # one per x label; None where there is no figure


@dataclass
class Chart:
    title: str
    x_labels: list[str]
    series: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_ticks: list[dict] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def is_empty(self) -> bool:
        return not any(point for line in self.series for point in line["points"])


def line_chart(
    *, title: str, x_labels: list[str], series: list[Series], y_min: float = 1, y_max: float = 5
) -> Chart:
    chart = Chart(title=title, x_labels=x_labels)
    plot_width = chart.plot_right - chart.plot_left
    plot_height = chart.plot_bottom - chart.plot_top
    steps = max(len(x_labels) - 1, 1)

    def x(index: int) -> float:
        if len(x_labels) == 1:
            return chart.plot_left + plot_width / 2
        return round(chart.plot_left + plot_width * index / steps, 1)

    def y(value: float) -> float:
        return round(chart.plot_bottom - plot_height * (value - y_min) / (y_max - y_min), 1)

    chart.y_ticks = [{"value": value, "y": y(value)} for value in range(int(y_min), int(y_max) + 1)]
    chart.x_ticks = [{"label": label, "x": x(i)} for i, label in enumerate(x_labels)]
    for n, line in enumerate(series):
        colour, dash = STYLES[n % len(STYLES)]
        points = [
            {"x": x(i), "y": y(value), "value": round(value, 2), "label": x_labels[i]}
            for i, value in enumerate(line.values)
            if value is not None
        ]
        chart.series.append(
            {
                "label": line.label,
                "colour": colour,
                "dash": dash,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
                "values": [None if v is None else round(v, 2) for v in line.values],
            }
        )
    return chart


# --- Sparklines: a small line of weekly counts, read at a glance ------------------------------

SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 168, 40, 4
WEEKS = 12


def week_starts(today: date, weeks: int = WEEKS) -> list[date]:
    """The Mondays of the last `weeks` weeks, the oldest first; the last is this week's."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - n) for n in range(weeks)]


@dataclass
class Sparkline:
    """Counts per period as a line: `css` names the series' colour in the stylesheet, `labels`
    the periods for the table that says the same in figures."""

    title: str
    labels: list[str]
    values: list[int]
    css: str = ""
    width: int = SPARK_WIDTH
    height: int = SPARK_HEIGHT

    @property
    def total(self) -> int:
        return sum(self.values)

    @property
    def last(self) -> int:
        return self.values[-1] if self.values else 0

    @cached_property
    def points(self) -> list[dict]:
        """Coordinates in the SVG: the highest count touches the top, zero the bottom line."""
        top = max(self.values, default=0) or 1
        steps = max(len(self.values) - 1, 1)
        inner_w = self.width - 2 * SPARK_PAD
        inner_h = self.height - 2 * SPARK_PAD
        return [
            {
                "x": round(SPARK_PAD + inner_w * n / steps, 1),
                "y": round(SPARK_PAD + inner_h * (1 - value / top), 1),
                "value": value,
            }
            for n, value in enumerate(self.values)
        ]

    @property
    def path(self) -> str:
        return " ".join(f"{p['x']},{p['y']}" for p in self.points)

    @property
    def end(self) -> dict:
        return self.points[-1]

    @property
    def baseline(self) -> float:
        return self.height - SPARK_PAD


@dataclass
class SparkTable:
    """Several sparklines over the same periods, as the rows of one table (a period per row)."""

    caption: str
    period_header: str
    lines: list[Sparkline]

    @property
    def rows(self) -> list[tuple[str, list[int]]]:
        labels = self.lines[0].labels if self.lines else []
        return [(label, [line.values[n] for line in self.lines]) for n, label in enumerate(labels)]
