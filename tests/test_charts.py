"""SVG charts: well-formed, accessible, escaped, deterministic, geometrically right, and drawn
the same by WeasyPrint (PNG previews land in test-artifacts/charts/ for a person to look at)."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import weasyprint
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from service.report.charts import (
    BarRow,
    Series,
    bar_chart,
    fontmetrics,
    gauge_chart,
    radar_chart,
    text_width,
    wrap,
)
from service.report.charts.bars import _Scale
from service.report.charts.gauge import _place_markers

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "charts"
SVG = "{http://www.w3.org/2000/svg}"
AREAS = [
    "1 Offentlighet og demokrati",
    "2 Tilgjengelighet, innbygger- og brukerorientering",
    "3 Politisk styring og kontroll",
    "4 Lederskap, ansvar og delegasjon",
    "5 Resultatfokus og effektivitet",
    "6 Kommunen som arbeidsgiver",
    "7 Utviklingsstrategi og lærende organisasjon",
    "8 Kommunen som samfunnsutvikler",
]
CLAIMED = [62.5, 48.0, 71.2, 55.0, None, 66.0, 41.5, 80.0]
DOCUMENTED = [40.0, 30.5, 52.0, 35.0, None, 50.0, 20.0, 61.0]
ROROS_2017 = [33.0, 38.0, 65.0, 57.0, 52.0, 43.0, 39.0, 69.0]
MARKERS = [
    ("Snitt alle evaluerte norske kommuner", 362.0),
    ("Snitt kommuner med 5 000–10 000 innbyggere", 356.0),
    ("Røros 2013", 254.0),
    ("Røros 2017", 396.0),
]


def nb(value: float) -> str:
    """Norwegian decimals, as the app's translator writes them."""
    return f"{value:.1f}".replace(".", ",")


def radar(**kwargs: object) -> str:
    args: dict[str, object] = {
        "axes": AREAS,
        "series": [
            Series("Egenvurdering", CLAIMED, "claimed"),
            Series("Dokumentert", DOCUMENTED, "documented"),
            Series("Røros 2017", ROROS_2017, "earlier"),
            Series("Snitt alle evaluerte norske kommuner", [45.25] * 8, "reference"),
        ],
        "title": "Poeng per fokusområde",
        "description": "Egenvurdering og dokumentert poengsum for de åtte fokusområdene.",
        "fmt": nb,
    }
    return radar_chart(**{**args, **kwargs})


def bars(**kwargs: object) -> str:
    args: dict[str, object] = {
        "rows": [
            BarRow(a, c, d, 45.25) for a, c, d in zip(AREAS, CLAIMED, DOCUMENTED, strict=True)
        ],
        "title": "Poeng per fokusområde",
        "description": "Stolper per fokusområde.",
        "fmt": nb,
        "claimed_label": "Egenvurdering",
        "documented_label": "Dokumentert",
        "benchmark_label": "Snitt alle evaluerte norske kommuner",
    }
    return bar_chart(**{**args, **kwargs})


def gauge(**kwargs: object) -> str:
    args: dict[str, object] = {
        "total": 495.2,
        "documented": 318.5,
        "maximum": 800.0,
        "band": (320.0, 360.0),
        "markers": MARKERS,
        "title": "Total poengsum",
        "description": "495,2 av 800 poeng, dokumentert 318,5.",
        "fmt": nb,
        "claimed_label": "Egenvurdering",
        "documented_label": "Dokumentert",
        "band_label": "Normalskår",
    }
    return gauge_chart(**{**args, **kwargs})


CHARTS = {"radar": radar, "bars": bars, "gauge": gauge}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything that is not well-formed XML


def all_of(root: ET.Element, tag: str) -> list[ET.Element]:
    return list(root.iter(SVG + tag))


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in all_of(root, "text")]


def num(element: ET.Element, name: str) -> float:
    return float(element.attrib[name])


