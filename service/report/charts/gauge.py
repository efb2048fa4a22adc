"""The gauge: the total on one scale, with the normal band and reference markers."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from service.report.charts.bars import (
    _PAD,
    _VALUE_SIZE,
    _Scale,
)
from service.report.charts.primitives import (
    _SWATCH,
    BAND_EDGE,
    BAND_FILL,
    MUTED,
    Fmt,
    Swatch,
    _backdrop,
    _check,
    _claimed_bar,
    _claimed_swatch,
    _documented_bar,
    _documented_swatch,
    _esc,
    _legend,
    _line,
    _style,
    _svg,
    _tag,
    _text,
    _tick_label,
)
from service.report.charts.text import (
    text_width,
    wrap,
)

# --- gauge -----------------------------------------------------------------------------------

_MARKER_SIZE = 11
_MARKER_LINE = 13.5
_MARKER_WIDTH = 180
_LEVEL = 2 * _MARKER_LINE + 8
_GAUGE_BAR = 16


def _nice_step(maximum: float, most: int = 10) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that divides ``maximum`` into at most ``most`` parts."""
    magnitude: float = 10.0 ** math.floor(math.log10(maximum / most))
    for factor in (1.0, 2.0, 2.5, 5.0):
        if maximum / (factor * magnitude) <= most:
            return factor * magnitude
    return 10.0 * magnitude


class _MarkerLabel(NamedTuple):
    x: float  # the marker's position on the scale
    left: float  # where the text block starts
    width: float
    lines: list[str]
    value: str
    level: int
    side: str  # "middle": centred over its line; "start"/"end": right/left of its line


def _marker_text(label: str, value: str) -> tuple[list[str], float]:
    """A marker's label wrapped after its bold value, and the width of the block."""
    value_width = text_width(value, _MARKER_SIZE, bold=True)
    space = text_width(" ", _MARKER_SIZE)
    first = _MARKER_WIDTH - value_width - space
    lines, _ = wrap(label, _MARKER_WIDTH, _MARKER_SIZE, first_width=first)
    widths = [text_width(line, _MARKER_SIZE) for line in lines] or [0.0]
    widths[0] += value_width + (space if lines else 0.0)
    return lines, max(widths)


def _covers(left: float, width: float, x: float) -> bool:
    return left - 3 <= x <= left + width + 3


def _fits(
    left: float,
    side: str,
    level: int,
    wish: int,
    *,
    x: float,
    width: float,
    placed: Sequence[_MarkerLabel],
    later: Sequence[float],
) -> bool:
    """Whether a marker label at ``x`` may stand at ``left`` on ``level`` (see below)."""
    for other in placed:
        apart = left >= other.left + other.width + 6 or other.left >= left + width + 6
        if other.level == level and not apart:
            return False
        if wish < 1:
            continue
        # My line runs up through lower labels, and through my own level if I stand beside it.
        below = other.level < level or (other.level == level and side != "middle")
        if below and _covers(other.left, other.width, x):
            return False
        # Higher labels' lines run through my level.
        if other.level > level and _covers(left, width, other.x):
            return False
    return wish < 2 or not any(_covers(left, width, o) for o in later if abs(o - x) > 0.5)


def _place_markers(
    markers: Sequence[tuple[str, float]], scale: _Scale, fmt: Fmt, right_edge: float
) -> list[_MarkerLabel]:
    """Stack marker labels in levels above the scale, as low as they can go.

    A label is centred over its marker line, or stands right or left of it. Labels on one
    level never overlap. Preferably no label covers a line that reaches its level (lines run
    from the scale up to their own label) nor a marker still to be placed; only markers
    crowded too closely for that give up first the second, then the first wish.
    """
    ordered = sorted(markers, key=lambda m: (m[1], m[0]))
    xs = [scale.at(value) for _, value in ordered]
    placed: list[_MarkerLabel] = []
    for index, (label, value) in enumerate(ordered):
        x, number = xs[index], fmt(value)
        lines, width = _marker_text(label, number)
        candidates = [
            (min(max(x - width / 2, _PAD), right_edge - width), "middle"),
            (x + 4, "start"),
            (x - 4 - width, "end"),
        ]
        candidates = [c for c in candidates if _PAD - 0.01 <= c[0] <= right_edge - width + 0.01]
        later = xs[index + 1 :]
        left, side, level = next(
            (
                (left, side, level)
                for wish in (2, 1, 0)
                for level in range(len(ordered) + 1)
                for left, side in candidates
                if _fits(left, side, level, wish, x=x, width=width, placed=placed, later=later)
            ),
            (_PAD, "middle", len(ordered) + 1),  # wider than the chart: a level of its own
        )
        placed.append(_MarkerLabel(x, left, width, lines, number, level, side))
    return placed


def _gauge_markers(placed: Sequence[_MarkerLabel], track: float, bars_bottom: float) -> str:
    """Marker lines from the bars up to their labels: the value in bold, then the label."""
    reference = _style("reference")
    parts: list[str] = []
    for m in placed:
        block_bottom = track - 8 - m.level * _LEVEL
        count = max(len(m.lines), 1)
        baseline = block_bottom - (count - 1) * _MARKER_LINE - 3
        line_top = block_bottom + 2 if m.side == "middle" else baseline - 10
        parts.append(_line(m.x, line_top, m.x, bars_bottom + 3, reference))
        x = {"start": m.left, "middle": m.left + m.width / 2, "end": m.left + m.width}[m.side]
        first = m.lines[0] if m.lines else ""
        content = f'<tspan font-weight="bold">{_esc(m.value)}</tspan>' + (
            f" {_esc(first)}" if first else ""
        )
        parts.append(_text(x, baseline, content, size=_MARKER_SIZE, anchor=m.side))
        for j, line in enumerate(m.lines[1:], start=1):
            parts.append(
                _text(x, baseline + j * _MARKER_LINE, _esc(line), size=_MARKER_SIZE, anchor=m.side)
            )
    return "".join(parts)


