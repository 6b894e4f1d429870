"""Reading an uploaded spreadsheet (CSV or XLSX) into a header row and rows of text.

Both browser imports (programs, people) read their files here; each then checks its own columns.
The rules, so that an upload never ends in a 500 and never half-read:

- The type is told by the content, not the name: an XLSX file is a zip holding the OOXML
  workbook parts; anything else that looks binary (a renamed program, a PDF, an old .xls, an
  OpenDocument file) is refused with a message saying what to save instead. Everything else is
  read as CSV text.
- CSV: UTF-8 with or without byte order mark, UTF-16 with one (Excel's "Unicode text"), and
  otherwise Windows-1252 (what German Excel writes as "CSV"), with a warning to check the umlauts;
  text with control characters is refused as not text. The separator (`;`, `,` or tab) is the
  one the header line uses most.
- XLSX: openpyxl in read-only mode with `data_only`, so a formula gives the value Excel saved
  with it; a formula without a saved value refuses the file (we never calculate anything). The
  XML is parsed through defusedxml (openpyxl uses it when installed). A sheet whose dimension
  claims a million rows is not read to its end: reading stops after EMPTY_ROWS_STOP empty rows
  in a row, with a warning.
- Merged cells: the value of a merged range stands in its first cell only; in data rows it is
  filled into every cell of the range (a Träger merged over five rows belongs to each), and the
  report says so. In the header row nothing is filled.
- Every value is text: numbers without a trailing ".0", dates as YYYY-MM-DD, booleans as
  "true"/"false". A cell such as "=HYPERLINK(…)", "+49 …" or "@SUM" typed as text stays that
  text; nothing is ever evaluated. (Exports guard such cells: core/spreadsheet.py.)
- Row numbers are those a spreadsheet shows: the header row is the first row of the file.

Limits are settings: IMPORT_MAX_BYTES (file size) and IMPORT_MAX_ROWS (data rows).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _

EMPTY_ROWS_STOP = 1000  # empty rows in a row after which an XLSX sheet is taken to have ended
MAX_COLUMNS = 256  # columns read from a sheet (a dimension of A1:XFD1 would be 16,384)
MAX_UNPACKED_BYTES = 300 * 1024 * 1024  # an XLSX sheet larger than this unpacked is refused
MAX_CELLS_NAMED = 10  # cells listed by name in one message
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})


class TableError(Exception):
    """The file cannot be read; the message says why, for the person who uploaded it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    line: int  # the row number a spreadsheet shows (the header row is 1 when it comes first)
    values: dict[str, str]  # header → cell text, for every column with a header
    stray: list[str] = field(default_factory=list)  # non-empty cells in columns without header

    def get(self, header: str, default: str = "") -> str:
        return self.values.get(header, default)


@dataclass
class Table:
    headers: list[str]  # as in the file, stripped; "" for a column without a header
    rows: list[Row]  # data rows with at least one non-empty cell
    warnings: list[str] = field(default_factory=list)
    kind: str = "csv"  # "csv" or "xlsx"
    header_line: int = 1


def read_table(upload, *, max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """Read an uploaded file (a Django UploadedFile, a binary file or bytes) into a Table.

    Raises TableError with a message for people when the file is not a readable table or is
    over a limit.
    """
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    data = _read_bytes(upload, max_bytes)
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data, max_rows)
    else:
        _refuse_binary(data)
        table = _read_csv(_decode(data, table_warnings := []), max_rows)
        table.warnings[:0] = table_warnings
    if not any(table.headers):
        raise TableError(_("The file has no header row."))
    seen = set()
    for header in table.headers:
        if header and header in seen:
            raise TableError(
                _("The column “%(header)s” appears more than once in the header row.")
                % {"header": header}
            )
        seen.add(header)
    return table


# --- Dates and booleans -----------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def parse_date(value: str) -> datetime.date:
    """A date written as YYYY-MM-DD, DD.MM.YYYY or D.M.YY (days and months with or without a
    leading zero), or as an XLSX date cell reads (YYYY-MM-DD, with a time of day at midnight).
    Two-digit years: 00-68 are 2000-2068, 69-99 are 1969-1999. Raises ValueError."""
    text = value.strip()
    match = _ISO_DATETIME.match(text)
    if match:
        text = match.group(1)
    for date_format in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format).date()  # noqa: DTZ007 - a date
        except ValueError:
            pass
    raise ValueError(text)


_TRUE = frozenset({"1", "x", "ja", "j", "yes", "y", "true", "wahr"})
_FALSE = frozenset({"0", "nein", "n", "no", "false", "falsch"})


def parse_bool(value: str) -> bool | None:
    """ja/nein, yes/no, true/false, wahr/falsch, 1/0, x/empty; None for anything else."""
    text = value.strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE or not text:
        return False
    return None


# --- Bytes and type ---------------------------------------------------------------------------


def _read_bytes(upload, max_bytes: int) -> bytes:
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > max_bytes:
            data = b"x" * (max_bytes + 1)
        else:
            if hasattr(upload, "seek"):
                upload.seek(0)
            data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TableError(
            _("The file is larger than %(size)s MB.")
            % {"size": number_format(max_bytes / 1024 / 1024, decimal_pos=0)}
        )
    return data


