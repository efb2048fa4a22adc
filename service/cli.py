"""The ``kompass`` command: thin over the same functions the service uses.

Exit codes: 0 success, 1 unexpected failure or problems found (``db verify``), 2 bad input
(with file and location).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import msgspec

from service.domain.locales import LOCALES
from service.domain.questionnaire import summarize
from service.questionnaires import QuestionnaireError, load_file, schema
from service.settings import SettingsError, from_env

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_BAD_INPUT = 2

Handler = Callable[[argparse.Namespace], int]


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the web service."""
    import logging

    import uvicorn

    from service import logs
    from service.app import create_app

    settings = from_env()
    host = args.host or settings.host
    port = args.port or settings.port
    settings = msgspec.structs.replace(settings, host=host, port=port)
    app = create_app(settings)
    running = f"Kompass is running on {settings.public_url}  (Ctrl+C stops it)"
    if settings.log_format == "json":
        logging.getLogger("kompass").info(running)  # stdout stays JSON lines only
    else:
        print(running)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=logs.uvicorn_config(settings.log_level, settings.log_format),
    )
    return EXIT_OK


def cmd_db_migrate(args: argparse.Namespace) -> int:
    """Apply pending database migrations."""
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    settings = from_env()
    db = open_database(settings.db_path)
    try:
        done = migrate(db)
    finally:
        db.close()
    if done:
        print(f"{settings.db}: applied {', '.join(done)}")
    else:
        print(f"{settings.db}: up to date")
    return EXIT_OK


def cmd_db_backup(args: argparse.Namespace) -> int:
    """Back up the database and evidence files with a checksum manifest, while the service runs."""
    from service.backup import BackupError, backup

    settings = from_env()
    try:
        summary = backup(settings.db_path, settings.data_path, Path(args.target))
    except BackupError as exc:
        _err(f"kompass: backup failed: {exc}")
        return EXIT_BAD_INPUT
    print(
        f"{summary.path}: backup of {settings.db} with {summary.evidence_files} evidence files"
        f" ({summary.files} files, {summary.bytes} bytes, SHA-256 in manifest.json)"
    )
    return EXIT_OK


def cmd_db_restore(args: argparse.Namespace) -> int:
    """Check a backup's checksums and restore it into an empty database and data folder."""
    from service.backup import BackupError, restore

    settings = from_env()
    db_path = Path(args.db) if args.db else settings.db_path
    data_dir = Path(args.data_dir) if args.data_dir else settings.data_path
    try:
        summary = restore(Path(args.source), db_path, data_dir)
    except BackupError as exc:
        _err(f"kompass: restore refused: {exc}")
        return EXIT_BAD_INPUT
    print(
        f"{args.source}: restored into {db_path} and {data_dir}"
        f" ({summary.evidence_files} evidence files, every checksum verified)"
    )
    return EXIT_OK


def cmd_db_verify(args: argparse.Namespace) -> int:
    """Check database integrity and that evidence rows and files match one to one."""
    from service.backup import BackupError, verify

    settings = from_env()
    try:
        report = verify(settings.db_path, settings.data_path, checksums=not args.quick)
    except BackupError as exc:
        _err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    if args.json:
        print(msgspec.json.encode(report).decode())
    for problem in report.problems:
        _err(problem)
    if not args.json:
        verdict = "ok" if report.ok else f"{len(report.problems)} problem(s)"
        print(
            f"{report.database}: integrity {report.integrity}; {report.evidence_rows} evidence"
            f" files recorded, {report.evidence_files} on disk; {verdict}"
        )
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def cmd_audit(args: argparse.Namespace) -> int:
    """Print the audit trail, oldest first: all of it or one round's."""
    from service.storage import audit
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    settings = from_env()
    db = open_database(settings.db_path)
    try:
        migrate(db)
        found = audit.entries(db, round_id=args.round)
    finally:
        db.close()
    for e in found:
        if args.json:
            print(msgspec.json.encode(e).decode())
            continue
        # Tab-separated: time, round, action, actor, name, target, details (for cut/awk).
        details = " ".join(f"{k}={v}" for k, v in e.details.items())
        where = "-" if e.round_id is None else str(e.round_id)
        fields = [e.at, where, e.action.value, e.actor, e.actor_name or "-", e.target or "-"]
        print("\t".join([*fields, details]).rstrip())
    return EXIT_OK


def _privacy_db() -> tuple[Any, Any]:
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    settings = from_env()
    db = open_database(settings.db_path)
    migrate(db)
    return settings, db


