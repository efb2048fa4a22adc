"""SVG building blocks shared by the charts: colours, records, escaping, tags, styles, legends."""

from __future__ import annotations

import hashlib
import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import msgspec

from service.report.charts.text import (
    _shorten,
    text_width,
)

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
