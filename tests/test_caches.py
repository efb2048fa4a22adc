"""Shortcuts of the performance work (docs/performance.md) give the same answers.

A round's content digest is remembered per connection while the database is unchanged, and
a report's cache key per model object; each must change as soon as what it digests does.
Questionnaire files are parsed once for their data and their line numbers.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import msgspec
import pytest
import yaml

from service import results
from service.demo import create_demo
from service.domain import dialog
from service.domain.answers import IndicatorAnswer, Status
from service.domain.order import index, role_indicators
from service.domain.plan import Plan
from service.domain.questionnaire import Dimension, Questionnaire
from service.i18n import translator
from service.locate import LineMap, Loader, load_located
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.report import pdf
from service.settings import Settings
from service.storage import answers as stored_answers
from service.storage import plans, respondents, rounds
from service.storage.content import plans_digest, round_digest
from service.storage.db import open_database
from service.storage.migrations import migrate

CATALOG = Catalog(QUESTIONNAIRE_DIR)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's municipality and rounds in a file of its own (copied per test)."""
    base = tmp_path_factory.mktemp("demo")
    path = base / "kompass.db"
    db = open_database(path)
    migrate(db)
    create_demo(db, CATALOG, Settings(db=str(path), data_dir=str(base / "data")))
    db.close()
    return path


@pytest.fixture
def db_path(demo_db: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "kompass.db"
    with sqlite3.connect(demo_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


@pytest.mark.parametrize("writer", ["same connection", "another connection"])
def test_round_digest_follows_every_committed_change(db_path: Path, writer: str) -> None:
    db = open_database(db_path)
    round_id = 2
    first = round_digest(db, round_id)
    assert round_digest(db, round_id) == first  # nothing changed: the same digest
    person = respondents.list_for_round(db, round_id)[0]
    answer = IndicatorAnswer(indicator="1.1.1", levels={Dimension.SYSTEM: 1}, comment="Ny")
    if writer == "same connection":
        stored_answers.save(db, person.id, answer, author="t")
    else:
        other = open_database(db_path)
        stored_answers.save(other, person.id, answer, author="t")
        other.close()
    changed = round_digest(db, round_id)
    assert changed != first
    # What it remembers is what a fresh connection computes.
    fresh = open_database(db_path)
    assert round_digest(fresh, round_id) == changed
    assert plans_digest(fresh, 1) == plans_digest(db, 1)


def test_plans_digest_follows_a_plan_saved_elsewhere(db_path: Path) -> None:
    db = open_database(db_path)
    rnd = rounds.get_round(db, 1, 2)
    before = plans_digest(db, rnd.municipality_id)
    other = open_database(db_path)
    plans.save_plan(other, rnd.id, Plan(areas=[]), author=None)
    other.close()
    assert plans_digest(db, rnd.municipality_id) != before


def test_a_report_key_is_its_models_own(db_path: Path) -> None:
    db = open_database(db_path)
    rnd = rounds.get_round(db, 1, 2)
    model = results.report_model(db, CATALOG, rnd, translator("nb"))
    key = pdf.cache_key(model)
    assert pdf.cache_key(model) == key
    assert pdf.cache_key(model, full=True) != key
    renamed = msgspec.structs.replace(model, round_name=model.round_name + " (kopi)")
    assert pdf.cache_key(renamed) != key
    # Equal content, another object: the same key as computed from scratch.
    copy = msgspec.json.decode(msgspec.json.encode(model), type=type(model))
    assert pdf.cache_key(copy) == key


def test_a_report_key_follows_its_templates(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edited report template makes a new key for the same model (no stale PDF)."""
    templates = tmp_path / "templates"
    shutil.copytree(pdf.TEMPLATE_DIR / "report", templates / "report")
    monkeypatch.setattr(pdf, "TEMPLATE_DIR", templates)
    db = open_database(db_path)
    model = results.report_model(db, CATALOG, rounds.get_round(db, 1, 2), translator("nb"))
    key = pdf.cache_key(model)
    page = next(p for p in sorted((templates / "report").glob("*")) if p.is_file())
    page.write_bytes(page.read_bytes() + b"\n<!-- edited -->\n")
    assert pdf.cache_key(model) != key


@pytest.mark.parametrize(
    "path",
    sorted(QUESTIONNAIRE_DIR.glob("*.yaml")) + sorted(QUESTIONNAIRE_DIR.glob("references/*.yaml")),
    ids=lambda p: p.name,
)
def test_one_parse_gives_the_data_and_lines_of_two(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data, lines = load_located(text)
    assert data == yaml.load(text, Loader=Loader)
    apart = LineMap(text)
    assert lines.lines == apart.lines
    assert lines.duplicate_keys == apart.duplicate_keys
    assert len(lines.lines) > 10


def test_one_parse_still_locates_duplicate_keys() -> None:
    data, lines = load_located("id: a\nname: b\nid: c\n")
    assert data == {"id": "c", "name": "b"}
    assert lines.duplicate_keys == [("id", 3)]


@pytest.mark.parametrize("q", CATALOG.all(), ids=lambda q: q.id)
def test_the_questionnaire_index_is_the_walk_it_replaces(q: Questionnaire) -> None:
    found = index(q)
    assert index(q) is found  # built once per questionnaire
    walked = [ind.id for _, _, ind in q.indicators()]
    assert sorted(found.position, key=found.position.__getitem__) == walked
    for role in q.roles:
        assert list(role_indicators(q, role.id)) == q.indicators_for_role(role.id)
    assert role_indicators(q, "nobody") == ()


@pytest.mark.parametrize("q", CATALOG.all(), ids=lambda q: q.id)
def test_completeness_is_what_applies_says(q: Questionnaire) -> None:
    """``is_complete`` without building ``applies``' list answers as the rule reads."""
    choices: list[int | None] = [None, 0, 1, 3]
    checked = 0
    for _, _, ind in q.indicators():
        dims = list(ind.dimensions)
        # Every subset of the indicator's dimensions answered, at a few system levels.
        for mask in range(1 << len(dims)):
            for system in choices:
                levels = {
                    d: (system if d is Dimension.SYSTEM else 2)
                    for n, d in enumerate(dims)
                    if mask >> n & 1
                }
                for status in Status:
                    answer = IndicatorAnswer(indicator=ind.id, status=status, levels=levels)
                    by_rule = status is not Status.ANSWERED or (
                        Dimension.SYSTEM in levels
                        and all(d in levels for d in dialog.applies(ind, answer))
                    )
                    assert dialog.is_complete(ind, answer) is by_rule
                    checked += 1
    assert checked > 1000


@pytest.mark.parametrize("versions", [1, 3])
def test_current_of_some_indicators_is_current_restricted_to_them(
    db_path: Path, versions: int
) -> None:
    """One index seek per indicator reads the same latest versions as the grouped scan."""
    db = open_database(db_path)
    person = respondents.list_for_round(db, 2)[0]
    before = stored_answers.current(db, person.id)
    chosen = sorted(before)[:5]
    for n in range(versions):
        for indicator in chosen[:3]:
            answer = IndicatorAnswer(
                indicator=indicator, levels={Dimension.SYSTEM: n % 4}, comment=f"v{n}"
            )
            stored_answers.save(db, person.id, answer, author="t")
    everything = stored_answers.current(db, person.id)
    asked = [*chosen, "no-such-indicator"]
    assert stored_answers.current_of(db, person.id, asked) == {i: everything[i] for i in chosen}
    assert stored_answers.current_of(db, person.id, sorted(everything)) == everything
    assert stored_answers.current_of(db, person.id, []) == {}
