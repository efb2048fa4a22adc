"""Explain, consistency checks, evidence text and hints, summaries — the offline assistant."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
import weasyprint

from service.assist.evidence import check_and_index
from service.assist.knowledge import KnowledgeError, glossary, load_glossary
from service.assist.offline import OfflineAssistant
from service.assist.summaries import comments_by_subquestion, summaries
from service.domain.answers import AnswerSet, IndicatorAnswer, Respondent, Status
from service.domain.assistant import (
    CheckRequest,
    Comment,
    EvidenceCheckRequest,
    ExplainRequest,
    FindingKind,
    SourceKind,
    SummaryRequest,
)
from service.domain.assistant.evidence import effective_date, find_dates
from service.domain.questionnaire import Dimension as D  # noqa: N817 - short in tables
from service.domain.rounds import NewRound
from service.errors import InvalidInput, NotFound, UnsupportedType
from service.evidence_text import Kind, extract_text
from service.questionnaires import catalog
from service.storage import (
    accounts,
    assistant_proposals,
    evidence,
    evidence_text,
    respondents,
    rounds,
)
from service.storage.db import open_database
from service.storage.evidence_files import EvidenceSink
from service.storage.migrations import migrate

KK = "kommunekompasset-2.1"
SK = "kommunkompassen"
SEEDS = Path("/work/shared/seeds")
TODAY = dt.date(2026, 12, 5)
STRATEGY = (
    "Lokaldemokratistrategi for Røros kommune. Vedtatt av kommunestyret 12.03.2019, sak 15/19. "
    "Strategien beskriver hvordan innbyggerne skal informeres, tas med i dialog og få mulighet "
    "til å påvirke. Tiltaksplanen omfatter innbyggerdialog, barn og unges medvirkning og "
    "digitale kanaler. Oppfølgingen omtales i årsrapporten, og strategien revideres i hver "
    "valgperiode etter en innbyggerundersøkelse."
)
SNOW = (
    "Brøyting og strøing vinteren 2026. Entreprenøren starter brøyting når det har kommet "
    "mer enn ti centimeter snø på kommunale veier. Fortau strøs med sand i sentrum. "
    "Parker bilen slik at brøytebilen kommer fram, og meld fra om veier som ikke er brøytet."
)


@pytest.fixture(scope="module")
def assistant() -> OfflineAssistant:
    return OfflineAssistant(catalog())


# --- explain -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "lang", "question", "entry", "word"),
    [
        (KK, "nb", "Hva betyr formannskap?", "formannskap", "ordføreren"),
        (KK, "nb", "Hva er en rådmann?", "kommunedirektor", "administrasjon"),
        (KK, "nb", "Hva menes med helhetlig resultatstyring?", "resultatstyring", "resultater"),
        (KK, "nb", "aktivitets- og redegjørelsesplikten?", "arp", "likestilling"),
        (SK, "sv", "Vad är kommunfullmäktige?", "kommunestyre", "fullmäktige"),
        (SK, "sv", "Vad menas med delegationsordning?", "delegering", "delegationsordning"),
        (SK, "sv", "Vad är en medarbetarenkät?", "medarbeiderundersokelse", "medarbetarna"),
        (SK, "sv", "styrdialog", "styringsdialog", "samtalen"),
        (SK, "sv", "Vad är intern kontroll?", "internkontroll", "rutiner"),
        (KK, "en", "What is internal control?", "internkontroll", "routines"),
        (KK, "en", "What does brukerundersøkelse mean?", "brukerundersokelse", "survey"),
    ],
)
def test_explain_terms_cited_in_the_respondents_language(
    assistant: OfflineAssistant, q: str, lang: str, question: str, entry: str, word: str
) -> None:
    result = assistant.explain(ExplainRequest(questionnaire=q, lang=lang, question=question))
    first = result.sources[0]
    assert first.kind is SourceKind.GLOSSARY
    assert first.ref == entry
    assert word in result.answer
    assert result.answer == first.text


def test_glossary_covers_the_issue_terms() -> None:
    names = {t.lower() for e in glossary().entries for ts in e.terms.values() for t in ts}
    for term in [
        "kommunestyre", "formannskap", "rådmann", "kommunedirektør", "delegering",
        "internkontroll", "brukerundersøkelse", "medarbeiderundersøkelse", "styringsdialog",
        "kommunfullmäktige", "kommunstyrelsen", "kommundirektör", "delegationsordning",
        "intern kontroll", "brukarundersökning", "medarbetarenkät", "styrdialog",
        "helhetlig resultatstyring", "aktivitets- og redegjørelsesplikten",
    ]:  # fmt: skip
        assert term in names, term


def test_explain_evidence_and_guidance(assistant: OfflineAssistant) -> None:
    q = catalog().get(KK)
    assert q is not None
    ind = q.indicator("1.1.1")
    assert ind is not None
    asked = ExplainRequest(
        questionnaire=KK, lang="nb", question="Hva regnes som dokumentasjon?", indicator="1.1.1"
    )
    result = assistant.explain(asked)
    assert result.answer == ind.evidence_hint["nb"]
    assert result.sources[0].ref == "1.1.1"
    searched = assistant.explain(
        ExplainRequest(questionnaire=KK, lang="nb", question="strømming og opptak av møtene")
    )
    assert searched.sources
    assert searched.sources[0].kind is SourceKind.GUIDANCE
    assert searched.sources[0].ref.startswith("1.2")


def test_explain_says_when_it_finds_nothing(assistant: OfflineAssistant) -> None:
    result = assistant.explain(ExplainRequest(questionnaire=SK, lang="sv", question="xyzzy qwerty"))
    assert result.sources == []
    assert "samordnare" in result.answer


def test_glossary_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "entries:\n"
        "  - id: a\n"
        "    terms: {nb: [a], sv: [a], en: [a]}\n"
        "    definition: {nb: A, sv: A}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as info:
        load_glossary(path)
    assert info.value.problems[0].line == 4
    assert "'en'" in info.value.problems[0].message


# --- check -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "levels", "comment", "evidence_count", "kinds"),
    [
        (Status.PLANNED, {}, "", 0, {FindingKind.PLANNED_NO_POINTS}),
        (
            Status.ANSWERED,
            {D.SYSTEM: 4, D.SCOPE: 4},
            "Vi har ikke startet ennå, det er planlagt til neste år.",
            1,
            {FindingKind.PLANNED_BUT_LEVELS},
        ),
        (
            Status.ANSWERED,
            {D.SYSTEM: 4, D.SCOPE: 4},
            "Det skjer tilfeldig, ikke noe skrevet ned.",
            1,
            {FindingKind.COMMENT_LOWER},
        ),
        (
            Status.ANSWERED,
            {D.SYSTEM: 1, D.SCOPE: 4},
            "Strategien er vedtatt og brukes i hele kommunen.",
            0,
            {FindingKind.COMMENT_HIGHER},
        ),
        (
            Status.ANSWERED,
            {D.SYSTEM: 3, D.SCOPE: 1, D.RESULTS: 3},
            "",
            2,
            {FindingKind.SCOPE_CONFLICT},
        ),
        (Status.ANSWERED, {D.SYSTEM: 3, D.SCOPE: 3}, "", 0, {FindingKind.NO_EVIDENCE}),
        (
            Status.ANSWERED,
            {D.SYSTEM: 2, D.SCOPE: 1},
            "Resultatene analyseres hvert kvartal.",
            0,
            {FindingKind.SCOPE_CONFLICT},
        ),
        (
            Status.ANSWERED,
            {D.SYSTEM: 3, D.SCOPE: 4},
            "Strategien er vedtatt og brukes i hele kommunen.",
            1,
            set(),
        ),
    ],
)
def test_consistency(
    assistant: OfflineAssistant,
    status: Status,
    levels: dict[D, int],
    comment: str,
    evidence_count: int,
    kinds: set[FindingKind],
) -> None:
    q = catalog().get(KK)
    assert q is not None
    ind = q.indicator("1.1.2")
    assert ind is not None
    result = assistant.check(
        CheckRequest(
            questionnaire=KK,
            indicator=ind,
            lang="nb",
            status=status,
            levels=dict(levels),
            comment=comment,
            evidence_count=evidence_count,
        )
    )
    assert {f.kind for f in result.findings} == kinds
    assert all(f.message for f in result.findings)
    assert len(result.findings) == len({(f.kind, f.dimension) for f in result.findings})


# --- evidence text -----------------------------------------------------------------------------


def pdf_bytes(text: str) -> bytes:
    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()  # type: ignore[no-any-return]


def docx_bytes(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Tabellcelle"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(text: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        f"<text:h>Overskrift</text:h><text:p>{text}</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (pdf_bytes, Kind.PDF),
        (docx_bytes, Kind.DOCX),
        (odt_bytes, Kind.ODT),
        (lambda t: t.encode("utf-8"), Kind.TEXT),
        (lambda t: t.encode("cp1252"), Kind.TEXT),
    ],
    ids=["pdf", "docx", "odt", "utf8", "cp1252"],
)
def test_extract_text(make: object, kind: Kind) -> None:
    text = "Strategien er vedtatt av kommunestyret 12.03.2019 – særlig for Røros."
    extracted = extract_text(make(text))  # type: ignore[operator]
    assert extracted.kind is kind
    assert "vedtatt av kommunestyret 12.03.2019" in " ".join(extracted.text.split())
    assert "Røros" in extracted.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7\n this is not really a pdf", InvalidInput),
        (bytes(range(256)) * 10, UnsupportedType),
        (b"PK\x03\x04 broken zip", InvalidInput),
    ],
    ids=["damaged-pdf", "binary", "damaged-zip"],
)
def test_unreadable_files_give_clear_errors(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        extract_text(data)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Vedtatt i kommunestyret 2021-06-17.", dt.date(2021, 6, 17)),
        ("Vedtatt 17.6.2021, sak 22/21.", dt.date(2021, 6, 17)),
        ("Antagen av kommunfullmäktige den 3 maj 2022.", dt.date(2022, 5, 3)),
        ("Adopted by the council on May 3, 2022.", dt.date(2022, 5, 3)),
        ("Møte 1. februar 2020. Vedtatt 14. mars 2020. Neste møte 2.2.2031.", dt.date(2020, 3, 14)),
        ("Referat 1.2.2019 og 5.9.2023, ingen vedtak.", dt.date(2023, 9, 5)),
        ("Dato 31.02.2023 finnes ikke; 30.01.2023 gjør.", dt.date(2023, 1, 30)),
    ],
)
def test_effective_date(text: str, date: dt.date) -> None:
    assert effective_date(text, TODAY) == date


def test_no_dates() -> None:
    assert find_dates("Ingen datoer her, bare år 2019.") == []
    assert effective_date("Ingen datoer her.", TODAY) is None


def _check(assistant: OfflineAssistant, text: str, indicator: str = "1.1.1") -> object:
    q = catalog().get(KK)
    assert q is not None
    ind = q.indicator(indicator)
    assert ind is not None
    return assistant.check_evidence(
        EvidenceCheckRequest(
            questionnaire=KK, indicator=ind, lang="nb", text=text, today=TODAY.isoformat()
        )
    )


def test_evidence_hints(assistant: OfflineAssistant) -> None:
    related = _check(assistant, STRATEGY)
    assert related.effective_date == "2019-03-12"  # type: ignore[attr-defined]
    assert related.outdated  # type: ignore[attr-defined]
    assert not related.unrelated  # type: ignore[attr-defined]
    assert any("2019-03-12" in h for h in related.hints)  # type: ignore[attr-defined]
    fresh = _check(assistant, STRATEGY.replace("12.03.2019", "12.03.2024"))
    assert not fresh.outdated  # type: ignore[attr-defined]
    assert fresh.hints == []  # type: ignore[attr-defined]
    unrelated = _check(assistant, SNOW)
    assert unrelated.unrelated  # type: ignore[attr-defined]
    assert unrelated.relevance < related.relevance  # type: ignore[attr-defined]
    empty = _check(assistant, "   ")
    assert empty.no_text  # type: ignore[attr-defined]
    assert empty.hints  # type: ignore[attr-defined]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="source documents not available")
def test_real_evaluation_report_concerns_the_indicators(assistant: OfflineAssistant) -> None:
    report = (SEEDS / "002_fdaa4a36019d8d5b.txt").read_text(encoding="utf-8")
    for indicator in ("1.1.1", "3.4.1", "6.5.1", "7.2.1"):
        assert not _check(assistant, report, indicator).unrelated  # type: ignore[attr-defined]


def test_check_and_index_refuses_links_and_missing_files(
    assistant: OfflineAssistant, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "k.db")
    try:
        migrate(db)
        municipality = accounts.create_municipality(db, "Røros", "NO", "nb")
        rnd = rounds.create_round(
            db,
            municipality.id,
            NewRound(name="Vår", questionnaire_id=KK, locale="nb", deadline=None),
        )
        respondent, _ = respondents.invite(db, rnd.id, "mayor")
        link = evidence.add_link(
            db, rnd.id, respondent.id, "1.1.1", "https://example.no/plan", "Plan", None
        )
        with pytest.raises(InvalidInput):
            check_and_index(db, tmp_path, assistant, KK, link, "nb", TODAY)
        sink = EvidenceSink(tmp_path / "elsewhere", 1024 * 1024)
        sink.write(b"Strategi vedtatt 1.1.2024")
        record = evidence.add_file(
            db, rnd.id, respondent.id, "1.1.1", sink.finish(), "a.txt", "", None
        )
        with pytest.raises(NotFound):
            check_and_index(db, tmp_path / "evidence", assistant, KK, record, "nb", TODAY)
        assert evidence_text.get(db, record.id) is None
    finally:
        db.close()


def test_check_and_index_then_search(assistant: OfflineAssistant, tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    try:
        migrate(db)
        municipality = accounts.create_municipality(db, "Røros", "NO", "nb")
        rnd = rounds.create_round(
            db,
            municipality.id,
            NewRound(name="Vår", questionnaire_id=KK, locale="nb", deadline=None),
        )
        respondent, _ = respondents.invite(db, rnd.id, "mayor")
        root = tmp_path / "evidence"
        sink = EvidenceSink(root, 10 * 1024 * 1024)
        sink.write(docx_bytes(STRATEGY))
        stored = sink.finish()
        record = evidence.add_file(db, rnd.id, respondent.id, "1.1.1", stored, "s.docx", "", None)
        result = check_and_index(db, root, assistant, KK, record, "nb", TODAY)
        assert result.effective_date == "2019-03-12"
        saved = evidence_text.get(db, record.id)
        assert saved is not None
        assert saved.kind == "docx"
        assert saved.proposed_date == "2019-03-12"
        assert saved.outdated
        hits = evidence_text.search(db, rnd.id, "innbyggerdialog medvirkning")
        assert [h.evidence_id for h in hits] == [record.id]
        assert evidence_text.search(db, rnd.id + 1, "innbyggerdialog") == []
        with_db = OfflineAssistant(catalog(), db=db)
        explained = with_db.explain(
            ExplainRequest(questionnaire=KK, lang="nb", question="innbyggerdialog", round_id=rnd.id)
        )
        assert SourceKind.EVIDENCE in {s.kind for s in explained.sources}
        # Indexing again replaces the row and keeps the index in step.
        check_and_index(db, root, assistant, KK, record, "nb", TODAY)
        assert len(evidence_text.search(db, rnd.id, "innbyggerdialog")) == 1
    finally:
        db.close()


# --- summaries ---------------------------------------------------------------------------------

COMMENTS = [
    "Strategien er vedtatt, men lite kjent i enhetene. Vi må bli bedre på oppfølging.",
    "Strategien er vedtatt i 2021 og følges opp i årsrapporten.",
    "Jeg tror strategien er vedtatt, men den brukes lite i enhetene.",
    "Ok.",
    "Innbyggerundersøkelsen ble gjennomført i 2019 og ga nyttige innspill til strategien.",
]


@pytest.mark.parametrize("max_sentences", [1, 2, 3])
def test_summary_is_extractive_and_keeps_its_sources(
    assistant: OfflineAssistant, max_sentences: int
) -> None:
    comments = [
        Comment(indicator="1.1.1", text=t, respondent=f"r{i}") for i, t in enumerate(COMMENTS)
    ]
    result = assistant.summarise(
        SummaryRequest(
            questionnaire=KK,
            subquestion="1.1",
            lang="nb",
            comments=comments,
            max_sentences=max_sentences,
        )
    )
    assert result.comment_count == 5
    assert result.text.startswith("5 kommentarer")
    quoted = result.text.count("«")
    assert quoted == max_sentences
    assert 1 <= len(result.sources) <= max_sentences
    for source in result.sources:
        assert source in comments
    assert "Ok." not in result.text  # too short to represent anything
    assert "strategien er vedtatt" in result.text.lower()  # what most of them say


def test_summary_of_nothing(assistant: OfflineAssistant) -> None:
    result = assistant.summarise(
        SummaryRequest(
            questionnaire=KK,
            subquestion="1.1",
            lang="sv",
            comments=[Comment(indicator="1.1.1", text="  ")],
        )
    )
    assert result.text == ""
    assert result.sources == []


def test_summaries_per_subquestion(assistant: OfflineAssistant) -> None:
    q = catalog().get(KK)
    assert q is not None
    answers = AnswerSet(
        questionnaire=KK,
        respondents=[
            Respondent(
                id=f"r{i}",
                role="mayor",
                answers=[
                    IndicatorAnswer(indicator="1.1.1", levels={D.SYSTEM: 3}, comment=text),
                    IndicatorAnswer(
                        indicator="3.4.1",
                        levels={D.SYSTEM: 2},
                        comment="" if i else "Reglementet er fra 2011 og ikke revidert siden.",
                    ),
                ],
            )
            for i, text in enumerate(COMMENTS)
        ],
    )
    grouped = comments_by_subquestion(q, answers)
    assert list(grouped) == ["1.1", "3.4"]
    assert len(grouped["1.1"]) == 5
    result = summaries(q, answers, "nb", assistant)
    assert set(result) == {"1.1", "3.4"}
    assert result["3.4"].comment_count == 1
    assert "2011" in result["3.4"].text


def test_proposal_is_kept_beside_the_answer(assistant: OfflineAssistant, tmp_path: Path) -> None:
    db = open_database(tmp_path / "k.db")
    try:
        migrate(db)
        municipality = accounts.create_municipality(db, "Røros", "NO", "nb")
        rnd = rounds.create_round(
            db,
            municipality.id,
            NewRound(name="Vår", questionnaire_id=KK, locale="nb", deadline=None),
        )
        respondent, _ = respondents.invite(db, rnd.id, "mayor")
        assert assistant_proposals.latest(db, respondent.id, "1.1.1") is None
        for text in ("Planlagt.", "Strategien er vedtatt og revideres hvert år."):
            proposal = assistant.interpret_text(KK, "1.1.1", "nb", text)
            assistant_proposals.save(db, respondent.id, "1.1.1", text, proposal)
        stored = assistant_proposals.latest(db, respondent.id, "1.1.1")
        assert stored is not None
        assert stored.text.startswith("Strategien")
        assert stored.proposal == proposal
    finally:
        db.close()
