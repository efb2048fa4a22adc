"""Streaming ``multipart/form-data`` parsing of an upload request into the evidence store.

The body is read chunk by chunk from ``request.stream()`` and fed to python-multipart's
push parser; the one file part goes straight into an :class:`EvidenceSink`, small text
fields are collected. Parsing and file writes run in a worker thread so that disk I/O
never blocks the event loop. Whatever goes wrong, the partial upload is removed, and
the file is only moved into the store once the whole body has been read and accepted.

Routes using this must lift Litestar's body limit (``request_max_body_size=None``):
the limits here apply instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from litestar import Request
from litestar.concurrency import sync_to_thread
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from service.errors import InvalidInput, TooLarge
from service.i18n import N_
from service.storage.evidence_files import (
    TOO_LARGE,
    EvidenceSink,
    StoredFile,
    megabytes,
    safe_display_name,
)

NOT_A_FORM = N_("The request is not a file upload form.")
MALFORMED = N_("The upload form could not be read.")
ONE_FILE = N_("Upload one file at a time.")
FIELD_TOO_LONG = N_("A form field is too long.")

FORM_OVERHEAD = 64 * 1024
"""Bytes a body may hold beyond the file itself: boundaries, part headers, small fields."""
MAX_FIELDS = 50
PIECE = 64 * 1024
"""The parser is fed at most this much at a time, whatever size the server's chunks are."""


class UploadForm(msgspec.Struct):
    """A parsed upload: its text fields, the stored file (if one was sent) and its name."""

    fields: dict[str, str]
    file: StoredFile | None
    filename: str  # safe display name; '' if none was given


async def parse_upload(
    request: Request[Any, Any, Any],
    root: Path,
    max_bytes: int,
    file_field: str = "file",
    max_field_bytes: int = 10_000,
    *,
    fields_out: dict[str, str] | None = None,
    refuse_early: bool = True,
) -> UploadForm:
    """Stream the request's form into the store under ``root``.

    Raises :class:`TooLarge` when the file exceeds ``max_bytes`` (early, if the
    ``Content-Length`` already says so), :class:`UnsupportedType` for content of a
    type not accepted, and :class:`InvalidInput` for a body that is not a
    well-formed upload form, a second file, a field over ``max_field_bytes`` or an
    empty file.

    A form that must not lose what was typed (the respondent's card) passes ``fields_out``,
    which receives the text fields read before any error, and ``refuse_early=False``: the
    body is then read up to the limit rather than refused on its ``Content-Length``, so the
    fields sent before the file (in page order) arrive.
    """
    media, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary", b"")
    if media != b"multipart/form-data" or not boundary:
        raise InvalidInput(NOT_A_FORM)
    body_limit = max_bytes + FORM_OVERHEAD
    announced = request.headers.get("content-length")
    if announced is not None:
        try:
            length = int(announced)
        except ValueError:
            raise InvalidInput(MALFORMED) from None
        if length > body_limit and refuse_early:
            raise TooLarge(TOO_LARGE, limit=megabytes(max_bytes))
    reader = _FormReader(boundary, root, max_bytes, file_field, max_field_bytes, body_limit)
    try:
        async for chunk in request.stream():
            if chunk:
                await sync_to_thread(reader.feed, chunk)
        return await sync_to_thread(reader.finish)
    except BaseException:
        reader.abort()
        if fields_out is not None:
            fields_out.update(reader.fields)
        raise


class _FormReader:
    """The parser's callbacks and the state of one form being read."""

    def __init__(
        self,
        boundary: bytes,
        root: Path,
        max_bytes: int,
        file_field: str,
        max_field_bytes: int,
        body_limit: int,
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.file_field = file_field
        self.max_field_bytes = max_field_bytes
        self.body_limit = body_limit
        self.received = 0
        self.fields: dict[str, str] = {}
        self.sink: EvidenceSink | None = None
        self.raw_filename = b""
        self.ended = False
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._field_name: str | None = None
        self._field_value = bytearray()
        self._in_file = False
        try:
            self.parser = MultipartParser(
                boundary,
                callbacks={
                    "on_part_begin": self._part_begin,
                    "on_header_field": self._header_field,
                    "on_header_value": self._header_value_data,
                    "on_header_end": self._header_end,
                    "on_headers_finished": self._headers_finished,
                    "on_part_data": self._part_data,
                    "on_part_end": self._part_end,
                    "on_end": self._end,
                },
            )
        except FormParserError:
            raise InvalidInput(MALFORMED) from None

    def feed(self, chunk: bytes) -> None:
        """Parse one chunk of the body; past the limit, parse what fits and refuse the rest.

        What fits is parsed first so that the text fields sent before the file (a single large
        chunk may carry both) are known to a caller that keeps them (``fields_out``).
        """
        room = self.body_limit - self.received
        self.received += len(chunk)
        over = self.received > self.body_limit
        if over:
            chunk = chunk[: max(room, 0)]
        for start in range(0, len(chunk), PIECE):
            try:
                self.parser.write(chunk[start : start + PIECE])
            except FormParserError:
                raise InvalidInput(MALFORMED) from None
        if over:
            raise TooLarge(TOO_LARGE, limit=megabytes(self.max_bytes))

    def finish(self) -> UploadForm:
        """Store the file once the whole body has been read and return the form."""
        if not self.ended:
            raise InvalidInput(MALFORMED)
        stored = None
        if self.sink is not None:
            if self.sink.size == 0 and not self.raw_filename:
                self.sink.abort()  # a browser's file input left empty
            else:
                stored = self.sink.finish()
        return UploadForm(
            fields=self.fields,
            file=stored,
            filename=safe_display_name(self.raw_filename.decode("utf-8", "replace")),
        )

    def abort(self) -> None:
        """Drop a partial upload."""
        if self.sink is not None:
            self.sink.abort()

    def _part_begin(self) -> None:
        self._headers = {}
        self._field_name = None
        self._field_value = bytearray()
        self._in_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header_name).lower()] = bytes(self._header_value).strip(b" \t")
        self._header_name = bytearray()
        self._header_value = bytearray()

    def _headers_finished(self) -> None:
        disposition, options = parse_options_header(self._headers.get(b"content-disposition"))
        name = options.get(b"name")
        if disposition != b"form-data" or name is None:
            raise InvalidInput(MALFORMED)
        field = name.decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is None:
            if len(self.fields) >= MAX_FIELDS:
                raise InvalidInput(MALFORMED)
            self._field_name = field
            return
        if self.sink is not None:
            raise InvalidInput(ONE_FILE)
        if field != self.file_field:
            raise InvalidInput(MALFORMED)
        self.sink = EvidenceSink(self.root, self.max_bytes)
        self.raw_filename = filename
        self._in_file = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            assert self.sink is not None
            self.sink.write(data[start:end])
            return
        if len(self._field_value) + end - start > self.max_field_bytes:
            raise InvalidInput(FIELD_TOO_LONG)
        self._field_value += data[start:end]

    def _part_end(self) -> None:
        if self._in_file or self._field_name is None:
            return
        try:
            self.fields[self._field_name] = self._field_value.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(MALFORMED) from None

    def _end(self) -> None:
        self.ended = True
