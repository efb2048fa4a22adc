"""Backup, restore and verification of an installation: the database plus its evidence files.

A backup is a folder (or a ``.tar``/``.tar.gz`` of one) holding

- ``kompass.db``: a consistent snapshot taken with SQLite's online backup API while the
  service keeps running (it needs only a read snapshot, so writers are not blocked);
- ``evidence/<xx>/<sha256>``: every evidence file the snapshot refers to;
- ``manifest.json``: size and SHA-256 of each of those files, written last.

Restoring first checks every checksum, then writes into an empty database path and data
folder only: a restore never overwrites or merges with live data. The secret key, login
sessions and cached PDFs are not part of a backup (see ``docs/operations.md``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

from service.errors import InvalidInput
from service.storage.clock import now
from service.storage.evidence_files import path_for
from service.storage.files import private_dir, private_file

FORMAT = "kompass-backup"
VERSION = 1
DB_NAME = "kompass.db"
MANIFEST = "manifest.json"
EVIDENCE = "evidence"
ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup cannot be made, read or restored; the message names the file and the problem."""


class ManifestEntry(msgspec.Struct, frozen=True):
    """One file in a backup, by its path relative to the backup's root."""

    path: str
    size: int
    sha256: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """What a backup holds and how to check it."""

    format: str = FORMAT
    version: int = VERSION
    created_at: str
    migrations: list[str]
    files: list[ManifestEntry]


class BackupSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of a backup or a restore."""

    path: str
    files: int
    bytes: int
    evidence_files: int


class VerifyReport(msgspec.Struct, frozen=True, kw_only=True):
    """The outcome of ``kompass db verify``; ``ok`` when ``problems`` is empty."""

    database: str
    integrity: str
    evidence_rows: int
    evidence_files: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        """Whether nothing is wrong."""
        return not self.problems


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _is_archive(path: Path) -> bool:
    return path.name.endswith(ARCHIVE_SUFFIXES)


def _read_only_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path``, with any ``?``, ``#`` or space in it escaped."""
    return path.resolve().as_uri() + "?mode=ro"