_BINARY_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"),  # OLE2: .xls, or an encrypted .xlsx
    (b"%PDF", "pdf"),
    (b"MZ", "program"),  # Windows executables
    (b"\x7fELF", "program"),
    (b"\xca\xfe\xba\xbe", "program"),
    (b"\xcf\xfa\xed\xfe", "program"),
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"Rar!", "archive"),
    (b"\x1f\x8b", "archive"),
    (b"7z\xbc\xaf", "archive"),
)


def _wrong_type(kind: str = "") -> TableError:
    if kind == "xls":
        return TableError(
            _(
                "This is an Excel 97-2003 file (.xls) or a password-protected workbook. Please "
                "save it as an Excel workbook (.xlsx) without a password, or as “CSV UTF-8”."
            )
        )
    if kind == "ods":
        return TableError(
            _(
                "This is an OpenDocument spreadsheet (.ods). Please save it as an Excel "
                "workbook (.xlsx) or as CSV."
            )
        )
    return TableError(
        _("This file is not a table. Please upload a CSV file or an Excel workbook (.xlsx).")
    )


def _refuse_binary(data: bytes) -> None:
    for signature, kind in _BINARY_SIGNATURES:
        if data.startswith(signature):
            raise _wrong_type(kind)


# --- CSV --------------------------------------------------------------------------------------

# Control characters no table text holds (tab and line breaks are fine): their presence means
# the file is binary, or decoded with the wrong encoding.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# UTF-8 read as Windows-1252 and saved again: "Ã¤" for "ä".
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf\u0152-\u0178\u2013-\u203a]|â€")


def _decode(data: bytes, warnings: list[str]) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _wrong_type() from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:  # five bytes cp1252 leaves undefined
                text = data.decode("latin-1")
            warnings.append(
                _(
                    "The file is not UTF-8 encoded; it was read as Windows-1252 (Western "
                    "European). Please check umlauts and ß in the preview; in Excel, save as "
                    "“CSV UTF-8” to be sure."
                )
            )
    text = text.removeprefix("\ufeff")
    if _CONTROL.search(text):
        raise _wrong_type()
    if _MOJIBAKE.search(text):
        warnings.append(
            _(
                "Some umlauts look garbled (such as “Ã¤” for “ä”): the file was probably "
                "converted twice. Please check the preview."
            )
        )
    return text


def _delimiter(header_line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {delimiter: unquoted.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])  # ties: the first, ";"
    return best if counts[best] else ";"


def _read_csv(text: str, max_rows: int) -> Table:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    headers: list[str] | None = None
    header_line = 1
    rows: list[Row] = []
    try:
        # Row numbers as a spreadsheet shows them: one per record, a quoted line break inside
        # a cell does not count, an empty line does.
        for line, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers, header_line = [cell.strip() for cell in cells], line
                continue
            rows.append(_row(line, headers, cells))
            if len(rows) > max_rows:
                raise _too_many_rows(max_rows)
    except csv.Error as error:
        raise TableError(
            _("The file cannot be read as CSV (row %(line)s): %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return Table(headers=headers or [], rows=rows, kind="csv", header_line=header_line)


def _row(line: int, headers: list[str], cells) -> Row:
    values = {}
    stray = []
    for index, cell in enumerate(cells):
        header = headers[index] if index < len(headers) else ""
        if header:
            values[header] = cell
        elif cell.strip():
            stray.append(cell)
    return Row(line=line, values=values, stray=stray)


def _too_many_rows(max_rows: int) -> TableError:
    return TableError(
        _("The file has more than %(count)s rows. Please split it into several files.")
        % {"count": number_format(max_rows, force_grouping=True)}
    )


# --- XLSX -------------------------------------------------------------------------------------

_WORKBOOK_TYPES = (
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*?ref=\"([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)\"")
_CHUNK = 1024 * 1024


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                raise _wrong_type("ods")
            if "[Content_Types].xml" not in names:
                raise _wrong_type()
            if archive.getinfo("[Content_Types].xml").file_size > 1024 * 1024:
                raise _wrong_type()
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError):
        raise _wrong_type() from None
    if not any(kind in types for kind in _WORKBOOK_TYPES):
        raise _wrong_type()


def _scan_sheet(archive: zipfile.ZipFile, path: str) -> tuple[bool, list[str]]:
    """Whether the sheet's XML has formulas, and its merged ranges; by a byte scan, without
    building the XML tree, stopping at MAX_UNPACKED_BYTES (a zip bomb)."""
    has_formulas = False
    merges: list[str] = []
    tail = b""
    total = 0
    with archive.open(path) as source:
        while chunk := source.read(_CHUNK):
            total += len(chunk)
            if total > MAX_UNPACKED_BYTES:
                raise TableError(_("The workbook is too large when unpacked."))
            # The last 200 bytes of the previous chunk go in front: a tag cut in two is found
            # whole (and found twice at most: the list is deduplicated).
            text = tail + chunk
            has_formulas = has_formulas or bool(_FORMULA.search(text))
            merges.extend(match.group(1).decode().upper() for match in _MERGE.finditer(text))
            tail = text[-200:]
    return has_formulas, list(dict.fromkeys(merges))


def _read_xlsx(data: bytes, max_rows: int) -> Table:
    _check_package(data)
    import openpyxl  # imported here: only an XLSX upload needs it
    from openpyxl.utils.cell import range_boundaries

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except TableError:
        raise
    except Exception:  # any broken package is the uploader's problem, not a 500
        raise _wrong_type() from None
    warnings = []
    try:
        if not workbook.worksheets:
            raise TableError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        if len(workbook.worksheets) > 1:
            warnings.append(
                _("Only the first sheet, “%(sheet)s”, was read.") % {"sheet": sheet.title}
            )
        path = getattr(sheet, "_worksheet_path", None)
        if path is None:  # a chart sheet
            raise TableError(_("The first sheet of the workbook holds no table."))
        has_formulas, merges = _scan_sheet(workbook._archive, path)
        formulas = None
        if has_formulas:
            formula_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
            formulas = formula_book.worksheets[0]
        ranges = []
        for merge in merges:
            try:
                ranges.append(range_boundaries(merge))  # (min_col, min_row, max_col, max_row)
            except (ValueError, TypeError):
                continue
        table = _read_sheet(sheet, formulas, ranges, max_rows)
    except TableError:
        raise
    except Exception:  # as above: broken XML inside the package
        raise _wrong_type() from None
    finally:
        workbook.close()
    if merges:
        warnings.append(
            _(
                "The sheet has merged cells (%(cells)s): the value of the first cell was used "
                "for every cell of the range."
            )
            % {"cells": _cells(merges)}
        )
    table.warnings[:0] = warnings
    return table


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, datetime.timedelta):
        return str(value)
    return str(value)


