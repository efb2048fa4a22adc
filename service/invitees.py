"""Lists of people to invite, as coordinators have them: pasted text, CSV or an XLSX workbook.

Only reading lives here: every file becomes rows of cells (name, e-mail, role), which
``domain.rounds.check_invitees`` checks. A file that cannot be read is refused with a message
saying so; nothing is invited from it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Final

from service.errors import InvalidInput

MAX_BYTES: Final = 2 * 1024 * 1024
"""A list of 500 people is a few tens of kilobytes; anything near this is not a list."""
MAX_ROWS: Final = 2000
"""Rows read at most (the domain allows 500 people; the rest lets blank rows through)."""

_XLSX_MAGIC = b"PK\x03\x04"


def _decode(data: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 as older Excel saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """Tab when pasted from a spreadsheet, semicolon as Nordic Excel writes CSV, else comma:
    whichever splits the most lines (a title line without any does not decide)."""
    lines = [line for line in text.splitlines() if line.strip()]
    counts = {c: sum(1 for line in lines if c in line) for c in ("\t", ";", ",")}
    best = max(counts, key=lambda c: counts[c])  # ties keep the order above
    return best if counts[best] else ","


def rows_from_text(text: str) -> list[list[str]]:
    """Rows of a pasted list or a CSV file: one person per line, cells split by tab, ; or ,."""
    if not text.strip():
        return []
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    rows = []
    for row in reader:
        rows.append(row)
        if len(rows) >= MAX_ROWS:
            break
    return rows


def rows_from_xlsx(data: bytes) -> list[list[str]]:
    """Rows of the first sheet of a workbook; numbers and dates as text, empty cells as ''."""
    # Imported on first use: openpyxl is slow to import and only a workbook upload needs it.
    from openpyxl import load_workbook  # noqa: PLC0415

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput("The workbook could not be read. Save it as .xlsx or .csv.") from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(["" if v is None else str(v) for v in values])
            if len(rows) >= MAX_ROWS:
                break
        return rows
    finally:
        workbook.close()


def rows_from_file(filename: str, data: bytes) -> list[list[str]]:
    """Rows of an uploaded list: XLSX by content, else text (CSV)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput("The file is too large for a list of people (at most 2 MB).")
    if data.startswith(_XLSX_MAGIC):
        return rows_from_xlsx(data)
    if filename.lower().endswith((".xls", ".ods", ".numbers")) or b"\x00" in data[:1024]:
        raise InvalidInput("Upload the list as .xlsx or .csv.")
    return rows_from_text(_decode(data))
