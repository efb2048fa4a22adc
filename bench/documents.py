"""4 (part). A fresh gap-analysis PDF against a plain WeasyPrint document of the same length."""

from __future__ import annotations

import weasyprint

from bench.common import QUESTIONNAIRE, Figure, catalog, measure
from service.domain.assessment import assess
from service.domain.synthetic import NORMAL, synthetic_answers
from service.i18n import translator
from service.report import pdf
from service.report.model import build

PER_ROLE = {
    "mayor": 5,
    "chief_executive": 1,
    "department_head": 6,
    "staff_leader": 6,
    "unit_leader": 27,
    "union_rep": 5,
}


def run() -> list[Figure]:
    """Fresh PDF for the full questionnaire and 50 respondents (model, HTML, WeasyPrint).

    Reported against WeasyPrint rendering a plain document with the same number of pages
    (text and one table per page) in the same run: target at most 1.5 times that, under 8 s.
    """
    cat = catalog()
    q = cat.get(QUESTIONNAIRE)
    assert q is not None
    answers = synthetic_answers(q, NORMAL, PER_ROLE, seed=3)
    t = translator("nb")
    pages = 0

    def fresh() -> None:
        nonlocal pages
        result = assess(q, answers, cat.references(q.id))
        model = build(q, result, answers, [], t, municipality="Bench kommune", round_name="Bench")
        document = weasyprint.HTML(
            string=pdf.html(model, t), base_url=str(pdf.TEMPLATE_DIR)
        ).render()
        pages = len(document.pages)
        document.write_pdf(pdf_tags=True, custom_metadata=True)

    report_seconds = measure(fresh, repeat=3)
    row = "<tr><td>Indikator</td><td>Et kort stykke tekst om praksis</td><td>12,5</td><td>25</td></tr>"
    page = (
        "<section style='page-break-before: always'><h2>Kapittel</h2>"
        + "<p>Løpende tekst om kommunens forvaltningspraksis, med æøå. </p>" * 12
        + f"<table>{row * 12}</table></section>"
    )
    plain = f"<html><body>{page * pages}</body></html>"

    def baseline() -> None:
        # Same output options as the report (tagged PDF, metadata), so only the content differs.
        weasyprint.HTML(string=plain).write_pdf(pdf_tags=True, custom_metadata=True)

    plain_seconds = measure(baseline, repeat=3)
    print(f"  PDF: {pages} pages, report {report_seconds:.2f} s, plain {plain_seconds:.2f} s")
    return [
        Figure(
            key="pdf_ratio_to_plain",
            label=f"fresh PDF ({pages} pages, 50 respondents) ÷ plain document",
            value=round(report_seconds / plain_seconds, 2),
            unit="ratio",
            target=1.5,
            goal="max",
        ),
        Figure(
            key="pdf_fresh_seconds",
            label="fresh PDF, 50 respondents",
            value=round(report_seconds, 2),
            unit="s",
            target=8,
            goal="max",
        ),
    ]
