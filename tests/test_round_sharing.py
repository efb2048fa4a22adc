"""The coordinator's use cases share the work: assignment on open, invite, revoke, reissue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from service import progress
from service import rounds as use
from service.domain.answers import IndicatorAnswer, Status
from service.domain.assignment import CoverageSettings
from service.questionnaires import QUESTIONNAIRE_DIR, Catalog
from service.settings import Settings
from service.storage import accounts, answers, assignments, audit, respondents
from service.storage.db import open_database
from service.storage.migrations import migrate

BY = audit.OPERATOR


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(QUESTIONNAIRE_DIR)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "kompass.db")
    migrate(database)
    yield database
    database.close()


def _round(db: sqlite_utils.Database, catalog: Catalog) -> use.Round:
    municipality = accounts.create_municipality(db, "Fjellbygd", "NO", "nb")
    return use.create(
        db, catalog, municipality.id, by=BY, name="Runde", questionnaire_id="kommunekompasset-2.1"
    )


def _roles(catalog: Catalog) -> list[str]:
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    return [r.id for r in q.roles]


@pytest.mark.parametrize("open_first", [True, False])
def test_assigned_indicators_follow_invitations(
    db: sqlite_utils.Database, catalog: Catalog, tmp_path: Path, open_first: bool
) -> None:
    settings = Settings(db=str(tmp_path / "kompass.db"), data_dir=str(tmp_path / "data"))
    q = catalog.get("kommunekompasset-2.1")
    assert q is not None
    rnd = _round(db, catalog)
    if open_first:
        rnd = use.open_round(db, catalog, rnd, by=BY)
    people = [
        use.invite(db, catalog, settings, rnd, by=BY, role=role) for role in _roles(catalog) * 3
    ]
    if not open_first:
        rnd = use.open_round(db, catalog, rnd, by=BY)
    order = [ind.id for _, _, ind in q.indicators()]
    limit = CoverageSettings().max_per_person
    for person in people:
        mine = use.assigned_indicators(db, catalog, person.respondent.record.id)
        role_ids = {i.id for i in q.indicators_for_role(person.respondent.record.role)}
        assert 0 < len(mine) <= limit
        assert set(mine) <= role_ids
        assert mine == sorted(mine, key=order.index)  # questionnaire order
    # The round page's progress counts the assignment, not the role's whole questionnaire.
    rows = progress.respondent_progress(db, catalog, rnd, "nb")
    assert all(0 < r.total <= limit for r in rows)
    # Someone answers, then leaves: their answered indicator stays theirs; the rest moves on.
    leaver = people[0].respondent.record
    before = use.assigned_indicators(db, catalog, leaver.id)
    answers.save(
        db, leaver.id, IndicatorAnswer(indicator=before[0], status=Status.PLANNED), author="t"
    )
    use.revoke(db, catalog, rnd, leaver.id, by=BY)
    assert use.assigned_indicators(db, catalog, leaver.id) == [before[0]]
    # Back with a new link: a fair share again, the answer still theirs.
    use.reissue(db, catalog, settings, rnd, leaver.id, by=BY)
    back = use.assigned_indicators(db, catalog, leaver.id)
    assert before[0] in back
    assert len(back) > 1


def test_a_round_without_stored_assignment_is_assigned_on_first_read(
    db: sqlite_utils.Database, catalog: Catalog
) -> None:
    rnd = _round(db, catalog)
    # Invited straight through storage (as rounds created before assignments were).
    record, _ = respondents.invite(db, rnd.id, "unit_leader")
    assert assignments.for_round(db, rnd.id) == []
    mine = use.assigned_indicators(db, catalog, record.id)
    assert 0 < len(mine) <= CoverageSettings().max_per_person
    assert assignments.for_respondent(db, rnd.id, record.id) != []


@pytest.mark.parametrize("people", [8, 24])
def test_first_reads_at_once_assign_the_round_once(
    db: sqlite_utils.Database, catalog: Catalog, tmp_path: Path, people: int
) -> None:
    """Respondents opening their links at the same moment, before the round has a stored
    assignment, each get their share: no refused duplicate rows (a 500), the same result."""
    rnd = use.open_round(db, catalog, _round(db, catalog), by=BY)
    invited = [respondents.invite(db, rnd.id, "unit_leader")[0] for _ in range(people)]
    with db.conn:
        db.execute("DELETE FROM assignments WHERE round_id = ?", [rnd.id])
    q = catalog.get(rnd.questionnaire_id)
    assert q is not None
    start = threading.Barrier(people)
    errors: list[BaseException] = []
    shares: dict[int, list[str] | None] = {}

    def first_read(respondent_id: int) -> None:
        own = open_database(tmp_path / "kompass.db")
        try:
            start.wait()
            shares[respondent_id] = use.share_of(own, catalog, rnd, q, respondent_id)
        except BaseException as exc:
            errors.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=first_read, args=(r.id,)) for r in invited]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = assignments.for_round(db, rnd.id)
    assert all(shares[r.id] for r in invited)
    assert sorted((p.invitation, p.indicator) for p in stored) == sorted(
        (r, i) for r, share in shares.items() for i in share or []
    )