def _snapshot(db_path: Path, target: Path) -> None:
    """Copy the live database into ``target`` in one step of the online backup API."""
    if not db_path.is_file():
        raise BackupError(f"{db_path}: no database here")
    source = sqlite3.connect(_read_only_uri(db_path), uri=True, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            # pages=-1: the whole database under one read snapshot, so the copy is consistent
            # even while the service commits new answers.
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
    finally:
        source.close()
    if result != "ok":
        raise BackupError(f"{db_path}: the database fails its integrity check: {result}")


def _referenced_files(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT DISTINCT sha256 FROM evidence WHERE kind = 'file' AND sha256 IS NOT NULL"
            " ORDER BY sha256"
        ).fetchall()
        return [str(r[0]) for r in rows]


def _applied_migrations(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        try:
            rows = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []
        return [str(r[0]) for r in rows]


def _entry(root: Path, path: Path) -> ManifestEntry:
    return ManifestEntry(
        path=path.relative_to(root).as_posix(), size=path.stat().st_size, sha256=sha256_of(path)
    )


def _fill(db_path: Path, data_dir: Path, staging: Path) -> Manifest:
    """Write the snapshot, the evidence files it refers to and the manifest into ``staging``."""
    db_copy = staging / DB_NAME
    _snapshot(db_path, db_copy)
    private_file(db_copy)
    entries = [_entry(staging, db_copy)]
    live_root = data_dir / EVIDENCE
    for digest in _referenced_files(db_copy):
        source = path_for(live_root, digest)
        if not source.is_file():
            raise BackupError(f"{source}: evidence file missing (run `kompass db verify`)")
        target = path_for(staging / EVIDENCE, digest)
        private_dir(target.parent)
        shutil.copyfile(source, target)
        private_file(target)
        entry = _entry(staging, target)
        if entry.sha256 != digest:
            raise BackupError(f"{source}: content does not match its checksum (damaged file)")
        entries.append(entry)
    for entry in entries:
        _fsync(staging / entry.path)
    manifest = Manifest(created_at=now(), migrations=_applied_migrations(db_copy), files=entries)
    manifest_path = staging / MANIFEST
    manifest_path.write_bytes(msgspec.json.format(msgspec.json.encode(manifest), indent=2))
    private_file(manifest_path)
    _fsync(manifest_path)
    return manifest


def _summary(path: Path, manifest: Manifest) -> BackupSummary:
    return BackupSummary(
        path=str(path),
        files=len(manifest.files),
        bytes=sum(e.size for e in manifest.files),
        evidence_files=sum(1 for e in manifest.files if e.path.startswith(EVIDENCE + "/")),
    )


def backup(db_path: Path, data_dir: Path, target: Path) -> BackupSummary:
    """Back up a (possibly running) installation to ``target``.

    ``target`` may be an existing folder (a time-stamped backup folder is made inside it),
    a new folder, or a file name ending in ``.tar``, ``.tar.gz`` or ``.tgz``. Nothing
    appears under the final name until the backup is complete.
    """
    if _is_archive(target):
        if target.exists():
            raise BackupError(f"{target}: already exists; choose a new file name")
        final = target
    elif target.is_dir():
        stamp = now().replace(":", "").replace("-", "").replace("+0000", "Z")
        final = target / f"kompass-backup-{stamp}"
        if final.exists():
            raise BackupError(f"{final}: already exists; try again in a second")
    elif target.exists():
        raise BackupError(f"{target}: exists and is not a folder")
    else:
        final = target
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kompass-backup-", dir=final.parent))
    try:
        private_dir(staging)
        manifest = _fill(db_path, data_dir, staging)
        if _is_archive(final):
            mode = "w:gz" if final.name.endswith(("gz", "tgz")) else "w"
            partial = final.with_name(final.name + ".part")
            with tarfile.open(partial, mode) as tar:  # type: ignore[call-overload]
                for entry in [*manifest.files, ManifestEntry(MANIFEST, 0, "")]:
                    tar.add(staging / entry.path, arcname=entry.path)
            private_file(partial)
            _fsync(partial)
            partial.replace(final)
        else:
            staging.replace(final)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return _summary(final, manifest)


@contextmanager
def opened(source: Path) -> Iterator[tuple[Path, Manifest]]:
    """The root folder and manifest of a backup folder or archive (unpacked to a temp folder)."""
    if not source.exists():
        raise BackupError(f"{source}: no such backup")
    if source.is_dir():
        yield source, read_manifest(source)
        return
    try:
        tar = tarfile.open(source)  # noqa: SIM115 - closed below, before the caller runs
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{source}: not a Kompass backup archive ({exc})") from None
    with tempfile.TemporaryDirectory(prefix="kompass-restore-") as tmp:
        try:
            with tar:
                tar.extractall(tmp, filter="data")  # refuses absolute paths, .. and links out
        except (tarfile.TarError, OSError) as exc:
            raise BackupError(f"{source}: the archive cannot be unpacked ({exc})") from None
        root = Path(tmp)
        yield root, read_manifest(root, label=f"{source}:")


def read_manifest(root: Path, label: str = "") -> Manifest:
    """The manifest of a backup folder; :class:`BackupError` names what is wrong with it."""
    where = label + MANIFEST if label else str(root / MANIFEST)
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(f"{where}: missing; this is not a Kompass backup")
    try:
        manifest = msgspec.json.decode(path.read_bytes(), type=Manifest)
    except msgspec.DecodeError as exc:
        raise BackupError(f"{where}: {exc}") from None
    if manifest.format != FORMAT or manifest.version != VERSION:
        raise BackupError(f"{where}: format {manifest.format} {manifest.version} not supported")
    if not any(e.path == DB_NAME for e in manifest.files):
        raise BackupError(f"{where}: lists no {DB_NAME}")
    return manifest


def check_backup(root: Path, manifest: Manifest, label: str = "") -> list[str]:
    """Every problem with the files of a backup: missing, wrong size or wrong checksum."""
    problems = []
    base = root.resolve()
    for entry in manifest.files:
        path = (root / entry.path).resolve()
        shown = f"{label}{entry.path}" if label else str(root / entry.path)
        if not path.is_relative_to(base):
            problems.append(f"{shown}: path leaves the backup")
        elif not path.is_file():
            problems.append(f"{shown}: missing")
        elif path.stat().st_size != entry.size:
            problems.append(f"{shown}: size {path.stat().st_size}, manifest says {entry.size}")
        elif sha256_of(path) != entry.sha256:
            problems.append(f"{shown}: SHA-256 does not match the manifest (damaged or changed)")
    return problems


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def restore(source: Path, db_path: Path, data_dir: Path) -> BackupSummary:
    """Restore a backup into an empty database path and data folder, after checking it.

    Refuses (``BackupError``) a database that already exists or a data folder that is not
    empty, and any backup whose files do not match their manifest; then nothing is written.
    """
    for suffix in ("", "-wal", "-shm", "-journal"):
        existing = db_path.with_name(db_path.name + suffix)
        if existing.exists() and existing.stat().st_size > 0:
            raise BackupError(f"{existing}: already exists; restore only into an empty place")
    if not _is_empty(data_dir):
        raise BackupError(f"{data_dir}: not empty; restore only into an empty data folder")
    label = f"{source}:" if source.is_file() else ""
    with opened(source) as (root, manifest):
        problems = check_backup(root, manifest, label)
        if problems:
            raise BackupError("; ".join(problems))
        private_dir(data_dir)
        for entry in manifest.files:
            if entry.path == DB_NAME:
                continue
            target = data_dir / entry.path
            for parent in reversed(target.relative_to(data_dir).parents):
                private_dir(data_dir / parent)
            shutil.copyfile(root / entry.path, target)
            private_file(target)
            _fsync(target)
        private_dir(db_path.parent)
        partial = db_path.with_name(db_path.name + ".restoring")
        shutil.copyfile(root / DB_NAME, partial)
        private_file(partial)
        _fsync(partial)
        partial.replace(db_path)
    with sqlite3.connect(db_path) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{db_path}: the restored database fails its integrity check: {result}")
    return _summary(db_path, manifest)


def verify(db_path: Path, data_dir: Path, checksums: bool = True) -> VerifyReport:
    """Check a live installation: database integrity, and evidence rows against files on disk.

    Every file evidence row must have its file (with its size and, unless ``checksums`` is
    off, its SHA-256), and every stored file must belong to a row.
    """
    if not db_path.is_file():
        raise BackupError(f"{db_path}: no database here")
    problems: list[str] = []
    conn = sqlite3.connect(_read_only_uri(db_path), uri=True, timeout=30)
    try:
        integrity = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
        if integrity != "ok":
            problems.append(f"{db_path}: integrity check: {integrity}")
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            problems.append(f"{db_path}: {table} row {rowid} refers to a missing {parent}")
        rows = conn.execute(
            "SELECT id, sha256, size FROM evidence WHERE kind = 'file' ORDER BY id"
        ).fetchall()
    finally:
        conn.close()
    root = data_dir / EVIDENCE
    problems += _check_rows(root, rows, checksums)
    on_disk, orphans = _orphans(root, {str(r[1]) for r in rows})
    problems += orphans
    return VerifyReport(
        database=str(db_path),
        integrity=integrity,
        evidence_rows=len(rows),
        evidence_files=on_disk,
        problems=problems,
    )


def _check_rows(root: Path, rows: list[tuple[int, str, int]], checksums: bool) -> list[str]:
    """Problems with the files that evidence rows refer to."""
    problems = []
    for evidence_id, digest, size in rows:
        try:
            path = path_for(root, str(digest))
        except InvalidInput:
            problems.append(f"evidence {evidence_id}: invalid checksum {digest!r} in the database")
            continue
        if not path.is_file():
            problems.append(f"evidence {evidence_id}: file {path} is missing")
        elif path.stat().st_size != size:
            problems.append(f"evidence {evidence_id}: file {path} has the wrong size")
        elif checksums and sha256_of(path) != digest:
            problems.append(f"evidence {evidence_id}: file {path} does not match its SHA-256")
    return problems


def _orphans(root: Path, known: set[str]) -> tuple[int, list[str]]:
    """How many files are stored, and those no evidence row refers to."""
    on_disk = 0
    problems = []
    if not root.is_dir():
        return 0, []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name != "tmp"):
        for path in sorted(folder.iterdir()):
            on_disk += 1
            if path.name not in known or folder.name != path.name[:2]:
                problems.append(f"{path}: file without an evidence row")
    return on_disk, problems
