"""``kompass serve``, ``demo`` and ``admin``: running the service and its accounts."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import msgspec

from service.cli.common import EXIT_BAD_INPUT, EXIT_OK, err
from service.domain.locales import LOCALES
from service.settings import from_env


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
        err(f"kompass: {exc}")
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
        err(f"kompass: {exc}")
        return EXIT_BAD_INPUT
    finally:
        db.close()
    print(f"Created coordinator {coordinator.id}: {coordinator.email}")
    return EXIT_OK


def _account_change(args: argparse.Namespace, change: Any) -> int:
    from service.errors import KompassError
    from service.storage.db import open_database
    from service.storage.migrations import migrate

    db = open_database(from_env().db_path)
    try:
        migrate(db)
        coordinator = change(db)
    except KompassError as exc:
        err(f"kompass: coordinator {args.coordinator_id}: {exc}")
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


def add_admin_commands(sub: Any) -> None:
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
