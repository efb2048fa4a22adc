"""``kompass questionnaire``, ``score``, ``calibrate``, ``report`` and ``answers``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import msgspec

from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, err
from service.domain.questionnaire import summarize
from service.questionnaires import QuestionnaireError, load_file, schema
from service.settings import from_env


def cmd_questionnaire_validate(args: argparse.Namespace) -> int:
    """Validate definition files; print a summary per file or every problem."""
    status = EXIT_OK
    for raw in args.paths:
        path = Path(raw)
        try:
            q = load_file(path)
        except QuestionnaireError as exc:
            for problem in exc.problems:
                err(str(problem))
            status = EXIT_BAD_INPUT
            continue
        summary = summarize(q)
        if args.json:
            print(msgspec.json.encode(summary).decode())
        else:
            points = ", ".join(f"{k}: {v}" for k, v in summary.points_per_area.items())
            complete = (
                "complete"
                if summary.missing_translations == 0
                else (f"{summary.missing_translations} missing translations")
            )
            print(
                f"{path}: {summary.id} {summary.version} — {summary.areas} areas, "
                f"{summary.subquestions} sub-questions, {summary.indicators} indicators, "
                f"{q.max_points} points (per area {points}); locales {', '.join(summary.locales)} "
                f"{complete}"
            )
    return status


def cmd_questionnaire_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of the questionnaire format."""
    print(json.dumps(schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_score(args: argparse.Namespace) -> int:
    """Score an answers file and print the full provisional result."""
    from service.answers_file import AnswersFileError, load_answers
    from service.domain.assessment import assess
    from service.i18n import translator
    from service.questionnaires import Catalog
    from service.report.text import render_text

    settings = from_env()
    catalog = Catalog(settings.questionnaire_path)
    q = catalog.get(args.questionnaire)
    if q is None:
        known = ", ".join(x.id for x in catalog.all())
        err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
        return EXIT_BAD_INPUT
    try:
        answers = load_answers(Path(args.answers), q)
    except AnswersFileError as exc:
        for problem in exc.problems:
            err(str(problem))
        return EXIT_BAD_INPUT
    result = assess(q, answers, catalog.references(q.id))
    if args.format == "json":
        sys.stdout.write(msgspec.json.encode(result).decode() + "\n")
    else:
        sys.stdout.write(render_text(q, result, translator(args.lang or q.default_locale)))
    return EXIT_OK


# --- kompass calibrate (issue 13) ------------------------------------------------------------


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Compare an answers file's provisional score with a formal evaluation's result."""
    from service.answers_file import AnswersFileError, load_answers
    from service.calibrate import load_official, render_comparison
    from service.domain.calibration import compare
    from service.domain.scoring import score
    from service.i18n import translator
    from service.questionnaires import Catalog

    catalog = Catalog(from_env().questionnaire_path)
    q = catalog.get(args.questionnaire)
    if q is None:
        known = ", ".join(x.id for x in catalog.all())
        err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
        return EXIT_BAD_INPUT
    problems = []
    answers = official = None
    try:
        answers = load_answers(Path(args.answers), q)
    except AnswersFileError as exc:
        problems += exc.problems
    try:
        official = load_official(Path(args.official), q)
    except AnswersFileError as exc:
        problems += exc.problems
    if answers is None or official is None:
        for problem in problems:
            err(str(problem))
        return EXIT_BAD_INPUT
    comparison = compare(q, score(q, answers), official)
    if args.format == "json":
        sys.stdout.write(msgspec.json.encode(comparison).decode() + "\n")
    else:
        sys.stdout.write(
            render_comparison(q, comparison, translator(args.lang or q.default_locale))
        )
    return EXIT_OK


def add_calibrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calibrate = sub.add_parser(
        "calibrate", help="compare an answers file with a formal evaluation's result"
    )
    calibrate.add_argument("questionnaire", metavar="QUESTIONNAIRE_ID")
    calibrate.add_argument("answers", metavar="ANSWERS_FILE")
    calibrate.add_argument("official", metavar="OFFICIAL_FILE")
    calibrate.add_argument("--format", choices=["json", "text"], default="text")
    calibrate.add_argument("--lang", choices=["nb", "sv", "en"], default=None)
    calibrate.set_defaults(handler=cmd_calibrate)


# --- end of kompass calibrate ----------------------------------------------------------------


def cmd_report(args: argparse.Namespace) -> int:
    """Render a round's gap-analysis PDF to a file."""
    from service.errors import KompassError
    from service.i18n import translator
    from service.questionnaires import Catalog
    from service.report.pdf import render_pdf
    from service.results import report_model
    from service.storage.db import open_database
    from service.storage.migrations import migrate
    from service.storage.rounds import get_round_unscoped

    settings = from_env()
    db = open_database(settings.db_path)
    try:
        migrate(db)
        rnd = get_round_unscoped(db, args.round_id)
        t = translator(args.lang or rnd.locale)
        model = report_model(db, Catalog(settings.questionnaire_path), rnd, t)
    except KompassError as exc:
        err(f"kompass: round {args.round_id}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    Path(args.output).write_bytes(render_pdf(model, t, full=args.full))
    print(
        f"{args.output}: {model.municipality} – {model.round_name}, {model.total} / {model.max_points}"
    )
    return EXIT_OK


def cmd_answers_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of answers files."""
    from service.answers_file import schema as answers_schema

    print(json.dumps(answers_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK
