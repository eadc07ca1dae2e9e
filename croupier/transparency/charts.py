"""Horizontal bar charts drawn as inline SVG by templates/_chart.html: this module does the arithmetic
(scale, ticks, positions); the template draws, escapes every label, and gives the chart a title, a
description and a data table beside it for screen readers."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

WIDTH = 720
LABEL_WIDTH = 190
VALUE_WIDTH = 110
ROW_HEIGHT = 30
TOP = 34
PLOT_LEFT = LABEL_WIDTH
PLOT_RIGHT = WIDTH - VALUE_WIDTH


@dataclass(frozen=True)
class Row:
    label: str
    values: tuple[float | None, ...]  # one per series; None: no bar
    text: str  # the row's figures as words, shown at the right
    marker: float | None = None  # a reference value drawn as a tick (the theoretical RTP)
    span: tuple[float, float] | None = None  # a range drawn as a whisker (the expected range)


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    series: tuple[str, ...]
    rows: list[Row]
    low: float
    high: float
    marker_label: str | None = None
    span_label: str | None = None
    ticks: list[tuple[float, str]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return TOP + ROW_HEIGHT * len(self.rows) + 26

    def x(self, value: float) -> float:
        clamped = min(max(value, self.low), self.high)
        return round(PLOT_LEFT + (clamped - self.low) / (self.high - self.low) * (PLOT_RIGHT - PLOT_LEFT), 1)

    def y(self, index: int) -> int:
        return TOP + index * ROW_HEIGHT

    def bar_height(self) -> float:
        return round((ROW_HEIGHT - 10) / max(len(self.series), 1), 1)

    @property
    def plot_left(self) -> int:
        return PLOT_LEFT

    @property
    def plot_right(self) -> int:
        return PLOT_RIGHT

    @property
    def width(self) -> int:
        return WIDTH


def _nice_step(span: float) -> float:
    raw = span / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def bar_chart(id_: str, title: str, description: str, series: tuple[str, ...], rows: list[Row], *,
              tick_text: Callable[[float], str], floor: float | None = None, marker_label: str | None = None,
              span_label: str | None = None) -> Chart:
    """A chart scaled to its bars and markers: from `floor` (or a little below the smallest value) to a round
    number above the largest, with about five ticks. Spans wider than that are cut at the edges."""
    values = [v for r in rows for v in (*r.values, r.marker) if v is not None] or [0.0, 1.0]
    high, low = max(values), min(values) if floor is None else floor
    if floor is None:
        low -= (high - low) * 0.1 or 1
    step = _nice_step((high - low) or 1)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    if high <= low:
        high = low + step
    ticks = [(low + i * step, tick_text(low + i * step)) for i in range(round((high - low) / step) + 1)]
    return Chart(id=id_, title=title, description=description, series=series, rows=rows, low=low, high=high,
                 marker_label=marker_label, span_label=span_label, ticks=ticks)
