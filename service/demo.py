"""Demo data: a municipality with rounds on both questionnaires, realistic answers and evidence."""

from __future__ import annotations

import msgspec
import sqlite_utils

from service import rounds as use
from service.domain.answers import IndicatorAnswer
from service.domain.questionnaire import Dimension
from service.domain.synthetic import NORMAL, WEAK, Profile, synthetic_answers
from service.errors import NotFound
from service.questionnaires import Catalog
from service.settings import Settings
from service.storage import accounts, answers, assignments, audit, evidence, respondents, rounds
from service.storage.evidence_files import EvidenceSink

DEMO_NAME = "Demo kommune"
DEMO_EMAIL = "demo@kompass.example"
DEMO_PASSWORD = "kompass-demo-2026"  # noqa: S105 - published demo credentials
DEMO_RESPONDENT = "Demo-respondent"
DEMO_ROLE = "unit_leader"
# A municipality of the size the method's benchmarks describe: with 217 indicators, three
# answers each from two roles, at most 40 per person, 19 people are what it takes.
PER_ROLE = {
    "mayor": 2,
    "chief_executive": 1,
    "department_head": 3,
    "staff_leader": 3,
    "unit_leader": 8,
    "union_rep": 2,
}

# Small documents a municipality would upload, as plain text (content-typed on upload).
DOCUMENTS = {
    "1.1.2": ("Kommunikasjonsstrategi 2024–2027", "2024-03-14"),
    "3.2.1": ("Økonomiplan med handlingsprogram 2026–2029", "2025-12-11"),
    "6.1.1": ("Arbeidsgiverstrategi", "2023-06-20"),
    "7.2.1": ("Rutine for avvikshåndtering", "2022-09-01"),
}


class DemoInfo(msgspec.Struct, kw_only=True):
    """What `kompass demo` prints."""

    created: bool
    email: str
    password: str
    rounds: list[tuple[str, str]]  # (round name, a respondent link)


# What respondents write beside their levels, by how far the practice has come (system level
# 0–1, 2, 3–4), in the round's language: the results page and the report summarise them.
COMMENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "nb": (
        (
            "Dette har vi ikke fått på plass ennå. Det står i planen for neste år.",
            "Det gjøres litt her og der, men det avhenger av enkeltpersoner.",
        ),
        (
            "Rutinen er beskrevet, men den er ikke kjent i alle enheter.",
            "Vi har startet, men bare noen av enhetene bruker det fast.",
        ),
        (
            "Dette er vedtatt og kjent i hele organisasjonen. Resultatene følges opp hvert år.",
            "Vi bruker det fast og evaluerer det i ledermøtet hvert halvår.",
        ),
    ),
    "sv": (
        (
            "Det här har vi inte kommit igång med ännu. Det finns med i planen för nästa år.",
            "Det görs lite här och där, men det hänger på enskilda personer.",
        ),
        (
            "Rutinen är beskriven, men den är inte känd i alla verksamheter.",
            "Vi har börjat, men bara några av verksamheterna använder det regelbundet.",
        ),
        (
            "Det är beslutat och känt i hela organisationen. Resultaten följs upp varje år.",
            "Vi använder det regelbundet och utvärderar det i ledningsgruppen varje halvår.",
        ),
    ),
}
COMMENT_EVERY = 12  # one answer in twelve carries a comment, as in a real round


