"""The development plan of a round: suggested, edited by the coordinator, carried to the next round."""

from __future__ import annotations

from enum import StrEnum

import msgspec
import sqlite_utils

from service import results
from service.domain import plan as plans_domain
from service.domain.assessment import Assessment
from service.domain.plan import AreaView, Plan, PlanMeasure
from service.domain.questionnaire import Questionnaire
from service.domain.scoring import Score
from service.errors import NotFound
from service.questionnaires import Catalog
from service.storage import audit, plans
from service.storage.accounts import Coordinator
from service.storage.audit import Actor
from service.storage.rounds import Round, get_round, list_rounds


class PlanSource(StrEnum):
    """Where the plan shown for a round comes from."""

    SUGGESTED = "suggested"
    EDITED = "edited"
    CARRIED = "carried"


class RoundPlan(msgspec.Struct, kw_only=True):
    """The plan shown for a round, grouped for reading, with where it comes from."""

    plan: Plan
    source: PlanSource
    since: str  # name of the round the plan was made for, when carried; else ""
    areas: list[AreaView]


def _carried(db: sqlite_utils.Database, rnd: Round) -> Plan | None:
    """The plan of the latest earlier round of the same municipality and questionnaire."""
    earlier = [
        r
        for r in list_rounds(db, rnd.municipality_id)
        if r.id != rnd.id
        and r.questionnaire_id == rnd.questionnaire_id
        and (r.created_at, r.id) < (rnd.created_at, rnd.id)
    ]
    for other in sorted(earlier, key=lambda r: (r.created_at, r.id), reverse=True):
        stored = plans.get_plan(db, other.id)
        if stored is not None:
            return msgspec.structs.replace(stored, carried_from=stored.carried_from or other.id)
    return None


def round_plan(
    db: sqlite_utils.Database, q: Questionnaire, rnd: Round, result: Assessment
) -> RoundPlan:
    """The round's plan as edited, else carried from the previous round, else suggested."""
    stored = plans.get_plan(db, rnd.id)
    source = PlanSource.EDITED
    if stored is None:
        stored = _carried(db, rnd)
        source = PlanSource.CARRIED
    if stored is None:
        stored = plans_domain.suggest(q, result)
        source = PlanSource.SUGGESTED
    then: Score | None = None
    since = ""
    if stored.carried_from is not None and stored.carried_from != rnd.id:
        try:  # scoped: a plan never reads another municipality's round
            origin = get_round(db, rnd.municipality_id, stored.carried_from)
        except NotFound:
            origin = None
        if origin is not None:
            then = results.earlier_score(db, q, origin)
            since = origin.name
    return RoundPlan(
        plan=stored,
        source=source,
        since=since,
        areas=plans_domain.view(q, stored, result.gaps, result.score, then),
    )


def current(db: sqlite_utils.Database, catalog: Catalog, rnd: Round) -> RoundPlan:
    """The round's plan with the round's current result."""
    q, _, result = results.scored(db, catalog, rnd)
    return round_plan(db, q, rnd, result)


def _author(by: Actor) -> int | None:
    """The coordinator's id for the plan row; None for the operator's command line."""
    return by.id if isinstance(by, Coordinator) else None


def _audit(
    db: sqlite_utils.Database, rnd: Round, by: Actor, change: str, plan: Plan | None
) -> None:
    """One entry per stored change of the plan: what was done and how much the plan holds."""
    details: dict[str, object] = {"change": change}
    if plan is not None:
        details["areas"] = [pa.area for pa in plan.areas]
        details["measures"] = sum(len(pa.measures) for pa in plan.areas)
    audit.record(
        db,
        audit.Action.PLAN_EDITED,
        by=by,
        round_id=rnd.id,
        municipality_id=rnd.municipality_id,
        target=f"plan:{rnd.id}",
        details=details,
    )


def save(db: sqlite_utils.Database, catalog: Catalog, rnd: Round, plan: Plan, *, by: Actor) -> Plan:
    """Check and store an edited plan; a carried plan keeps the round it came from."""
    q = results.questionnaire_of(catalog, rnd)
    checked = plans_domain.check(q, plan)
    plans.save_plan(db, rnd.id, checked, _author(by))
    _audit(db, rnd, by, "edited", checked)
    return checked


def reset(db: sqlite_utils.Database, rnd: Round, *, by: Actor) -> None:
    """Drop the edits: the round shows the carried or suggested plan again."""
    plans.delete_plan(db, rnd.id)
    _audit(db, rnd, by, "reset", None)


def edit(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: Round,
    areas: list[int],
    measures: list[PlanMeasure],
    *,
    by: Actor,
) -> Plan:
    """Apply an edit from the plan form (chosen areas, measures) to the round's current plan."""
    q, _, result = results.scored(db, catalog, rnd)
    shown = round_plan(db, q, rnd, result)
    edited = plans_domain.edit(q, result, shown.plan, areas, measures)
    plans.save_plan(db, rnd.id, edited, _author(by))
    _audit(db, rnd, by, "edited", edited)
    return edited
