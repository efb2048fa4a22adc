"""Run every benchmark and report median times against their targets: `just bench`."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
import weasyprint

from bench.assistant import BATCH_100_SECONDS, LABELLED, load_labelled
from bench.assistant import main as assistant_agreement
from service.answers_file import load_answers_bytes
from service.domain.assessment import assess
from service.domain.synthetic import NORMAL, synthetic_answers
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.report import pdf
from service.report.model import build

Result = tuple[str, float, float]


def measure(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``fn`` in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_load_questionnaires() -> Result:
    """Loading and validating every installed questionnaire (done once at start-up)."""
    return "load + validate all questionnaires", measure(lambda: Catalog(QUESTIONNAIRE_DIR)), 2.0


def bench_score_100_respondents() -> Result:
    """`kompass score` work for 100 respondents over the full Kommunekompasset questionnaire."""
    catalog = Catalog(QUESTIONNAIRE_DIR)
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    per_role = {
        "mayor": 8,
        "chief_executive": 1,
        "department_head": 10,
        "staff_leader": 12,
        "unit_leader": 60,
        "union_rep": 9,
    }
    raw = msgspec.json.encode(synthetic_answers(q, NORMAL, per_role, seed=7))
    refs = catalog.references(q.id)

    def run() -> None:
        answers = load_answers_bytes(raw, "bench.json", q)
        msgspec.json.encode(assess(q, answers, refs))

    return "score 100 respondents (decode, check, assess)", measure(run), 1.0


def bench_score_cli_100_respondents() -> Result:
    """The whole `kompass score` command (a new process) on a 100-respondent answers file."""
    catalog = Catalog(QUESTIONNAIRE_DIR)
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    per_role = {"mayor": 8, "chief_executive": 1, "department_head": 10, "staff_leader": 12}
    per_role |= {"unit_leader": 60, "union_rep": 9}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "answers.json"
        path.write_bytes(msgspec.json.encode(synthetic_answers(q, NORMAL, per_role, seed=7)))
        command = [
            sys.executable,
            "-m",
            "service.cli",
            "score",
            q.id,
            str(path),
            "--format",
            "json",
        ]
        seconds = measure(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), repeat=5
        )
    return "kompass score CLI, 100 respondents (process)", seconds, 1.0


def bench_pdf_50_respondents() -> Result:
    """Fresh gap-analysis PDF for the full questionnaire and 50 respondents (model, HTML, WeasyPrint).

    Reported against WeasyPrint rendering a plain document with the same number of pages (text
    and one table per page) in the same run: target at most 1.5 times that, and under 8 s.
    """
    catalog = Catalog(QUESTIONNAIRE_DIR)
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    per_role = {"mayor": 5, "chief_executive": 1, "department_head": 6, "staff_leader": 6}
    per_role |= {"unit_leader": 27, "union_rep": 5}
    answers = synthetic_answers(q, NORMAL, per_role, seed=3)
    t = translator("nb")
    pages = 0

    def fresh() -> None:
        nonlocal pages
        result = assess(q, answers, catalog.references(q.id))
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
    ratio = report_seconds / plain_seconds
    print(
        f"  PDF: {pages} pages, report {report_seconds:.2f} s, plain {plain_seconds:.2f} s, ratio {ratio:.2f} (target <= 1.5)"
    )
    return (
        f"gap-analysis PDF, 50 respondents ({ratio:.2f}x plain)",
        report_seconds,
        min(8.0, 1.5 * plain_seconds),
    )


def bench_assist_batch_100() -> Result:
    """`kompass assist interpret --batch` on 100 answers (a new process, models loaded once)."""
    rows = load_labelled(LABELLED)
    lines = [
        msgspec.json.encode({"indicator": r.indicator, "lang": r.lang, "text": r.text}).decode()
        for r in rows
        if r.q == "kommunekompasset-2.1"
    ]
    batch = (lines * 2)[:100]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "batch.jsonl"
        path.write_text("\n".join(batch) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "service.cli", "assist", "interpret"]
        command += ["kommunekompasset-2.1", "--batch", str(path)]
        seconds = measure(
            lambda: subprocess.run(command, check=True, stdout=subprocess.DEVNULL), repeat=3
        )
    return "kompass assist interpret --batch, 100 answers", seconds, BATCH_100_SECONDS


BENCHMARKS: list[Callable[[], Result]] = [
    bench_pdf_50_respondents,
    bench_load_questionnaires,
    bench_score_100_respondents,
    bench_score_cli_100_respondents,
    bench_assist_batch_100,
]


def main() -> int:
    """Print one line per benchmark; exit 1 if any misses its target."""
    failed = 0
    print(f"{'benchmark':50} {'median':>10} {'target':>10}")
    for bench in BENCHMARKS:
        name, seconds, target = bench()
        ok = seconds <= target
        failed += not ok
        verdict = "ok" if ok else "SLOW"
        print(f"{name:50} {seconds * 1000:>8.1f}ms {target * 1000:>8.0f}ms {verdict}")
    print("assistant agreement with careful assessors (docs/assistant.md):")
    failed += assistant_agreement([])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