def polygon_points(element: ET.Element) -> list[tuple[float, float]]:
    return [
        (float(x), float(y)) for x, y in (p.split(",") for p in element.attrib["points"].split())
    ]


# --- the SVG itself --------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_standalone_svg_with_size_viewbox_and_font(name: str) -> None:
    svg = CHARTS[name]()
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" ')
    width, height = int(root.attrib["width"]), int(root.attrib["height"])
    assert root.attrib["viewBox"] == f"0 0 {width} {height}"
    assert root.attrib["font-family"] == "DejaVu Sans, Arial, sans-serif"
    assert 200 < height < 700


@pytest.mark.parametrize("name", CHARTS)
def test_title_and_desc_name_the_chart(name: str) -> None:
    root = parse(CHARTS[name](title="Tittel", description="Beskrivelse"))
    assert root.attrib["role"] == "img"
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (SVG + "title", SVG + "desc")
    assert (title.text, desc.text) == ("Tittel", "Beskrivelse")
    assert root.attrib["aria-labelledby"] == f"{title.attrib['id']} {desc.attrib['id']}"
    ids = [e.attrib["id"] for e in root.iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids)) == 2


def test_ids_differ_between_charts_on_one_page() -> None:
    svgs = [radar(), bars(), gauge(), radar(title="Andre runde"), bars(rows=[])]
    ids = [e.attrib["id"] for svg in svgs for e in parse(svg).iter() if "id" in e.attrib]
    assert len(ids) == len(set(ids)) == 10


@pytest.mark.parametrize("name", CHARTS)
def test_presentation_attributes_only(name: str) -> None:
    svg = CHARTS[name]()
    assert "<style" not in svg
    assert "<script" not in svg
    assert " class=" not in svg
    assert " style=" not in svg
    assert "url(" not in svg
    assert "@font-face" not in svg
    assert "href" not in svg


@pytest.mark.parametrize("name", CHARTS)
def test_deterministic(name: str) -> None:
    assert CHARTS[name]() == CHARTS[name]()


@pytest.mark.parametrize("name", CHARTS)
def test_coordinates_have_at_most_two_decimals(name: str) -> None:
    svg = CHARTS[name]()
    for value in re.findall(r'(?:x|y|x1|x2|y1|y2|cx|cy|r|width|height|points)="([^"]*)"', svg):
        for number in re.findall(r"-?\d+(?:\.\d+)?", value):
            assert len(number.partition(".")[2]) <= 2, number


