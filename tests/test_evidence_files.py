"""Evidence uploads: the content-addressed store and streaming multipart parsing, on real files."""

from __future__ import annotations

import asyncio
import hashlib
import io
import random
import struct
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import openpyxl
import pypdf
import pytest
from litestar import Litestar, Request, Response, post
from litestar.testing import TestClient

from service.errors import InvalidInput, KompassError, TooLarge, UnsupportedType
from service.storage.evidence_files import (
    EMPTY,
    MEDIA_TYPES,
    TOO_LARGE,
    UNSUPPORTED,
    EvidenceSink,
    StoredFile,
    path_for,
    safe_display_name,
    with_extension,
)
from service.web.errors import STATUS_BY_KIND
from service.web.multipart import FIELD_TOO_LONG, MALFORMED, NOT_A_FORM, ONE_FILE, parse_upload

MB = 1024 * 1024
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

# --- real minimal samples -------------------------------------------------------------


def make_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_png() -> bytes:
    """A 1×1 red RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\x00" * 64


def make_zip(entries: dict[str, bytes], *, stored_first: str | None = None) -> bytes:
    """A ZIP holding ``entries``; ``stored_first`` is written first and uncompressed (ODF)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first is not None:
            archive.writestr(stored_first, entries[stored_first], zipfile.ZIP_STORED)
        for name, data in entries.items():
            if name != stored_first:
                archive.writestr(name, data)
    return buffer.getvalue()


CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
RELS = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'


def make_docx(*, macros: bool = False) -> bytes:
    entries = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>',
    }
    if macros:
        entries["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return make_zip(entries)


def make_pptx() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": RELS,
            "ppt/presentation.xml": b"<p:presentation/>",
        }
    )


def make_xlsx() -> bytes:
    """A real workbook written by openpyxl."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Årsrapport"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def make_odf(media_type: str) -> bytes:
    return make_zip(
        {
            "mimetype": media_type.encode("ascii"),
            "content.xml": b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            "META-INF/manifest.xml": b'<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        },
        stored_first="mimetype",
    )


def make_ole(stream: str) -> bytes:
    """A minimal Compound File (OLE2): header, one FAT sector, one directory sector."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<L", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<L", header, 0x30, 1)  # directory starts in sector 1
    struct.pack_into("<LLLLL", header, 0x38, 4096, end, 0, end, 0)
    struct.pack_into("<109L", header, 0x4C, 0, *([free] * 108))
    fat = struct.pack("<128L", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        raw = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        struct.pack_into("<LLL", raw, 0x44, free, free, 1 if kind == 5 else free)
        struct.pack_into("<LL", raw, 0x74, end if kind == 5 else 0, 0)
        return bytes(raw)

    directory = entry("Root Entry", 5) + entry(stream, 2) + bytes(256)
    return bytes(header) + fat + directory + bytes(512)


EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + bytes(48)
    + (b"This program cannot be run in DOS mode.\r\n$" + bytes(200))
)
TEXT = "Årsmelding for Ærøy og Østre Å kommune\nLinje två: åäö\n".encode()


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "data" / "evidence"


def store(root: Path, data: bytes, max_bytes: int = 25 * MB, chunk: int = 4096) -> StoredFile:
    sink = EvidenceSink(root, max_bytes)
    for start in range(0, len(data), chunk):
        sink.write(data[start : start + chunk])
    return sink.finish()


def temp_files(root: Path) -> list[Path]:
    folder = root / "tmp"
    return sorted(folder.iterdir()) if folder.exists() else []


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent.name != "tmp")


# --- the store ----------------------------------------------------------------------------


def test_samples_are_real_documents() -> None:
    assert len(pypdf.PdfReader(io.BytesIO(make_pdf())).pages) == 1
    assert openpyxl.load_workbook(io.BytesIO(make_xlsx())).active is not None
    assert zipfile.ZipFile(io.BytesIO(make_odf(ODT))).namelist()[0] == "mimetype"


