"""``kompass assist``: the assistant from the command line (same code path as the card)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, err
from service.settings import from_env


def _assist_line(interpretation: Any, dimensions: list[Any]) -> str:
    """The one JSON object per answer that `kompass assist interpret` prints."""
    levels = {d.value: interpretation.levels.get(d) for d in dimensions}
    return json.dumps(
        {
            "status": interpretation.status.value,
            "levels": levels,
            "confidence": interpretation.confidence,
            "reason": interpretation.reason,
        },
        ensure_ascii=False,
    )


def cmd_assist_interpret(args: argparse.Namespace) -> int:
    """Interpret free text (or a JSONL batch) and print one JSON object per answer."""
    from service.assist.batch import BatchError, read_batch
    from service.assist.offline import OfflineAssistant
    from service.errors import KompassError
    from service.questionnaires import Catalog

    settings = from_env()
    catalog = Catalog(settings.questionnaire_path)
    q = catalog.get(args.questionnaire)
    if q is None:
        known = ", ".join(x.id for x in catalog.all())
        err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
        return EXIT_BAD_INPUT
    if args.batch is not None:
        if args.indicator is not None or args.text is not None:
            err("kompass: give either INDICATOR_ID and TEXT or --batch FILE.jsonl, not both")
            return EXIT_BAD_INPUT
        try:
            items = read_batch(Path(args.batch), q)
        except BatchError as exc:
            for problem in exc.problems:
                err(str(problem))
            return EXIT_BAD_INPUT
    else:
        if args.indicator is None or args.text is None:
            err("kompass: give INDICATOR_ID and TEXT, or --batch FILE.jsonl")
            return EXIT_BAD_INPUT
        if q.indicator(args.indicator) is None:
            err(f"kompass: unknown indicator '{args.indicator}' in {q.id}")
            return EXIT_BAD_INPUT
        items = [(args.indicator, args.lang or q.default_locale, args.text)]
    assistant = OfflineAssistant(catalog)  # loaded once for the whole batch
    for indicator_id, lang, text in items:
        try:
            result = assistant.interpret_text(q.id, indicator_id, lang, text)
        except KompassError as exc:
            err(f"kompass: {exc}")
            return EXIT_BAD_INPUT
        indicator = q.indicator(indicator_id)
        assert indicator is not None  # checked above
        sys.stdout.write(_assist_line(result, list(indicator.dimensions)) + "\n")
    return EXIT_OK


def add_assist_parser(sub: Any) -> None:
    """`kompass assist interpret QUESTIONNAIRE_ID [INDICATOR_ID TEXT | --batch FILE.jsonl]`."""
    assist = sub.add_parser("assist", help="the assistant").add_subparsers(
        dest="assist_command", required=True
    )
    interpret = assist.add_parser(
        "interpret", help="propose levels for free text (one JSON object per answer)"
    )
    interpret.add_argument("questionnaire", metavar="QUESTIONNAIRE_ID")
    interpret.add_argument("indicator", nargs="?", default=None, metavar="INDICATOR_ID")
    interpret.add_argument("text", nargs="?", default=None, metavar="TEXT")
    interpret.add_argument("--lang", choices=["nb", "sv", "en"], default=None)
    interpret.add_argument(
        "--batch",
        default=None,
        metavar="FILE.jsonl",
        help='lines {"indicator": "1.1.1", "lang": "nb", "text": "…"}',
    )
    interpret.set_defaults(handler=cmd_assist_interpret)
