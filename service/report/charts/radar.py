"""The radar chart: points per focus area, one line per series."""

from __future__ import annotations

import math
from collections.abc import Sequence

from service.report.charts.layout import (
    _AXIS_LINE,
    _AXIS_SIZE,
    _RADAR_PAD,
    _AxisLabel,
    _Radar,
    _radar_layout,
)
from service.report.charts.primitives import (
    _DRAW_ORDER,
    _SHOWN,
    GRID,
    MUTED,
    Fmt,
    Series,
    _backdrop,
    _check,
    _esc,
    _legend,
    _line_swatch,
    _marker,
    _Style,
    _style,
    _svg,
    _tag,
    _text,
    _tick_label,
)
from service.report.charts.text import (
    text_width,
)


def _radar_grid(g: _Radar, fmt: Fmt) -> tuple[str, str]:
    """Rings at 25/50/75/100 % and spokes; and the ring values, to draw over the series."""
    grid: list[str] = []
    ticks: list[str] = []
    for step in (1, 2, 3, 4):
        grid.append(
            _tag(
                "polygon",
                points=g.points([g.max_value * step / 4] * g.axes),
                fill="none",
                stroke=MUTED if step == 4 else GRID,
                stroke_width=1 if step == 4 else 0.75,
            )
        )
        text = _tick_label(fmt, g.max_value * step / 4)
        x, baseline = g.cx + 5, g.cy - g.radius * step / 4 + 11
        ticks.append(_backdrop(x, baseline, text_width(text, 10), 10))
        ticks.append(_text(x, baseline, _esc(text), size=10, fill=MUTED))
    for i in range(g.axes):
        x, y = g.point(i, g.max_value)
        grid.append(_tag("line", x1=g.cx, y1=g.cy, x2=x, y2=y, stroke=GRID, stroke_width=0.75))
    return "".join(grid), "".join(ticks)


def _series_styles(series: Sequence[Series]) -> list[_Style]:
    styles: list[_Style] = []
    earlier = 0
    for s in series:
        styles.append(_style(s.kind, earlier))
        earlier += s.kind == "earlier"
    return styles


def _radar_series(g: _Radar, series: Sequence[Series], styles: Sequence[_Style]) -> tuple[str, str]:
    """The series' closed lines (claimed filled lightly), and their point markers."""
    order = sorted(range(len(series)), key=lambda k: _DRAW_ORDER[series[k].kind])
    lines: list[str] = []
    markers: list[str] = []
    for k in order:
        s, style = series[k], styles[k]
        claimed = s.kind == "claimed"
        lines.append(
            _tag(
                "polygon",
                points=g.points(s.values),
                fill=style.stroke if claimed else "none",
                fill_opacity=0.12 if claimed else None,
                stroke=style.stroke,
                stroke_width=style.width,
                stroke_dasharray=style.dash,
                stroke_linejoin="round",
            )
        )
        for i, v in enumerate(s.values):
            x, y = g.point(i, v)
            markers.append(_marker(style, x, y, hollow=v is None))
    return "".join(lines), "".join(markers)


def _radar_labels(g: _Radar, labels: Sequence[_AxisLabel]) -> str:
    """Axis labels, each followed by the claimed and documented values on that axis."""
    parts: list[str] = []
    for label in labels:
        x = g.cx + label.dx
        baseline = g.cy + label.top + 11
        for line in label.lines:
            parts.append(_text(x, baseline, _esc(line), size=_AXIS_SIZE, anchor=label.anchor))
            baseline += _AXIS_LINE
        if label.values:
            first, *rest = map(_esc, label.values)
            content = f'<tspan font-weight="bold">{first}</tspan>' + "".join(
                f" / {t}" for t in rest
            )
            parts.append(_text(x, baseline, content, size=_AXIS_SIZE, anchor=label.anchor))
    return "".join(parts)


def radar_chart(
    axes: list[str],
    series: list[Series],
    *,
    title: str,
    description: str,
    max_value: float = 100.0,
    fmt: Fmt = str,
    size: int = 520,
) -> str:
    """A radar (spider) chart, ``size`` pixels wide: one axis per label, one closed line per
    series, rings at 25/50/75/100 % of ``max_value``.

    Axis labels stand outside the outer ring, wrapped to at most two lines (cut with "…" only
    if even the smallest ring leaves too little room). Under each label are the values of
    the first claimed and the first documented series, in series order, "62,5 / 40,0", the
    first in bold.
    Unknown values (``None``) are drawn at 0 with a hollow marker and written "–".
    """
    n = len(axes)
    if n < 3:
        raise ValueError("a radar chart needs at least 3 axes")
    for s in series:
        if len(s.values) != n:
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {n} axes")
    _check((v for s in series for v in s.values), max_value)
    firsts = {kind: next((s for s in series if s.kind == kind), None) for kind in _SHOWN}
    shown = [s for s in series if any(s is f for f in firsts.values())]
    values = [
        ["–" if s.values[i] is None else fmt(s.values[i] or 0.0) for s in shown] for i in range(n)
    ]
    radius, labels = _radar_layout(axes, values, size)
    lowest = radius * max(-math.cos(2 * math.pi * i / n) for i in range(n))  # ring's lowest point
    top = min([label.top for label in labels] + [-radius - 4])
    bottom = max([label.top + label.height for label in labels] + [lowest + 4])
    g = _Radar(size / 2, _RADAR_PAD - top, radius, n, max_value)

    styles = _series_styles(series)
    grid, ticks = _radar_grid(g, fmt)
    lines, markers = _radar_series(g, series, styles)
    legend_top = g.cy + bottom + 14
    legend, legend_height = _legend(
        [(_line_swatch(style), s.label) for s, style in zip(series, styles, strict=True)],
        _RADAR_PAD,
        legend_top,
        size - 2 * _RADAR_PAD,
    )
    body = grid + lines + ticks + markers + _radar_labels(g, labels) + legend
    height = math.ceil(legend_top + legend_height + _RADAR_PAD)
    return _svg("radar", size, height, title, description, body)