def cmd_privacy_export(args: argparse.Namespace) -> int:
    """Write everything stored about one person as JSON (a data-subject access request)."""
    from service.errors import KompassError
    from service.storage import audit, privacy

    if not args.email and not (args.round and args.respondent):
        _err("kompass: give --email, or --round and --respondent")
        return EXIT_BAD_INPUT
    _, db = _privacy_db()
    try:
        if args.email:
            found = privacy.export_person(db, args.email, by=audit.OPERATOR)
        else:
            found = privacy.export_respondent(db, args.round, args.respondent, by=audit.OPERATOR)
    except KompassError as exc:
        _err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    data = msgspec.json.format(msgspec.json.encode(found), indent=2) + b"\n"
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{args.output}: {len(found.respondents)} invitation(s)")
    else:
        sys.stdout.write(data.decode())
    return EXIT_OK


def cmd_privacy_forget(args: argparse.Namespace) -> int:
    """Remove a respondent's name and e-mail address; their answers stay, anonymous."""
    from service.errors import KompassError
    from service.storage import audit, privacy

    settings, db = _privacy_db()
    try:
        privacy.remove_personal_data(
            db, args.round, args.respondent, by=audit.OPERATOR, data_dir=settings.data_path
        )
    except KompassError as exc:
        _err(f"kompass: round {args.round}, respondent {args.respondent}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Removed the name and e-mail address of respondent {args.respondent}; answers kept.")
    return EXIT_OK


def cmd_privacy_delete_round(args: argparse.Namespace) -> int:
    """Delete a round with its respondents, answers, evidence and evidence files."""
    from service.errors import KompassError
    from service.storage import audit, privacy

    if not args.yes:
        _err(f"kompass: deleting round {args.round_id} cannot be undone; add --yes to do it")
        return EXIT_BAD_INPUT
    settings, db = _privacy_db()
    try:
        done = privacy.delete_round(db, args.round_id, settings.data_path, by=audit.OPERATOR)
    except KompassError as exc:
        _err(f"kompass: round {args.round_id}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(
        f"Deleted round {done.round_id}: {done.respondents} respondents, {done.answers} answer"
        f" versions, {done.evidence} evidence, {done.files_removed} files"
    )
    return EXIT_OK


def cmd_privacy_retention(args: argparse.Namespace) -> int:
    """Anonymise rounds older than the retention period (KOMPASS_RETENTION_YEARS)."""
    import datetime as dt

    from service.storage import audit, privacy

    settings, db = _privacy_db()
    years = settings.retention_years if args.years is None else args.years
    try:
        if years <= 0:
            print("Retention is off (KOMPASS_RETENTION_YEARS=0): nothing anonymised.")
            return EXIT_OK
        due = privacy.rounds_due(db, years, dt.datetime.now(dt.UTC).date())
        for rnd in due:
            if args.dry_run:
                print(f"would anonymise round {rnd.id}: {rnd.name}")
            else:
                n = privacy.anonymise_round(db, rnd.id, by=audit.OPERATOR)
                print(f"anonymised round {rnd.id}: {rnd.name} ({n} respondents)")
    finally:
        db.close()
    print(f"{len(due)} round(s) older than {years} years with personal data")
    return EXIT_OK


def cmd_questionnaire_validate(args: argparse.Namespace) -> int:
    """Validate definition files; print a summary per file or every problem."""
    status = EXIT_OK
    for raw in args.paths:
        path = Path(raw)
        try:
            q = load_file(path)
        except QuestionnaireError as exc:
            for problem in exc.problems:
                _err(str(problem))
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
        _err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
        return EXIT_BAD_INPUT
    try:
        answers = load_answers(Path(args.answers), q)
    except AnswersFileError as exc:
        for problem in exc.problems:
            _err(str(problem))
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
        _err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
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
            _err(str(problem))
        return EXIT_BAD_INPUT
    comparison = compare(q, score(q, answers), official)
    if args.format == "json":
        sys.stdout.write(msgspec.json.encode(comparison).decode() + "\n")
    else:
        sys.stdout.write(
            render_comparison(q, comparison, translator(args.lang or q.default_locale))
        )
    return EXIT_OK


