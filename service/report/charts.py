"""Charts as hand-written SVG, drawn once on the server for the results page and the PDF.

The same string is embedded inline in the HTML page and in the HTML that WeasyPrint turns
into the PDF, so the two cannot disagree. Why hand-written rather than a chart library, and
how the charts stay readable for colour-blind and screen-reader users: ``docs/charts.md``.

Rules every chart follows:

* presentation attributes only (``fill``, ``stroke``, ``font-size`` …): no ``<style>``, no CSS
  classes, no scripts, no external fonts, so WeasyPrint and browsers draw the same picture;
* ``role="img"`` with ``aria-labelledby`` naming a ``<title>`` and a ``<desc>`` whose ids are
  derived from a hash of the chart, so several charts on one page do not collide;
* series differ by line style and marker shape as well as colour, and a legend names them;
* deterministic: the same input gives the same bytes; coordinates have at most 2 decimals.

Texts (labels, legend entries) and the number formatter come from the caller, so this module
knows nothing about locales or translations.
"""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import repeat
from typing import NamedTuple

import msgspec

__all__ = [
    "KINDS",
    "BarRow",
    "Series",
    "bar_chart",
    "gauge_chart",
    "radar_chart",
    "text_width",
    "wrap",
]

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"
INK = "#1A1A1A"  # text and reference lines: 17:1 on white
MUTED = "#595959"  # scale labels and axes: 7:1
GRID = "#949494"  # gridlines: 3:1, the minimum for graphical elements
CLAIMED = "#0072B2"  # Okabe–Ito blue: 5.2:1
DOCUMENTED = "#D55E00"  # Okabe–Ito vermilion: 3.9:1
EARLIER = "#707070"  # 4.9:1
BAND_FILL = "#E6E6E6"  # decorative shading; the band's edges carry the contrast
BAND_EDGE = "#707070"
DOCUMENTED_FILL = "#FCE8DA"  # decorative; the dashed outline carries the contrast
WHITE = "#FFFFFF"

KINDS = ("claimed", "documented", "earlier", "reference")
_SHOWN = ("claimed", "documented")  # kinds whose values are written under the axis labels
_DRAW_ORDER = {"earlier": 0, "reference": 1, "claimed": 2, "documented": 3}
_EARLIER_DASHES = ("2 3", "1 5", "5 2 1 2")

Fmt = Callable[[float], str]


class Series(msgspec.Struct, frozen=True):
    """One line on a radar chart: a value (or ``None``, unknown) per axis.

    ``kind`` is one of :data:`KINDS` and decides the line style: claimed solid, documented
    dashed, earlier rounds dotted grey, reference thin dark dashed.
    """

    label: str
    values: list[float | None]
    kind: str

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"series kind must be one of {', '.join(KINDS)}, not {self.kind!r}")


class BarRow(msgspec.Struct, frozen=True):
    """One row of a bar chart: claimed and documented points, and an optional benchmark."""

    label: str
    claimed: float | None
    documented: float | None
    benchmark: float | None = None


# --- text measurement --------------------------------------------------------------------
#
# Advance widths of DejaVu Sans (regular and bold) in thousandths of an em, read from the
# font files. Arial, the fallback, is narrower, so text measured here always fits.

