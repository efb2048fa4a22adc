"""The ``kompass`` command: thin over the same functions the service uses.

Exit codes: 0 success, 1 unexpected failure or problems found (``db verify``), 2 bad input
(with file and location). One module per group of subcommands; this one builds the parser.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from service.cli.admin import add_admin_commands, cmd_demo, cmd_serve
from service.cli.assessment import (
    add_calibrate,
    cmd_answers_schema,
    cmd_questionnaire_schema,
    cmd_questionnaire_validate,
    cmd_report,
    cmd_score,
)
from service.cli.assist import add_assist_parser, cmd_assist_interpret
from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, Handler, err
from service.cli.data import add_db_commands, add_privacy_commands, cmd_audit
from service.domain.locales import LOCALES
from service.settings import SettingsError

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="kompass", description="Kompass: self-assessment on the Kommunekompasset model."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start the web service")
    serve.add_argument("--host", default=None, help="address to listen on (KOMPASS_HOST)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (KOMPASS_PORT)")
    serve.set_defaults(handler=cmd_serve)

    add_db_commands(sub)

    audit = sub.add_parser("audit", help="print the audit trail (who did what, when)")
    audit.add_argument("--round", type=int, default=None, metavar="ID", help="only this round")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.set_defaults(handler=cmd_audit)

    add_privacy_commands(sub)

    q = sub.add_parser("questionnaire", help="questionnaire definitions").add_subparsers(
        dest="q_command", required=True
    )
    validate = q.add_parser("validate", help="check definition files")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.add_argument("--json", action="store_true", help="one JSON summary per line")
    validate.set_defaults(handler=cmd_questionnaire_validate)
    q.add_parser("schema", help="print the JSON Schema").set_defaults(
        handler=cmd_questionnaire_schema
    )

    score = sub.add_parser("score", help="score an answers file")
    score.add_argument("questionnaire", metavar="QUESTIONNAIRE_ID")
    score.add_argument("answers", metavar="ANSWERS_FILE")
    score.add_argument("--format", choices=["json", "text"], default="text")
    score.add_argument("--lang", choices=list(LOCALES), default=None)
    score.set_defaults(handler=cmd_score)
    add_calibrate(sub)

    sub.add_parser("demo", help="create demo data and print how to sign in").set_defaults(
        handler=cmd_demo
    )

    add_admin_commands(sub)

    report = sub.add_parser("report", help="render a round's gap-analysis PDF")
    report.add_argument("round_id", type=int, metavar="ROUND_ID")
    report.add_argument("--lang", choices=list(LOCALES), default=None)
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    report.add_argument(
        "--full", action="store_true", help="append the full table of disagreements"
    )
    report.set_defaults(handler=cmd_report)

    answers = sub.add_parser("answers", help="answers files").add_subparsers(
        dest="a_command", required=True
    )
    answers.add_parser("schema", help="print the JSON Schema").set_defaults(
        handler=cmd_answers_schema
    )
    add_assist_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kompass`` console script."""
    parser = build_parser()
    # Known-args parsing lets `assist interpret Q ID --lang nb "TEXT"` put TEXT after an option.
    args, extras = parser.parse_known_args(argv)
    if extras and (args.handler is not cmd_assist_interpret or args.text is not None):
        parser.error(f"unrecognized arguments: {' '.join(extras)}")
    if extras:
        if any(e.startswith("-") for e in extras) or len(extras) > 1:
            parser.error(f"unrecognized arguments: {' '.join(extras)}")
        args.text = extras[0]
    handler: Handler = args.handler
    try:
        return handler(args)
    except SettingsError as exc:
        err(f"kompass: bad setting: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_OK
