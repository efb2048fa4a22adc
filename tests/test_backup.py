"""`kompass db backup|restore|verify`: a backup restored into a fresh folder gives the same results.

The demo municipality (three rounds, reviewed evidence files) is backed up while another
connection holds an open write transaction, restored into a new place, and compared:
every round's assessment and the gap-analysis PDF's text must be identical.
"""

from __future__ import annotations

import io
import json
import sqlite3
from functools import cache
from pathlib import Path

import msgspec
import pytest
from pypdf import PdfReader

from service.cli import main
from service.demo import create_demo
from service.i18n import translator
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.report.pdf import render_pdf
from service.results import assessment, report_model
from service.settings import Settings
from service.storage import rounds
from service.storage.db import open_database
from service.storage.migrations import migrate


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo installation, as `kompass demo` makes it."""
    base = tmp_path_factory.mktemp("live")
    settings = Settings(db=str(base / "live.db"), data_dir=str(base / "live-data"))
    db = open_database(settings.db_path)
    migrate(db)
    create_demo(db, Catalog(QUESTIONNAIRE_DIR), settings)
    db.close()
    return settings


def use(monkeypatch: pytest.MonkeyPatch, db: Path | str, data_dir: Path | str) -> None:
    """Point the CLI at an installation."""
    monkeypatch.setenv("KOMPASS_DB", str(db))
    monkeypatch.setenv("KOMPASS_DATA_DIR", str(data_dir))


def results_of(db_path: Path) -> dict[str, bytes]:
    """Every round's full assessment, encoded, by round name."""
    catalog = Catalog(QUESTIONNAIRE_DIR)
    db = open_database(db_path)
    try:
        return {
            rnd.name: msgspec.json.encode(assessment(db, catalog, rnd))
            for rnd in rounds.list_rounds(db, 1)
        }
    finally:
        db.close()


@cache  # the live installation does not change; rendering is the slow part of these tests
def pdf_text(db_path: Path, round_name: str) -> str:
    catalog = Catalog(QUESTIONNAIRE_DIR)
    db = open_database(db_path)
    try:
        rnd = next(r for r in rounds.list_rounds(db, 1) if r.name == round_name)
        t = translator("nb")
        data = render_pdf(report_model(db, catalog, rnd, t), t)
    finally:
        db.close()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def evidence_rows(db_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT * FROM evidence ORDER BY id").fetchall()


@pytest.mark.parametrize("target", ["backups", "kompass.tar.gz"])
def test_backup_restores_into_a_fresh_folder_with_the_same_results(
    live: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
) -> None:
    (tmp_path / "backups").mkdir()
    use(monkeypatch, live.db, live.data_dir)
    # The service keeps writing: an open write transaction must neither block the backup
    # nor end up in it.
    writer = sqlite3.connect(live.db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute(
        "INSERT INTO municipalities (name, country, locale, created_at) VALUES ('X', 'NO', 'nb', '')"
    )
    try:
        assert main(["db", "backup", str(tmp_path / target)]) == 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    out = capsys.readouterr().out
    assert "4 evidence files" in out
    made = (
        tmp_path / target
        if target.endswith(".gz")
        else next((tmp_path / "backups").glob("kompass-backup-*"))
    )

    fresh = tmp_path / "fresh"
    use(monkeypatch, fresh / "kompass.db", fresh / "data")
    assert main(["db", "restore", str(made)]) == 0
    assert "every checksum verified" in capsys.readouterr().out

    assert results_of(fresh / "kompass.db") == results_of(live.db_path)
    assert evidence_rows(fresh / "kompass.db") == evidence_rows(live.db_path)
    with sqlite3.connect(fresh / "kompass.db") as conn:
        assert conn.execute("SELECT count(*) FROM municipalities").fetchone()[0] == 1
    assert pdf_text(fresh / "kompass.db", "Egenvurdering 2026") == pdf_text(
        live.db_path, "Egenvurdering 2026"
    )
    assert main(["db", "verify"]) == 0
    assert "; ok" in capsys.readouterr().out
    assert (fresh / "data").stat().st_mode & 0o077 == 0
    assert (fresh / "kompass.db").stat().st_mode & 0o077 == 0


@pytest.fixture
def backup_dir(live: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    use(monkeypatch, live.db, live.data_dir)
    assert main(["db", "backup", str(tmp_path / "b")]) == 0
    return tmp_path / "b"


def test_the_manifest_lists_every_file_with_its_checksum(backup_dir: Path) -> None:
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    paths = {e["path"] for e in manifest["files"]}
    on_disk = {
        p.relative_to(backup_dir).as_posix()
        for p in backup_dir.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert paths == on_disk
    assert "kompass.db" in paths
    assert manifest["migrations"][:2] == ["0001_municipalities", "0002_assessment_rounds"]
    assert all(len(e["sha256"]) == 64 for e in manifest["files"])


def test_a_damaged_backup_is_refused_naming_the_file(
    backup_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    damaged = next(p for p in (backup_dir / "evidence").rglob("*") if p.is_file())
    damaged.write_bytes(damaged.read_bytes() + b"x")
    use(monkeypatch, tmp_path / "fresh" / "kompass.db", tmp_path / "fresh" / "data")
    assert main(["db", "restore", str(backup_dir)]) == 2
    err = capsys.readouterr().err
    assert f"{damaged}: size" in err
    assert not (tmp_path / "fresh").exists()  # nothing written


@pytest.mark.parametrize("occupied", ["db", "data"])
def test_restore_refuses_a_place_that_is_not_empty(
    backup_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    occupied: str,
) -> None:
    fresh = tmp_path / "fresh"
    (fresh / "data").mkdir(parents=True)
    if occupied == "db":
        (fresh / "kompass.db").write_bytes(b"live data")
    else:
        (fresh / "data" / "secret_key").write_text("x" * 40)
    use(monkeypatch, fresh / "kompass.db", fresh / "data")
    assert main(["db", "restore", str(backup_dir)]) == 2
    err = capsys.readouterr().err
    assert "restore refused" in err
    assert ("already exists" if occupied == "db" else "not empty") in err
    if occupied == "db":
        assert (fresh / "kompass.db").read_bytes() == b"live data"


def test_restore_of_something_that_is_not_a_backup_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "junk.tar").write_bytes(b"not a tar file")
    use(monkeypatch, tmp_path / "f.db", tmp_path / "d")
    assert main(["db", "restore", str(tmp_path / "junk.tar")]) == 2
    assert f"{tmp_path / 'junk.tar'}: not a Kompass backup archive" in capsys.readouterr().err
    assert main(["db", "restore", str(tmp_path)]) == 2
    assert "manifest.json: missing" in capsys.readouterr().err


def test_verify_finds_a_missing_file_and_a_file_without_a_row(
    live: Settings,
    backup_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy = tmp_path / "copy"
    use(monkeypatch, copy / "k.db", copy / "data")
    assert main(["db", "restore", str(backup_dir)]) == 0
    evidence = copy / "data" / "evidence"
    gone = next(p for p in evidence.rglob("*") if p.is_file())
    gone.unlink()
    stray = evidence / "ab" / ("ab" + "0" * 62)
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"left behind")
    capsys.readouterr()
    assert main(["db", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"file {gone} is missing" in err
    assert f"{stray}: file without an evidence row" in err
    assert main(["db", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["integrity"] == "ok"
    assert len(report["problems"]) == 2