def contrast(colour: str) -> float:
    """Contrast ratio of a #RRGGBB colour against white (WCAG 2)."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


@pytest.mark.parametrize("name", CHARTS)
def test_lines_and_text_contrast_with_white(name: str) -> None:
    root = parse(CHARTS[name]())
    for element in root.iter():
        stroke = element.attrib.get("stroke")
        if stroke and stroke != "none":
            assert contrast(stroke) >= 3, (element.tag, stroke)
    for text in all_of(root, "text"):
        assert contrast(text.attrib["fill"]) >= 4.5
    # Filled shapes without an outline carry meaning by their fill: 3:1 too, unless they
    # are white backdrops behind labels or the band, whose edges are drawn as lines.
    for rect in all_of(root, "rect"):
        fill = rect.attrib["fill"]
        if "stroke" not in rect.attrib and fill not in {"#FFFFFF", "#E6E6E6"}:
            assert contrast(fill) >= 3, fill


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_text_is_escaped(name: str) -> None:
    label = "A & B <c> \"d\" 'e' æøå ÆØÅ äö\x01"
    if name == "radar":
        svg = radar(axes=[label, "b", "c"], series=[Series(label, [1, 2, 3], "claimed")])
    elif name == "bars":
        svg = bars(rows=[BarRow(label, 1, 2, 3)], benchmark_label=label)
    else:
        svg = gauge(markers=[(label, 100.0)], band_label=label)
    root = parse(svg)
    assert "A &amp; B &lt;c&gt;" in svg
    assert "<c>" not in svg
    assert "\x01" not in svg
    joined = " ".join(texts(root))
    for word in ("A & B <c>", "æøå", "ÆØÅ", "äö"):
        assert word in joined, (word, joined)


def test_title_and_description_are_escaped() -> None:
    root = parse(radar(title="A & B <c>", description="æøå > 1 & <2>"))
    assert root[0].text == "A & B <c>"
    assert root[1].text == "æøå > 1 & <2>"


def test_numbers_go_through_fmt() -> None:
    joined = " ".join(texts(parse(radar())) + texts(parse(bars())) + texts(parse(gauge())))
    for value in ("62,5", "40,0", "30,5", "495,2", "318,5", "362,0"):
        assert value in joined
    assert "62.5" not in joined
    assert "495.2" not in joined
    # round scale values lose the zero decimals fmt would give them
    for tick in ("25", "50", "75", "100", "400", "800"):
        assert tick in texts(parse(radar())) + texts(parse(bars())) + texts(parse(gauge()))
    assert "25,0" not in joined
    assert "Normalskår 320–360" in joined


def test_default_fmt_is_str() -> None:
    root = parse(
        radar_chart(
            ["a", "b", "c"], [Series("s", [1.5, 2, 3], "claimed")], title="t", description="d"
        )
    )
    assert "1.5" in " ".join(texts(root))


def text_box(element: ET.Element) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of a line of text, measured as the chart measures it."""
    size = num(element, "font-size")
    bold = element.attrib.get("font-weight") == "bold"
    width = text_width(element.text or "", size, bold=bold)
    for span in element:
        width += text_width(span.text or "", size, bold=bold or span.get("font-weight") == "bold")
        width += text_width(span.tail or "", size, bold=bold)
    x, y = num(element, "x"), num(element, "y")
    anchor = element.attrib.get("text-anchor", "start")
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.76 * size, left + width, y + 0.24 * size


@pytest.mark.parametrize("name", CHARTS)
def test_text_stays_inside_the_chart_and_apart(name: str) -> None:
    assert_text_inside(CHARTS[name]())


def test_wrap_breaks_long_labels_in_two_balanced_lines() -> None:
    lines, cut = wrap("7 Utviklingsstrategi og lærende organisasjon", 160, 12)
    assert lines == ["7 Utviklingsstrategi og", "lærende organisasjon"]
    assert not cut
    assert wrap("Kort", 160, 12) == (["Kort"], False)
    assert wrap("", 160, 12) == ([], False)


def test_wrap_cuts_with_an_ellipsis_when_two_lines_are_not_enough() -> None:
    lines, cut = wrap("2 Tilgjengelighet, innbygger- og brukerorientering", 110, 12)
    assert cut
    assert len(lines) == 2
    assert lines[-1].endswith("…")
    assert all(text_width(line, 12) <= 110 for line in lines)


def test_wrap_keeps_digit_groups_together() -> None:
    lines, _ = wrap("Snitt kommuner med 5 000–10 000 innbyggere", 130, 11)
    assert all(not line.endswith(" 5") for line in lines)
    assert any("5 000–10 000" in line for line in lines)


# --- radar -----------------------------------------------------------------------------------


def series_polygons(root: ET.Element) -> list[ET.Element]:
    """The series' lines (the grid rings are the polygons drawn without a dash or fill)."""
    return [p for p in all_of(root, "polygon") if p.attrib["stroke-width"] not in {"0.75", "1"}]


@pytest.mark.parametrize("n", [3, 5, 8, 12])
def test_radar_polygons_have_one_point_per_axis(n: int) -> None:
    axes = [f"{i} Område" for i in range(1, n + 1)]
    series = [
        Series("a", [float(i) for i in range(n)], "claimed"),
        Series("b", [None] * n, "documented"),
    ]
    root = parse(radar(axes=axes, series=series))
    polygons = all_of(root, "polygon")
    assert len(polygons) == 4 + 2  # rings at 25/50/75/100 % and two series
    assert all(len(polygon_points(p)) == n for p in polygons)
    assert len([t for t in texts(root) if "Område" in t]) == n


