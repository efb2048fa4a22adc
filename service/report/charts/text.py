"""Text measurement: widths of DejaVu Sans from the font, shortening and wrapping."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat

from service.report.charts._glyph_widths import BOLD as _BOLD_WIDTHS
from service.report.charts._glyph_widths import REGULAR as _WIDTHS

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
