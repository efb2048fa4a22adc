"""Text of uploaded evidence: PDF (pypdf), DOCX (python-docx), ODT and plain text.

The assistant reads evidence to index it for search, to propose its effective date and
to notice when a file seems unrelated to its indicator. Extraction is bounded (pages,
characters, uncompressed sizes) so a hostile file cannot make it run long or fill memory;
any file it cannot read yields a clear error, never a stack trace.
"""

from __future__ import annotations

import io
import logging
import zipfile
from enum import StrEnum

# ElementTree over expat ≥ 2.4 refuses entity-expansion bombs and never fetches external DTDs.
from xml.etree import ElementTree as ET

import msgspec

from service.domain.messages import N_
from service.errors import InvalidInput, UnsupportedType

log = logging.getLogger(__name__)

MAX_CHARS = 200_000  # enough for any plan or set of minutes; the rest is not indexed
MAX_PAGES = 200
MAX_XML_BYTES = 30 * 1024 * 1024  # uncompressed document XML in a DOCX/ODT

_ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


class Kind(StrEnum):
    """Which reader extracted the text."""

    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    TEXT = "text"


class ExtractedText(msgspec.Struct, frozen=True, kw_only=True):
    """The text of one file, and whether it was cut short."""

    kind: Kind
    text: str
    pages: int = 0
    truncated: bool = False


def _limit(kind: Kind, text: str, pages: int = 0) -> ExtractedText:
    text = " ".join(text.replace("\x00", " ").split(" "))
    truncated = len(text) > MAX_CHARS
    return ExtractedText(kind=kind, text=text[:MAX_CHARS], pages=pages, truncated=truncated)


def _pdf(data: bytes) -> ExtractedText:
    from pypdf import PdfReader  # noqa: PLC0415 - loaded only when a PDF arrives
    from pypdf.errors import PdfReadError  # noqa: PLC0415

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        log.info("unreadable PDF: %s", exc)
        raise InvalidInput(N_("The PDF could not be read; it may be damaged.")) from None
    if encrypted:
        raise InvalidInput(N_("The PDF is password-protected, so its text cannot be read."))
    parts: list[str] = []
    size = 0
    try:
        pages = reader.pages
        for number, page in enumerate(pages):
            if number >= MAX_PAGES or size > MAX_CHARS:
                break
            chunk = page.extract_text() or ""
            parts.append(chunk)
            size += len(chunk)
        count = len(pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        log.info("unreadable PDF page: %s", exc)
        raise InvalidInput(N_("The PDF could not be read; it may be damaged.")) from None
    return _limit(Kind.PDF, "\n".join(parts), count)


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_XML_BYTES:
        raise InvalidInput(N_("The document is too large to read."))
    return archive.read(name)


def _docx(archive: zipfile.ZipFile, data: bytes) -> ExtractedText:
    import docx  # noqa: PLC0415 - loaded only when a DOCX arrives

    _member(archive, "word/document.xml")  # size check before python-docx parses it
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return _limit(Kind.DOCX, "\n".join(parts))


def _odt(archive: zipfile.ZipFile) -> ExtractedText:
    root = ET.fromstring(_member(archive, "content.xml"))  # noqa: S314 - see the import
    paragraphs: list[str] = []
    for element in root.iter():
        if element.tag in (f"{{{_ODT_TEXT}}}p", f"{{{_ODT_TEXT}}}h"):
            paragraphs.append("".join(element.itertext()))
    return _limit(Kind.ODT, "\n".join(paragraphs))


def _plain(data: bytes) -> ExtractedText:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(ch.isprintable() or ch in "\n\r\t" for ch in text[:5000])
        if text and printable / min(len(text), 5000) > 0.95:
            return _limit(Kind.TEXT, text)
    raise UnsupportedType(
        N_("This file type is not supported; upload PDF, DOCX, ODT or plain text.")
    )


def extract_text(data: bytes) -> ExtractedText:
    """The text of a PDF, DOCX, ODT or plain-text file, recognised by its content."""
    if data.startswith(b"%PDF"):
        return _pdf(data)
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "word/document.xml" in names:
                    return _docx(archive, data)
                if "content.xml" in names and (
                    "mimetype" not in names or archive.read("mimetype").strip() == _ODT_MIME
                ):
                    return _odt(archive)
        except (zipfile.BadZipFile, ET.ParseError, KeyError, ValueError, OSError) as exc:
            log.info("unreadable office document: %s", exc)
            raise InvalidInput(N_("The document could not be read; it may be damaged.")) from None
        raise UnsupportedType(
            N_("This file type is not supported; upload PDF, DOCX, ODT or plain text.")
        )
    return _plain(data)