def test_radar_places_values_proportionally_from_the_centre() -> None:
    root = parse(radar(series=[Series("s", [100, 50, 25, 0, 100, 100, 100, 100], "claimed")]))
    outer = polygon_points(all_of(root, "polygon")[3])
    (line,) = series_polygons(root)
    values = polygon_points(line)
    centre = values[3]
    radius = math.dist(centre, outer[0])
    assert math.dist(centre, values[0]) == pytest.approx(radius, abs=0.02)
    assert math.dist(centre, values[1]) == pytest.approx(radius / 2, abs=0.02)
    assert math.dist(centre, values[2]) == pytest.approx(radius / 4, abs=0.02)
    assert values[0][0] == pytest.approx(centre[0])  # the first axis points straight up
    assert values[0][1] < centre[1]


def test_radar_draws_unknown_values_at_zero_with_hollow_markers() -> None:
    root = parse(radar(series=[Series("Egenvurdering", CLAIMED, "claimed")]))
    (line,) = series_polygons(root)
    points = polygon_points(line)
    rings = polygon_points(all_of(root, "polygon")[0])
    centre = (
        sum(x for x, _ in rings) / len(rings),
        sum(y for _, y in rings) / len(rings),
    )
    assert points[4] == pytest.approx(centre, abs=0.02)
    markers = all_of(root, "circle")
    assert len(markers) == 8 + 1  # one per axis, and the legend's
    hollow = [c for c in markers if c.attrib["fill"] == "#FFFFFF"]
    assert len(hollow) == 1
    assert (num(hollow[0], "cx"), num(hollow[0], "cy")) == pytest.approx(centre, abs=0.02)
    assert "–" in texts(root)


def test_radar_values_line_shows_claimed_then_documented() -> None:
    all_texts = texts(parse(radar()))
    assert "62,5 / 40,0" in all_texts
    assert "– / –" in all_texts


def test_radar_styles_tell_series_apart_without_colour() -> None:
    root = parse(radar())
    lines = series_polygons(root)
    dashes = [p.attrib.get("stroke-dasharray") for p in lines]
    # drawn earlier, reference, claimed, documented: dotted, dashed, solid, dashed
    assert dashes == ["2 3", "7 4", None, "6 4"]
    widths = [float(p.attrib["stroke-width"]) for p in lines]
    assert widths[1] < widths[2] == widths[3]  # the reference line is thin
    assert len({p.attrib["stroke"] for p in lines}) == 4
    legend = texts(root)[-4:]
    assert legend == [
        "Egenvurdering",
        "Dokumentert",
        "Røros 2017",
        "Snitt alle evaluerte norske kommuner",
    ]


def test_radar_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="at least 3 axes"):
        radar(axes=["a", "b"], series=[])
    with pytest.raises(ValueError, match="values for 8 axes"):
        radar(series=[Series("s", [1.0], "claimed")])
    with pytest.raises(ValueError, match="kind"):
        Series("s", [1.0], "projected")
    with pytest.raises(ValueError, match="maximum"):
        radar(max_value=0)


def test_radar_long_labels_wrap_to_two_lines() -> None:
    root = parse(radar())
    axis_texts = [t for t in all_of(root, "text") if t.attrib["font-size"] == "11"]
    joined = " ".join("".join(t.itertext()) for t in axis_texts)
    assert "Utviklingsstrategi" in joined
    assert "organisasjon" in joined
    assert "…" not in joined  # at the default size every area title fits in two lines


# --- bars ------------------------------------------------------------------------------------


def bar_rects(root: ET.Element) -> list[ET.Element]:
    """The bars in the plot (the legend's swatches are 22 wide and 10 high)."""
    return [r for r in all_of(root, "rect") if r.attrib["height"] == "12"]


