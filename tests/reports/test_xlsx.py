"""Read the workbook back: numbers are numbers, totals are SUM formulas over the right
cells (and add up to the printed totals), the header is frozen, filters are on, and text
that looks like a formula stays text."""

import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from figures.services import refigure_plan
from reports.builders import ReportOptions
from reports.documents import ReportDocument, sheet_names
from reports.tables import RowKind
from tests.factories import PlanLineFactory

pytestmark = pytest.mark.django_db


def workbook_of(plan, slug):
    document = ReportDocument.build(plan, slug, ReportOptions())
    return document, load_workbook(io.BytesIO(document.xlsx()))


def evaluate(sheet, formula: str) -> Decimal:
    """Add up the cells a =SUM(...) formula names, as Excel would."""
    total = Decimal("0")
    for reference in re.findall(r"([A-Z]+\d+(?::[A-Z]+\d+)?)", formula[len("=SUM(") : -1]):
        cells = sheet[reference]
        if not isinstance(cells, tuple):
            cells = ((cells,),)
        for row in cells:
            for cell in row if isinstance(row, tuple) else (row,):
                value = cell.value
                if isinstance(value, str) and value.startswith("=SUM("):
                    value = evaluate(sheet, value)
                if isinstance(value, int | float | Decimal):
                    total += Decimal(str(value))
    return total


def test_it_writes_a_sheet_per_table_and_one_for_the_assumptions(demo):
    _, workbook = workbook_of(demo, "findings")

    assert workbook.sheetnames == [
        "Ofsted findings and lines",
        "Findings no line answers",
        "Assumptions",
    ]


def test_it_stores_numbers_as_numbers_with_a_pound_format(demo):
    _, workbook = workbook_of(demo, "resource-requirement")
    sheet = workbook.worksheets[0]

    header = [cell.value for cell in sheet[2]]
    annual = header.index("Annual cost £") + 1
    social_worker = next(
        row for row in sheet.iter_rows(min_row=3) if row[0].value == "Social Worker"
    )
    cell = social_worker[annual - 1]
    assert isinstance(cell.value, int | float)
    assert cell.value == 63619
    assert "£" in cell.number_format


def test_it_writes_subtotals_and_totals_as_sum_formulas_that_add_up(demo):
    document, workbook = workbook_of(demo, "resource-requirement")
    sheet = workbook.worksheets[0]
    table = document.tables[0]
    column = next(i for i, c in enumerate(table.columns) if c.key == "annual_cost") + 1
    letter = sheet.cell(row=2, column=column).column_letter

    for offset, row in enumerate(table.rows):
        cell = sheet.cell(row=3 + offset, column=column)
        if row.kind == RowKind.SUBTOTAL:
            assert re.fullmatch(rf"=SUM\({letter}\d+:{letter}\d+\)", cell.value)
        if row.kind in (RowKind.SUBTOTAL, RowKind.TOTAL):
            assert evaluate(sheet, cell.value) == row.cells["annual_cost"]
    total_row = 3 + len(table.rows) - 1
    assert sheet.cell(row=total_row, column=1).value == "Total"
    assert evaluate(sheet, sheet.cell(row=total_row, column=column).value) == Decimal("1765417")


def test_it_freezes_the_header_and_turns_filters_on(demo):
    _, workbook = workbook_of(demo, "multi-year")
    sheet = workbook.worksheets[0]

    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref.startswith("A2:")
    assert sheet.column_dimensions["A"].width >= 30


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)"])
def test_it_writes_text_that_looks_like_a_formula_as_text(plan, text):
    PlanLineFactory(plan=plan, title=text, justification=text)
    refigure_plan(plan=plan)

    _, workbook = workbook_of(plan, "resource-requirement")
    sheet = workbook.worksheets[0]

    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value == text]
    assert len(cells) == 2
    assert all(cell.data_type == "s" for cell in cells)


def test_it_lists_the_assumptions(demo):
    _, workbook = workbook_of(demo, "funding")
    sheet = workbook["Assumptions"]

    rows = {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2) if row[0].value}
    assert rows["On-costs"] == "A flat 29% of pay."
    assert rows["Council"] == "Middlesbrough Council"


def test_it_shortens_a_long_sheet_name_at_a_word_boundary():
    names = sheet_names(["Scenarios compared by workstream: Getting to Good and Efficient"])

    assert names == ["Scenarios compared"]


def test_it_ends_a_shortened_sheet_name_on_a_word_of_meaning():
    names = sheet_names(["Lines that outlive their funding", "Multi-year summary by workstream"])

    assert names == ["Lines that outlive funding", "Multi-year summary"]


def test_it_writes_a_financial_year_in_a_sheet_name_as_excel_allows():
    (name,) = sheet_names(["In-year forecast 2021/22: budget against forecast from start dates"])

    assert name == "In-year forecast 2021-22 budget"


def test_it_keeps_each_sheet_name_unique_within_the_workbook():
    titles = [
        "Variance against the approved baseline, by workstream",
        "Variance against the approved baseline, by team",
        "variance against the approved",
        "Assumptions",
        "Assumptions",
    ]

    names = sheet_names(titles)

    assert names == [
        "Variance against approved",
        "Variance against approved (2)",
        "variance against the approved",
        "Assumptions",
        "Assumptions (2)",
    ]
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize(
    "title",
    ["What if: pay award 4%? [draft] a/b\\c*", "'Quoted'", "A" * 40, "", "History", "''''"],
)
def test_it_names_sheets_only_as_excel_allows(title):
    (name,) = sheet_names([title])

    assert 0 < len(name) <= 31
    assert not re.search(r"[\[\]:*?/\\]", name)
    assert not name.startswith("'") and not name.endswith("'")
    assert name.casefold() != "history"
