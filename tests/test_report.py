"""Results: the gap-analysis PDF (content equals the scoring module), its cache, exports, comparison."""

from __future__ import annotations

import csv as csv_module
import html
import io
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from pypdf import PdfReader

from service.app import create_app
from service.cli import main
from service.demo import DEMO_EMAIL, DEMO_PASSWORD, create_demo
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.report import pdf
from service.results import assessment, report_model
from service.settings import Settings
from service.storage import answers, rounds
from service.storage.db import open_database
from service.storage.migrations import migrate

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "pdf"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo municipality on a fresh database, as `kompass demo` makes it."""
    base = tmp_path_factory.mktemp("demo")
    settings = Settings(db=str(base / "k.db"), data_dir=str(base / "data"))
    db = open_database(settings.db_path)
    migrate(db)
    create_demo(db, Catalog(QUESTIONNAIRE_DIR), settings)
    db.close()
    return settings


def demo_round(settings: Settings, name: str) -> rounds.Round:
    db = open_database(settings.db_path)
    try:
        return next(r for r in rounds.list_rounds(db, 1) if r.name == name)
    finally:
        db.close()


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("lang", "round_name", "letters"),
    [
        ("nb", "Egenvurdering 2026", "æøå"),
        ("en", "Egenvurdering 2026", "ø"),
        ("sv", "Kommunkompassen 2026", "åäö"),
    ],
)
def test_pdf_matches_the_scoring_module(
    demo: Settings, lang: str, round_name: str, letters: str
) -> None:
    catalog = Catalog(QUESTIONNAIRE_DIR)
    rnd = demo_round(demo, round_name)
    t = translator(lang)
    db = open_database(demo.db_path)
    try:
        result = assessment(db, catalog, rnd)
        model = report_model(db, catalog, rnd, t)
    finally:
        db.close()
    data = pdf.render_pdf(model, t)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    flat = re.sub(r"\s+", " ", text)
    assert t.number(result.score.points) in flat
    assert t.number(result.score.documented_points) in flat
    for area in result.score.areas:
        assert t.number(area.points) in flat, f"area {area.number}"
    for gap in result.gaps[:5]:
        assert gap.indicator in flat
        assert t.number(gap.next_step_gain) in flat
    for letter in letters:
        assert letter in text, f"{letter!r} lost in the {lang} PDF"
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 12
    fonts = {
        str(font.get_object().get("/BaseFont"))
        for page in reader.pages[:3]
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values()
    }
    assert any("DejaVu" in f for f in fonts), fonts  # fonts are embedded subsets
    assert reader.trailer["/Root"].get("/MarkInfo") is not None  # tagged PDF
    save_pages(data, f"demo-{lang}")


def save_pages(data: bytes, name: str) -> None:
    """Page images of the summary (page 3) and the first area (page 4) for a person to look at."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: `just test` installs poppler-utils"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(data)
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "4", str(path), str(ARTIFACTS / name)],
        check=True,
    )
    assert list(ARTIFACTS.glob(f"{name}-*.png"))