def test_bars_are_proportional_and_documented_is_dashed() -> None:
    root = parse(bars(rows=[BarRow("a", 100, 50, 25), BarRow("b", 25, None)]))
    claimed_full, documented_half, claimed_quarter = bar_rects(root)
    full = num(claimed_full, "width")
    assert num(documented_half, "width") == pytest.approx(full / 2, abs=0.02)
    assert num(claimed_quarter, "width") == pytest.approx(full / 4, abs=0.02)
    assert "stroke-dasharray" not in claimed_full.attrib
    assert documented_half.attrib["stroke-dasharray"] == "4 2"
    x0 = num(claimed_full, "x")
    ticks = [ln for ln in all_of(root, "line") if ln.attrib.get("stroke-width") == "2"]
    assert num(ticks[0], "x1") == pytest.approx(x0 + full / 4, abs=0.02)
    assert len(ticks) == 1 + 1  # one benchmark, and the legend's
    assert texts(root).count("–") == 1


def test_bars_one_row_per_area_with_legend() -> None:
    root = parse(bars())
    all_texts = texts(root)
    assert len(bar_rects(root)) == 2 * 7  # area 5 is unknown: no bars
    assert all_texts[-3:] == [
        "Egenvurdering",
        "Dokumentert",
        "Snitt alle evaluerte norske kommuner",
    ]
    assert "62,5" in all_texts
    assert "40,0" in all_texts


def test_bars_without_benchmark_leave_it_out_of_the_legend() -> None:
    root = parse(bars(rows=[BarRow("a", 10, 5)]))
    assert "Snitt alle evaluerte norske kommuner" not in texts(root)


def test_not_a_number_is_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        bars(rows=[BarRow("a", math.nan, 1)])
    with pytest.raises(ValueError, match="finite"):
        gauge(total=math.inf)


def test_bars_clamp_values_beyond_the_maximum() -> None:
    root = parse(bars(rows=[BarRow("a", 150, 100)]))
    claimed, documented = bar_rects(root)
    assert claimed.attrib["width"] == documented.attrib["width"]
    assert "150,0" in texts(root)


# --- gauge -----------------------------------------------------------------------------------


def scale_of(root: ET.Element) -> tuple[float, float]:
    """The left and right end of the gauge's scale line."""
    axis = max(
        (ln for ln in all_of(root, "line") if ln.attrib["y1"] == ln.attrib["y2"]),
        key=lambda ln: num(ln, "x2") - num(ln, "x1"),
    )
    return num(axis, "x1"), num(axis, "x2")


def test_gauge_positions_are_proportional() -> None:
    root = parse(gauge())
    x0, x1 = scale_of(root)
    share = {value: x0 + (x1 - x0) * value / 800 for value in (362, 356, 254, 396, 320, 360)}
    marker_xs = sorted(
        num(ln, "x1")
        for ln in all_of(root, "line")
        if ln.attrib.get("stroke-dasharray") == "7 4" and ln.attrib["x1"] == ln.attrib["x2"]
    )
    assert marker_xs == pytest.approx(sorted(share[v] for v in (362, 356, 254, 396)), abs=0.01)
    assert (marker_xs[2] - x0) / (x1 - x0) == pytest.approx(0.4525, abs=1e-4)  # 362 of 800
    band = next(r for r in all_of(root, "rect") if r.attrib["fill"] == "#E6E6E6")
    assert num(band, "x") == pytest.approx(share[320], abs=0.01)
    assert num(band, "width") == pytest.approx(share[360] - share[320], abs=0.02)
    claimed, documented = (r for r in all_of(root, "rect") if r.attrib["height"] == "16")
    assert num(claimed, "width") == pytest.approx((x1 - x0) * 495.2 / 800, abs=0.02)
    assert num(documented, "width") == pytest.approx((x1 - x0) * 318.5 / 800, abs=0.02)
    assert documented.attrib["stroke-dasharray"] == "4 2"


