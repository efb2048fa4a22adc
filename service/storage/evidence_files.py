"""Content-addressed store for evidence uploads, written as the bytes arrive.

An upload is streamed into a temporary file under ``<root>/tmp`` while it is hashed;
only when it is complete is its type sniffed from its content (never from its name)
and the file moved to ``<root>/<first two hex digits>/<sha256>``. Identical content
is stored once. On any error the temporary file is removed, so nothing half-written
is left behind. The uploader's file name is never used in a path: callers keep
:func:`safe_display_name` of it as metadata.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import struct
import tempfile
import threading
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import BinaryIO

import filetype  # type: ignore[import-untyped]
import msgspec
import olefile  # type: ignore[import-untyped]
import pypdf

from service.domain.messages import N_
from service.errors import InvalidInput, TooLarge, UnsupportedType

MB = 1024 * 1024
"""Bytes in one of the megabytes of ``Settings.max_upload_mb``."""

TOO_LARGE = N_("The file is larger than the limit of %(limit)s MB.")
UNSUPPORTED = N_(
    "Files of this type are not accepted: upload a PDF, an Office or OpenDocument file,"
    " an image or plain text."
)
EMPTY = N_("The file is empty.")
BAD_REFERENCE = N_("The file reference is not valid.")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
TEXT = "text/plain"
PDF = "application/pdf"
ZIP = "application/zip"
REFUSED = ""
"""What :func:`sniff` returns for a file that looks like an accepted format but is not one."""

MEDIA_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    DOC: "doc",
    XLS: "xls",
    PPT: "ppt",
    ODT: "odt",
    ODS: "ods",
    ODP: "odp",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    TEXT: "txt",
}
"""Every media type accepted as evidence, with the extension it is served under."""

HEAD_BYTES = 8192  # what ``filetype`` looks at
DISPLAY_NAME_MAX = 200

# Limits on what a sniffer reads from a container, so a crafted file cannot make
# sniffing slow or memory-hungry.
ZIP_MAX_ENTRIES = 10_000
ZIP_MAX_DIRECTORY = 4 * MB
ZIP_MAX_MIMETYPE = 200

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Main stream of each legacy Office format, lower-cased (CFB names compare without case).
# Looked up in this order, so a file holding several is the first kind named.
OLE_STREAMS = {"worddocument": DOC, "workbook": XLS, "book": XLS, "powerpoint document": PPT}
OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
ODF_TYPES = (ODT, ODS, ODP)
# ``filetype`` names for the magic-number formats taken from it; APNG is a PNG.
SNIFFED = {
    "application/pdf": "application/pdf",
    "image/png": "image/png",
    "image/apng": "image/png",
    "image/jpeg": "image/jpeg",
    "image/gif": "image/gif",
    "image/webp": "image/webp",
}

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SEPARATORS = re.compile(r"[/\\]")
_SPACES = re.compile(r"\s+")


class StoredFile(msgspec.Struct, frozen=True):
    """An evidence file at rest: its digest (and so its path), size and sniffed type."""

    sha256: str
    size: int
    media_type: str
    extension: str


def megabytes(n_bytes: int) -> str:
    """``n_bytes`` in MB for messages: ``25`` for whole megabytes, else three digits."""
    if n_bytes % MB == 0:
        return str(n_bytes // MB)
    return f"{n_bytes / MB:.3g}"


def path_for(root: Path, sha256: str) -> Path:
    """Where the file with this digest lives; the digest must be 64 lowercase hex digits."""
    if not _SHA256.fullmatch(sha256):
        raise InvalidInput(BAD_REFERENCE)
    return root / sha256[:2] / sha256


def safe_display_name(name: str) -> str:
    """The uploader's file name made harmless to show: last path part only, no controls.

    Keeps the last component of a ``/`` or ``\\`` path, drops control and format
    characters (including bidirectional overrides), collapses white space and caps
    the length at 200 characters, keeping a short extension. ``.``/``..`` become ``''``.
    """
    name = unicodedata.normalize("NFC", name)
    parts = [p for p in _SEPARATORS.split(name) if p.strip()]
    name = parts[-1] if parts else ""
    name = "".join(
        " " if ch.isspace() else ch
        for ch in name
        if ch.isspace() or not unicodedata.category(ch).startswith("C")
    )
    name = _SPACES.sub(" ", name).strip()
    if not name.strip("."):
        return ""
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and stem and 0 < len(ext) <= 10:
            name = name[: DISPLAY_NAME_MAX - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:DISPLAY_NAME_MAX].rstrip()
    return name


def with_extension(name: str, extension: str) -> str:
    """``name`` ending in the extension of the type sniffed from the content.

    The uploader's own extension is dropped, so ``payload.hta`` holding text is kept and
    served as ``payload.txt``: nothing is ever downloaded under a name that would make
    the recipient's computer run it.
    """
    stem, dot, ext = name.rpartition(".")
    if dot and stem.strip(". ") and 0 < len(ext) <= 10 and " " not in ext:
        name = stem
    name = name.strip(". ") or "evidence"
    return f"{name}.{extension}"


class EvidenceSink:
    """Writes one upload chunk by chunk; ``finish()`` stores it, ``abort()`` drops it.

    The chunk's bytes go straight to a temporary file and into the SHA-256; nothing
    but the current chunk is held in memory. Methods are serialised by a lock, so
    ``abort()`` may be called from another thread than the one writing.
    """

    def __init__(self, root: Path, max_bytes: int) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.size = 0
        self._hash = hashlib.sha256()
        self._text: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
        self._file: BinaryIO | None = None
        self._temp: Path | None = None
        self._closed = False
        self._lock = threading.Lock()

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``; raise :class:`TooLarge` (and drop the upload) past the limit."""
        with self._lock:
            if self._closed:
                raise RuntimeError("write to a finished or aborted upload")
            try:
                self._write(chunk)
            except BaseException:
                self._abort()
                raise

    def finish(self) -> StoredFile:
        """Sniff the type, move the file into place and describe it.

        Raises :class:`InvalidInput` for an empty file and :class:`UnsupportedType`
        for content that is not an accepted type; either way nothing is kept.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("finish of a finished or aborted upload")
            try:
                return self._finish()
            except BaseException:
                self._abort()
                raise

    def abort(self) -> None:
        """Drop the upload and its temporary file; does nothing once finished or aborted."""
        with self._lock:
            self._abort()

    def _write(self, chunk: bytes) -> None:
        if self.size + len(chunk) > self.max_bytes:
            raise TooLarge(TOO_LARGE, limit=megabytes(self.max_bytes))
        if not chunk:
            return
        if self._file is None:
            self._open()
        assert self._file is not None
        self._file.write(chunk)
        self._hash.update(chunk)
        self.size += len(chunk)
        self._check_text(chunk)

    def _open(self) -> None:
        folder = self.root / "tmp"
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder)
        self._temp = Path(name)
        self._file = os.fdopen(fd, "wb")

    def _check_text(self, chunk: bytes) -> None:
        # Plain text is recognised by its whole content, checked as it streams past.
        if self._text is None:
            return
        if b"\x00" in chunk:
            self._text = None
            return
        try:
            self._text.decode(chunk)
        except UnicodeDecodeError:
            self._text = None

    def _is_text(self) -> bool:
        if self._text is None:
            return False
        try:
            self._text.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def _finish(self) -> StoredFile:
        if self.size == 0 or self._file is None or self._temp is None:
            raise InvalidInput(EMPTY)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._file = None
        with self._temp.open("rb") as f:
            media_type = sniff(f, self.size)
        if media_type is None and self._is_text():
            media_type = TEXT
        if not media_type:
            raise UnsupportedType(UNSUPPORTED)
        digest = self._hash.hexdigest()
        target = path_for(self.root, digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            self._temp.unlink()
        else:
            self._temp.replace(target)
        self._temp = None
        self._closed = True
        return StoredFile(
            sha256=digest, size=self.size, media_type=media_type, extension=MEDIA_TYPES[media_type]
        )

    def _abort(self) -> None:
        self._closed = True
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None


def sniff(f: BinaryIO, size: int) -> str | None:
    """The accepted binary media type of the open file ``f`` of ``size`` bytes, if any.

    ``filetype`` names the format from the head; a container is then opened with a
    maintained reader to confirm it: a PDF must open in ``pypdf`` with at least one page,
    a Compound File in ``olefile`` must hold a Word, Excel or PowerPoint stream, and a ZIP
    must be a plain (macro-free) OOXML or ODF document. Never reads the whole file into
    memory. Plain text is not recognised here (:class:`EvidenceSink` checks it while writing).
    Returns :data:`REFUSED` for content that claims a format it does not hold.
    """
    f.seek(0)
    head = f.read(HEAD_BYTES)
    if head.startswith(OLE_MAGIC):
        return _ole_type(f)
    kind = filetype.guess(head)
    mime: str | None = kind.mime if kind is not None else None
    if head.startswith(ZIP_MAGIC):
        return _zip_type(f, size, mime)
    if mime == PDF:
        # Not a PDF after all: refused outright, not taken for text (it starts like a PDF).
        return PDF if _pdf_opens(f) else REFUSED
    return SNIFFED.get(mime) if mime else None


PDF_OBJECTS_WITHIN = 1024 * 1024  # a PDF's first object follows its header closely


def _pdf_opens(f: BinaryIO) -> bool:
    """Whether ``pypdf`` can read the document's structure and finds at least one page.

    A file with no object near its start is refused before ``pypdf`` sees it: in repair mode
    pypdf scans a large object-less file for seconds (25 MB: 14 s and 50 MB of memory), which
    an upload must not be able to cost the server.
    """
    f.seek(0)
    if b"obj" not in f.read(PDF_OBJECTS_WITHIN):
        return False
    f.seek(0)
    try:
        with warnings.catch_warnings():
            # pypdf reports what it repairs as warnings; only a failure to read matters here.
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(f, strict=False)
            if reader.is_encrypted:
                # An encrypted PDF is a PDF; its pages cannot be counted without the password.
                return True
            return len(reader.pages) > 0
    except Exception:
        return False


def _ole_type(f: BinaryIO) -> str | None:
    """Word, Excel or PowerPoint 97-2003 from the streams ``olefile`` finds in a Compound File."""
    f.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ole = olefile.OleFileIO(f)
            try:
                streams = {"/".join(path).lower() for path in ole.listdir(streams=True)}
            finally:
                ole.close()
    except Exception:
        return None
    for name, media_type in OLE_STREAMS.items():
        if name in streams:
            return media_type
    return None


def _zip_type(f: BinaryIO, size: int, guessed: str | None) -> str | None:
    """OOXML or ODF confirmed from a ZIP's directory; plain archives are not accepted.

    ``guessed`` is ``filetype``'s reading of the first entries; the directory must agree
    with it (a ZIP it could not place is judged by the directory alone).
    """
    if not _zip_directory_is_small(f, size):
        return None
    try:
        with zipfile.ZipFile(f) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > ZIP_MAX_MIMETYPE:
                    return None
                with archive.open(info) as entry:
                    declared = entry.read(ZIP_MAX_MIMETYPE).decode("ascii", "replace").strip()
                return declared if declared in ODF_TYPES and guessed in {declared, ZIP} else None
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, ValueError, struct.error):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # macro-enabled (docm, xlsm, pptm) is not the plain format
    found = {
        media
        for name in names
        for prefix, media in OOXML_FOLDERS.items()
        if name.startswith(prefix)
    }
    if len(found) != 1:
        return None
    media_type = found.pop()
    return media_type if guessed in {media_type, ZIP} else None


def _zip_directory_is_small(f: BinaryIO, size: int) -> bool:
    """Whether the end record announces a central directory small enough to read."""
    record = 22
    tail_size = min(size, record + 0xFFFF)
    f.seek(size - tail_size)
    tail = f.read(tail_size)
    at = (
        len(tail) - record
        if tail[-record:].startswith(b"PK\x05\x06")
        else tail.rfind(b"PK\x05\x06")
    )
    if at < 0 or at + record > len(tail):
        return False
    if at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        return False  # ZIP64: far beyond any document's size
    entries = int.from_bytes(tail[at + 10 : at + 12], "little")
    directory_size = int.from_bytes(tail[at + 12 : at + 16], "little")
    return entries <= ZIP_MAX_ENTRIES and directory_size <= ZIP_MAX_DIRECTORY
