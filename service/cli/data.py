"""``kompass db``, ``kompass audit`` and ``kompass privacy``: the data an operator keeps safe."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import msgspec

from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_PROBLEMS, err
from service.settings import from_env


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
        err(f"kompass: backup failed: {exc}")
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
        err(f"kompass: restore refused: {exc}")
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
        err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    if args.json:
        print(msgspec.json.encode(report).decode())
    for problem in report.problems:
        err(problem)
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
    from service import data_rights
    from service.errors import KompassError
    from service.storage import audit

    if not args.email and not (args.round and args.respondent):
        err("kompass: give --email, or --round and --respondent")
        return EXIT_BAD_INPUT
    _, db = _privacy_db()
    try:
        if args.email:
            found = data_rights.export_person(db, args.email, by=audit.OPERATOR)
        else:
            found = data_rights.export_respondent(
                db, args.round, args.respondent, by=audit.OPERATOR
            )
    except KompassError as exc:
        err(f"kompass: {exc}")
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
    from service import data_rights
    from service.errors import KompassError
    from service.storage import audit

    settings, db = _privacy_db()
    try:
        data_rights.forget_respondent(
            db, args.round, args.respondent, settings.data_path, by=audit.OPERATOR
        )
    except KompassError as exc:
        err(f"kompass: round {args.round}, respondent {args.respondent}: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Removed the name and e-mail address of respondent {args.respondent}; answers kept.")
    return EXIT_OK


def cmd_privacy_delete_round(args: argparse.Namespace) -> int:
    """Delete a round with its respondents, answers, evidence and evidence files."""
    from service import data_rights
    from service.errors import KompassError
    from service.storage import audit
    from service.storage.rounds import get_round_unscoped

    if not args.yes:
        err(f"kompass: deleting round {args.round_id} cannot be undone; add --yes to do it")
        return EXIT_BAD_INPUT
    settings, db = _privacy_db()
    try:
        rnd = get_round_unscoped(db, args.round_id)
        # --yes is the command line's confirmation (checked above).
        done = data_rights.delete_round(db, rnd, None, settings.data_path, by=audit.OPERATOR)
    except KompassError as exc:
        err(f"kompass: round {args.round_id}: {exc}")
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

    from service import data_rights
    from service.storage import audit

    settings, db = _privacy_db()
    years = settings.retention_years if args.years is None else args.years
    try:
        if years <= 0:
            print("Retention is off (KOMPASS_RETENTION_YEARS=0): nothing anonymised.")
            return EXIT_OK
        due = data_rights.anonymise_past_retention(
            db, years, dt.datetime.now(dt.UTC).date(), by=audit.OPERATOR, dry_run=args.dry_run
        )
        for rnd, n in due:
            if args.dry_run:
                print(f"would anonymise round {rnd.id}: {rnd.name}")
            else:
                print(f"anonymised round {rnd.id}: {rnd.name} ({n} respondents)")
    finally:
        db.close()
    print(f"{len(due)} round(s) older than {years} years with personal data")
    return EXIT_OK


def add_db_commands(sub: Any) -> None:
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


def add_privacy_commands(sub: Any) -> None:
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
