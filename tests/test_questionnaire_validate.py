"""`kompass questionnaire validate` and `schema`: summaries, and every problem located by line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from service.cli import main
from service.questionnaires import QuestionnaireError, load_file, load_text

from .conftest import EXAMPLE, ROOT

TEXT = EXAMPLE.read_text(encoding="utf-8")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth occurrence of ``needle``."""
    pos = -1
    for _ in range(nth):
        pos = text.index(needle, pos + 1)
    return text.count("\n", 0, pos) + 1


def mutate(old: str, new: str, count: int = 1) -> str:
    assert TEXT.count(old) >= count, f"fixture text changed: {old!r}"
    return TEXT.replace(old, new, count)


# (name, mutated text, needle whose line is reported, nth occurrence, message)
BROKEN = [
    (
        "unknown key",
        mutate('version: "1.0"\n', 'version: "1.0"\ncolour: blue\n'),
        "colour: blue",
        1,
        "unknown key 'colour'",
    ),
    (
        "wrong type",
        mutate("max_points: 40", "max_points: forty"),
        "max_points: forty",
        1,
        "$.areas[0].subquestions[0].max_points: expected `int`, got `str`",
    ),
    (
        "duplicate id",
        mutate('- id: "1.1.2"', '- id: "1.1.1"'),
        '- id: "1.1.1"',
        2,
        "duplicate id '1.1.1'",
    ),
    (
        "missing translation",
        mutate("  sv: Exempelkompassen\n", ""),
        "title:",
        1,
        "missing translation for locale 'sv'",
    ),
    (
        "area maxima not summing to 100",
        mutate("max_points: 60", "max_points: 50"),
        "subquestions:",
        1,
        "area 1 sub-question maxima sum to 90, not 100",
    ),
    (
        "indicator without a role",
        mutate("roles: [chief_executive]\n", "roles: []\n"),
        "roles: []",
        1,
        "indicator '2.1.1' has no role",
    ),
    (
        "indicator without a dimension",
        mutate(
            "dimensions: [system, scope]\n            weight: 50",
            "dimensions: []\n            weight: 50",
        ),
        "dimensions: []",
        1,
        "indicator '2.2.2' has no dimension",
    ),
    (
        "indicator without a measure",
        mutate(
            "            measure:\n"
            "              nb: Publiser et kort sammendrag av hver politisk sak før møtet.\n"
            "              sv: Publicera en kort sammanfattning av varje politiskt ärende före "
            "sammanträdet.\n"
            "              en: Publish a short summary of every political case before the meeting.\n",
            "",
        ),
        '- id: "1.1.2"',
        1,
        "indicator '1.1.2' has no measure",
    ),
    (
        "measure missing a locale",
        mutate("              sv: Ta fram en kompetensplan för varje enhet.\n", ""),
        "measure:",
        5,
        "missing translation for locale 'sv'",
    ),
    (
        "indicator weights that don't sum",
        mutate("weight: 60", "weight: 70"),
        "indicators:",
        1,
        "indicator weights in 1.1 sum to 110, not 100",
    ),
    (
        "dimension weights that don't sum",
        mutate("weight: 40\n    title: {nb: System", "weight: 50\n    title: {nb: System"),
        "dimensions:",
        1,
        "dimension weights sum to 110, not 100",
    ),
    (
        "unknown role",
        mutate("roles: [unit_leader]", "roles: [janitor]"),
        "roles: [janitor]",
        1,
        "unknown role 'janitor'",
    ),
    (
        "undefined dimension value",
        mutate(
            "dimensions: [system, scope]\n            weight: 50",
            "dimensions: [system, vibes]\n            weight: 50",
        ),
        "dimensions: [system, vibes]",
        1,
        "$.areas[1].subquestions[1].indicators[1].dimensions[1]: invalid enum value 'vibes'",
    ),
    (
        "invalid YAML",
        mutate("locales: [nb, sv, en]", "locales: [nb, sv, en"),
        "locales: [nb, sv, en",
        1,
        "invalid YAML: did not find expected ',' or ']'",
    ),
    (
        "duplicate key",
        mutate('version: "1.0"\n', 'version: "1.0"\nversion: "1.1"\n'),
        'version: "1.1"',
        1,
        "duplicate key 'version'",
    ),
    (
        "default locale not offered",
        mutate("default_locale: nb", "default_locale: da"),
        "default_locale: da",
        1,
        "default locale 'da' is not in locales",
    ),
    (
        "indicator filed under the wrong sub-question",
        mutate('- id: "1.2.1"', '- id: "1.3.1"'),
        '- id: "1.3.1"',
        1,
        "indicator '1.3.1' is not under '1.2'",
    ),
    (
        "system dimension missing from an indicator",
        mutate(
            "dimensions: [system, scope]\n            weight: 50",
            "dimensions: [scope]\n            weight: 50",
        ),
        "dimensions: [scope]",
        1,
        "every indicator is scored on 'system' first",
    ),
]


