"""Open an appendix: xlsx or xlsm (values only: formulas are never evaluated, macros never
run) or CSV (UTF-8, UTF-16 as Excel's "Unicode text" saves it, or Windows-1252; comma or
tab). Rows come out one at a time, so a large workbook is never held in memory whole, and
a file past its `Limits` (columns, cells, a workbook's parts) is refused before it costs
more than a second or two. Plain Python: the importer passes the limits from settings."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries


@dataclass(frozen=True, slots=True)
class Limits:
    """What one file may hold. The importer passes the values in config/settings.py
    (IMPORT_LIMITS); these defaults are the same, for reading outside Django."""

    file_bytes: int = 10 * 1024 * 1024
    columns: int = 1_000
    cells: int = 500_000
    rows: int = 25_000
    unpacked_bytes: int = 100 * 1024 * 1024
    part_bytes: int = 50 * 1024 * 1024
    parts: int = 1_000
    inflation: int = 200


MAX_FILE_BYTES = Limits().file_bytes  # the default, for messages outside Django
BLANK_RUN_LIMIT = 1_000  # blank rows in a row after which the sheet is taken to have ended

_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)"')
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
_PROLOG_BYTES = 64 * 1024  # Excel writes a part's root element in its first hundred bytes


class UnreadableFile(ValueError):
    """The file cannot be read as an appendix; the message says why, for the admin."""


@dataclass(frozen=True, slots=True)
class SourceRow:
    number: int  # the row number the spreadsheet shows (1-based)
    values: tuple


class Appendix:
    """An opened file: its sheet names and, for one sheet, its rows."""

    def __init__(
        self, name: str, data: bytes, *, delimiter: str | None = None, limits: Limits = Limits()
    ):
        """`delimiter` reads `data` as text split at it, never as a workbook: cells pasted
        from a spreadsheet are split at tabs, whatever else they hold."""
        self.name = name
        self.delimiter = delimiter
        self.limits = limits
        if len(data) > limits.file_bytes:
            raise UnreadableFile(
                f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
                f"{limits.file_bytes // 1024 // 1024} MB"
            )
        if not data.strip():
            raise UnreadableFile(f"{name} is empty")
        if delimiter is None and data.startswith(_OLE_MAGIC):
            raise UnreadableFile(
                f"{name} is password-protected or in the old .xls format: save it from Excel "
                "as an .xlsx workbook without a password and upload that"
            )
        self.is_workbook = delimiter is None and data.startswith(_ZIP_MAGIC)
        if not self.is_workbook and name.lower().endswith((".xlsx", ".xlsm")):
            raise UnreadableFile(f"{name} is not an Excel workbook, whatever its name says")
        if self.is_workbook:
            self._open_workbook(data)
        else:
            self._text = _decode_text(name, data)
            self.sheet_names = [name]

    # -- workbooks --------------------------------------------------------------------

    def _open_workbook(self, data: bytes) -> None:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            parts = archive.infolist()
        except (zipfile.BadZipFile, OSError) as error:
            raise UnreadableFile(
                f"{self.name} is not a workbook that can be read ({error})"
            ) from None
        self._refuse_bombs(archive, parts)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(f"{self.name} is a zip archive, not an Excel workbook")
        self._archive = archive
        self._merges: dict[str, list] = {}
        try:
            # read_only streams rows; data_only gives the values Excel last saw, never a
            # formula; keep_vba=False: macros are neither kept nor run.
            self._workbook = load_workbook(
                io.BytesIO(data), read_only=True, data_only=True, keep_vba=False
            )
        except Exception as error:  # openpyxl raises many kinds on a damaged part
            raise UnreadableFile(f"{self.name} is corrupt and cannot be read ({error})") from None
        self.sheet_names = list(self._workbook.sheetnames)

    def _refuse_bombs(self, archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo]) -> None:
        """A zip says what each part inflates to, and reading a part never yields more
        than that: so a zip bomb is refused from its directory, before anything inflates,
        and an XML bomb (entities that expand) from the first bytes of its part."""
        refused = f"{self.name} is not a council appendix and was not opened: "
        if len(parts) > self.limits.parts:
            raise UnreadableFile(
                refused
                + f"it holds {len(parts):,} parts; InvestPlan reads at most {self.limits.parts:,}"
            )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > self.limits.unpacked_bytes:
            raise UnreadableFile(
                refused + f"it would unpack to {unpacked / 1024 / 1024:,.0f} MB; InvestPlan "
                f"reads at most {self.limits.unpacked_bytes // 1024 // 1024} MB"
            )
        for part in parts:
            inflation = part.file_size / max(part.compress_size, 1)
            if part.file_size > self.limits.part_bytes or (
                part.file_size > 1024 * 1024 and inflation > self.limits.inflation
            ):
                raise UnreadableFile(
                    refused + f"its part {part.filename[:100]} inflates "
                    f"{part.compress_size:,} bytes to {part.file_size:,} (a zip bomb)"
                )
            if part.filename.endswith((".xml", ".rels")) and _declares_entities(archive, part):
                raise UnreadableFile(
                    refused + f"its part {part.filename[:100]} declares XML entities, which "
                    "Excel never writes (an XML bomb)"
                )

    def rows(self, sheet: str) -> Iterator[SourceRow]:
        """The sheet's rows in order, blank ones included, ending after a long blank run."""
        rows = self._workbook_rows(sheet) if self.is_workbook else self._csv_rows()
        blank_run = 0
        filled = 0
        cells = 0
        for row in rows:
            row = self._within_limits(sheet, row, cells)
            cells += len(row.values)
            if is_blank(row.values):
                blank_run += 1
                if blank_run > BLANK_RUN_LIMIT:
                    return
            else:
                blank_run = 0
                filled += 1
                if filled > self.limits.rows:
                    raise UnreadableFile(
                        f"{sheet} has more than {self.limits.rows:,} rows with something in them; "
                        "split it into smaller appendices"
                    )
            yield row

    def _within_limits(self, sheet: str, row: SourceRow, cells: int) -> SourceRow:
        """The row without its trailing blank cells (Excel saves some, a row's formatting
        more), refused if it is wider than any appendix or the sheet has too many cells."""
        values = row.values
        end = len(values)
        while end and values[end - 1] is None:
            end -= 1
        if end > self.limits.columns:
            raise UnreadableFile(
                f"{self.name}: row {row.number} of “{sheet}” has {end:,} columns; InvestPlan "
                f"reads at most {self.limits.columns:,}"
            )
        if cells + end > self.limits.cells:
            raise UnreadableFile(
                f"{self.name}: “{sheet}” has more than {self.limits.cells:,} cells; InvestPlan "
                "reads at most that many from a sheet: split it into smaller appendices"
            )
        return row if end == len(values) else SourceRow(row.number, values[:end])

    def _workbook_rows(self, sheet: str) -> Iterator[SourceRow]:
        if sheet not in self.sheet_names:
            raise UnreadableFile(
                f"{self.name} has no sheet called “{sheet}”; its sheets are "
                + ", ".join(f"“{name}”" for name in self.sheet_names)
            )
        worksheet = self._workbook[sheet]
        if (worksheet.max_column or 0) > self.limits.columns:
            # A sheet that says it is wider than any appendix ("A1:XFD1048576") would pad
            # every row to that width: its rows are read as long as their cells go.
            worksheet.reset_dimensions()
        merged = self._merged_ranges(worksheet)
        above: dict[int, tuple] = {}  # rows inside vertical merges, for filling down
        try:
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                values = tuple(map(_plain, values))
                if merged:
                    values = _fill_merged(number, values, merged, above)
                yield SourceRow(number, values)
        except UnreadableFile:
            raise
        except Exception as error:  # a damaged sheet part fails only when it is read
            raise UnreadableFile(f"{self.name}: “{sheet}” is corrupt ({error})") from None

    def _merged_ranges(self, worksheet) -> list[tuple[int, int, int, int]]:
        """(min_col, min_row, max_col, max_row) of each merged range. Read-only worksheets
        do not expose merges, so the sheet's part is scanned for them: as bytes, in chunks,
        since parsing the whole sheet's XML a second time would double the reading."""
        path = getattr(worksheet, "_worksheet_path", None)
        if not path:
            return []
        found = self._merges.get(path)
        if found is not None:
            return found
        ranges = []
        tail = b""
        with self._archive.open(path.lstrip("/")) as part:
            while chunk := part.read(1 << 16):
                text = tail + chunk
                for match in _MERGE_CELL.finditer(text):
                    ranges.append(range_boundaries(match.group(1).decode("ascii")))
                tail = text[-200:]  # a tag split across chunks is found in the next pass
                if _MERGE_CELL.search(tail):
                    tail = tail[tail.rfind(b"<") :] if b"<" in tail else b""
        self._merges[path] = ranges = list(dict.fromkeys(ranges))
        return ranges

    # -- CSV --------------------------------------------------------------------------

    def _csv_rows(self) -> Iterator[SourceRow]:
        sample = self._text[:20_000]
        delimiter = self.delimiter or ("\t" if sample.count("\t") > sample.count(",") else ",")
        reader = csv.reader(io.StringIO(self._text, newline=""), delimiter=delimiter)
        try:
            for number, values in enumerate(reader, start=1):
                yield SourceRow(number, tuple(value if value != "" else None for value in values))
        except csv.Error as error:
            raise UnreadableFile(
                f"{self.name} is not a CSV file that can be read ({error})"
            ) from None