def _read_sheet(sheet, formulas, ranges, max_rows: int) -> Table:
    from openpyxl.utils import get_column_letter

    width = min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS)
    values = sheet.iter_rows(max_col=width, values_only=True)
    raw = formulas.iter_rows(max_col=width, values_only=True) if formulas is not None else None
    # Merged ranges: the first cell's value, filled into the range's other cells in data rows.
    starts = {(top, left): (left, top, right, bottom) for left, top, right, bottom in ranges}
    fills: dict[tuple[int, int], str] = {}
    headers: list[str] | None = None
    header_line = 1
    rows: list[Row] = []
    warnings: list[str] = []
    missing_results: list[str] = []
    errors: list[str] = []
    formula_count = 0
    empty_run = 0
    for line, cells in enumerate(values, start=1):
        formula_cells = next(raw, ()) if raw is not None else ()
        texts = []
        for column, value in enumerate(cells, start=1):
            if formula_cells and column <= len(formula_cells):
                source = formula_cells[column - 1]
                if isinstance(source, str) and source.startswith("="):
                    formula_count += 1
                    if value is None:
                        missing_results.append(f"{get_column_letter(column)}{line}")
            if isinstance(value, str) and value in EXCEL_ERRORS:
                errors.append(f"{get_column_letter(column)}{line}")
                value = None
            text = _text(value)
            if headers is not None:
                if (line, column) in fills:
                    text = fills.pop((line, column))
                elif (line, column) in starts and text:
                    left, top, right, bottom = starts[(line, column)]
                    for fill_line in range(top, min(bottom, top + max_rows + 1) + 1):
                        for fill_column in range(left, min(right, width) + 1):
                            if (fill_line, fill_column) != (line, column):
                                fills[(fill_line, fill_column)] = text
            texts.append(text)
        if not any(text.strip() for text in texts):
            empty_run += 1
            if empty_run >= EMPTY_ROWS_STOP and headers is not None:
                warnings.append(
                    _(
                        "Reading stopped at row %(line)s after %(count)s empty rows; anything "
                        "further down was not read."
                    )
                    % {"line": line, "count": number_format(empty_run, force_grouping=True)}
                )
                break
            continue
        empty_run = 0
        if headers is None:
            headers, header_line = [text.strip() for text in texts], line
            while headers and not headers[-1]:
                headers.pop()
            continue
        rows.append(_row(line, headers, texts))
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows)
    if missing_results:
        raise TableError(
            _(
                "Some cells hold formulas without a saved result (%(cells)s). Please open the "
                "file in Excel or LibreOffice and save it again, or replace the formulas by "
                "their values."
            )
            % {"cells": _cells(missing_results)}
        )
    if errors:
        warnings.append(
            _(
                "Some cells show a formula error such as #DIV/0! (%(cells)s); they were read "
                "as empty."
            )
            % {"cells": _cells(errors)}
        )
    if formula_count:
        warnings.append(_("The sheet has formulas; the values Excel saved for them were used."))
    return Table(
        headers=headers or [], rows=rows, warnings=warnings, kind="xlsx", header_line=header_line
    )


def _cells(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_CELLS_NAMED])
    return shown + (" …" if len(names) > MAX_CELLS_NAMED else "")
