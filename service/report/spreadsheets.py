"""Tables written as files: CSV in the reader's locale and XLSX workbooks.

**CSV** (:func:`to_csv`) opens in Excel as the reader's locale expects it: for nb and sv
``;`` between fields and a decimal comma, for en the ``csv`` module's ``excel`` dialect
(RFC 4180: ``,`` between fields, ``.`` decimals); always ``"`` quoting, CRLF line ends and
empty fields for unknown values. It returns text; the caller encodes it as UTF-8 (with a BOM if Excel should detect
the encoding). Text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) is prefixed with ``'``, since comments, titles and
file names come from respondents.

**XLSX** (:func:`to_xlsx`): one sheet per table, named by its localized title, with a bold,
frozen header row and fitted column widths. Text cells are always stored as text, never
as formulas; floats (points, median levels) carry the number format ``0.0``.
"""

from __future__ import annotations

import csv
import io
import re

import msgspec

__all__ = ["Cell", "Table", "to_csv", "to_xlsx"]

Cell = str | int | float | None

# Spreadsheet programs treat text starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's rules for sheet names: at most 31 characters, none of these.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31
_MIN_WIDTH = 6
_MAX_WIDTH = 60


class Table(msgspec.Struct):
    """One sheet of the workbook, or one CSV file."""

    name: str  # stable, not localized: "areas", "subquestions", … (CSV file names)
    title: str  # localized; the sheet's name in the workbook
    headers: list[str]  # localized
    rows: list[list[Cell]]


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# Excel in a Nordic locale expects ``;`` between fields and a decimal comma; anything else
# opens as one text column. English keeps RFC 4180's ``,`` and ``.``.
_DECIMAL_COMMA = frozenset({"nb", "sv"})


def _localized_cell(value: Cell, comma: bool) -> Cell:
    value = _csv_cell(value)
    if comma and isinstance(value, float):
        return repr(value).replace(".", ",")
    return value


def to_csv(table: Table, locale: str = "en") -> str:
    """The table as CSV text with CRLF line ends, header row first, as Excel opens it in ``locale``.

    nb and sv: ``;`` between fields and a decimal comma; other locales: ``,`` and ``.``.
    """
    comma = locale in _DECIMAL_COMMA
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel", delimiter=";" if comma else ",")
    writer.writerow(table.headers)
    writer.writerows([_localized_cell(v, comma) for v in row] for row in table.rows)
    return buffer.getvalue()


def _sheet_title(title: str, taken: set[str]) -> str:
    base = _SHEET_NAME_FORBIDDEN.sub("-", title).strip().strip("'")[:_SHEET_NAME_MAX] or "Sheet"
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        suffix = f" ({n})"
        candidate = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _xlsx_text(value: str) -> str:
    """Text without the control characters XML (and so XLSX) cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 - see to_xlsx

    return ILLEGAL_CHARACTERS_RE.sub("", value)


def to_xlsx(tables: list[Table]) -> bytes:
    """A workbook with one sheet per table: bold frozen header, fitted widths, numbers as numbers."""
    # Imported on first use: openpyxl takes a noticeable share of the service's start-up
    # and most processes (the CLI, most server lifetimes) never write a workbook.
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    workbook = Workbook()
    default = workbook.active
    if tables and default is not None:
        workbook.remove(default)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        widths = [len(h) for h in table.headers]
        for col, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row=1, column=col, value=_xlsx_text(header))
            cell.data_type = "s"
            cell.font = bold
        for r, row in enumerate(table.rows, start=2):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(row=r, column=col)
                if isinstance(value, str):
                    cell.value = _xlsx_text(value)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                else:
                    cell.value = value
                    if isinstance(value, float):
                        cell.number_format = "0.0"
                if value is not None:
                    text = value if isinstance(value, str) else str(value)
                    longest = max((len(line) for line in text.splitlines()), default=0)
                    if col > len(widths):
                        widths.append(0)
                    widths[col - 1] = max(widths[col - 1], longest)
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(
                max(width + 2, _MIN_WIDTH), _MAX_WIDTH
            )
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
