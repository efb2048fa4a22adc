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

Texts (labels, legend entries) and the number formatter come from the caller, so this package
knows nothing about locales or translations. Its modules: ``text`` (measuring and wrapping,
with widths generated from the font by ``fontmetrics``), ``primitives`` (SVG building blocks),
``layout`` (radar label placement) and one module per chart (``radar``, ``bars``, ``gauge``).
"""

from service.report.charts.bars import bar_chart
from service.report.charts.gauge import gauge_chart
from service.report.charts.primitives import KINDS, BarRow, Series
from service.report.charts.radar import radar_chart
from service.report.charts.text import text_width, wrap

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