def test_gauge_scale_and_labels() -> None:
    all_texts = texts(parse(gauge()))
    assert [t for t in all_texts if t.isdigit()] == [str(v) for v in range(0, 801, 100)]
    assert any(t.startswith("362,0 Snitt alle") for t in all_texts)  # the value first, in bold
    assert "Normalskår 320–360" in all_texts


def test_gauge_without_band_or_markers() -> None:
    root = parse(gauge(band=None, markers=[], total=0.0, documented=0.0))
    all_texts = texts(root)
    assert not any("Normalskår" in t for t in all_texts)
    assert all_texts.count("0,0") == 2
    assert not [r for r in all_of(root, "rect") if r.attrib["height"] == "16"]


def marker_labels() -> Iterator[tuple[str, float]]:
    yield from MARKERS
    yield ("Snitt C", 359.0)
    yield ("Null", 0.0)
    yield ("Alt", 800.0)


def test_gauge_marker_labels_neither_overlap_nor_cross_lines() -> None:
    scale = _Scale(18, 560, 800)
    placed = _place_markers(list(marker_labels()), scale, nb, 634)
    for i, a in enumerate(placed):
        assert a.left >= 6
        assert a.left + a.width <= 634
        for b in placed[i + 1 :]:
            if a.level == b.level:
                assert a.left + a.width <= b.left or b.left + b.width <= a.left
    # a line runs from the scale up to its own label: no lower label may stand across it
    for a in placed:
        for b in placed:
            if b.level < a.level:
                assert not b.left <= a.x <= b.left + b.width, (a, b)


# --- any input ------------------------------------------------------------------------------

LABELS = st.text(alphabet="ab cdæøåÆØÅäö&<>\"'–0123456789", max_size=60)
VALUES = st.one_of(st.none(), st.floats(min_value=-10, max_value=200))


def assert_text_inside(svg: str, *, apart: bool = True) -> None:
    """All text lies within the chart and, if ``apart``, no two lines of text overlap."""
    root = parse(svg)
    width, height = num(root, "width"), num(root, "height")
    boxes = [text_box(t) for t in all_of(root, "text")]
    for left, top, right, bottom in boxes:
        assert left >= -0.01
        assert right <= width + 0.01
        assert top >= 0
        assert bottom <= height
    if apart:
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


@settings(max_examples=60, deadline=None)
@given(
    axes=st.lists(LABELS, min_size=3, max_size=12),
    data=st.data(),
    size=st.integers(min_value=360, max_value=720),
)
def test_radar_any_input(axes: list[str], data: st.DataObject, size: int) -> None:
    kinds = st.sampled_from(["claimed", "documented", "earlier", "reference"])
    series = data.draw(
        st.lists(
            st.builds(
                Series, LABELS, st.lists(VALUES, min_size=len(axes), max_size=len(axes)), kinds
            ),
            max_size=5,
        )
    )
    svg = radar_chart(axes, series, title="t", description="d", fmt=nb, size=size)
    assert svg == radar_chart(axes, series, title="t", description="d", fmt=nb, size=size)
    # Up to 12 axes with long labels may not all find room apart on a small chart.
    assert_text_inside(svg, apart=False)
    assert all(len(polygon_points(p)) == len(axes) for p in all_of(parse(svg), "polygon"))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.builds(BarRow, LABELS, VALUES, VALUES, VALUES), max_size=10),
    width=st.integers(min_value=400, max_value=900),
)
def test_bars_any_input(rows: list[BarRow], width: int) -> None:
    assert_text_inside(bar_chart(rows, title="t", description="d", fmt=nb, width=width))


