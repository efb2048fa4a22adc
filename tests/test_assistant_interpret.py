"""The offline assistant's interpretation: agreement with the labelled sets, rules, CLI, no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bench.assistant import BLIND, FINAL, HELDOUT, LABELLED, agreement, interpret_all, load_labelled
from service.assist.knowledge import KnowledgeError, load_examples
from service.cli import main
from service.domain.answers import Status
from service.domain.assistant.interpret import interpret_rules, read
from service.domain.assistant.lexicon import Cue
from service.domain.questionnaire import Dimension
from service.questionnaires import catalog

from .conftest import ROOT

KK = "kommunekompasset-2.1"
SK = "kommunkompassen"
ALL_DIMS = list(Dimension)

# Floors pinned at the figures measured when the rules were last changed (docs/assistant.md):
# a change that makes the assistant agree less with careful assessors fails here.
PINNED = {
    LABELLED.name: (0.94, 0.99, 0.99),
    HELDOUT.name: (0.92, 0.99, 0.99),
    BLIND.name: (0.94, 0.99, 0.99),
    FINAL.name: (0.95, 0.99, 0.99),
}


@pytest.mark.parametrize("path", [LABELLED, HELDOUT, BLIND, FINAL], ids=lambda p: p.name)
def test_agreement_does_not_worsen(path: Path) -> None:
    rows = load_labelled(path)
    proposals, _ = interpret_all(rows)
    result = agreement(rows, proposals)
    exact, within_one, status = PINNED[path.name]
    assert result.system_exact >= exact, result.disagreements
    assert result.system_within_one >= within_one, result.disagreements
    assert result.status_recall >= status, result.disagreements
    assert result.meets_targets()


def test_labelled_set_is_what_the_issue_asks_for() -> None:
    rows = load_labelled(LABELLED)
    assert len(rows) >= 150
    assert {r.lang for r in rows} == {"nb", "sv", "en"}
    tags = {t for r in rows for t in r.tags}
    assert tags >= {"short", "long", "negation", "planned", "partial_scope", "mixed", "dialect"}
    for row in rows + load_labelled(HELDOUT) + load_labelled(BLIND) + load_labelled(FINAL):
        q = catalog().get(row.q)
        assert q is not None
        indicator = q.indicator(row.indicator)
        assert indicator is not None, row
        assert set(row.levels) <= {d.value for d in indicator.dimensions}, row
        assert (row.status is Status.ANSWERED) == ("system" in row.levels), row


@pytest.mark.parametrize(
    ("text", "lang", "status", "system"),
    [
        ("Rutinen er vedtatt.", "nb", Status.ANSWERED, 3),
        ("Rutinen er ikke vedtatt, vi har bare et utkast.", "nb", Status.ANSWERED, 2),
        ("Rutinen är inte antagen men ett utkast finns.", "sv", Status.ANSWERED, 2),
        ("The procedure has not been adopted; there is only a draft.", "en", Status.ANSWERED, 2),
        ("Det gjøres tilfeldig, avhengig av leder.", "nb", Status.ANSWERED, 1),
        ("Vi har ingenting slikt.", "nb", Status.ANSWERED, 0),
        ("Ingen plan är antagen och inget är planerat heller.", "sv", Status.ANSWERED, 0),
        ("Vi skal lage en plan neste år.", "nb", Status.PLANNED, None),
        ("Vi ska ta fram en plan nästa år.", "sv", Status.PLANNED, None),
        ("We will draw one up next year.", "en", Status.PLANNED, None),
        ("Eg veit ikkje.", "nb", Status.DONT_KNOW, None),
        (
            "Adopted, part of the management system and revised every year.",
            "en",
            Status.ANSWERED,
            4,
        ),
    ],
)
def test_rules(text: str, lang: str, status: Status, system: int | None) -> None:
    result = interpret_rules(text, lang, ALL_DIMS)
    assert result.status is status
    assert result.proposals[Dimension.SYSTEM].level == system


@pytest.mark.parametrize(
    ("text", "lang", "scope"),
    [
        ("Brukes bare i barnehagene.", "nb", 1),
        ("Används endast inom äldreomsorgen.", "sv", 1),
        ("Used only in the schools.", "en", 1),
        ("Noen enheter bruker den fast hvert år.", "nb", 2),
        ("Den är antagen och används i hela kommunen.", "sv", 4),
        ("Adopted and used throughout the organisation.", "en", 4),
    ],
)
def test_scope(text: str, lang: str, scope: int) -> None:
    assert interpret_rules(text, lang, ALL_DIMS).proposals[Dimension.SCOPE].level == scope


@pytest.mark.parametrize(
    ("text", "lang", "cue", "negated"),
    [
        ("den er ikke vedtatt", "nb", Cue.ADOPTED, True),
        ("mange kjenner den ikke", "nb", Cue.KNOWN, True),
        ("den är antagen", "sv", Cue.ADOPTED, False),
        ("no strategy has been adopted", "en", Cue.ADOPTED, True),
        ("it is adopted and not revised", "en", Cue.ADOPTED, False),
    ],
)
def test_negation(text: str, lang: str, cue: Cue, negated: bool) -> None:
    hits = [h for h in read(text, lang).hits if h.cue is cue]
    assert hits
    assert hits[0].negated is negated


def test_follow_ups_stay_empty_after_no_system() -> None:
    result = interpret_rules("Nei, det finnes ikke i hele kommunen.", "nb", ALL_DIMS)
    assert result.proposals[Dimension.SYSTEM].level == 0
    assert all(result.proposals[d].level is None for d in ALL_DIMS[1:])


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["assist", "interpret", *args])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


@pytest.mark.parametrize(
    ("q", "indicator", "lang", "text", "status", "system"),
    [
        (KK, "1.1.1", "nb", "Planlagt, ikke startet.", "planned", None),
        (SK, "1.1.2", "sv", "Policyn är antagen och känd i hela kommunen.", "answered", 3),
        (KK, "3.4.1", "en", "I don't know.", "dont_know", None),
    ],
)
def test_cli_single(
    capsys: pytest.CaptureFixture[str],
    q: str,
    indicator: str,
    lang: str,
    text: str,
    status: str,
    system: int | None,
) -> None:
    code, lines, _ = run(capsys, q, indicator, "--lang", lang, text)
    assert code == 0
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {"status", "levels", "confidence", "reason"}
    assert result["status"] == status
    ind = catalog().get(q).indicator(indicator)  # type: ignore[union-attr]
    assert ind is not None
    assert list(result["levels"]) == [d.value for d in ind.dimensions]
    assert result["levels"]["system"] == system
    assert 0.0 <= result["confidence"] <= 1.0
    assert result["reason"]


def test_cli_batch_keeps_order(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rows = load_labelled(LABELLED)[:40:5]
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join(
            json.dumps({"indicator": r.indicator, "lang": r.lang, "text": r.text})
            for r in rows
            if r.q == KK
        ),
        encoding="utf-8",
    )
    expected = [r for r in rows if r.q == KK]
    code, lines, _ = run(capsys, KK, "--batch", str(path))
    assert code == 0
    assert len(lines) == len(expected)
    for row, line in zip(expected, lines, strict=True):
        single_code, single, _ = run(capsys, KK, row.indicator, "--lang", row.lang, row.text)
        assert single_code == 0
        assert json.loads(line) == json.loads(single[0])


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (
            '{"indicator": "1.1.1", "lang": "nb", "text": "ok"}\n{"indicator": "9.9.9", "text": "x"}',
            ":2:",
        ),
        ('{"indicator": "1.1.1", "lang": "de", "text": "x"}', ":1:"),
        ('{"indicator": "1.1.1", "text": "x", "extra": 1}', ":1:"),
        ("\n\nnot json", ":3:"),
        ('{"indicator": "1.1.1", "text": ""}', ":1:"),
    ],
)
def test_cli_batch_errors_are_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, where: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    code, lines, err = run(capsys, KK, "--batch", str(path))
    assert code == 2
    assert lines == []
    assert f"{path}{where}" in err


@pytest.mark.parametrize(
    "args",
    [
        ("nope", "1.1.1", "tekst"),
        (KK, "9.9.9", "tekst"),
        (KK, "1.1.1"),
        (KK, "--batch", "/nonexistent/file.jsonl"),
        (KK, "1.1.1", "   "),
        (KK, "1.1.1", "x" * 5001),
    ],
)
def test_cli_bad_input_exits_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    code, lines, err = run(capsys, *args)
    assert code == 2
    assert lines == []
    assert err.startswith(("kompass:", "/nonexistent"))


def test_examples_file_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "examples.yaml"
    path.write_text(
        "examples:\n"
        "  - {lang: nb, status: answered, text: 'Ja'}\n"
        "  - {lang: nb, status: planned, system: 2, text: 'Snart'}\n",
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeError) as info:
        load_examples(path)
    assert [p.line for p in info.value.problems] == [2, 3]
    path.write_text("examples:\n  - {lang: de, status: answered, system: 1, text: x}\n")
    with pytest.raises(KnowledgeError) as info:
        load_examples(path)
    assert info.value.problems[0].line == 2


BLOCK_NETWORK = textwrap.dedent(
    """
    import socket, sys
    class NoNetwork(OSError):
        pass
    def refuse(*args, **kwargs):
        raise NoNetwork("network access is blocked in this test")
    socket.socket = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    from service.cli import main
    sys.exit(main(sys.argv[1:]))
    """
)


def test_offline_provider_works_with_network_blocked(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        '{"indicator": "1.1.1", "lang": "nb", "text": "Strategien er vedtatt og revideres hvert år."}\n'
        '{"indicator": "1.1.1", "lang": "en", "text": "Planned, not started."}\n',
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMPASS_")}
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_NETWORK, "assist", "interpret", KK, "--batch", str(batch)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["levels"]["system"] == 4
    assert second["status"] == "planned"
    # The block is real: the same interpreter cannot open a socket.
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            BLOCK_NETWORK.replace("from service.cli", "socket.socket()\nfrom service.cli"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "network access is blocked" in probe.stderr