def _gauge_scale(scale: _Scale, axis: float, fmt: Fmt) -> str:
    parts = [_tag("line", x1=scale.x0, y1=axis, x2=scale.x1, y2=axis, stroke=MUTED, stroke_width=1)]
    step = _nice_step(scale.maximum)
    ticks = [step * k for k in range(int(scale.maximum / step + 1e-9) + 1)]
    if not math.isclose(ticks[-1], scale.maximum):
        ticks.append(scale.maximum)
    for value in ticks:
        x = scale.at(value)
        parts.append(_tag("line", x1=x, y1=axis, x2=x, y2=axis + 5, stroke=MUTED, stroke_width=1))
        text = _esc(_tick_label(fmt, value))
        parts.append(_text(x, axis + 17, text, size=10, anchor="middle", fill=MUTED))
    return "".join(parts)


def _band_swatch(x: float, y: float) -> str:
    return _tag(
        "rect",
        x=x + 4,
        y=y - 6,
        width=_SWATCH - 8,
        height=12,
        fill=BAND_FILL,
        stroke=BAND_EDGE,
        stroke_width=1,
    )


def _gauge_bars(
    scale: _Scale, track: float, totals: tuple[float, float], fmt: Fmt
) -> tuple[list[str], list[str]]:
    """The claimed and documented bars, and their value labels (drawn last, on top)."""
    bars: list[str] = []
    values: list[str] = []
    size = _VALUE_SIZE + 1
    for k, value in enumerate(totals):
        y = track + k * (_GAUGE_BAR + 4)
        end = scale.at(value)
        if end > scale.x0:
            draw = _claimed_bar if k == 0 else _documented_bar
            bars.append(draw(scale.x0, y, end - scale.x0, _GAUGE_BAR))
        text = fmt(value)
        values.append(
            _backdrop(end + 5, y + _GAUGE_BAR - 3, text_width(text, size, bold=k == 0), size)
        )
        values.append(_text(end + 5, y + _GAUGE_BAR - 3, _esc(text), size=size, bold=k == 0))
    return bars, values


def gauge_chart(
    total: float,
    documented: float,
    *,
    maximum: float,
    band: tuple[float, float] | None,
    markers: list[tuple[str, float]],
    title: str,
    description: str,
    fmt: Fmt = str,
    width: int = 640,
    claimed_label: str = "Claimed",
    documented_label: str = "Documented",
    band_label: str = "Normal range",
) -> str:
    """The total on a horizontal 0…``maximum`` scale: a solid bar for the claimed total, a
    dashed bar for the documented total, the normal ``band`` shaded with its edges drawn, and
    ``markers`` (averages, earlier rounds) as dark dashed lines labelled "362 National
    average" above the bars.

    The ``*_label`` arguments are the legend texts, translated by the caller; the legend
    shows the band as "Normal range 320–360".
    """
    _check([total, documented, *(band or ()), *(value for _, value in markers)], maximum)
    value_width = max(
        text_width(fmt(v), _VALUE_SIZE + 1, bold=True) for v in (total, documented, maximum)
    )
    scale = _Scale(_PAD + 12, width - _PAD - max(value_width + 10, 20), maximum)
    placed = _place_markers(markers, scale, fmt, width - _PAD)
    levels = max((m.level for m in placed), default=-1) + 1
    track = _PAD + levels * _LEVEL + (10 if placed else 6)
    bars_bottom = track + 2 * _GAUGE_BAR + 4
    axis = bars_bottom + 10

    body: list[str] = []
    if band is not None:
        low, high = scale.at(min(band)), scale.at(max(band))
        body.append(
            _tag(
                "rect",
                x=low,
                y=track - 6,
                width=high - low,
                height=axis - track + 6,
                fill=BAND_FILL,
            )
        )
    body.append(_gauge_scale(scale, axis, fmt))
    bars, values = _gauge_bars(scale, track, (total, documented), fmt)
    body.extend(bars)
    if band is not None:
        for edge in band:
            x = scale.at(edge)
            body.append(
                _tag("line", x1=x, y1=track - 6, x2=x, y2=axis, stroke=BAND_EDGE, stroke_width=1)
            )
    body.append(_gauge_markers(placed, track, bars_bottom))
    body.extend(values)

    entries: list[tuple[Swatch, str]] = [
        (_claimed_swatch, claimed_label),
        (_documented_swatch, documented_label),
    ]
    if band is not None:
        low_text, high_text = (_tick_label(fmt, v) for v in sorted(band))
        entries.append((_band_swatch, f"{band_label} {low_text}–{high_text}"))
    legend_top = axis + 30
    legend, legend_height = _legend(entries, _PAD, legend_top, width - 2 * _PAD)
    body.append(legend)
    height = math.ceil(legend_top + legend_height + _PAD)
    return _svg("gauge", width, height, title, description, "".join(body))
