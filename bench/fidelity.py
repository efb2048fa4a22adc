"""What a council sees, against what an evaluator would give: score fidelity and report length.

- **Score vs evaluator** on the calibration set (Røros 2017, ``tests/data/calibration/``):
  ``kompass calibrate``'s comparison through the real scoring code: total difference, area and
  sub-question mean absolute difference, and how many sub-questions land in the same finding
  (strength / challenge / weakness) as the formal points. Targets from issue 13: area MAE ≤ 8,
  total within ± 30; no finding in the opposite class.
- **A normal municipality**: the synthetic "normal" profile's total (formal band 320–360).
- **What a council reads**: the decision report of the demo round (``kompass report``, nb),
  pages before the first appendix (cover included) and in all. Target: main part ≤ 20 pages.

Run alone with ``uv run python -m bench.fidelity``, or in the runner as ``python -m bench fidelity``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import QUESTIONNAIRE, Figure
from service.answers_file import load_answers
from service.calibrate import load_official
from service.domain.calibration import compare
from service.domain.scoring import score
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
CALIBRATION = DATA / "calibration" / "roros-2017"
NORMAL = DATA / "calibration-normal.json"
MAIN_PAGES = 20.0
HEADER_ZONE = 60  # points from the top of a page


def calibration_figures() -> list[Figure]:
    """Røros 2017: Kompass' provisional result against the formal evaluation."""
    q = Catalog(QUESTIONNAIRE_DIR).get(QUESTIONNAIRE)
    assert q is not None
    answers = load_answers(CALIBRATION.with_suffix(".answers.json"), q)
    official = load_official(CALIBRATION.with_suffix(".official.json"), q)
    c = compare(q, score(q, answers), official)
    assert c.total is not None
    assert c.area_mae is not None
    assert c.subquestion_mae is not None
    normal = score(q, load_answers(NORMAL, q))
    return [
        Figure(
            key="fidelity_roros_2017_total_difference",
            label="Røros 2017: Kompass total − formal (396), |Δ|",
            value=round(abs(c.total.difference), 1),
            unit="points",
            target=30.0,
            goal="max",
        ),
        Figure(
            key="fidelity_roros_2017_area_mae",
            label="Røros 2017: area mean absolute difference",
            value=round(c.area_mae, 2),
            unit="points",
            target=8.0,
            goal="max",
        ),
        Figure(
            key="fidelity_roros_2017_subquestion_mae",
            label="Røros 2017: sub-question mean absolute difference",
            value=round(c.subquestion_mae, 2),
            unit="points",
        ),
        Figure(
            key="fidelity_roros_2017_findings_agree",
            label="Røros 2017: sub-questions in the formal points' finding class",
            value=round(c.findings_agree or 0.0, 3),
            unit="share",
        ),
        Figure(
            key="fidelity_roros_2017_findings_opposite",
            label="Røros 2017: sub-questions in the opposite finding class",
            value=float(c.findings_opposite),
            unit="",
            target=0.0,
            goal="max",
        ),
        Figure(
            key="fidelity_normal_profile_total",
            label="synthetic normal municipality, total (band 320–360)",
            value=round(normal.estimate or 0.0, 1),
            unit="points",
        ),
    ]


def report_figures() -> list[Figure]:
    """The demo round's decision report in Bokmål: pages a council reads, and in all."""
    import pdfplumber  # noqa: PLC0415  (only this benchmark reads PDFs)

    method = translator("nb")("Appendix: method")
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "KOMPASS_DB": f"{tmp}/k.db", "KOMPASS_DATA_DIR": f"{tmp}/data"}
        cli = [sys.executable, "-m", "service.cli"]
        subprocess.run([*cli, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        out = Path(tmp) / "report.pdf"
        subprocess.run(
            [*cli, "report", "2", "--lang", "nb", "-o", str(out)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with pdfplumber.open(out) as pdf:
            # Below the running header (22 mm), as tests/test_decision_report.py reads it.
            bodies = [
                page.within_bbox((0, HEADER_ZONE, page.width, page.height)).extract_text() or ""
                for page in pdf.pages
            ]
    main = next(i for i, body in enumerate(bodies) if body.startswith(method))
    return [
        Figure(
            key="report_main_pages",
            label="decision report (demo, nb): pages before the appendices",
            value=float(main),
            unit="pages",
            target=MAIN_PAGES,
            goal="max",
        ),
        Figure(
            key="report_all_pages",
            label="decision report (demo, nb): pages with appendices",
            value=float(len(bodies)),
            unit="pages",
        ),
    ]


def run() -> list[Figure]:
    """Every fidelity figure."""
    return [*calibration_figures(), *report_figures()]


if __name__ == "__main__":
    for figure in run():
        print(f"{figure.label:66} {figure.value:>8g} {figure.unit} {figure.target_text()}")