@pytest.mark.parametrize(
    ("make", "media_type", "extension"),
    [
        (make_pdf, "application/pdf", "pdf"),
        (make_png, "image/png", "png"),
        (lambda: GIF, "image/gif", "gif"),
        (lambda: JPEG_HEAD, "image/jpeg", "jpg"),
        (lambda: WEBP_HEAD, "image/webp", "webp"),
        (make_docx, DOCX, "docx"),
        (make_xlsx, XLSX, "xlsx"),
        (make_pptx, PPTX, "pptx"),
        (lambda: make_odf(ODT), ODT, "odt"),
        (lambda: make_odf(ODS), ODS, "ods"),
        (lambda: make_ole("WordDocument"), "application/msword", "doc"),
        (lambda: make_ole("Workbook"), "application/vnd.ms-excel", "xls"),
        (lambda: make_ole("PowerPoint Document"), "application/vnd.ms-powerpoint", "ppt"),
        (lambda: TEXT, "text/plain", "txt"),
    ],
)
def test_accepted_types_are_stored_by_digest(
    root: Path, make: Callable[[], bytes], media_type: str, extension: str
) -> None:
    data = make()
    stored = store(root, data)
    digest = hashlib.sha256(data).hexdigest()
    assert stored == StoredFile(
        sha256=digest, size=len(data), media_type=media_type, extension=extension
    )
    assert MEDIA_TYPES[media_type] == extension
    path = root / digest[:2] / digest
    assert path_for(root, digest) == path
    assert path.read_bytes() == data
    assert temp_files(root) == []


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(make_zip({"readme.txt": b"hello", "a/b.txt": b"x"}), id="plain-zip"),
        pytest.param(make_docx(macros=True), id="macro-docx"),
        pytest.param(make_odf("application/vnd.oasis.opendocument.graphics"), id="odg"),
        pytest.param(make_zip({"[Content_Types].xml": CONTENT_TYPES}), id="ooxml-no-part"),
        pytest.param(EXE, id="exe"),
        pytest.param(make_ole("Contents"), id="ole-unknown"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), id="ole-truncated"),
        pytest.param(b"PK\x03\x04" + bytes(100), id="zip-truncated"),
        pytest.param("Blåbærsyltetøy".encode("latin-1"), id="latin-1-text"),
        pytest.param(b"text with a \x00 byte", id="nul"),
        pytest.param("æ".encode()[:1], id="cut-utf8"),
        pytest.param(b"%PDF-1.4\n" + bytes(range(256)) * 8, id="pdf-magic-then-garbage"),
        pytest.param(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", id="pdf-without-pages"),
        pytest.param(make_pdf()[:60], id="pdf-truncated"),
    ],
)
def test_other_content_is_unsupported_and_dropped(root: Path, data: bytes) -> None:
    with pytest.raises(UnsupportedType) as caught:
        store(root, data)
    assert caught.value.message == UNSUPPORTED
    assert temp_files(root) == []
    assert stored_files(root) == []


