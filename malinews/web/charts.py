"""Line charts drawn as inline SVG on the server: no script, nothing for the CSP to allow."""

from __future__ import annotations

from dataclasses import dataclass

from malinews.web.queries import Series

WIDTH, HEIGHT, MARGIN = 640, 200, 30
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


@dataclass(frozen=True)
class Line:
    name: str
    color: str
    points: str  # the SVG polyline's `points`
    total: int


@dataclass(frozen=True)
class Chart:
    """What the `chart` template macro draws."""

    width: int
    height: int
    margin: int
    top: int  # largest daily count (the y axis' top label)
    first_day: str
    last_day: str
    lines: list[Line]


def line_chart(series: list[Series]) -> Chart | None:
    """One polyline per series over the same days; None when there is nothing to draw."""
    if not series:
        return None
    days = len(series[0].days)
    top = max(1, *(max(s.counts) for s in series))
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN

    def point(i: int, count: int) -> str:
        x = MARGIN + plot_w * i / max(days - 1, 1)
        y = HEIGHT - MARGIN - plot_h * count / top
        return f"{x:.1f},{y:.1f}"

    lines = [
        Line(
            s.name,
            PALETTE[n % len(PALETTE)],
            " ".join(point(i, c) for i, c in enumerate(s.counts)),
            sum(s.counts),
        )
        for n, s in enumerate(series)
    ]
    return Chart(WIDTH, HEIGHT, MARGIN, top, series[0].days[0], series[0].days[-1], lines)
