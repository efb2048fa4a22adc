"""`kompass score` and `kompass answers schema`: full results, calibration, located errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.answers_file import AnswersFileError, load_answers_bytes
from service.cli import main
from service.domain.assessment import assess
from service.questionnaires import catalog

from .conftest import DATA, EXAMPLE, ROOT

NORMAL = DATA / "calibration-normal.json"
WEAK = DATA / "calibration-weak.json"
KK = "kommunekompasset-2.1"


def run_score(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["score", *args])
    out, err = capsys.readouterr()
    return code, out, err


# The normal profile lands in the formal "normal" band; the weak one at or below Røros 2013
# (254), the weakest formal result in the sources (docs/calibration.md).
@pytest.mark.parametrize(("path", "low", "high"), [(NORMAL, 320, 360), (WEAK, 0, 254)])
def test_calibration(
    capsys: pytest.CaptureFixture[str], path: Path, low: float, high: float
) -> None:
    code, out, _ = run_score(capsys, KK, str(path), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert low <= result["score"]["points"] <= high
    assert result["score"]["coverage"]["indicators_known"] == 217


def test_json_output_equals_the_scoring_module(capsys: pytest.CaptureFixture[str]) -> None:
    q = catalog().get(KK)
    assert q is not None
    from service.answers_file import load_answers

    expected = assess(q, load_answers(NORMAL, q), catalog().references(KK))
    code, out, _ = run_score(capsys, KK, str(NORMAL), "--format", "json")
    assert code == 0
    result = json.loads(out)
    assert result["score"]["points"] == expected.score.points
    assert [a["points"] for a in result["score"]["areas"]] == [
        a.points for a in expected.score.areas
    ]
    assert [g["indicator"] for g in result["gaps"][:10]] == [
        g.indicator for g in expected.gaps[:10]
    ]
    assert {b["id"] for b in result["benchmarks"]} >= {
        "national-average",
        "normal-band",
        "roros-2017",
    }
    band = next(b for b in result["benchmarks"] if b["id"] == "normal-band")
    assert band["position"] == "within"
    assert 2 <= len(result["focus_areas"]) <= 4


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "nb",
            [
                "Totalt: 346,5 av 800 poeng",
                "Anslag for alle fokusområder: 346,5 poeng, med svar på 100 % av poengene.",
                "1. Offentlighet og demokrati: 43,1 / 100",
                "Utfordring",
                "Svakhet",
                "(dokumentert: 20,5)",
            ],
        ),
        (
            "en",
            [
                "Total: 346.5 of 800 points",
                "1. Public access and democracy: 43.1 / 100",
                "Weakness",
            ],
        ),
    ],
)
def test_text_output_is_localized(
    capsys: pytest.CaptureFixture[str], lang: str, expected: list[str]
) -> None:
    code, out, _ = run_score(capsys, KK, str(NORMAL), "--lang", lang)
    assert code == 0
    for fragment in expected:
        assert fragment in out


def test_partly_answered_round_shows_its_estimate_and_coverage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Røros 2017 answers cover 74 % of the points (8.3–8.7 unknown): the sum of the known
    # sub-questions is 345,6, the estimate over all areas 393,7.
    roros = DATA / "calibration" / "roros-2017.answers.json"
    code, out, _ = run_score(capsys, KK, str(roros), "--lang", "nb")
    assert code == 0
    assert "Totalt: 345,6 av 800 poeng" in out
    assert "Anslag for alle fokusområder: 393,7 poeng, med svar på 74 % av poengene." in out


def test_swedish_questionnaire_in_swedish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = json.loads(WEAK.read_text(encoding="utf-8"))
    data["questionnaire"] = "kommunkompassen"
    path = tmp_path / "sv.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, out, _ = run_score(capsys, "kommunkompassen", str(path))
    assert code == 0
    assert "Totalt:" in out
    assert "Offentlighet och demokrati" in out
    assert "Svaghet" in out


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """{
  "questionnaire": "example-1.0",
  "respondents": [
    {
      "id": "r1",
      "role": "chief_executive",
      "answers": [
        {"indicator": "1.1.1", "levels": {"system": 3, "scope": 2}}
      ]
    }
  ]
}
"""

BAD_ANSWERS = [
    (
        "unknown indicator",
        GOOD.replace('"1.1.1"', '"9.9.9"'),
        8,
        "$.respondents[0].answers[0].indicator: unknown indicator '9.9.9'",
    ),
    (
        "level above the scale",
        GOOD.replace('"scope": 2', '"scope": 7'),
        8,
        "$.respondents[0].answers[0].levels.scope: level 7 is above the scale's top level 4",
    ),
    (
        "negative level",
        GOOD.replace('"scope": 2', '"scope": -1'),
        8,
        "$.respondents[0].answers[0].levels[...]: expected `int` >= 0",
    ),
    (
        "unknown role",
        GOOD.replace('"chief_executive"', '"janitor"'),
        6,
        "$.respondents[0].role: unknown role 'janitor'",
    ),
    (
        "indicator not for the role",
        GOOD.replace('"1.1.1"', '"2.2.2"'),
        8,
        "$.respondents[0].answers[0].indicator: indicator '2.2.2' is not asked of role 'chief_executive'",
    ),
    (
        "unknown dimension",
        GOOD.replace('"scope": 2', '"vibes": 2'),
        8,
        "$.respondents[0].answers[0].levels: invalid enum value 'vibes'",
    ),
    (
        "unknown key",
        GOOD.replace('"id": "r1",', '"id": "r1", "name": "Kari",'),
        4,
        "$.respondents[0]: object contains unknown field `name`",
    ),
    (
        "malformed JSON",
        GOOD.replace('"role": "chief_executive",', '"role": "chief_executive"'),
        7,
        "invalid JSON: JSON is malformed: expected ',' or '}'",
    ),
    (
        "wrong questionnaire",
        GOOD.replace('"example-1.0"', '"other"'),
        2,
        "$.questionnaire: answers are for 'other', not for 'example-1.0'",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "message"), BAD_ANSWERS, ids=[b[0] for b in BAD_ANSWERS]
)
def test_bad_answers_file_is_located(name: str, text: str, line: int, message: str) -> None:
    from service.questionnaires import load_file

    with pytest.raises(AnswersFileError) as info:
        load_answers_bytes(text.encode(), "answers.json", load_file(EXAMPLE))
    assert [str(p) for p in info.value.problems] == [f"answers.json:{line}: {message}"]


def test_score_cli_bad_file_exits_2(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('"scope": 2', '"scope": 7'))
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "score", "example-1.0", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"KOMPASS_QUESTIONNAIRES": str(EXAMPLE.parent), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"{path}:8: $.respondents[0].answers[0].levels.scope: level 7 is above the scale's top level 4"
    )
    assert "Traceback" not in result.stderr


def test_score_cli_unknown_questionnaire(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_score(capsys, "nope", str(NORMAL))
    assert code == 2
    assert "unknown questionnaire 'nope'" in err


def test_score_cli_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_score(capsys, KK, str(tmp_path / "none.json"))
    assert code == 2
    assert f"{tmp_path / 'none.json'}:1: cannot read file" in err


def test_answers_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["answers", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    answer = schema["$defs"]["IndicatorAnswer"]
    assert answer["required"] == ["indicator"]
    assert set(answer["properties"]) == {"indicator", "status", "levels", "comment", "evidence"}
    assert set(schema["$defs"]["Status"]["enum"]) == {"answered", "planned", "dont_know"}