@settings(max_examples=60, deadline=None)
@given(
    total=st.floats(min_value=0, max_value=800),
    documented=st.floats(min_value=0, max_value=800),
    band=st.one_of(st.none(), st.tuples(st.floats(0, 800), st.floats(0, 800))),
    markers=st.lists(st.tuples(LABELS, st.floats(min_value=0, max_value=800)), max_size=8),
    width=st.integers(min_value=480, max_value=900),
)
def test_gauge_any_input(
    total: float,
    documented: float,
    band: tuple[float, float] | None,
    markers: list[tuple[str, float]],
    width: int,
) -> None:
    svg = gauge_chart(
        total, documented, maximum=800, band=band, markers=markers, title="t", description="d",
        fmt=nb, width=width,
    )  # fmt: skip
    assert_text_inside(svg)


# --- drawn by WeasyPrint ---------------------------------------------------------------------


PAGE_MARGIN = 75 + 8  # WeasyPrint's default page margin and body margin, in CSS pixels
DPI = 110


def render(svg: str, path: Path) -> str:
    """Render ``svg`` into a PDF with WeasyPrint; return the PDF's text. Keep a PNG preview."""
    weasyprint.HTML(string=f"<html><body>{svg}</body></html>").write_pdf(path)
    assert path.stat().st_size > 1000
    text = PdfReader(path).pages[0].extract_text()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:  # the preview is for a person to look at; the test does not depend on it
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        root = parse(svg)
        scale = DPI / 96
        crop = [
            round((PAGE_MARGIN - 6) * scale),
            round((PAGE_MARGIN - 6) * scale),
            round((num(root, "width") + 12) * scale),
            round((num(root, "height") + 12) * scale),
        ]
        args = ["-x", "-y", "-W", "-H"]
        cropping = [item for pair in zip(args, map(str, crop), strict=True) for item in pair]
        preview = ARTIFACTS / path.stem
        subprocess.run(
            [pdftoppm, "-png", "-r", str(DPI), "-singlefile", *cropping, str(path), str(preview)],
            check=True,
        )
        assert preview.with_suffix(".png").stat().st_size > 0
    return " ".join(text.split())


@pytest.mark.parametrize("name", CHARTS)
def test_weasyprint_draws_the_chart_with_its_text(name: str, tmp_path: Path) -> None:
    text = render(CHARTS[name](), tmp_path / f"{name}.pdf")
    words = {
        "radar": ["Offentlighet", "demokrati", "Utviklingsstrategi", "62,5", "Røros 2017"],
        "bars": ["Tilgjengelighet,", "brukerorientering", "71,2", "52,0", "Dokumentert"],
        "gauge": ["495,2", "318,5", "Snitt alle evaluerte", "Røros 2013", "Normalskår"],
    }[name]
    for word in words:
        assert word in text, (word, text)


def test_weasyprint_keeps_nordic_letters_and_escaped_text(tmp_path: Path) -> None:
    svg = radar(
        axes=["A & B <c>", "Ærø og Åsnes", "Örebro län"],
        series=[Series("Egen", [50, None, 75], "claimed")],
        size=400,
    )
    text = render(svg, tmp_path / "radar-escaping.pdf")
    for word in ("A & B <c>", "Ærø", "Åsnes", "Örebro", "län", "50,0"):
        assert word in text, (word, text)


def test_glyph_widths_are_generated_from_the_font() -> None:
    """The committed width table is exactly what fontTools reads from DejaVu Sans."""
    committed = (ROOT / "service/report/charts/_glyph_widths.py").read_text(encoding="utf-8")
    assert committed == fontmetrics.source()


@pytest.mark.parametrize("max_lines", [1, 2, 3])
def test_remembered_wrapping_is_not_shared_between_callers(max_lines: int) -> None:
    """Wrapping is remembered per label; a caller changing its lines changes no one else's."""
    label = "Kommunen har en helhetlig arbeidsgiverstrategi som er kjent i organisasjonen"
    first, cut = wrap(label, 120, 11, max_lines=max_lines)
    first.append("changed")
    again, cut_again = wrap(label, 120, 11, max_lines=max_lines)
    assert "changed" not in again
    assert (again, cut_again) == (first[:-1], cut)
    assert all(text_width(line, 11) <= 120 for line in again)
