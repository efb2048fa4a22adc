"""``kompass assist``: the assistant from the command line (same code path as the card)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, err
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


MAX_ID = 2**63 - 1  # SQLite's largest integer: beyond it a lookup would overflow, not miss


def cmd_assist_summarise(args: argparse.Namespace) -> int:
    """Have the language model summarise a round's comments, stored for its page and PDF.

    The same use case as the results page's button and the API (audited as the operator).
    Prints the outcome as one JSON object; exits 1 when the model failed for some
    sub-question (they keep the built-in summary), 2 on a bad round, language or setting.
    """
    from service.errors import KompassError
    from service.i18n import translator
    from service.questionnaires import Catalog
    from service.storage import audit
    from service.storage.db import open_database
    from service.storage.migrations import migrate
    from service.storage.rounds import get_round_unscoped
    from service.summarising import write_summaries

    settings = from_env()
    if not 1 <= args.round_id <= MAX_ID:
        err(f"kompass: round {args.round_id}: a round id is a positive whole number")
        return EXIT_BAD_INPUT
    db = open_database(settings.db_path)
    try:
        migrate(db)
        rnd = get_round_unscoped(db, args.round_id)
        lang = args.lang or rnd.locale
        done = write_summaries(
            db, Catalog(settings.questionnaire_path), rnd, lang, settings, by=audit.OPERATOR
        )
    except KompassError as exc:
        t = translator(args.lang or "en")
        err(f"kompass: round {args.round_id}: {t(exc.message, **exc.params)}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    sys.stdout.write(msgspec.json.encode(done).decode() + "\n")
    if done.notice:
        err(f"kompass: {done.notice}")
    return EXIT_PROBLEMS if done.fell_back else EXIT_OK


def add_assist_parser(sub: Any) -> None:
    """`kompass assist interpret QUESTIONNAIRE_ID [INDICATOR_ID TEXT | --batch FILE.jsonl]`, `kompass assist summarise ROUND_ID [--lang nb|sv|en]`."""
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
    summarise = assist.add_parser(
        "summarise",
        help="have the language model summarise a round's comments for its results and PDF",
    )
    summarise.add_argument("round_id", type=int, metavar="ROUND_ID")
    summarise.add_argument(
        "--lang", choices=["nb", "sv", "en"], default=None, help="default: the round's language"
    )
    summarise.set_defaults(handler=cmd_assist_summarise)
