"""One table definition, three renderings: a report is built once as rows here, and the
HTML page, the PDF and the Excel workbook each render those same rows.

Plain Python, no Django. Figures in a Table are already rounded to what is printed; the
builders make every subtotal and total the sum of the printed figures above it, and
`casting_errors` checks that they do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from figures.costs.money import POUND, ZERO, format_money


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # whole pounds
    FTE = "fte"
    NUMBER = "number"


class RowKind(StrEnum):
    HEADING = "heading"  # a group's heading row: text only
    LINE = "line"
    SUBTOTAL = "subtotal"  # the sum of the LINE rows since the last HEADING
    TOTAL = "total"  # the sum of the SUBTOTAL rows, or of every LINE row if none


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT
    summed: bool = False  # totalled in SUBTOTAL and TOTAL rows
    width: int = 12  # characters, for Excel; the HTML and PDF share a CSS width class
    wide: bool = False  # a free-text column that takes the remaining width

    @property
    def numeric(self) -> bool:
        return self.kind != Kind.TEXT


@dataclass(slots=True)
class Row:
    kind: RowKind
    cells: dict[str, object]

    def value(self, key: str):
        return self.cells.get(key)


@dataclass(slots=True)
class Table:
    slug: str
    title: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    empty_message: str = "There is nothing to show."
    # Where the rows are a page of a longer table's (decision 0024): which lines, of how
    # many. None: the rows are the whole table.
    window: Window | None = None
    # The whole table without its lines, where the rows are a window: every heading and
    # subtotal as the whole table prints them, and its total (what a chart of the
    # subtotals draws from, whichever page is shown).
    outline: list[Row] = field(default_factory=list)

    @property
    def summed_columns(self) -> list[Column]:
        return [column for column in self.columns if column.summed]

    @property
    def body_rows(self) -> int:
        return sum(1 for row in self.rows if row.kind != RowKind.HEADING)

    @property
    def line_rows(self) -> int:
        return sum(1 for row in self.rows if row.kind == RowKind.LINE)


@dataclass(frozen=True, slots=True)
class Window:
    """The lines of a table a page prints: `size` of them from the `first` (counted from
    0), of the `lines` the whole table has; every line when `size` is None."""

    first: int = 0
    size: int | None = None
    lines: int = 0

    @property
    def whole(self) -> bool:
        return self.size is None or (self.first == 0 and self.lines <= self.size)

    def holds(self, index: int) -> bool:
        return self.size is None or self.first <= index < self.first + self.size


EVERY_LINE = Window()


@dataclass(frozen=True, slots=True)
class Paging:
    """Which page of each long table to print (decision 0024): page `number` (from 1) of
    `size` lines, or every line (`number` None). A table of `size` lines or fewer is
    always whole. `OUTLINE` (size 0) reads no line: only the table's outline."""

    number: int | None = None
    size: int = 150

    def window(self, lines: int) -> Window:
        if self.number is None or lines <= self.size:
            return Window(lines=lines)
        if self.size == 0:
            return Window(0, 0, lines)
        pages = -(-lines // self.size)
        number = min(max(self.number, 1), pages)
        return Window((number - 1) * self.size, self.size, lines)


EVERY_PAGE = Paging()
# No line of the table, only its headings, subtotals and total as the whole table prints
# them (what a chart of the subtotals draws).
OUTLINE = Paging(1, 0)


class TableBuilder:
    """Adds line rows under headings and writes subtotals and the total as the sums of
    the figures already added, so the table casts by construction. A table either has a
    subtotal under every group, its total adding the subtotals, or no subtotals, its total
    adding the lines.

    With a `window` (decision 0024) it keeps only the rows a page prints: each group
    with a line on the page keeps its heading ("(continued)" if its first lines are on
    an earlier page) and its subtotal, and the total is always printed; subtotals and the
    total are the whole table's, and say so where lines of theirs are not on the page.
    Lines are either all given, and those outside the window dropped here, or only the
    window's are: then each group's heading says how many lines the whole group has and
    what they add up to (`lines`, `sums`, added up by the database from the same stored,
    printed figures), and so does the total."""

    def __init__(self, table: Table, window: Window = EVERY_LINE):
        self.table = table
        self.window = window
        self._keys = [column.key for column in table.summed_columns]
        self._label_key = table.columns[0].key
        self._group: dict[str, Decimal] | None = None
        self._lines = dict.fromkeys(self._keys, ZERO)
        self._subtotals = dict.fromkeys(self._keys, ZERO)
        self._subtotal_count = 0
        self._index = 0  # lines of the whole table so far, given or not
        # The open group: its heading row, lines on the page, lines in all, lines
        # before the page, and its sums as the database gave them (None: given whole).
        self._open: list[Row] = []
        self._heading: Row | None = None
        self._in_group = self._before = 0
        self._given: tuple[int, dict[str, Decimal]] | None = None

    def heading(
        self, label: str, lines: int | None = None, sums: dict[str, Decimal] | None = None
    ) -> None:
        """A group's heading; `lines` and `sums` say what the whole group holds when only
        its lines on the page are given."""
        self._close()
        self._heading = Row(RowKind.HEADING, {self._label_key: label})
        self._open = [self._heading]
        self._group = dict.fromkeys(self._keys, ZERO)
        self._in_group = self._before = 0
        if lines is not None:
            self._given = (lines, sums or {})
            start = self._index
            self._before = min(max(self.window.first - start, 0), lines)
            # The first line given is the first of the group on the page.
            self._index = max(start, self.window.first) if self.window.size else start
            self._group_end = start + lines
        else:
            self._given = None

    def line(self, cells: dict[str, object]) -> None:
        row = Row(RowKind.LINE, cells)
        if self._given is not None or self.window.holds(self._index):
            (self._open if self._open else self.table.rows).append(row)
        elif self._index < self.window.first:
            self._before += 1
        self._index += 1
        self._in_group += 1
        for key in self._keys:
            amount = cells.get(key) or ZERO
            self._lines[key] += amount
            if self._group is not None:
                self._group[key] += amount

    def subtotal(self, label: str) -> None:
        if self._group is None:
            raise ValueError("a subtotal needs a heading above it")
        sums, lines = self._group, self._in_group
        if self._given is not None:
            lines, given = self._given
            self._index = self._group_end
            if len(self._open) - 1 < lines:
                sums = {key: given.get(key) or ZERO for key in self._keys}
        for key in self._keys:
            self._subtotals[key] += sums[key]
        self._subtotal_count += 1
        self.table.outline.extend(
            [self._heading, Row(RowKind.SUBTOTAL, {self._label_key: label, **sums})]
        )
        if len(self._open) - 1 < lines:
            label = f"{label} (all {lines:,} lines)"
        self._close(Row(RowKind.SUBTOTAL, {self._label_key: label, **sums}))
        self._group = None

    def _close(self, subtotal: Row | None = None) -> None:
        """The open group's rows, if any of its lines is on the page."""
        if len(self._open) > 1:
            if self._before:
                heading = self._open[0]
                self._open[0] = Row(
                    RowKind.HEADING,
                    {self._label_key: f"{heading.cells[self._label_key]} (continued)"},
                )
            self.table.rows.extend(self._open)
            if subtotal is not None:
                self.table.rows.append(subtotal)
        self._open = []

    def total(
        self, label: str = "Total", lines: int | None = None, sums: dict[str, Decimal] | None = None
    ) -> None:
        """The total row: none under a table with no rows (but for its outline, which has
        no line). `lines` and `sums` are the whole table's when only its lines on the page
        were given."""
        self._close()
        if not self.table.rows and not (self.window.size == 0 and self.table.outline):
            return
        lines = self._index if lines is None else lines
        total = self._subtotals if self._subtotal_count else self._lines
        shown = label
        if not Window(self.window.first, self.window.size, lines).whole:
            shown = f"{label} (all {lines:,} lines)"
            if sums is not None:
                total = {key: sums.get(key) or ZERO for key in self._keys}
        self.table.outline.append(Row(RowKind.TOTAL, {self._label_key: label, **total}))
        self.table.rows.append(Row(RowKind.TOTAL, {self._label_key: shown, **total}))


def window(table: Table, first: int, size: int) -> list[Row]:
    """The rows a page prints of `size` of the table's lines from the `first` (counted
    from 0), as `TableBuilder` keeps them with that window: the table's rows given to a
    builder again (decision 0024)."""
    lines = table.line_rows
    shown = Table(table.slug, table.title, table.columns)
    builder = TableBuilder(shown, Window(first, size, lines))
    label_key = table.columns[0].key
    for row in table.rows:
        if row.kind == RowKind.HEADING:
            builder.heading(row.cells[label_key])
        elif row.kind == RowKind.LINE:
            builder.line(row.cells)
        elif row.kind == RowKind.SUBTOTAL:
            builder.subtotal(row.cells[label_key])
        else:
            builder.total(row.cells[label_key])
    return shown.rows


def by_group(table: Table, label: str) -> Table:
    """A table's outline as a table of its groups: a row for each, named by its heading
    and holding its subtotal's figures, then the total; the first column headed `label`
    and only the summed columns beside it. What the subtotals of a table read without
    its lines print as (a heading and its subtotal with nothing between reads as an empty
    group). The rows are given to a builder again, so it casts as the outline does."""
    first, *_ = table.columns
    columns = [replace(first, label=label), *table.summed_columns]
    grouped = Table(
        table.slug, f"{table.title}, by {label.lower()}", columns, notes=list(table.notes)
    )
    builder = TableBuilder(grouped)
    heading = ""
    for row in table.outline:
        if row.kind == RowKind.HEADING:
            heading = str(row.cells[first.key])
        elif row.kind == RowKind.SUBTOTAL:
            builder.line({**row.cells, first.key: heading})
        elif row.kind == RowKind.TOTAL:
            builder.total(str(row.cells[first.key]))
    return grouped


def casting_errors(table: Table) -> list[str]:
    """Every way the table fails to cast: a subtotal or total that is not the sum of the
    printed figures above it. Empty means it casts."""
    errors = []
    keys = [column.key for column in table.summed_columns]
    group: dict[str, Decimal] = {key: ZERO for key in keys}
    lines: dict[str, Decimal] = {key: ZERO for key in keys}
    subtotals: dict[str, Decimal] = {key: ZERO for key in keys}
    seen_subtotal = False
    for index, row in enumerate(table.rows):
        if row.kind == RowKind.HEADING:
            group = {key: ZERO for key in keys}
        elif row.kind == RowKind.LINE:
            for key in keys:
                amount = row.cells.get(key) or ZERO
                group[key] += amount
                lines[key] += amount
        elif row.kind == RowKind.SUBTOTAL:
            seen_subtotal = True
            for key in keys:
                printed = row.cells.get(key) or ZERO
                if printed != group[key]:
                    errors.append(f"row {index + 1} {key}: subtotal {printed} ≠ {group[key]}")
                subtotals[key] += printed
            group = {key: ZERO for key in keys}
        elif row.kind == RowKind.TOTAL:
            expected = subtotals if seen_subtotal else lines
            for key in keys:
                printed = row.cells.get(key) or ZERO
                if printed != expected[key]:
                    errors.append(f"row {index + 1} {key}: total {printed} ≠ {expected[key]}")
    return errors


def format_cell(column: Column, value) -> str:
    """The one way a figure is printed, in every format that prints text."""
    return cell_printer(column)(value)


def cell_printer(column: Column) -> Callable[[object], str]:
    """`format_cell` of one column, chosen once for all its cells: a table page prints
    20,000 of them."""
    return _PRINTERS[column.kind]


def _text(value) -> str:
    return "" if value is None else str(value)


def _money(value) -> str:
    return "" if value is None or value == "" else format_money(value, POUND, symbol="")


def _fte(value) -> str:
    return "" if value is None or value == "" else format_fte(value)


def _number(value) -> str:
    return "" if value is None or value == "" else f"{value:,}"


def width_class(column: Column) -> str:
    """Print widths come in a few classes, so tables line up from page to page: the PDF's
    <col> class and the Word table's column width."""
    if column.wide:
        return "wide"
    if column.kind == Kind.FTE:
        return "fte"
    if column.numeric:
        return "number"
    if column.width <= 8:
        return "short"
    return "medium" if column.width <= 18 else "text"


def format_fte(value: Decimal) -> str:
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_PRINTERS = {Kind.TEXT: _text, Kind.MONEY: _money, Kind.FTE: _fte, Kind.NUMBER: _number}


def join_nonempty(parts: Iterable[str], separator: str = "; ") -> str:
    return separator.join(part for part in parts if part)


# -- Keeping a table as it was printed (an approved baseline) ----------------------------


def table_as_json(table: Table) -> dict:
    """The table as JSON: figures as decimal strings, so it prints again to the penny."""

    def cell(column: Column, value):
        if value is None or not column.numeric:
            return value
        return str(value)

    return {
        "slug": table.slug,
        "title": table.title,
        "columns": [
            [c.key, c.label, c.kind.value, c.summed, c.width, c.wide] for c in table.columns
        ],
        "rows": [
            [
                row.kind.value,
                {c.key: cell(c, row.cells[c.key]) for c in table.columns if c.key in row.cells},
            ]
            for row in table.rows
        ],
        "notes": table.notes,
        "empty_message": table.empty_message,
    }


def table_from_json(data: dict) -> Table:
    columns = [
        Column(key, label, Kind(kind), summed, width, wide)
        for key, label, kind, summed, width, wide in data["columns"]
    ]
    numeric = {column.key for column in columns if column.numeric}

    def cell(key, value):
        return Decimal(value) if key in numeric and value is not None else value

    return Table(
        data["slug"],
        data["title"],
        columns,
        [
            Row(RowKind(kind), {key: cell(key, value) for key, value in cells.items()})
            for kind, cells in data["rows"]
        ],
        list(data["notes"]),
        data["empty_message"],
    )
