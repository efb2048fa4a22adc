"""The bar chart: claimed and documented points per row, with benchmark ticks."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from service.report.charts.primitives import (
    _SWATCH,
    GRID,
    INK,
    MUTED,
    BarRow,
    Fmt,
    Swatch,
    _check,
    _claimed_bar,
    _claimed_swatch,
    _documented_bar,
    _documented_swatch,
    _esc,
    _legend,
    _svg,
    _tag,
    _text,
    _tick_label,
)
from service.report.charts.text import (
    text_width,
    wrap,
)

# --- bars ------------------------------------------------------------------------------------

_BAR = 12  # height of one bar
_BAR_GAP = 3
_ROW_GAP = 14
_LABEL_SIZE = 12
_LABEL_LINE = 15
_VALUE_SIZE = 11
_PAD = 6.0


def _benchmark_tick(x: float, top: float, bottom: float) -> str:
    return _tag(
        "line", x1=x, y1=top, x2=x, y2=bottom, stroke=INK, stroke_width=2, stroke_dasharray="4 2"
    )


def _benchmark_swatch(x: float, y: float) -> str:
    return _benchmark_tick(x + _SWATCH / 2, y - 8, y + 8)


class _Scale(NamedTuple):
    """A linear scale from 0 at ``x0`` to ``maximum`` at ``x1``; values outside are clamped."""

    x0: float
    x1: float
    maximum: float

    def at(self, value: float) -> float:
        return self.x0 + (self.x1 - self.x0) * min(max(value / self.maximum, 0.0), 1.0)


def _bar_row(row: BarRow, top: float, lines: Sequence[str], scale: _Scale, fmt: Fmt) -> str:
    """One row: wrapped label, claimed and documented bars with values, benchmark tick."""
    parts: list[str] = []
    middle = top + _BAR + _BAR_GAP / 2
    first = middle - len(lines) * _LABEL_LINE / 2 + 11.5
    for j, line in enumerate(lines):
        parts.append(_text(_PAD, first + j * _LABEL_LINE, _esc(line), size=_LABEL_SIZE))
    bench = scale.at(row.benchmark) if row.benchmark is not None else None
    for k, value in enumerate((row.claimed, row.documented)):
        y = top + k * (_BAR + _BAR_GAP)
        end = scale.x0
        if value is not None and value > 0:
            end = scale.at(value)
            draw = _claimed_bar if k == 0 else _documented_bar
            parts.append(draw(scale.x0, y, end - scale.x0, _BAR))
        text = "–" if value is None else fmt(value)
        x = end + 5
        # a value written across the benchmark tick moves to its right
        if bench is not None and end - 3 <= bench <= x + text_width(text, _VALUE_SIZE) + 2:
            x = bench + 5
        parts.append(_text(x, y + _BAR - 2, _esc(text), size=_VALUE_SIZE, bold=k == 0))
    if bench is not None:
        parts.append(_benchmark_tick(bench, top - 4, top + 2 * _BAR + _BAR_GAP + 4))
    return "".join(parts)


def bar_chart(
    rows: list[BarRow],
    *,
    title: str,
    description: str,
    max_value: float = 100.0,
    fmt: Fmt = str,
    width: int = 640,
    claimed_label: str = "Claimed",
    documented_label: str = "Documented",
    benchmark_label: str = "Benchmark",
) -> str:
    """Horizontal bars, one row per label: the claimed bar (solid) above the documented bar
    (dashed outline), a dark dashed tick at the benchmark, and each value beside its bar
    ("–" when unknown). A scale at 0/25/50/75/100 % of ``max_value`` runs below.

    The ``*_label`` arguments are the legend texts, translated by the caller.
    """
    _check((v for r in rows for v in (r.claimed, r.documented, r.benchmark)), max_value)
    label_width = round(width * 0.3)
    values = [v for r in rows for v in (r.claimed, r.documented) if v is not None]
    value_width = max(text_width(fmt(v), _VALUE_SIZE, bold=True) for v in [*values, max_value])
    scale = _Scale(_PAD + label_width + 12, width - _PAD - value_width - 8, max_value)

    top = _PAD + 4
    body: list[str] = []
    y = top
    block = 2 * _BAR + _BAR_GAP
    for row in rows:
        lines, _ = wrap(row.label, label_width, _LABEL_SIZE)
        row_height = max(block, len(lines) * _LABEL_LINE)
        body.append(_bar_row(row, y + (row_height - block) / 2, lines, scale, fmt))
        y += row_height + _ROW_GAP
    bottom = max(y - _ROW_GAP, top) + 4

    grid: list[str] = []
    for step in range(5):
        x = scale.at(max_value * step / 4)
        grid.append(
            _tag(
                "line",
                x1=x,
                y1=top - 4,
                x2=x,
                y2=bottom,
                stroke=MUTED if step == 0 else GRID,
                stroke_width=1 if step == 0 else 0.75,
            )
        )
        text = _esc(_tick_label(fmt, max_value * step / 4))
        grid.append(_text(x, bottom + 14, text, size=10, anchor="middle", fill=MUTED))

    entries: list[tuple[Swatch, str]] = [
        (_claimed_swatch, claimed_label),
        (_documented_swatch, documented_label),
    ]
    if any(r.benchmark is not None for r in rows):
        entries.append((_benchmark_swatch, benchmark_label))
    legend, legend_height = _legend(entries, _PAD, bottom + 26, width - 2 * _PAD)
    height = math.ceil(bottom + 26 + legend_height + _PAD)
    return _svg("bars", width, height, title, description, "".join([*grid, *body, legend]))
