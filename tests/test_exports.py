"""Exports of a round as tables, CSV and XLSX: checked against the assessment they come from."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from service.domain.answers import (
    AnswerSet,
    EvidenceState,
    IndicatorAnswer,
    Respondent,
    Status,
)
from service.domain.assessment import Assessment, assess
from service.domain.questionnaire import Dimension, Questionnaire
from service.domain.scoring import from_tenths, to_tenths
from service.i18n import SUPPORTED, Translator
from service.labels import finding
from service.questionnaires import load_file
from service.report.exports import Cell, RespondentInfo, Table, build_tables, to_csv, to_xlsx
from service.storage.evidence import EvidenceRecord

from .conftest import EXAMPLE

Q: Questionnaire = load_file(EXAMPLE)
S, SC, R, E = Dimension.SYSTEM, Dimension.SCOPE, Dimension.RESULTS, Dimension.EVALUATION
LOCALES = list(SUPPORTED)
NAMES = ["areas", "subquestions", "indicators", "answers", "comments", "evidence"]


def record(
    evidence_id: int,
    respondent: int,
    indicator: str,
    state: EvidenceState,
    *,
    kind: str = "file",
    filename: str = "",
    url: str | None = None,
    title: str = "",
    effective_date: str | None = None,
    review_comment: str = "",
) -> EvidenceRecord:
    return EvidenceRecord(
        id=evidence_id,
        round_id=1,
        respondent_id=respondent,
        indicator_id=indicator,
        kind=kind,
        sha256="ab" * 32 if kind == "file" else None,
        size=1234 if kind == "file" else None,
        media_type="application/pdf" if kind == "file" else None,
        filename=filename,
        url=url,
        title=title,
        effective_date=effective_date,
        uploaded_at=f"2025-02-0{evidence_id}T10:00:00+00:00",
        state=state,
        review_comment=review_comment,
        reviewed_at=None if state is EvidenceState.SUBMITTED else "2025-02-10T09:00:00+00:00",
        reviewed_by=None if state is EvidenceState.SUBMITTED else 7,
    )


EVIDENCE = [
    # Listed out of questionnaire order: the export sorts by indicator, then id.
    record(
        3,
        2,
        "1.2.1",
        EvidenceState.REJECTED,
        filename="årsrapport.pdf",
        title="Årsrapport",
        effective_date="2023-12-01",
        review_comment="Gjelder et annet år",
    ),
    record(
        1,
        1,
        "1.1.1",
        EvidenceState.ACCEPTED,
        filename="Demokratistrategi_Ås.pdf",
        title="Strategi for lokaldemokrati",
        effective_date="2024-03-14",
        review_comment="Godkjent i formannskapet",
    ),
    record(
        2,
        3,
        "1.1.2",
        EvidenceState.SUBMITTED,
        kind="link",
        url="https://kommune.no/saker?a=1,2",
        title="Saksliste, med sammendrag",
    ),
]
REF = {e.id: [e.ref()] for e in EVIDENCE}


def lv(*values: int | None) -> dict[Dimension, int | None]:
    return {d: v for d, v in zip((S, SC, R, E), values, strict=False) if v is not None}


# 1.2.1 is answered 4/4/4/4 by the mayor and 1/1/0/0 by a unit leader: a disagreement on
# every dimension and a role gap (mayor above unit leader).
ANSWERS = AnswerSet(
    questionnaire="example-1.0",
    respondents=[
        Respondent(
            id="r1",
            role="mayor",
            answers=[
                IndicatorAnswer(indicator="1.2.1", levels=lv(4, 4, 4, 4)),
                IndicatorAnswer(
                    indicator="1.1.1",
                    levels=lv(3, 2, 4, 1),
                    comment="Strategien ble vedtatt i år – se møteboka.",
                    evidence=REF[1],
                ),
            ],
        ),
        Respondent(
            id="r2",
            role="chief_executive",
            answers=[
                IndicatorAnswer(indicator="1.1.1", levels=lv(2, 2, 2, 2)),
                IndicatorAnswer(indicator="1.1.2", levels=lv(2, 4)),
                IndicatorAnswer(
                    indicator="1.2.1",
                    levels=lv(3, 3, 2, 2),
                    comment="Vi rapporterer årlig.",
                    evidence=REF[3],
                ),
                IndicatorAnswer(indicator="2.1.1", status=Status.PLANNED),
                IndicatorAnswer(
                    indicator="2.2.1", status=Status.DONT_KNOW, comment="Vet ikke – spør HR."
                ),
            ],
        ),
        Respondent(
            id="r3",
            role="unit_leader",
            answers=[
                IndicatorAnswer(indicator="1.1.2", levels=lv(3, 2), evidence=REF[2]),
                IndicatorAnswer(indicator="1.2.1", levels=lv(1, 1, 0, 0)),
                IndicatorAnswer(indicator="2.2.2", levels={S: 2, SC: None}, comment="   "),
            ],
        ),
        Respondent(
            id="r4",
            role="unit_leader",
            answers=[
                IndicatorAnswer(indicator="1.2.1", status=Status.PLANNED),
                IndicatorAnswer(indicator="2.2.1", levels=lv(2, 1, 1)),
            ],
        ),
    ],
)
RESPONDENTS = [
    RespondentInfo(id="r1", role="mayor", name="Åse Ærlig", email="ase@kommune.no"),
    RespondentInfo(id="r2", role="chief_executive", name="Kari Nordmann", email="kari@kommune.no"),
    RespondentInfo(id="r3", role="unit_leader", name="", email="per.ostby@kommune.no"),
    RespondentInfo(id="r4", role="unit_leader", name="", email=""),
]
PERSONAL = ["Åse Ærlig", "ase@kommune.no", "Kari Nordmann", "kari@kommune.no", "per.ostby"]
RESULT: Assessment = assess(Q, ANSWERS)


def tables(locale: str = "nb", *, anonymise: bool = True) -> dict[str, Table]:
    built = build_tables(
        Q, ANSWERS, RESULT, EVIDENCE, RESPONDENTS, Translator(locale), anonymise=anonymise
    )
    assert [t.name for t in built] == NAMES
    return {t.name: t for t in built}


def column(table: Table, header: str) -> list[object]:
    index = table.headers.index(header)
    return [row[index] for row in table.rows]


def role_title(role: str, locale: str) -> str:
    return next(Q.text(r.title, locale) for r in Q.roles if r.id == role)


def all_text(built: dict[str, Table]) -> str:
    rows: list[list[Cell]] = []
    for table in built.values():
        rows += [list(table.headers), *table.rows]
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)


# --- the tables -------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_row_fits_its_header(locale: str) -> None:
    built = build_tables(Q, ANSWERS, RESULT, EVIDENCE, RESPONDENTS, Translator(locale))
    assert [t.name for t in built] == NAMES
    for table in built:
        assert table.title
        assert all(table.headers), table.name
        assert len(set(table.headers)) == len(table.headers), table.name
        for row in table.rows:
            assert len(row) == len(table.headers), table.name
            assert all(v is None or isinstance(v, str | int | float) for v in row)


@pytest.mark.parametrize("locale", LOCALES)
def test_areas_are_the_assessments(locale: str) -> None:
    t = Translator(locale)
    table = tables(locale)["areas"]
    assert len(table.rows) == len(RESULT.score.areas) == len(Q.areas)
    for row, area, result in zip(table.rows, Q.areas, RESULT.score.areas, strict=True):
        assert row == [
            area.number,
            Q.text(area.title, locale),
            result.points,
            result.documented_points,
            float(result.max_points),
            finding(t, result.finding),
            result.subquestions_known,
            result.subquestions,
        ]
    assert table.headers[2] == t("Claimed points")
    assert RESULT.score.areas[0].points > RESULT.score.areas[0].documented_points > 0


def test_subquestions_are_the_assessments() -> None:
    t = Translator("en")
    table = tables("en")["subquestions"]
    titles = {sq.id: Q.text(sq.title, "en") for _, sq in Q.subquestions()}
    assert [row[0] for row in table.rows] == [s.id for s in RESULT.score.subquestions]
    for row, s in zip(table.rows, RESULT.score.subquestions, strict=True):
        assert row == [
            s.id,
            s.area,
            titles[s.id],
            s.points,
            s.documented_points,
            float(s.max_points),
            finding(t, s.finding),
            s.indicators_known,
            s.indicators,
        ]


def test_indicators_are_the_assessments() -> None:
    t = Translator("en")
    table = tables("en")["indicators"]
    results = {r.id: r for r in RESULT.score.indicators}
    assert column(table, t("Indicator")) == [r.id for r in RESULT.score.indicators]
    for row, r in zip(table.rows, RESULT.score.indicators, strict=True):
        cells = dict(zip(table.headers, row, strict=True))
        assert cells[t("Sub-question")] == r.subquestion
        assert (cells[t("Respondents")], cells[t("Don't know")], cells[t("Planned")]) == (
            r.respondents,
            r.dont_know,
            r.planned,
        )
        assert cells[t("Max points")] == from_tenths(to_tenths(r.max_points))
        claimed = None if r.fraction is None else from_tenths(to_tenths(r.max_points * r.fraction))
        assert cells[t("Claimed points")] == claimed
        assert cells[t("Finding")] == finding(t, r.finding)
        assert cells[t("Documented")] == (t("Yes") if r.documented else t("No"))

    rows = {row[0]: dict(zip(table.headers, row, strict=True)) for row in table.rows}
    # 1.1.1: accepted evidence documents it; 1.1.2 is scored on system and scope only.
    assert rows["1.1.1"][t("Documented")] == t("Yes")
    assert rows["1.1.1"][t("Documented points")] == rows["1.1.1"][t("Claimed points")]
    assert rows["1.1.2"][t("Documented points")] == 0.0
    assert rows["1.1.2"]["System/process"] == results["1.1.2"].levels[S] == 2.5
    assert rows["1.1.2"]["Scope"] == 3.0
    assert rows["1.1.2"]["Results/analysis"] is None
    assert rows["1.1.2"]["Evaluation"] is None
    assert rows["1.1.2"][t("Question")] == "Are short summaries of political cases published?"
    # 2.2.2: the unit leader did not know the scope; 2.2.1: one "don't know".
    assert rows["2.2.2"]["System/process"] == 2.0
    assert rows["2.2.2"]["Scope"] is None
    assert rows["2.2.1"][t("Don't know")] == 1
    # 2.1.1 is only planned; 1.2.1 has a disagreement on every dimension and a role gap.
    assert rows["2.1.1"][t("Planned")] == 1
    assert rows["2.1.1"][t("Claimed points")] == 0.0
    assert rows["1.2.1"][t("Disagreement")] == (
        "System/process, Scope, Results/analysis, Evaluation"
    )
    assert rows["1.2.1"][t("Role gap")] == "Mayor > Unit leader"
    assert rows["1.1.1"][t("Disagreement")] == "Results/analysis"  # 4 against 2
    assert rows["1.1.1"][t("Role gap")] is None
    assert rows["1.1.2"][t("Disagreement")] == "Scope"  # 4 against 2
    assert rows["2.2.2"][t("Disagreement")] is None  # one respondent


@pytest.mark.parametrize("locale", LOCALES)
def test_answers_one_row_per_answer_with_anonymous_labels(locale: str) -> None:
    t = Translator(locale)
    table = tables(locale)["answers"]
    assert len(table.rows) == sum(len(r.answers) for r in ANSWERS.respondents)
    unit = role_title("unit_leader", locale)
    labels = column(table, t("Respondent"))
    assert labels == [
        f"{role_title('mayor', locale)} 1",
        f"{role_title('mayor', locale)} 1",
        *[f"{role_title('chief_executive', locale)} 1"] * 5,
        *[f"{unit} 1"] * 3,
        *[f"{unit} 2"] * 2,
    ]
    # Each respondent's answers in questionnaire order, whatever order they were stored in.
    assert column(table, t("Indicator"))[:2] == ["1.1.1", "1.2.1"]
    statuses = dict(
        zip(
            zip(labels, column(table, t("Indicator")), strict=True),
            column(table, t("Status")),
            strict=True,
        )
    )
    assert statuses[(f"{unit} 2", "1.2.1")] == t("Planned, not started")
    assert statuses[(f"{role_title('chief_executive', locale)} 1", "2.2.1")] == t("Don't know")
    assert statuses[(f"{unit} 1", "1.1.2")] == t("Answered")
    assert len(set(statuses.values())) == 3


def test_answers_keep_the_levels_as_given() -> None:
    table = tables("en")["answers"]
    rows = {(row[0], row[2]): row for row in table.rows}
    dims = slice(4, 8)
    assert table.headers[dims] == ["System/process", "Scope", "Results/analysis", "Evaluation"]
    assert rows[("Mayor 1", "1.1.1")][dims] == [3, 2, 4, 1]  # as given, not capped
    assert rows[("Unit leader 1", "1.1.2")][dims] == [3, 2, None, None]
    assert rows[("Unit leader 1", "2.2.2")][dims] == [2, None, None, None]
    assert rows[("Unit leader 2", "1.2.1")][dims] == [None] * 4  # planned
    assert rows[("Mayor 1", "1.1.1")][-1] == "Strategien ble vedtatt i år – se møteboka."
    assert rows[("Unit leader 1", "2.2.2")][-1] is None  # a blank comment is no comment


def test_comments_only_non_empty_grouped_by_indicator() -> None:
    t = Translator("nb")
    table = tables("nb")["comments"]
    assert table.headers == [
        t("Respondent"),
        t("Role"),
        t("Focus area"),
        t("Indicator"),
        t("Comment"),
    ]
    assert table.rows == [
        ["Ordfører 1", "Ordfører", 1, "1.1.1", "Strategien ble vedtatt i år – se møteboka."],
        ["Kommunedirektør 1", "Kommunedirektør", 1, "1.2.1", "Vi rapporterer årlig."],
        ["Kommunedirektør 1", "Kommunedirektør", 2, "2.2.1", "Vet ikke – spør HR."],
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_evidence_list(locale: str) -> None:
    t = Translator(locale)
    table = tables(locale)["evidence"]
    assert table.headers[0] == t("ID")
    assert table.rows == [
        [
            1,
            "1.1.1",
            "Strategi for lokaldemokrati",
            t("File"),
            "Demokratistrategi_Ås.pdf",
            "2024-03-14",
            "2025-02-01T10:00:00+00:00",
            t("accepted"),
            "Godkjent i formannskapet",
            f"{role_title('mayor', locale)} 1",
        ],
        [
            2,
            "1.1.2",
            "Saksliste, med sammendrag",
            t("Link"),
            "https://kommune.no/saker?a=1,2",
            None,
            "2025-02-02T10:00:00+00:00",
            t("awaiting review"),
            None,
            f"{role_title('unit_leader', locale)} 1",
        ],
        [
            3,
            "1.2.1",
            "Årsrapport",
            t("File"),
            "årsrapport.pdf",
            "2023-12-01",
            "2025-02-03T10:00:00+00:00",
            t("rejected"),
            "Gjelder et annet år",
            f"{role_title('chief_executive', locale)} 1",
        ],
    ]


# --- anonymisation ------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_anonymised_exports_name_nobody(locale: str) -> None:
    built = tables(locale)
    text = all_text(built)
    for personal in PERSONAL:
        assert personal not in text
    csv_text = "".join(to_csv(table) for table in built.values())
    assert not any(p in csv_text for p in PERSONAL)
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(list(built.values()))))
    cells = [str(c) for ws in workbook for row in ws.iter_rows(values_only=True) for c in row]
    assert not any(p in c for p in PERSONAL for c in cells)


def test_names_shown_when_the_coordinator_chooses() -> None:
    built = tables("nb", anonymise=False)
    respondent = Translator("nb")("Respondent")
    labels = column(built["answers"], respondent)
    assert labels[0] == "Åse Ærlig"
    assert "Kari Nordmann" in labels
    assert "per.ostby@kommune.no" in labels  # no name: the e-mail address
    assert labels[-1] == "Enhetsleder 2"  # neither: the anonymous label
    assert column(built["evidence"], respondent) == [
        "Åse Ærlig",
        "per.ostby@kommune.no",
        "Kari Nordmann",
    ]
    assert column(built["comments"], respondent)[0] == "Åse Ærlig"
    assert "ase@kommune.no" not in all_text(built)  # a name is shown rather than the address


def test_respondents_without_answers_still_label_their_evidence() -> None:
    extra = [*RESPONDENTS, RespondentInfo(id="r9", role="unit_leader", name="Ola", email="")]
    evidence = [*EVIDENCE, record(9, 9, "2.2.2", EvidenceState.SUBMITTED, filename="x.pdf")]
    t = Translator("nb")
    anonymous = build_tables(Q, ANSWERS, RESULT, evidence, extra, t)
    named = build_tables(Q, ANSWERS, RESULT, evidence, extra, t, anonymise=False)
    assert anonymous[-1].rows[-1][-1] == "Enhetsleder 3"
    assert named[-1].rows[-1][-1] == "Ola"
    # Evidence of someone we know nothing about has no label rather than a wrong one.
    unknown = [record(5, 55, "1.1.1", EvidenceState.SUBMITTED, filename="y.pdf")]
    assert build_tables(Q, ANSWERS, RESULT, unknown, RESPONDENTS, t)[-1].rows[0][-1] is None


def test_a_round_without_answers() -> None:
    empty = AnswerSet(questionnaire="example-1.0")
    result = assess(Q, empty)
    built = {t.name: t for t in build_tables(Q, empty, result, [], [], Translator("sv"))}
    assert [row[2] for row in built["areas"].rows] == [0.0, 0.0]
    assert all(row[3] is None for row in built["subquestions"].rows)
    assert all(v is None for row in built["indicators"].rows for v in row[6:12])
    assert built["answers"].rows == built["comments"].rows == built["evidence"].rows == []
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(list(built.values()))))
    assert [ws.max_row for ws in workbook] == [3, 5, 7, 1, 1, 1]


# --- CSV ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_csv_round_trips(locale: str) -> None:
    for table in tables(locale).values():
        text = to_csv(table)
        assert text.endswith("\r\n")
        parsed = list(csv.reader(io.StringIO(text, newline="")))
        assert parsed[0] == table.headers
        assert parsed[1:] == [["" if v is None else str(v) for v in row] for row in table.rows]


def test_csv_is_machine_readable() -> None:
    text = to_csv(tables("nb")["areas"])
    first = next(csv.DictReader(io.StringIO(text, newline="")))
    assert float(first[Translator("nb")("Focus area")]) == 1
    assert first[Translator("nb")("Title")] == "Offentlighet og demokrati"
    assert (
        float(first[Translator("nb")("Claimed points")]) == RESULT.score.areas[0].points
    )  # '.' decimal, whatever the locale
    evidence = to_csv(tables("nb")["evidence"])
    assert '"https://kommune.no/saker?a=1,2"' in evidence  # commas inside a field are quoted
    assert "Demokratistrategi_Ås.pdf" in evidence


@pytest.mark.parametrize("text", ["=1+1", "+47 123", "-x", "@SUM(A1)", "\tx"])
def test_csv_neutralises_formulas(text: str) -> None:
    table = Table(name="t", title="T", headers=["a", "b"], rows=[[text, -1.5]])
    row = list(csv.reader(io.StringIO(to_csv(table), newline="")))[1]
    assert row == ["'" + text, "-1.5"]  # numbers are not text: a negative number stays one


# --- XLSX --------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_xlsx_one_sheet_per_table(locale: str) -> None:
    built = list(tables(locale).values())
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(built)))
    assert workbook.sheetnames == [t.title for t in built]
    for table, ws in zip(built, workbook, strict=True):
        header = next(ws.iter_rows(min_row=1, max_row=1))
        assert [c.value for c in header] == table.headers
        assert all(c.font.bold for c in header)
        assert ws.freeze_panes == "A2"
        values = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
        assert values == table.rows
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, float):
                    assert cell.data_type == "n"
                    assert cell.number_format == "0.0"
                elif isinstance(cell.value, int):
                    assert cell.data_type == "n"
        widths = [ws.column_dimensions[c].width for c in "ABC"]
        assert all(6 <= w <= 60 for w in widths)


def test_xlsx_numbers_and_nordic_letters() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx(list(tables("nb").values()))))
    areas = workbook.worksheets[0]
    assert areas["A2"].value == 1
    assert areas["C2"].value == RESULT.score.areas[0].points
    assert areas["C2"].number_format == "0.0"
    assert areas["E2"].value == 100.0
    answers = workbook.worksheets[3]
    texts = {c for row in answers.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "Strategien ble vedtatt i år – se møteboka." in texts
    assert "Ordfører 1" in texts
    evidence = workbook.worksheets[5]
    assert evidence["E2"].value == "Demokratistrategi_Ås.pdf"


def test_xlsx_text_is_never_a_formula() -> None:
    table = Table(
        name="t",
        title="T",
        headers=["=header"],
        rows=[['=HYPERLINK("http://x")'], ["bad\x00\x0bcontrol"], ["line 1\nline 2"]],
    )
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert ws is not None
    assert [ws.cell(r, 1).data_type for r in range(1, 5)] == ["s", "s", "s", "s"]
    assert ws["A1"].value == "=header"
    assert ws["A2"].value == '=HYPERLINK("http://x")'
    assert ws["A3"].value == "badcontrol"
    assert ws["A4"].value == "line 1\nline 2"


def test_xlsx_sheet_names_follow_excels_rules() -> None:
    long_title = "Indikatorer: mål/resultater [alle] for kommunen?"
    tables_ = [
        Table(name="a", title=long_title, headers=["x"], rows=[[1]]),
        Table(name="b", title=long_title, headers=["x"], rows=[[2]]),
        Table(name="c", title="'", headers=["x"], rows=[]),
    ]
    names = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables_))).sheetnames
    assert names[0] == "Indikatorer- mål-resultater -al"
    assert names[1] == "Indikatorer- mål-resultater (2)"
    assert names[2] == "Sheet"
    assert all(len(n) <= 31 for n in names)


def test_xlsx_column_widths_are_capped() -> None:
    table = Table(name="w", title="W", headers=["h"], rows=[["x" * 500], ["y"]])
    ws = openpyxl.load_workbook(io.BytesIO(to_xlsx([table]))).active
    assert ws is not None
    assert ws.column_dimensions["A"].width == 60


def test_xlsx_without_tables_is_still_a_workbook() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx([])))
    assert len(workbook.sheetnames) == 1
