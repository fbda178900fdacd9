from decimal import Decimal as D

import pytest

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