def test_a_large_pdf_without_objects_is_refused_before_pypdf_reads_it(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pypdf's repair mode would scan it for seconds (25 MB: ~14 s, ~50 MB of memory)."""
    import pypdf

    asked: list[object] = []

    def reader(*args: object, **_: object) -> None:
        asked.append(args)  # the sniffer swallows exceptions, so record the call instead
        raise pypdf.errors.PdfReadError("not consulted")

    monkeypatch.setattr(pypdf, "PdfReader", reader)
    with pytest.raises(UnsupportedType):
        store(root, b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n")
    assert asked == []
    assert stored_files(root) == []


def test_text_split_inside_a_character_is_still_text(root: Path) -> None:
    assert store(root, TEXT, chunk=1).media_type == "text/plain"


def test_empty_file_is_invalid(root: Path) -> None:
    sink = EvidenceSink(root, 1000)
    sink.write(b"")
    with pytest.raises(InvalidInput) as caught:
        sink.finish()
    assert caught.value.message == EMPTY
    assert temp_files(root) == []


def test_size_limit(root: Path) -> None:
    assert store(root, b"a" * 1000, max_bytes=1000).size == 1000
    sink = EvidenceSink(root, 1000)
    sink.write(b"b" * 600)
    assert len(temp_files(root)) == 1
    with pytest.raises(TooLarge) as caught:
        sink.write(b"b" * 401)
    assert caught.value.message == TOO_LARGE
    assert "limit of" in str(caught.value)
    assert temp_files(root) == []
    with pytest.raises(RuntimeError):
        sink.write(b"b")
    assert temp_files(root) == []


def test_limit_is_shown_in_megabytes(root: Path) -> None:
    sink = EvidenceSink(root, 25 * MB)
    with pytest.raises(TooLarge) as caught:
        sink.write(bytes(25 * MB + 1))
    assert caught.value.params == {"limit": "25"}
    assert str(caught.value) == "The file is larger than the limit of 25 MB."


def test_identical_content_is_stored_once(root: Path) -> None:
    first = store(root, TEXT)
    second = store(root, TEXT, chunk=7)
    assert first == second
    assert stored_files(root) == [path_for(root, first.sha256)]
    assert temp_files(root) == []


def test_abort_removes_the_temporary_file_and_is_idempotent(root: Path) -> None:
    sink = EvidenceSink(root, 1000)
    sink.write(b"half")
    sink.abort()
    sink.abort()
    assert temp_files(root) == []
    assert stored_files(root) == []
    with pytest.raises(RuntimeError):
        sink.finish()


@pytest.mark.parametrize(
    "digest",
    [
        "../../etc/passwd",
        "A" * 64,
        "a" * 63,
        "a" * 65,
        "g" * 64,
        "",
        "ab/" + "a" * 61,
        "a" * 64 + "\n",
    ],
)
def test_path_for_rejects_anything_but_a_hex_digest(root: Path, digest: str) -> None:
    with pytest.raises(InvalidInput):
        path_for(root, digest)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("rapport.pdf", "rapport.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("C:\\Users\\kari\\Årsmelding 2025.docx", "Årsmelding 2025.docx"),
        ("/", ""),
        ("..", ""),
        ("", ""),
        ("  a\tb\r\nc\x00d\x7f.txt  ", "a b cd.txt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("A\u030a.txt", "Å.txt"),
    ],
)
def test_safe_display_name(raw: str, shown: str) -> None:
    assert safe_display_name(raw) == shown


@pytest.mark.parametrize(
    ("name", "extension", "shown"),
    [
        ("payload.hta", "txt", "payload.txt"),
        ("run.bat", "txt", "run.txt"),
        ("page.html", "txt", "page.txt"),
        ("rapport.PDF", "pdf", "rapport.pdf"),
        ("Årsmelding 2024", "pdf", "Årsmelding 2024.pdf"),
        ("plan.v2.docx", "docx", "plan.v2.docx"),
        (".htaccess", "txt", "htaccess.txt"),
        ("", "png", "evidence.png"),
    ],
)
def test_stored_name_takes_the_extension_of_the_sniffed_type(
    name: str, extension: str, shown: str
) -> None:
    assert with_extension(name, extension) == shown


def test_safe_display_name_caps_length_and_keeps_extension() -> None:
    shown = safe_display_name("x" * 500 + ".xlsx")
    assert len(shown) == 200
    assert shown.endswith("x.xlsx")
    assert len(safe_display_name("y" * 500)) == 200


# --- parse_upload through a real Litestar app ---------------------------------------------


def upload_app(root: Path, max_bytes: int) -> Litestar:
    """One upload route; errors come back as their kind, class and message id."""

    @post("/upload", request_max_body_size=None)
    async def upload(request: Request[Any, Any, Any]) -> dict[str, Any]:
        form = await parse_upload(request, root, max_bytes, max_field_bytes=100)
        return msgspec.to_builtins(form)  # type: ignore[no-any-return]

    def on_error(_: Request[Any, Any, Any], exc: KompassError) -> Response[dict[str, Any]]:
        body = {"kind": exc.kind, "error": type(exc).__name__, "message": exc.message}
        return Response(body, status_code=STATUS_BY_KIND[exc.kind])

    return Litestar([upload], exception_handlers={KompassError: on_error})


@pytest.fixture
def client(root: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=upload_app(root, 1000)) as test_client:
        yield test_client


def multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "b0undary") -> bytes:
    """A multipart/form-data body from (name, filename or None, content)."""
    out = bytearray()
    for name, filename, content in parts:
        out += f"--{boundary}\r\n".encode()
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"Content-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


FORM_TYPE = {"content-type": "multipart/form-data; boundary=b0undary"}


def test_upload_stores_file_and_fields(client: TestClient[Litestar], root: Path) -> None:
    png = make_png()
    response = client.post(
        "/upload",
        files={"file": ("bilde.png", png, "image/png")},
        data={"title": "Organisasjonskart", "indicator": "1.2"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    digest = hashlib.sha256(png).hexdigest()
    assert body == {
        "fields": {"title": "Organisasjonskart", "indicator": "1.2"},
        "file": {"sha256": digest, "size": len(png), "media_type": "image/png", "extension": "png"},
        "filename": "bilde.png",
    }
    assert path_for(root, digest).read_bytes() == png
    assert temp_files(root) == []


def test_type_comes_from_content_not_name(client: TestClient[Litestar]) -> None:
    response = client.post(
        "/upload", files={"file": ("rapport.pdf", TEXT[:200], "application/pdf")}
    )
    assert response.status_code == 201, response.text
    assert response.json()["file"]["media_type"] == "text/plain"
    assert response.json()["filename"] == "rapport.pdf"


def test_traversal_file_name_is_only_a_harmless_label(
    client: TestClient[Litestar], root: Path, tmp_path: Path
) -> None:
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    response = client.post("/upload", files={"file": ("../../etc/passwd", b"root:x:0:0\n")})
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == "passwd"
    created = {p for p in tmp_path.rglob("*") if p.is_file()} - before
    assert created == {path_for(root, response.json()["file"]["sha256"])}
    assert all(root in p.parents for p in created)


def test_too_large_by_content_length_is_rejected_before_reading(
    client: TestClient[Litestar], root: Path
) -> None:
    response = client.post("/upload", files={"file": ("big.txt", b"a" * 70_000)})
    assert response.status_code == 413
    assert response.json() == {"kind": "too_large", "error": "TooLarge", "message": TOO_LARGE}
    assert not root.exists()


def test_too_large_chunked_body_is_stopped_at_the_limit(
    client: TestClient[Litestar], root: Path
) -> None:
    body = multipart([("file", "big.txt", b"a" * 5000)])

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    response = client.post("/upload", content=chunks(), headers=FORM_TYPE)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["error"] == "TooLarge"
    assert temp_files(root) == []
    assert stored_files(root) == []


@pytest.mark.parametrize(
    ("data", "status", "error", "message"),
    [
        (make_zip({"a.txt": b"x"}), 415, "UnsupportedType", UNSUPPORTED),
        (EXE, 415, "UnsupportedType", UNSUPPORTED),
        (b"", 400, "InvalidInput", EMPTY),
    ],
)
def test_rejected_file_leaves_nothing(
    client: TestClient[Litestar], root: Path, data: bytes, status: int, error: str, message: str
) -> None:
    response = client.post("/upload", files={"file": ("x.docx", data)})
    assert response.status_code == status
    assert response.json()["error"] == error
    assert response.json()["message"] == message
    assert temp_files(root) == []
    assert stored_files(root) == []


def test_wrong_content_type(client: TestClient[Litestar], root: Path) -> None:
    for kwargs in ({"json": {"file": "x"}}, {"data": {"file": "x"}}):
        response = client.post("/upload", **kwargs)  # type: ignore[arg-type]
        assert response.status_code == 400
        assert response.json()["message"] == NOT_A_FORM
    assert not root.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (multipart([("file", "a.txt", b"one"), ("file", "b.txt", b"two")]), ONE_FILE),
        (multipart([("attachment", "a.txt", b"one")]), MALFORMED),
        (multipart([("file", "a.txt", b"one"), ("note", None, b"n" * 101)]), FIELD_TOO_LONG),
        (multipart([("file", "a.txt", b"one"), ("note", None, b"\xff")]), MALFORMED),
        (multipart([("file", "a.txt", b"one")])[:-40], MALFORMED),  # cut off mid-file
        (b"--b0undary\r\nContent-Type: text/plain\r\n\r\nx\r\n--b0undary--\r\n", MALFORMED),
        (b"no boundary anywhere", MALFORMED),
    ],
)
def test_bad_forms_leave_nothing(
    client: TestClient[Litestar], root: Path, body: bytes, message: str
) -> None:
    response = client.post("/upload", content=body, headers=FORM_TYPE)
    assert response.status_code == 400, response.text
    assert response.json() == {"kind": "invalid", "error": "InvalidInput", "message": message}
    assert temp_files(root) == []
    assert stored_files(root) == []


def test_empty_file_input_means_no_file(client: TestClient[Litestar], root: Path) -> None:
    body = multipart([("title", None, "Lenke ønskes".encode()), ("file", "", b"")])
    response = client.post("/upload", content=body, headers=FORM_TYPE)
    assert response.status_code == 201, response.text
    assert response.json() == {"fields": {"title": "Lenke ønskes"}, "file": None, "filename": ""}
    assert temp_files(root) == []


def call_asgi(
    app: Litestar, chunks: Iterator[bytes], headers: list[tuple[bytes, bytes]]
) -> tuple[int, Any]:
    """POST /upload straight to the ASGI app, the body arriving as ``chunks`` are made."""
    sent: list[dict[str, Any]] = []
    pending = iter(chunks)
    following = next(pending, None)

    async def receive() -> dict[str, Any]:
        nonlocal following
        if following is None:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}
        body, following = following, next(pending, None)
        return {"type": "http.request", "body": body, "more_body": following is not None}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return sent[0]["status"], msgspec.json.decode(b"".join(m.get("body", b"") for m in sent[1:]))