def _declares_entities(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether the XML part declares a DOCTYPE or entities before its root element (or
    hides its root past where Excel puts it, or in another encoding than UTF-8)."""
    try:
        with archive.open(part) as stream:
            start = stream.read(_PROLOG_BYTES)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False  # openpyxl says what is wrong with the part when it reads it
    if not start.strip():
        return False
    root = _ROOT_ELEMENT.search(start)
    return root is None or bool(_DOCTYPE.search(start, 0, root.start()))


def _decode_text(name: str, data: bytes) -> str:
    if data.startswith(_UTF16_BOMS):
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(f"{name} says it is UTF-16 text but is not") from None
    if b"\x00" in data:  # text never holds NUL; PostgreSQL could not store it
        raise UnreadableFile(f"{name} is neither a workbook nor a CSV file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves CSV as Windows-1252 ("£" is byte A3).
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(f"{name} is neither UTF-8 nor Windows-1252 text") from None


def _plain(value):
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def _fill_merged(number: int, values: tuple, merged, above: dict) -> tuple:
    """A merged range's value is written in its top-left cell only; spread it over the
    range, as the reader of the sheet sees it."""
    filled = list(values)
    for min_col, min_row, max_col, max_row in merged:
        if not (min_row <= number <= max_row):
            continue
        if number == min_row:
            value = filled[min_col - 1] if min_col - 1 < len(filled) else None
            above[(min_col, min_row)] = value
        else:
            value = above.get((min_col, min_row))
        while len(filled) < max_col:
            filled.append(None)
        for column in range(min_col, max_col + 1):
            filled[column - 1] = value
    return tuple(filled)


def is_blank(values) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)