@pytest.fixture
def client(demo: Settings, tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    """The app over a copy of the demo database, signed in as the demo coordinator."""
    shutil.copy(demo.db_path, tmp_path / "k.db")
    shutil.copytree(demo.data_path, tmp_path / "data")
    settings = Settings(db=str(tmp_path / "k.db"), data_dir=str(tmp_path / "data"))
    with TestClient(app=create_app(settings)) as test_client:
        test_client.get("/login")
        test_client.post(
            "/login",
            data={
                "email": DEMO_EMAIL,
                "password": DEMO_PASSWORD,
                "_csrf_token": test_client.cookies["kompass_csrf"],
            },
        )
        yield test_client


def wait_for_report(client: TestClient[Litestar], url: str) -> tuple[str, float]:
    """Poll the report URL like the waiting page does; return where it leads and the first wait."""
    first = client.get(url, follow_redirects=False)
    deadline = time.monotonic() + 120
    response = first
    while response.status_code == 202 and time.monotonic() < deadline:
        assert 'role="status"' in response.text
        time.sleep(0.5)
        response = client.get(url, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"], first.status_code


def test_pdf_is_rendered_off_the_request_path_and_cached(
    client: TestClient[Litestar], demo: Settings, tmp_path: Path
) -> None:
    url = "/rounds/2/report?lang=nb"
    location, first = wait_for_report(client, url)
    assert first == 202  # the page says it is being prepared
    download = client.get(location)
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")

    # An unchanged round is served straight from the cache: no 202 "being prepared" page,
    # a redirect to the same file (its speed is measured in bench/, not here).
    again = client.get(url, follow_redirects=False)
    assert 300 <= again.status_code < 400
    served = client.get(again.headers["location"])
    assert again.headers["location"] == location
    assert served.content == download.content

    # A changed answer makes a new report.
    db = open_database(tmp_path / "k.db")
    respondent = db.execute(
        "SELECT id FROM respondents WHERE round_id = 2 ORDER BY id LIMIT 1"
    ).fetchone()[0]
    current = answers.current(db, respondent)
    changed = next(iter(current.values()))
    import msgspec

    answers.save(
        db,
        respondent,
        msgspec.structs.replace(changed, comment="Endret etter ny informasjon."),
        author="test",
    )
    db.close()
    new_location, first_again = wait_for_report(client, url)
    assert first_again == 202
    assert new_location != location


def test_results_page(client: TestClient[Litestar]) -> None:
    page = client.get("/rounds/2/results")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert 'role="img"' in page.text
    assert "Snitt alle evaluerte norske kommuner" in page.text
    assert "Egenvurdering 2024" in page.text  # the earlier round is compared
    assert '<h2 id="plan-h">' in page.text
    assert re.search(r"<h4>\d+\.\d+ [^<]+ – \d+ tiltak, \+\d+,\d poeng</h4>", page.text), page.text
    # What respondents described, per sub-question: representative sentences of their own
    # comments, quoted, beside the table.
    assert "<h4>Hva respondentene beskrev</h4>" in page.text
    quoted = re.findall(
        r"kommentar(?:er)?\. Representativ[^:]*: «([^»]+)»", html.unescape(page.text)
    )
    assert quoted, "no summary on the results page"
    db = open_database(Path(client.app.state["settings"].db_path))
    comments = [row[0] for row in db.execute("SELECT comment FROM answers WHERE comment != ''")]
    db.close()
    assert all(any(q in c for c in comments) for q in quoted)


def test_exports(client: TestClient[Litestar]) -> None:
    xlsx = client.get("/rounds/2/export.xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert len(book.sheetnames) == 6
    csv = client.get("/rounds/2/export/areas.csv")
    assert csv.status_code == 200
    assert csv.content.startswith("\ufeff".encode())
    assert csv.headers["content-type"].count("charset") == 1
    assert client.get("/rounds/2/export/nothing.csv").status_code == 404
    exported = client.get("/rounds/2/export.json").json()
    api = client.get("/api/v1/rounds/2/result").json()
    evidence = exported.pop("evidence")
    assert exported == api
    assert evidence == client.get("/api/v1/rounds/2/evidence").json()
    assert evidence  # the demo round has documentation


@pytest.mark.parametrize(
    ("lang", "delimiter", "decimal"), [("nb", ";", ","), ("sv", ";", ","), ("en", ",", ".")]
)
def test_csv_opens_in_nordic_excel(
    client: TestClient[Litestar], lang: str, delimiter: str, decimal: str
) -> None:
    response = client.get("/rounds/2/export/areas.csv", params={"lang": lang})
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    rows = list(csv_module.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, first = rows[0], rows[1]
    assert len(header) > 3
    assert all(len(r) == len(header) for r in rows)
    claimed = first[header.index(translator(lang)("Claimed points"))]
    assert re.fullmatch(rf"\d+\{decimal}\d", claimed), claimed
    assembled = float(claimed.replace(",", "."))
    assert 0 <= assembled <= 100


def test_compare_rounds(client: TestClient[Litestar]) -> None:
    page = client.get("/rounds/2/compare", params={"other": 1})
    assert page.status_code == 200
    assert "Egenvurdering 2024" in page.text
    assert "1.1" in page.text
    assert '<th scope="col" class="num">Endring</th>' in page.text  # a noun, not the verb "Endre"
    for lang, heading in [("sv", "Förändring"), ("en", "Change")]:
        other = client.get("/rounds/2/compare", params={"other": 1, "lang": lang}).text
        assert f'<th scope="col" class="num">{heading}</th>' in other
    assert (
        client.get("/rounds/2/compare", params={"other": 3}).status_code == 404
    )  # another questionnaire


def test_report_cli(demo: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOMPASS_DB", demo.db)
    monkeypatch.setenv("KOMPASS_DATA_DIR", demo.data_dir)
    out = tmp_path / "rapport.pdf"
    assert main(["report", "2", "--lang", "nb", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    # The comments appendix opens each area with what respondents described.
    assert "Hva respondentene beskrev" in text_of(out.read_bytes())
    assert main(["report", "99", "--lang", "nb", "-o", str(out)]) == 2