def _with_comment(answer: IndicatorAnswer, locale: str, n: int) -> IndicatorAnswer:
    """Every ``COMMENT_EVERY``-th answer with a comment that fits its system level."""
    texts = COMMENTS.get(locale)
    if texts is None or n % COMMENT_EVERY or answer.comment:
        return answer
    system = answer.levels.get(Dimension.SYSTEM)
    band = 0 if system is None or system <= 1 else (1 if system == 2 else 2)
    options = texts[band]
    return msgspec.structs.replace(answer, comment=options[(n // COMMENT_EVERY) % len(options)])


def _save_answers(
    db: sqlite_utils.Database,
    catalog: Catalog,
    rnd: rounds.Round,
    answer_set_respondents: list[tuple[str, list[IndicatorAnswer]]],
    *,
    with_demo_link: bool,
) -> list[int]:
    """Invite the synthetic respondents, share the work, and save each one's answers to the
    indicators assigned to them (as real respondents answer their share, not their role's all).

    In an open round the demo's own unit leader is invited with them, so the link the demo
    prints opens a share of unanswered cards (invited after everyone had answered, they would
    find every indicator already covered and nothing assigned).
    """
    ids = [respondents.invite(db, rnd.id, role)[0].id for role, _ in answer_set_respondents]
    if with_demo_link:
        respondents.invite(db, rnd.id, DEMO_ROLE, DEMO_RESPONDENT)
    use.rebalance(db, catalog, rnd)
    n = 0
    for rid, (_, given) in zip(ids, answer_set_respondents, strict=True):
        mine = set(use.assigned_indicators(db, catalog, rid))
        for answer in given:
            if answer.indicator in mine:
                n += 1
                said = _with_comment(answer, rnd.locale, n)
                answers.save(db, rid, msgspec.structs.replace(said, evidence=[]), author="demo")
    return ids


def _add_documents(db: sqlite_utils.Database, settings: Settings, rnd: rounds.Round) -> None:
    """Attach each document to someone who answered its indicator (or the first respondent)."""
    answered = assignments.answered(db, rnd.id)
    first = answered[0].invitation
    coordinator_id = db.execute(
        "SELECT id FROM coordinators WHERE email = ?", [DEMO_EMAIL]
    ).fetchone()[0]
    for number, (indicator, (title, date)) in enumerate(DOCUMENTS.items()):
        sink = EvidenceSink(settings.data_path / "evidence", settings.max_upload_mb * 1024 * 1024)
        sink.write(f"{title}\nVedtatt {date}.\n\nDemodokument laget av Kompass.\n".encode())
        stored = sink.finish()
        respondent_id = next((p.invitation for p in answered if p.indicator == indicator), first)
        record = evidence.add_file(
            db, rnd.id, respondent_id, indicator, stored, f"{title}.txt", title, date
        )
        if number < 3:
            evidence.review(
                db, rnd.id, record.id, evidence.ReviewState.ACCEPTED, "", coordinator_id
            )


def _round(
    db: sqlite_utils.Database,
    catalog: Catalog,
    municipality_id: int,
    name: str,
    questionnaire_id: str,
    profile: Profile,
    seed: int,
    *,
    close: bool,
) -> tuple[rounds.Round, list[int]]:
    q = catalog.get(questionnaire_id)
    if q is None:
        raise NotFound("The questionnaire of this round is no longer installed.")
    rnd = use.create(
        db, catalog, municipality_id, by=audit.OPERATOR, name=name, questionnaire_id=q.id
    )
    rnd = use.open_round(db, catalog, rnd, by=audit.OPERATOR)
    synthetic = synthetic_answers(q, profile, PER_ROLE, seed=seed)
    given = [(r.role, r.answers) for r in synthetic.respondents]
    ids = _save_answers(db, catalog, rnd, given, with_demo_link=not close)
    if close:
        rnd = use.close_round(db, rnd, by=audit.OPERATOR)
    return rnd, ids


def create_demo(db: sqlite_utils.Database, catalog: Catalog, settings: Settings) -> DemoInfo:
    """Create the demo data once; on later runs only hand out fresh respondent links."""
    row = db.execute(
        "SELECT municipality_id FROM coordinators WHERE email = ?", [DEMO_EMAIL]
    ).fetchone()
    created = row is None
    if created:
        municipality = accounts.create_municipality(db, DEMO_NAME, "NO", "nb")
        accounts.create_coordinator(
            db, municipality.id, DEMO_EMAIL, DEMO_PASSWORD, "Demo-koordinator"
        )
        _round(
            db,
            catalog,
            municipality.id,
            "Egenvurdering 2024",
            "kommunekompasset-2.1",
            WEAK,
            3,
            close=True,
        )
        no_round, _ = _round(
            db,
            catalog,
            municipality.id,
            "Egenvurdering 2026",
            "kommunekompasset-2.1",
            NORMAL,
            6,
            close=False,
        )
        _add_documents(db, settings, no_round)
        _round(
            db,
            catalog,
            municipality.id,
            "Kommunkompassen 2026",
            "kommunkompassen",
            NORMAL,
            8,
            close=False,
        )
        municipality_id = municipality.id
    else:
        municipality_id = row[0]
    links = []
    for rnd in rounds.list_rounds(db, municipality_id):
        if rnd.closed:
            continue
        existing = [r for r in respondents.list_for_round(db, rnd.id) if r.name == DEMO_RESPONDENT]
        if existing:
            token = use.reissue(db, catalog, settings, rnd, existing[0].id, by=audit.OPERATOR).token
        else:
            token = use.invite(
                db,
                catalog,
                settings,
                rnd,
                by=audit.OPERATOR,
                role=DEMO_ROLE,
                name=DEMO_RESPONDENT,
            ).token
        links.append((rnd.name, f"{settings.public_url}/r/{token}"))
    return DemoInfo(created=created, email=DEMO_EMAIL, password=DEMO_PASSWORD, rounds=links)
