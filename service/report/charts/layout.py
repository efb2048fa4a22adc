"""Layout of the radar: where the axis labels go so that they do not overlap."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from service.report.charts.primitives import (
    _num,
)
from service.report.charts.text import (
    text_width,
    wrap,
)

# --- radar -----------------------------------------------------------------------------------

_AXIS_SIZE = 11
_AXIS_LINE = 14
_RADAR_PAD = 6.0
_RADAR_GAP = 12.0  # between the outer ring and the axis labels


class _AxisLabel(NamedTuple):
    dx: float  # anchor offset from the centre
    anchor: str
    lines: list[str]
    values: list[str]  # the claimed and documented values on this axis
    top: float  # top of the text block, relative to the centre
    height: float
    width: float


def _values_width(values: Sequence[str]) -> float:
    return text_width(" / ".join(values), _AXIS_SIZE, bold=True)


def _place_axis_labels(
    axes: Sequence[str], values: Sequence[list[str]], radius: float, size: float
) -> tuple[list[_AxisLabel], int]:
    """Axis labels beside the outer ring, wrapped to the room they have; and how many were cut
    (or have a line of values wider than their room)."""
    n = len(axes)
    centre, pad = size / 2, _RADAR_PAD
    distance = radius + _RADAR_GAP
    # A label centred above or below the chart must not reach its neighbours' labels.
    middle_cap = 2 * distance * math.sin(2 * math.pi / n) - 12 if n >= 5 else size
    middle_cap = min(max(middle_cap, 90.0), 240.0)
    placed: list[_AxisLabel] = []
    cuts = 0
    for i, axis in enumerate(axes):
        angle = 2 * math.pi * i / n
        sx, sy = math.sin(angle), -math.cos(angle)
        x = centre + distance * sx
        if abs(sx) < 0.2:
            anchor = "middle"
            room = min(2 * (x - pad), 2 * (size - pad - x), middle_cap)
        elif sx > 0:
            anchor, room = "start", size - pad - x
        else:
            anchor, room = "end", x - pad
        lines, cut = wrap(axis, room, _AXIS_SIZE)
        value_width = _values_width(values[i]) if values[i] else 0.0
        cuts += cut or value_width > room
        # Whatever is still too wide moves inwards rather than off the chart.
        block = max([text_width(line, _AXIS_SIZE) for line in lines] + [value_width])
        if anchor == "start":
            x = min(x, size - pad - block)
        elif anchor == "end":
            x = max(x, pad + block)
        else:
            x = min(max(x, pad + block / 2), size - pad - block / 2)
        height = (len(lines) + bool(values[i])) * _AXIS_LINE
        y = distance * sy
        top = y - height if sy < -0.2 else y if sy > 0.2 else y - height / 2
        placed.append(_AxisLabel(x - centre, anchor, lines, values[i], top, height, block))
    return placed, cuts + _overlaps(placed)


def _overlaps(labels: Sequence[_AxisLabel]) -> int:
    """How many pairs of axis labels overlap."""
    boxes = []
    for label in labels:
        left = (
            label.dx - {"start": 0.0, "middle": label.width / 2, "end": label.width}[label.anchor]
        )
        boxes.append((left, label.top, left + label.width, label.top + label.height))
    return sum(
        1
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] + 4 and b[0] < a[2] + 4 and a[1] < b[3] and b[1] < a[3]
    )


def _radar_layout(
    axes: Sequence[str], values: Sequence[list[str]], size: float
) -> tuple[float, list[_AxisLabel]]:
    """The largest radius that cuts the fewest axis labels, with the labels placed for it."""
    best: tuple[int, float, list[_AxisLabel]] | None = None
    radius = size * 0.36
    while radius >= size * 0.2:
        labels, cuts = _place_axis_labels(axes, values, radius, size)
        if best is None or cuts < best[0]:
            best = (cuts, radius, labels)
        if cuts == 0:
            break
        radius -= 2
    assert best is not None  # the loop runs at least once
    return best[1], best[2]


class _Radar(NamedTuple):
    cx: float
    cy: float
    radius: float
    axes: int
    max_value: float

    def point(self, i: int, value: float | None) -> tuple[float, float]:
        share = min(max((value or 0.0) / self.max_value, 0.0), 1.0)
        angle = 2 * math.pi * i / self.axes
        return (
            self.cx + self.radius * share * math.sin(angle),
            self.cy - self.radius * share * math.cos(angle),
        )

    def points(self, values: Sequence[float | None]) -> str:
        return " ".join(
            f"{_num(x)},{_num(y)}" for x, y in (self.point(i, v) for i, v in enumerate(values))
        )
