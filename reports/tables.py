"""One table definition, three renderings: a report is built once as rows here, and the
HTML page, the PDF and the Excel workbook each render those same rows.

Plain Python, no Django. Figures in a Table are already rounded to what is printed; the
builders make every subtotal and total the sum of the printed figures above it, and
`casting_errors` checks that they do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
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

    @property
    def summed_columns(self) -> list[Column]:
        return [column for column in self.columns if column.summed]

    @property
    def body_rows(self) -> int:
        return sum(1 for row in self.rows if row.kind != RowKind.HEADING)

    @property
    def line_rows(self) -> int:
        return sum(1 for row in self.rows if row.kind == RowKind.LINE)


class TableBuilder:
    """Adds line rows under headings and writes subtotals and the total as the sums of
    the figures already added, so the table casts by construction. A table either has a
    subtotal under every group, its total adding the subtotals, or no subtotals, its total
    adding the lines."""

    def __init__(self, table: Table):
        self.table = table
        self._keys = [column.key for column in table.summed_columns]
        self._group: dict[str, Decimal] | None = None
        self._lines = dict.fromkeys(self._keys, ZERO)
        self._subtotals = dict.fromkeys(self._keys, ZERO)
        self._subtotal_count = 0

    def heading(self, label: str) -> None:
        self.table.rows.append(Row(RowKind.HEADING, {self.table.columns[0].key: label}))
        self._group = dict.fromkeys(self._keys, ZERO)

    def line(self, cells: dict[str, object]) -> None:
        self.table.rows.append(Row(RowKind.LINE, cells))
        for key in self._keys:
            amount = cells.get(key) or ZERO
            self._lines[key] += amount
            if self._group is not None:
                self._group[key] += amount

    def subtotal(self, label: str) -> None:
        if self._group is None:
            raise ValueError("a subtotal needs a heading above it")
        self.table.rows.append(
            Row(RowKind.SUBTOTAL, {self.table.columns[0].key: label, **self._group})
        )
        for key in self._keys:
            self._subtotals[key] += self._group[key]
        self._subtotal_count += 1
        self._group = None

    def total(self, label: str = "Total") -> None:
        """The total row: none under a table with no rows."""
        if not self.table.rows:
            return
        sums = self._subtotals if self._subtotal_count else self._lines
        self.table.rows.append(Row(RowKind.TOTAL, {self.table.columns[0].key: label, **sums}))


def window(table: Table, first: int, size: int) -> list[Row]:
    """The rows a page prints of `size` of the table's lines from the `first` (counted
    from 0): each group with a line shown keeps its heading and its subtotal, and the total
    is always printed. Subtotals and the total are the table's own, of every line, so they
    say so where lines of theirs are not on the page (decision 0024)."""
    label_key = table.columns[0].key
    shown: list[Row] = []
    group: list[Row] = []  # the open group's heading and its lines on the page
    in_group = before = index = 0  # the open group's lines; those before the page; all

    def relabelled(row: Row, suffix: str) -> Row:
        return Row(row.kind, {**row.cells, label_key: f"{row.cells[label_key]} {suffix}"})

    def close(subtotal: Row | None) -> None:
        if len(group) < 2:
            return
        if before:
            group[0] = relabelled(group[0], "(continued)")
        shown.extend(group)
        if subtotal is not None and len(group) - 1 < in_group:
            subtotal = relabelled(subtotal, f"(all {in_group:,} lines)")
        if subtotal is not None:
            shown.append(subtotal)

    for row in table.rows:
        if row.kind == RowKind.LINE:
            if first <= index < first + size:
                (group if group else shown).append(row)
            before += index < first
            in_group += 1
            index += 1
            continue
        close(row if row.kind == RowKind.SUBTOTAL else None)
        group, in_group, before = ([row] if row.kind == RowKind.HEADING else []), 0, 0
        if row.kind == RowKind.TOTAL:
            whole = first == 0 and index <= size
            shown.append(row if whole else relabelled(row, f"(all {index:,} lines)"))
    close(None)
    return shown


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
    if value is None or value == "":
        return ""
    if column.kind == Kind.MONEY:
        return format_money(value, POUND, symbol="")
    if column.kind == Kind.FTE:
        return format_fte(value)
    if column.kind == Kind.NUMBER:
        return f"{value:,}"
    return str(value)


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
