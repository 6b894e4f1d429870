"""Server-rendered line charts (SVG) of check-in scores: no JavaScript, no chart library.

`line_chart()` turns series of values on a 1-5 scale into coordinates for
`templates/tandems/includes/line_chart.html`, which draws the SVG and, for screen readers and
printing, the same figures as a table.
"""

from dataclasses import dataclass, field

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