_GLYPHS = (
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
    "abcdefghijklmnopqrstuvwxyz{|}~ÆØÅæøåÄÖÜäöüÉéèÈ–—…«»’‘“”−\u00a0\u202f·"
)
_REGULAR = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838, 974, 787, 684, 982, 612, 613, 684, 787, 732, 613, 612, 634, 632,
    615, 615, 632, 500, 1000, 1000, 612, 612, 318, 318, 518, 518, 838, 318, 200, 318,
)  # fmt: skip
_BOLD = (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734,
    830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812,
    774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716,
    712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652,
    582, 712, 365, 712, 838, 1085, 850, 774, 1048, 687, 675, 774, 850, 812, 675, 687, 712, 683,
    678, 678, 683, 500, 1000, 1000, 646, 646, 380, 380, 657, 657, 838, 348, 200, 380,
)  # fmt: skip
_WIDTHS = dict(zip(_GLYPHS, _REGULAR, strict=True))
_BOLD_WIDTHS = dict(zip(_GLYPHS, _BOLD, strict=True))
_UNKNOWN_WIDTH = 780  # wider than most glyphs, so unknown letters do not overflow
ELLIPSIS = "…"


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The width in pixels of ``text`` set in DejaVu Sans at ``size`` pixels."""
    table = _BOLD_WIDTHS if bold else _WIDTHS
    # map() with a repeated default runs the lookups in C: this is the innermost loop of
    # every chart label's wrapping, several times faster than a generator expression.
    return sum(map(table.get, text, repeat(_UNKNOWN_WIDTH))) * size / 1000


def _shorten(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """``text``, cut and ended with an ellipsis if it is wider than ``width``: after the
    last whole word that fits, unless that wastes more than half of the room."""
    if text_width(text, size, bold=bold) <= width:
        return text

    def ended(prefix: str) -> str:
        return prefix.rstrip(" ,;:-–") + ELLIPSIS

    cut = text
    while cut and text_width(ended(cut), size, bold=bold) > width:
        cut = cut[:-1]
    boundary = cut.rfind(" ")
    if boundary > 0 and text_width(ended(cut[:boundary]), size, bold=bold) >= width / 2:
        cut = cut[:boundary]
    return ended(cut)


def _words(text: str) -> list[str]:
    """Words to wrap at; a space between digits ("5 000") does not break."""
    return [w for w in re.split(r"(?<!\d)[ \t\r\n]+|[ \t\r\n]+(?!\d)", text.strip()) if w]


def wrap(
    text: str,
    width: float,
    size: float,
    *,
    max_lines: int = 2,
    first_width: float | None = None,
    bold: bool = False,
) -> tuple[list[str], bool]:
    """Break ``text`` into at most ``max_lines`` lines no wider than ``width`` pixels.

    Two lines are balanced (the break that makes the longer line shortest). Returns the
    lines and whether text had to be cut (the last line then ends with "…"). ``first_width``
    narrows the first line, for text that follows something else on it.
    """
    lines, cut = _wrap(text, width, size, max_lines, first_width, bold)
    return list(lines), cut


# The same labels (indicator, sub-question and area titles) are wrapped into the same room
# on every view of a results page and every report: remember the answers. Bounded, since
# the questionnaires' titles in three languages are a few thousand strings at most.
@lru_cache(maxsize=8192)
def _wrap(
    text: str, width: float, size: float, max_lines: int, first_width: float | None, bold: bool
) -> tuple[tuple[str, ...], bool]:
    lines, cut = _wrap_uncached(
        text, width, size, max_lines=max_lines, first_width=first_width, bold=bold
    )
    return tuple(lines), cut


def _wrap_uncached(
    text: str,
    width: float,
    size: float,
    *,
    max_lines: int,
    first_width: float | None,
    bold: bool,
) -> tuple[list[str], bool]:
    words = _words(text)
    if not words:
        return [], False
    first = width if first_width is None else first_width
    whole = " ".join(words)
    if text_width(whole, size, bold=bold) <= first:
        return [whole], False
    if max_lines == 2:
        best: tuple[float, list[str]] | None = None
        for k in range(1, len(words)):
            a, b = " ".join(words[:k]), " ".join(words[k:])
            wa, wb = text_width(a, size, bold=bold), text_width(b, size, bold=bold)
            if wa <= first and wb <= width:
                longest = max(wa + width - first, wb)
                if best is None or longest < best[0]:
                    best = (longest, [a, b])
        if best is not None:
            return best[1], False
    lines: list[str] = []
    current = ""
    for word in words:
        limit = first if not lines else width
        candidate = f"{current} {word}" if current else word
        if not current or text_width(candidate, size, bold=bold) <= limit:
            current = candidate
        else:
            lines.append(current)
            current = word
    lines.append(current)
    if len(lines) > max_lines:
        # The rest no longer fits, so the merged last line is always shortened below.
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    fitted = [
        _shorten(line, first if i == 0 else width, size, bold=bold) for i, line in enumerate(lines)
    ]
    return fitted, fitted != lines


# --- SVG building blocks -------------------------------------------------------------------

_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _esc(text: str) -> str:
    """Text safe inside an XML element or a double-quoted attribute."""
    return html.escape(_NOT_XML.sub("", text), quote=True)


def _check(values: Iterable[float | None], maximum: float) -> None:
    """Refuse what cannot be drawn: infinite or NaN values, and a maximum that is not positive."""
    if not (math.isfinite(maximum) and maximum > 0):
        raise ValueError(f"the maximum must be a positive number, not {maximum}")
    for value in values:
        if value is not None and not math.isfinite(value):
            raise ValueError(f"cannot draw {value}: values must be finite numbers")


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros: ``12.5``, ``40``."""
    rounded = round(value, 2)
    if rounded == 0:
        return "0"
    return f"{rounded:.2f}".rstrip("0").rstrip(".")


