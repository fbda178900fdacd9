from decimal import Decimal as D
from html import escape

import pytest

from reports.rendering import table_html
from reports.tables import (
    Column,
    Kind,
    Row,
    RowKind,
    Table,
    TableBuilder,
    casting_errors,
    format_cell,
)


def sample_table() -> Table:
    return Table(
        "t",
        "T",
        [
            Column("name", "Name"),
            Column("fte", "FTE", Kind.FTE, summed=True),
            Column("cost", "Cost", Kind.MONEY, summed=True),
        ],
    )


def test_it_writes_subtotals_and_a_total_that_add_the_printed_figures():
    table = sample_table()
    builder = TableBuilder(table)
    builder.heading("A")
    builder.line({"name": "x", "fte": D("1.5"), "cost": D("63619")})
    builder.line({"name": "y", "fte": D("-1"), "cost": D("-42413")})
    builder.subtotal("Subtotal: A")
    builder.heading("B")
    builder.line({"name": "z", "fte": D("2"), "cost": D("1")})
    builder.subtotal("Subtotal: B")
    builder.total()

    assert [row.cells.get("cost") for row in table.rows if row.kind != RowKind.HEADING] == [
        D("63619"),
        D("-42413"),
        D("21206"),
        D("1"),
        D("1"),
        D("21207"),
    ]
    assert casting_errors(table) == []


def test_it_finds_a_total_that_does_not_cast():
    table = sample_table()
    table.rows = [
        Row(RowKind.LINE, {"name": "x", "fte": D("1"), "cost": D("10")}),
        Row(RowKind.LINE, {"name": "y", "fte": D("1"), "cost": D("20")}),
        Row(RowKind.TOTAL, {"name": "Total", "fte": D("2"), "cost": D("31")}),
    ]

    assert casting_errors(table) == ["row 3 cost: total 31 ≠ 30"]


@pytest.mark.parametrize(
    ("kind", "value", "text"),
    [
        (Kind.MONEY, D("1606063"), "1,606,063"),
        (Kind.MONEY, D("-42413"), "-42,413"),
        (Kind.FTE, D("1.50"), "1.5"),
        (Kind.FTE, D("12.00"), "12"),
        (Kind.FTE, D("0.60"), "0.6"),
        (Kind.TEXT, None, ""),
    ],
)
def test_it_prints_figures_as_council_papers_do(kind, value, text):
    assert format_cell(Column("c", "C", kind), value) == text


def test_it_writes_each_cell_of_the_html_as_format_cell_prints_it():
    columns = [
        Column("name", "Name"),
        Column("fte", "FTE", Kind.FTE, summed=True),
        Column("cost", "Cost", Kind.MONEY, summed=True),
        Column("count", "Count", Kind.NUMBER),
        Column("note", "Note"),
    ]
    values = [
        {"name": "A & <B>", "fte": D("1.50"), "cost": D("-40600"), "count": 1234, "note": ""},
        {"name": "C", "fte": None, "cost": D("-0.4"), "count": None, "note": 'say "no"'},
        {"name": "", "fte": D("0"), "cost": D("2.5"), "count": D("12.0")},
    ]
    table = Table("t", "T", columns, [Row(RowKind.LINE, cells) for cells in values])

    html = table_html(table)

    for cells in values:
        printed = "".join(
            f'<td class="num">{format_cell(column, cells.get(column.key))}</td>'
            if column.numeric
            else f"<td>{escape(format_cell(column, cells.get(column.key)))}</td>"
            for column in columns
        )
        assert f'<tr class="line">{printed}</tr>' in html