def test_body_in_tiny_chunks_is_parsed(root: Path) -> None:
    """The body arrives in 7-byte messages, split anywhere: inside headers, boundaries, data."""
    pdf = make_pdf()
    body = multipart([("title", None, "Økonomiplan".encode()), ("file", "plan.pdf", pdf)])
    chunks = (body[i : i + 7] for i in range(0, len(body), 7))
    headers = [
        (b"content-type", b"multipart/form-data; boundary=b0undary"),
        (b"transfer-encoding", b"chunked"),
    ]
    status, result = call_asgi(upload_app(root, 1000), chunks, headers)
    assert status == 201, result
    assert result["fields"] == {"title": "Økonomiplan"}
    assert result["file"]["sha256"] == hashlib.sha256(pdf).hexdigest()
    assert result["file"]["media_type"] == "application/pdf"
    assert temp_files(root) == []


def test_large_upload_streams_without_holding_the_file(root: Path) -> None:
    """20 MB arrive in 64 KiB messages made on the fly, as from a real server: the
    body never exists whole in memory, so any copy of it would show in the peak."""
    piece, pieces = 64 * 1024, 320
    # A real PDF (the store opens it with pypdf): one page, then a 20 MB stream object.
    head = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ],
        start=1,
    ):
        offsets.append(len(head))
        head += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    offsets.append(len(head))
    head += b"4 0 obj\n<< /Length %d >>\nstream\n" % (piece * pieces)
    xref = len(head) + piece * pieces + len(b"\nendstream\nendobj\n")
    tail = b"\nendstream\nendobj\nxref\n0 5\n0000000000 65535 f \n"
    tail += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    tail += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    prefix, suffix = multipart([("title", None, b"Stor"), ("file", "stor.pdf", b"\0")]).split(b"\0")
    digest = hashlib.sha256(head)

    def chunks() -> Iterator[bytes]:
        rng = random.Random(7)
        yield prefix + head
        for _ in range(pieces):
            data = rng.randbytes(piece)
            digest.update(data)
            yield data
        digest.update(tail)
        yield tail + suffix

    length = len(prefix) + len(head) + piece * pieces + len(tail) + len(suffix)
    headers = [
        (b"content-type", b"multipart/form-data; boundary=b0undary"),
        (b"content-length", str(length).encode()),
    ]
    app = upload_app(root, 25 * MB)
    tracemalloc.start()
    try:
        baseline, _ = tracemalloc.get_traced_memory()
        status, result = call_asgi(app, chunks(), headers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 201, result
    assert result["file"]["size"] == len(head) + piece * pieces + len(tail)
    assert result["file"]["media_type"] == "application/pdf"
    assert result["file"]["sha256"] == digest.hexdigest()
    assert peak - baseline < 8 * MB, f"peak grew by {(peak - baseline) / MB:.1f} MB"
    assert temp_files(root) == []