def test_example_is_valid() -> None:
    q = load_file(EXAMPLE)
    assert q.id == "example-1.0"
    assert q.max_points == 200


@pytest.mark.parametrize(
    ("name", "text", "needle", "nth", "message"), BROKEN, ids=[b[0] for b in BROKEN]
)
def test_broken_file_reports_line_and_message(
    tmp_path: Path, name: str, text: str, needle: str, nth: int, message: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    expected_line = line_of(text, needle, nth)
    with pytest.raises(QuestionnaireError) as info:
        load_file(path)
    reported = [str(p) for p in info.value.problems]
    if name == "invalid YAML":
        # The parser reports where it noticed the problem: the next key, after a blank line.
        assert reported == [f"{path}:{expected_line + 2}: {message}"]
    else:
        assert f"{path}:{expected_line}: {message}" in reported, reported


def test_every_unknown_key_is_reported_at_once() -> None:
    text = TEXT.replace('version: "1.0"\n', 'version: "1.0"\ncolour: blue\n', 1).replace(
        "    weight: 20\n", "    weight: 20\n    colour: red\n", 1
    )
    with pytest.raises(QuestionnaireError) as info:
        load_text(text, "q.yaml")
    assert [str(p) for p in info.value.problems] == [
        f"q.yaml:{line_of(text, 'colour: blue')}: unknown key 'colour'",
        f"q.yaml:{line_of(text, 'colour: red')}: unknown key 'colour'",
    ]


def test_validate_cli_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questionnaire", "validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "example-1.0 1.0 — 2 areas, 4 sub-questions, 6 indicators, 200 points" in out
    assert "(per area 1: 100, 2: 100)" in out
    assert "locales nb, sv, en complete" in out


def test_validate_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questionnaire", "validate", "--json", str(EXAMPLE), str(EXAMPLE)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    summary = json.loads(lines[0])
    assert summary == {
        "id": "example-1.0",
        "version": "1.0",
        "areas": 2,
        "subquestions": 4,
        "indicators": 6,
        "points_per_area": {"1": 100, "2": 100},
        "locales": ["nb", "sv", "en"],
        "missing_translations": 0,
    }


def test_validate_cli_bad_file_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN[1][1], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "questionnaire", "validate", str(EXAMPLE), str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "example-1.0" in result.stdout
    line = line_of(BROKEN[1][1], "max_points: forty")
    assert result.stderr.strip() == (
        f"{bad}:{line}: $.areas[0].subquestions[0].max_points: expected `int`, got `str`"
    )


def test_validate_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["questionnaire", "validate", str(tmp_path / "nope.yaml")]) == 2
    assert f"{tmp_path / 'nope.yaml'}:1: cannot read file" in capsys.readouterr().err


def test_schema_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questionnaire", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    questionnaire = schema["$defs"]["Questionnaire"]
    assert questionnaire["additionalProperties"] is False
    assert {"id", "version", "areas", "dimensions", "roles", "scale"} <= set(
        questionnaire["required"]
    )
    assert schema["$defs"]["Indicator"]["properties"]["weight"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
    }
    indicator = schema["$defs"]["Indicator"]
    assert "measure" in indicator["required"]
    assert "default" not in indicator["properties"]["measure"]
