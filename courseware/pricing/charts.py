"""Small server-side SVG line charts: no JavaScript, readable in light and dark mode, accessible.

The SVG uses `currentColor` and CSS classes, so the page's stylesheet colours it; each chart has
a <title> and <desc>, and the page shows the same numbers in a table beside it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from .engine.core import usd

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 64, 20, 48


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]
    css: str  # series-1, series-2
    axis: str = "left"  # or "right"
    unit: str = ""


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    start = math.floor(low / step) * step
    return [start + i * step for i in range(int((high - start) / step) + 2) if start + i * step <= high + 1e-9]


def _label(value: float, unit: str) -> str:
    if unit == "$":
        return usd(Decimal(repr(value))) if value < 1000 else f"${value:,.0f}"
    if abs(value) >= 1e6:
        return f"{value / 1e6:g}M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:g}k"
    return f"{value:g}"


PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


def line_chart(
    *,
    title: str,
    description: str,
    series: list[Series],
    x_label: str,
    x_log: bool = False,
    x_unit: str = "",
) -> str:
    xs = [x for s in series for x, _ in s.points]
    if not xs:
        return ""
    x_min, x_max = min(xs), max(xs)
    fx = (lambda v: math.log10(v)) if x_log else (lambda v: v)
    span_x = (fx(x_max) - fx(x_min)) or 1

    def sx(v: float) -> float:
        return LEFT + (fx(v) - fx(x_min)) / span_x * PLOT_W

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="chart-{id(series)}-t chart-{id(series)}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-{id(series)}-t">{escape(title)}</title><desc id="chart-{id(series)}-d">{escape(description)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP + PLOT_H}" x2="{LEFT + PLOT_W}" y2="{TOP + PLOT_H}"/>',
    ]
    x_ticks = (
        [10**e for e in range(math.ceil(math.log10(x_min)), math.floor(math.log10(x_max)) + 1)]
        if x_log
        else _ticks(x_min, x_max)
    )
    for tick in x_ticks:
        parts.append(
            f'<text class="tick" x="{sx(tick):.1f}" y="{TOP + PLOT_H + 16}" text-anchor="middle">{escape(_label(tick, x_unit))}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{LEFT + PLOT_W / 2}" y="{HEIGHT - 8}" text-anchor="middle">{escape(x_label)}</text>'
    )
    for axis in ("left", "right"):
        members = [s for s in series if s.axis == axis]
        if members:
            parts += _y_axis(axis, members, sx)
    return "".join(parts + _legend(series) + ["</svg>"])


def _y_axis(axis: str, members: list[Series], sx) -> list[str]:
    """One y axis (left or right) with its ticks, and the lines of the series drawn against it."""
    parts = []
    ys = [y for s in members for _, y in s.points]
    y_max = max(ys) * 1.05 or 1
    ticks = _ticks(0, y_max)
    y_top = max(ticks[-1], y_max)

    def sy(v: float) -> float:
        return TOP + PLOT_H - v / y_top * PLOT_H

    x_text = LEFT - 6 if axis == "left" else LEFT + PLOT_W + 6
    anchor = "end" if axis == "left" else "start"
    for tick in ticks:
        if axis == "left":
            parts.append(
                f'<line class="grid" x1="{LEFT}" y1="{sy(tick):.1f}" x2="{LEFT + PLOT_W}" y2="{sy(tick):.1f}"/>'
            )
        parts.append(
            f'<text class="tick {members[0].css}-text" x="{x_text}" y="{sy(tick) + 4:.1f}" text-anchor="{anchor}">{escape(_label(tick, members[0].unit))}</text>'
        )
    for s in members:
        path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(s.points))
        parts.append(f'<path class="line {s.css}" d="{path}"><title>{escape(s.name)}</title></path>')
    return parts


def _legend(series: list[Series]) -> list[str]:
    parts = []
    legend_x = LEFT + 8
    for index, s in enumerate(series):
        y = TOP + 12 + index * 16
        parts.append(f'<line class="line {s.css}" x1="{legend_x}" y1="{y - 4}" x2="{legend_x + 18}" y2="{y - 4}"/>')
        parts.append(f'<text class="legend" x="{legend_x + 24}" y="{y}">{escape(s.name)}</text>')
    return parts


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 22, 10, 230


def bar_chart(*, title: str, description: str, bars: list[tuple[str, float]], unit: str = "$") -> str:
    """Horizontal bars, largest first: where a bill's money goes. Labels sit left of the bars, the
    amounts at their ends; the page shows the same numbers in its breakdown table."""
    bars = sorted(((label, value) for label, value in bars if value > 0), key=lambda bar: -bar[1])
    if not bars:
        return ""
    height = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + 8
    widest = max(value for _, value in bars)
    room = WIDTH - LABEL_WIDTH - RIGHT - 24
    key = f"bars-{abs(hash((title, tuple(bars))))}"
    parts = [
        f'<svg class="chart bar-chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{key}-t {key}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-t">{escape(title)}</title><desc id="{key}-d">{escape(description)}</desc>',
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        width = max(1.0, value / widest * room)
        shown = label if len(label) <= 34 else label[:33] + "…"
        parts += [
            f'<text class="tick" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end">{escape(shown)}</text>',
            f'<rect class="bar-rect series-{1 + index % 2}-fill" x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" rx="3"><title>{escape(label)}: {escape(_label(value, unit))}</title></rect>',
            f'<text class="tick" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}">{escape(usd(Decimal(repr(value))) if unit == "$" else _label(value, unit))}</text>',
        ]
    return "".join(parts + ["</svg>"])