def _add_calibrate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
        _err(f"kompass: round {args.round_id}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    Path(args.output).write_bytes(render_pdf(model, t))
    print(
        f"{args.output}: {model.municipality} – {model.round_name}, {model.total} / {model.max_points}"
    )
    return EXIT_OK


def cmd_answers_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of answers files."""
    from service.answers_file import schema as answers_schema

    print(json.dumps(answers_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """Create demo data (once) and print how to sign in."""
    from service.demo import create_demo
    from service.questionnaires import Catalog
    from service.settings import ensure_secret
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    settings = ensure_secret(from_env())
    db = open_database(settings.db_path)
    try:
        migrate(db)
        info = create_demo(db, Catalog(settings.questionnaire_path), settings)
    finally:
        db.close()
    print("Demo data " + ("created" if info.created else "already present") + f" in {settings.db}.")
    print(f"Sign in at {settings.public_url}/login as {info.email} with password {info.password}")
    for name, link in info.rounds:
        print(f"Answer as a unit leader in '{name}': {link}")
    return EXIT_OK


def cmd_create_municipality(args: argparse.Namespace) -> int:
    """Register a municipality."""
    from service.errors import KompassError
    from service.storage import accounts
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    settings = from_env()
    db = open_database(settings.db_path)
    try:
        migrate(db)
        municipality = accounts.create_municipality(db, args.name, args.country, args.locale)
    except KompassError as exc:
        _err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Created municipality {municipality.id}: {municipality.name}")
    return EXIT_OK


def cmd_create_coordinator(args: argparse.Namespace) -> int:
    """Create a coordinator account; the password is read from stdin or prompted for."""
    import getpass

    from service.errors import KompassError
    from service.storage import accounts
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    settings = from_env()
    db = open_database(settings.db_path)
    try:
        migrate(db)
        coordinator = accounts.create_coordinator(
            db, args.municipality, args.email, password, args.name
        )
    except KompassError as exc:
        _err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Created coordinator {coordinator.id}: {coordinator.email}")
    return EXIT_OK


def _add_db_commands(sub: Any) -> None:
    """``kompass db migrate|backup|restore|verify``."""
    db = sub.add_parser(
        "db", help="database maintenance: migrate, backup, restore, verify"
    ).add_subparsers(dest="db_command", required=True)
    db.add_parser("migrate", help="apply pending migrations").set_defaults(handler=cmd_db_migrate)
    db_backup = db.add_parser(
        "backup", help="back up the database and evidence files (safe while the service runs)"
    )
    db_backup.add_argument(
        "target",
        metavar="DIR_OR_FILE",
        help="a folder (a dated backup is made inside an existing one) or a .tar/.tar.gz file",
    )
    db_backup.set_defaults(handler=cmd_db_backup)
    db_restore = db.add_parser(
        "restore", help="verify a backup's checksums and restore it into an empty data folder"
    )
    db_restore.add_argument("source", metavar="BACKUP", help="a backup folder or archive")
    db_restore.add_argument("--db", default=None, help="database file to create (KOMPASS_DB)")
    db_restore.add_argument(
        "--data-dir", default=None, help="empty data folder to fill (KOMPASS_DATA_DIR)"
    )
    db_restore.set_defaults(handler=cmd_db_restore)
    db_verify = db.add_parser(
        "verify", help="check integrity and that evidence rows and files match"
    )
    db_verify.add_argument("--json", action="store_true", help="print the report as JSON")
    db_verify.add_argument(
        "--quick", action="store_true", help="check file sizes only, not SHA-256 checksums"
    )
    db_verify.set_defaults(handler=cmd_db_verify)


def _add_privacy_commands(sub: Any) -> None:
    """``kompass privacy export|forget|delete-round|retention``."""
    privacy = sub.add_parser(
        "privacy", help="personal data: export, remove, delete a round, retention"
    ).add_subparsers(dest="privacy_command", required=True)
    export = privacy.add_parser("export", help="everything stored about one person, as JSON")
    export.add_argument("--email", default=None, help="the person's e-mail address")
    export.add_argument("--round", type=int, default=None, metavar="ID")
    export.add_argument("--respondent", type=int, default=None, metavar="ID")
    export.add_argument("-o", "--output", default=None, metavar="FILE.json")
    export.set_defaults(handler=cmd_privacy_export)
    forget = privacy.add_parser(
        "forget", help="remove a respondent's name and e-mail, keeping the anonymous answers"
    )
    forget.add_argument("--round", type=int, required=True, metavar="ID")
    forget.add_argument("--respondent", type=int, required=True, metavar="ID")
    forget.set_defaults(handler=cmd_privacy_forget)
    delete = privacy.add_parser(
        "delete-round", help="delete a round with its answers, evidence and files"
    )
    delete.add_argument("round_id", type=int, metavar="ROUND_ID")
    delete.add_argument("--yes", action="store_true", help="really delete (cannot be undone)")
    delete.set_defaults(handler=cmd_privacy_delete_round)
    retention = privacy.add_parser(
        "retention", help="anonymise rounds older than KOMPASS_RETENTION_YEARS"
    )
    retention.add_argument("--years", type=int, default=None, help="override the setting")
    retention.add_argument("--dry-run", action="store_true", help="only list the rounds")
    retention.set_defaults(handler=cmd_privacy_retention)


def _account_change(args: argparse.Namespace, change: Any) -> int:
    from service.errors import KompassError
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    db = open_database(from_env().db_path)
    try:
        migrate(db)
        coordinator = change(db)
    except KompassError as exc:
        _err(f"kompass: coordinator {args.coordinator_id}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Updated coordinator {coordinator.id}: {coordinator.email}")
    return EXIT_OK


def cmd_disable_coordinator(args: argparse.Namespace) -> int:
    """Disable a coordinator account; its sessions end at once."""
    from service.storage import accounts

    return _account_change(args, lambda db: accounts.disable_coordinator(db, args.coordinator_id))


def cmd_set_password(args: argparse.Namespace) -> int:
    """Set a coordinator's password (read from stdin or prompted for); other sessions end."""
    import getpass

    from service.storage import accounts

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass()
    return _account_change(
        args, lambda db: accounts.set_password(db, args.coordinator_id, password)
    )


# --- kompass assist: the assistant from the command line (same code path as the card) -------


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
        _err(f"kompass: unknown questionnaire '{args.questionnaire}' (installed: {known})")
        return EXIT_BAD_INPUT
    if args.batch is not None:
        if args.indicator is not None or args.text is not None:
            _err("kompass: give either INDICATOR_ID and TEXT or --batch FILE.jsonl, not both")
            return EXIT_BAD_INPUT
        try:
            items = read_batch(Path(args.batch), q)
        except BatchError as exc:
            for problem in exc.problems:
                _err(str(problem))
            return EXIT_BAD_INPUT
    else:
        if args.indicator is None or args.text is None:
            _err("kompass: give INDICATOR_ID and TEXT, or --batch FILE.jsonl")
            return EXIT_BAD_INPUT
        if q.indicator(args.indicator) is None:
            _err(f"kompass: unknown indicator '{args.indicator}' in {q.id}")
            return EXIT_BAD_INPUT
        items = [(args.indicator, args.lang or q.default_locale, args.text)]
    assistant = OfflineAssistant(catalog)  # loaded once for the whole batch
    for indicator_id, lang, text in items:
        try:
            result = assistant.interpret_text(q.id, indicator_id, lang, text)
        except KompassError as exc:
            _err(f"kompass: {exc}")
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


def _add_admin_commands(sub: Any) -> None:
    """``kompass admin create-municipality|create-coordinator|disable-coordinator|set-password``."""
    admin = sub.add_parser("admin", help="first setup").add_subparsers(
        dest="admin_command", required=True
    )
    municipality = admin.add_parser("create-municipality", help="register a municipality")
    municipality.add_argument("name")
    municipality.add_argument("--country", choices=["NO", "SE"], required=True)
    municipality.add_argument("--locale", choices=list(LOCALES), required=True)
    municipality.set_defaults(handler=cmd_create_municipality)
    coordinator = admin.add_parser("create-coordinator", help="create a coordinator account")
    coordinator.add_argument("--municipality", type=int, required=True, metavar="ID")
    coordinator.add_argument("--email", required=True)
    coordinator.add_argument("--name", default="")
    coordinator.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    coordinator.set_defaults(handler=cmd_create_coordinator)

    disable = admin.add_parser(
        "disable-coordinator", help="disable an account: no sign-in, its sessions end"
    )
    disable.add_argument("coordinator_id", type=int, metavar="ID")
    disable.set_defaults(handler=cmd_disable_coordinator)
    password = admin.add_parser("set-password", help="set a coordinator's password")
    password.add_argument("coordinator_id", type=int, metavar="ID")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    password.set_defaults(handler=cmd_set_password)


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

    _add_db_commands(sub)

    audit = sub.add_parser("audit", help="print the audit trail (who did what, when)")
    audit.add_argument("--round", type=int, default=None, metavar="ID", help="only this round")
    audit.add_argument("--json", action="store_true", help="one JSON object per line")
    audit.set_defaults(handler=cmd_audit)

    _add_privacy_commands(sub)

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
    _add_calibrate(sub)

    sub.add_parser("demo", help="create demo data and print how to sign in").set_defaults(
        handler=cmd_demo
    )

    _add_admin_commands(sub)

    report = sub.add_parser("report", help="render a round's gap-analysis PDF")
    report.add_argument("round_id", type=int, metavar="ROUND_ID")
    report.add_argument("--lang", choices=list(LOCALES), default=None)
    report.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
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
        _err(f"kompass: bad setting: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