def _tag(name: str, content: str | None = None, **attrs: str | float | None) -> str:
    """An element; attribute names use ``_`` for ``-``, ``None`` values are left out."""
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        text = value if isinstance(value, str) else _num(value)
        parts.append(f'{key.replace("_", "-")}="{_esc(text)}"')
    opening = " ".join(parts)
    if content is None:
        return f"<{opening}/>"
    return f"<{opening}>{content}</{name}>"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    size: float,
    anchor: str = "start",
    bold: bool = False,
    fill: str = INK,
) -> str:
    """A line of text; ``content`` is already escaped (it may hold a ``<tspan>``)."""
    return _tag(
        "text",
        content,
        x=x,
        y=y,
        font_size=size,
        font_weight="bold" if bold else None,
        text_anchor=None if anchor == "start" else anchor,
        fill=fill,
    )


def _tick_label(fmt: Fmt, value: float) -> str:
    """A round scale value through ``fmt`` without its zero decimals: ``25`` not ``25,0``."""
    text = fmt(value)
    if value == round(value):
        text = re.sub(r"(?<=\d)[.,]0{1,2}$", "", text)
    return text


def _svg(kind: str, width: float, height: float, title: str, description: str, body: str) -> str:
    """The root element, with the accessible name and description wired to unique ids."""
    w, h = _num(width), _num(height)
    key = "\x00".join((kind, w, h, title, description, body))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    title_id, desc_id = f"kompass-{kind}-{digest}-title", f"kompass-{kind}-{digest}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'font-family="{FONT_FAMILY}">'
        f'<title id="{title_id}">{_esc(title)}</title>'
        f'<desc id="{desc_id}">{_esc(description)}</desc>'
        f"{body}</svg>"
    )


class _Style(NamedTuple):
    stroke: str
    width: float
    dash: str | None
    marker: str  # "circle", "square" or "dot"
    radius: float


def _style(kind: str, earlier_index: int = 0) -> _Style:
    if kind == "claimed":
        return _Style(CLAIMED, 2.5, None, "circle", 3.5)
    if kind == "documented":
        return _Style(DOCUMENTED, 2.5, "6 4", "square", 3)
    if kind == "earlier":
        dash = _EARLIER_DASHES[earlier_index % len(_EARLIER_DASHES)]
        return _Style(EARLIER, 2, dash, "dot", 2.5)
    return _Style(INK, 1.25, "7 4", "dot", 2)


