"""The decision report: page budget, appendices apart, running headers, no overlapping words.

Renders the demo round with ``kompass report`` in nb, sv and en, reads every page's word
boxes with pdfplumber and saves page images (cover, summary, one area, the plan) with
``pdftoppm`` under ``test-artifacts/pdf/``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest
import weasyprint

from service.cli import main
from service.demo import create_demo
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "pdf"
MAIN_PAGES = 20
WITH_APPENDICES = 30
HEADER_ZONE = 60  # points from the top: the running header sits in the 22 mm top margin
DEMO_ROUND = 2  # the demo municipality's open round on Kommunekompasset 2.1
SWEDISH_ROUND = 3  # the demo's round on Kommunkompassen, which has no published figures


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("decision")
    settings = Settings(db=str(base / "k.db"), data_dir=str(base / "data"))
    db = open_database(settings.db_path)
    migrate(db)
    create_demo(db, Catalog(QUESTIONNAIRE_DIR), settings)
    db.close()
    return settings


def report(
    demo: Settings, monkeypatch: pytest.MonkeyPatch, out: Path, *args: str, round_id: int = 2
) -> Path:
    monkeypatch.setenv("KOMPASS_DB", demo.db)
    monkeypatch.setenv("KOMPASS_DATA_DIR", demo.data_dir)
    assert main(["report", str(round_id), *args, "-o", str(out)]) == 0
    return out


def overlapping_words(path: Path) -> list[str]:
    """Text drawn over other text: glyph boxes that overlap by more than 40 % each way.

    Works on characters, not on pdfplumber's words, because pdfplumber joins characters that
    touch or overlap into one word ("DokumentertMaks") and an overlap would go unseen.
    Kerning moves neighbouring letters together by far less than 40 % of a glyph.
    """
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            # Letters and digits only: DejaVu kerns punctuation under a letter ("y.").
            chars = sorted((c for c in page.chars if c["text"].isalnum()), key=lambda c: c["x0"])
            for i, a in enumerate(chars):
                for b in chars[i + 1 :]:
                    if b["x0"] >= a["x1"]:
                        break  # sorted by x0: nothing further right can overlap a
                    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
                    dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
                    narrow = min(a["x1"] - a["x0"], b["x1"] - b["x0"])
                    low = min(a["bottom"] - a["top"], b["bottom"] - b["top"])
                    if dx > 0.4 * narrow and dy > 0.4 * low:
                        found.append(
                            f"page {number} at ({a['x0']:.0f}, {a['top']:.0f}): "
                            f"{a['text']!r} / {b['text']!r}"
                        )
    return found


def pages_text(path: Path) -> list[tuple[str, str]]:
    """Each page's running header and body text."""
    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            header = page.within_bbox((0, 0, page.width, HEADER_ZONE)).extract_text() or ""
            body = page.within_bbox((0, HEADER_ZONE, page.width, page.height)).extract_text()
            out.append((header.strip(), body or ""))
    return out


def test_overlap_check_finds_overlapping_words(tmp_path: Path) -> None:
    """The checker itself can fail: two words drawn over each other are reported."""
    html = (
        '<p style="font: 12pt DejaVu Sans">Dokumentert'
        '<span style="margin-left: -30pt">Maks</span></p>'
    )
    path = tmp_path / "overlap.pdf"
    weasyprint.HTML(string=html).write_pdf(path)
    assert overlapping_words(path)


@pytest.mark.parametrize("lang", ["nb", "sv", "en"])
def test_decision_report_pages_headers_and_no_overlap(
    demo: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, lang: str
) -> None:
    t = translator(lang)
    path = report(demo, monkeypatch, tmp_path / f"report-{lang}.pdf", "--lang", lang)
    pages = pages_text(path)
    assert len(pages) <= WITH_APPENDICES
    method = t("Appendix: method")
    first_appendix = next(i for i, (_, body) in enumerate(pages) if body.startswith(method))
    assert first_appendix <= MAIN_PAGES  # pages before the first appendix, cover included
    assert overlapping_words(path) == []

    # Running headers name the chapter they are in: the last chapter begun on or before the page.
    chapters = [
        t("Contents"),
        t("Summary for the council"),
        t("Results per focus area"),
        t("Gaps ranked by improvement potential"),
        t("Development plan"),
        method,
        t("Appendix: comments from respondents"),
        t("Appendix: documentation per indicator"),
    ]
    current = ""
    for number, (header, body) in enumerate(pages[1:], start=2):
        begun = [c for c in chapters if body.startswith(c)]
        current = begun[0] if begun else current
        assert header == current, f"page {number}: header {header!r}, chapter {current!r}"
    assert t("Appendix: all disagreements") not in "".join(b for _, b in pages)
    assert sum(h == t("Summary for the council") for h, _ in pages) <= 2  # the council's part

    # Measures, grouped by sub-question with the gain of the group.
    plan = next(b for _, b in pages if b.startswith(t("Development plan")))
    assert t("Next step") in plan

    if lang == "nb":
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, ARTIFACTS / "decision-report-nb.pdf")
        area = next(i for i, (_, b) in enumerate(pages) if b.startswith(chapters[2]))
        plan_page = next(i for i, (_, b) in enumerate(pages) if b.startswith(chapters[4]))
        for name, index in [("cover", 0), ("summary", 2), ("area", area), ("plan", plan_page)]:
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    str(index + 1),
                    "-l",
                    str(index + 1),
                    "-singlefile",
                    str(path),
                    str(ARTIFACTS / f"decision-{name}"),
                ],
                check=True,
            )
            assert (ARTIFACTS / f"decision-{name}.png").stat().st_size > 1000


def test_full_report_appends_every_disagreement(
    demo: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    t = translator("nb")
    short = pages_text(report(demo, monkeypatch, tmp_path / "short.pdf", "--lang", "nb"))
    full = pages_text(report(demo, monkeypatch, tmp_path / "full.pdf", "--lang", "nb", "--full"))
    assert len(full) > len(short)
    appendix = [h for h, b in full if h == t("Appendix: all disagreements")]
    assert appendix, "the full table is an appendix under its own running header"


def test_no_empty_benchmark_table(
    demo: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Kommunkompassen has no published figures: the report says so instead of an empty table."""
    t = translator("sv")
    path = report(demo, monkeypatch, tmp_path / "sv.pdf", "--lang", "sv", round_id=SWEDISH_ROUND)
    text = " ".join("\n".join(b for _, b in pages_text(path)).split())
    references = Catalog(QUESTIONNAIRE_DIR).references("kommunkompassen")
    if references is None or not references.figures:
        assert t("No benchmark is published for this area.") in text
        assert (
            " ".join(
                t(
                    "No reference figures are published for this questionnaire yet, and there is no earlier round to compare with."
                ).split()
            )
            in text
        )
        assert f"{t('Reference')} {t('Points')} {t('Difference')}" not in text
    else:  # figures recorded since: the table has rows
        assert any(f.label.get("sv", "") in text for f in references.figures)
    assert overlapping_words(path) == []