def _line(x1: float, y1: float, x2: float, y2: float, style: _Style) -> str:
    return _tag(
        "line",
        x1=x1,
        y1=y1,
        x2=x2,
        y2=y2,
        stroke=style.stroke,
        stroke_width=style.width,
        stroke_dasharray=style.dash,
    )


def _marker(style: _Style, x: float, y: float, *, hollow: bool) -> str:
    """A point marker; hollow (white inside) where the value is unknown."""
    fill = WHITE if hollow else style.stroke
    r = style.radius
    if style.marker == "square":
        return _tag(
            "rect",
            x=x - r,
            y=y - r,
            width=2 * r,
            height=2 * r,
            fill=fill,
            stroke=style.stroke,
            stroke_width=1.5,
        )
    return _tag("circle", cx=x, cy=y, r=r, fill=fill, stroke=style.stroke, stroke_width=1.5)


Swatch = Callable[[float, float], str]  # draws a legend key 30 px wide at (left, middle)

_LEGEND_SIZE = 11
_LEGEND_ROW = 18
_SWATCH = 30


def _line_swatch(style: _Style) -> Swatch:
    def draw(x: float, y: float) -> str:
        return _line(x, y, x + _SWATCH, y, style) + _marker(style, x + _SWATCH / 2, y, hollow=False)

    return draw


def _legend(
    entries: Sequence[tuple[Swatch, str]], x: float, y: float, width: float
) -> tuple[str, float]:
    """Legend entries flowing left to right in rows; returns the SVG and its height."""
    parts: list[str] = []
    left, top = x, y
    for swatch, label in entries:
        text = _shorten(label, width - _SWATCH - 6, _LEGEND_SIZE)
        entry = _SWATCH + 6 + text_width(text, _LEGEND_SIZE)
        if left > x and left + entry > x + width:
            left, top = x, top + _LEGEND_ROW
        middle = top + _LEGEND_ROW / 2
        parts.append(swatch(left, middle))
        if text:
            parts.append(_text(left + _SWATCH + 6, middle + 4, _esc(text), size=_LEGEND_SIZE))
        left += entry + 20
    return "".join(parts), (top - y + _LEGEND_ROW if entries else 0)


def _backdrop(x: float, baseline: float, width: float, size: float) -> str:
    """A white patch behind a label that is drawn over lines, so that it stays legible."""
    return _tag(
        "rect",
        x=x - 2,
        y=baseline - size * 0.85,
        width=width + 4,
        height=size * 1.15,
        fill=WHITE,
        fill_opacity=0.85,
    )


def _claimed_bar(x: float, y: float, width: float, height: float) -> str:
    return _tag("rect", x=x, y=y, width=width, height=height, fill=CLAIMED)


def _documented_bar(x: float, y: float, width: float, height: float) -> str:
    return _tag(
        "rect",
        x=x,
        y=y,
        width=width,
        height=height,
        fill=DOCUMENTED_FILL,
        stroke=DOCUMENTED,
        stroke_width=1.5,
        stroke_dasharray="4 2",
    )


def _claimed_swatch(x: float, y: float) -> str:
    return _claimed_bar(x + 4, y - 5, _SWATCH - 8, 10)


def _documented_swatch(x: float, y: float) -> str:
    return _documented_bar(x + 4, y - 5, _SWATCH - 8, 10)


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
    values: list[str] = []
    for k, value in enumerate((total, documented)):
        y = track + k * (_GAUGE_BAR + 4)
        end = scale.at(value)
        if end > scale.x0:
            draw = _claimed_bar if k == 0 else _documented_bar
            body.append(draw(scale.x0, y, end - scale.x0, _GAUGE_BAR))
        text = fmt(value)
        size = _VALUE_SIZE + 1
        values.append(
            _backdrop(end + 5, y + _GAUGE_BAR - 3, text_width(text, size, bold=k == 0), size)
        )
        values.append(_text(end + 5, y + _GAUGE_BAR - 3, _esc(text), size=size, bold=k == 0))
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
