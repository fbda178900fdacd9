"""The charts say what their tables say: each figure drawn is the table's printed figure,
the text alternative states them, the funding cliff marks each grant's end, and the Excel
chart is drawn over the table's own cells."""

import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from openpyxl import load_workbook

from reports.builders import ReportContext, ReportOptions, build_report
from reports.charts import chart_of, cost_by_year, draw_svg, funding_cliff, recruitment
from reports.documents import ReportDocument
from reports.plan_charts import plan_chart
from reports.tables import Column, Kind, RowKind, Table, TableBuilder, casting_errors
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    refigured,
)
from tests.reports.helpers import rows

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def drawn(svg: str) -> dict[str, dict[str, Decimal]]:
    """What the SVG draws: each series' figure for each category, read from the bars."""
    root = etree.fromstring(svg.encode())
    names = [text.text for text in root.iterfind(f".//{SVG}g[@class='legends']//{SVG}text")]
    figures: dict[str, dict[str, Decimal]] = {}
    for group in root.iterfind(f".//{SVG}g[@class='plot']/{SVG}g"):
        found = re.fullmatch(r"series serie-(\d+) color-\d+", group.get("class", ""))
        if not found:
            continue
        series = figures.setdefault(names[int(found.group(1))], {})
        for bar in group.iterfind(f".//{SVG}g[@class='bar']"):
            value = bar.find(f"{SVG}desc[@class='value']").text
            label = bar.find(f"{SVG}desc[@class='x_label']").text
            series[label] = Decimal(re.sub(r"[£,]", "", value))
    return figures


def texts(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode())
    return [text.text for text in root.iter(f"{SVG}text") if text.text]


def table_of(plan, slug, table_slug, **options):
    tables = build_report(slug, ReportContext.build(plan, ReportOptions(**options)))
    return next(table for table in tables if table.slug == table_slug)


@pytest.fixture
def funded_plan():
    """Three years; a grant ending on 31 March 2021 pays for one of two posts."""
    plan = PlanFactory(first_year=2020, last_year=2022)
    workstream = WorkstreamFactory(plan=plan, name="Front door")
    other = WorkstreamFactory(plan=plan, name="Leaving care", position=2)
    grant = FundingSourceFactory(
        organisation=plan.organisation, name="Families First", end_date=date(2021, 3, 31)
    )
    paid = PlanLineFactory(plan=plan, workstream=workstream, title="Team manager")
    PlanLineFactory(plan=plan, workstream=other, title="Personal adviser", fte=Decimal("0.5"))
    AllocationFactory(line=paid, source=grant, percent=Decimal("100"))
    return refigured(plan)


def test_it_draws_cost_by_year_from_the_multi_year_table_to_the_pound(demo):
    table = table_of(demo, "multi-year", "multi-year-workstream")
    chart = cost_by_year(table)

    figures = drawn(chart.svg())

    expected = {
        row["name"]: {year.label: row[f"y{year.start_year}"] for year in demo.financial_years}
        for row in rows(table)
    }
    assert figures == expected


def test_it_draws_the_cost_by_year_image_as_the_chart_of_the_whole_multi_year_table(demo):
    whole = cost_by_year(table_of(demo, "multi-year", "multi-year-workstream"))

    image = plan_chart(demo, "cost-by-year")

    assert image.svg() == whole.svg()


def test_it_states_every_figure_of_cost_by_year_in_its_text_alternative(demo):
    table = table_of(demo, "multi-year", "multi-year-workstream")
    chart = cost_by_year(table)
    first = rows(table)[0]

    assert chart.alt.startswith("Cost by financial year, by workstream. 2020/21: ")
    assert f"{first['name']} £{first['y2020']:,}" in chart.alt
    total = next(r for r in table.rows if r.kind == RowKind.TOTAL).cells["y2020"]
    assert f"2020/21: £{total:,} in all" in chart.alt


def test_it_labels_the_svg_with_its_title_and_figures_for_assistive_technology(demo):
    chart = cost_by_year(table_of(demo, "multi-year", "multi-year-workstream"))
    root = etree.fromstring(chart.svg().encode())

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-cost-by-year-title chart-cost-by-year-desc"
    assert root.find(f"{SVG}title").text == chart.title
    assert root.find(f"{SVG}desc").text == chart.alt
    assert list(root.iter(f"{SVG}script")) == []


def test_it_draws_the_same_file_for_the_same_figures(demo):
    table = table_of(demo, "multi-year", "multi-year-workstream")

    assert cost_by_year(table).svg() == cost_by_year(table).svg()


def test_it_shows_the_title_legend_and_axis_titles_as_text(demo):
    chart = cost_by_year(table_of(demo, "multi-year", "multi-year-workstream"))
    words = texts(chart.svg())

    assert chart.title in words
    assert {"Financial year", "Cost £", "2020/21", "2021/22"} <= set(words)
    assert "Quality Assurance" in words  # a workstream in the legend


def test_it_splits_each_year_into_funded_and_unfunded_that_add_to_the_sources_table(
    funded_plan,
):
    context = ReportContext.build(funded_plan, ReportOptions())
    tables = {table.slug: table for table in build_report("funding", context)}
    cliff, sources = tables["funded-unfunded"], tables["sources-of-funding"]
    total = next(row for row in sources.rows if row.kind == RowKind.TOTAL).cells

    assert casting_errors(cliff) == []
    for row in rows(cliff):
        year = f"y{row['name'][:4]}"
        assert row["funded"] + row["unfunded"] == total[year]
    by_year = {row["name"]: row for row in rows(cliff)}
    assert by_year["2020/21"]["funded"] > 0
    assert by_year["2021/22"]["funded"] == 0  # the grant ended on 31 March 2021
    assert by_year["2020/21"]["ends"] == "Families First ends 31 Mar 2021"


def test_it_draws_the_funding_cliff_from_its_table_and_marks_the_grants_end(funded_plan):
    table = table_of(funded_plan, "funding", "funded-unfunded")
    chart = funding_cliff(table)
    svg = chart.svg()

    assert drawn(svg) == {
        "Funded": {row["name"]: row["funded"] for row in rows(table)},
        "Requires additional funding": {row["name"]: row["unfunded"] for row in rows(table)},
    }
    root = etree.fromstring(svg.encode())
    marks = root.find(f".//{SVG}g[@class='grant-ends']")
    assert [text.text for text in marks.iter(f"{SVG}text")] == ["Families First ends 31 Mar 2021"]
    assert "Families First ends 31 Mar 2021." in chart.alt


def test_it_draws_recruitment_from_the_workstreams_subtotals(funded_plan):
    table = table_of(funded_plan, "recruitment", "recruitment")
    chart = recruitment(table)

    assert drawn(chart.svg()) == {
        "Funded": {"Front door": Decimal("1"), "Leaving care": Decimal("0.5")},
        "In post": {"Front door": Decimal("0"), "Leaving care": Decimal("0")},
    }
    assert "Leaving care: Funded 0.5 FTE, In post 0 FTE" in chart.alt


def test_it_draws_nothing_for_a_table_that_has_no_chart(demo):
    tables = build_report("resource-requirement", ReportContext.build(demo, ReportOptions()))

    assert [chart_of(table) for table in tables] == [None]


# -- Excel ---------------------------------------------------------------------------------


def chart_formulas(content: bytes) -> list[dict]:
    """Each chart in the workbook: its type, grouping, and the formulas of its series."""
    found = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart")):
            root = etree.fromstring(archive.read(name))
            ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart"}
            found.append(
                {
                    "grouping": root.find(".//c:grouping", ns).get("val"),
                    "names": [f.text for f in root.iterfind(".//c:ser/c:tx//c:f", ns)],
                    "values": [f.text for f in root.iterfind(".//c:ser/c:val//c:f", ns)],
                    "categories": [f.text for f in root.iterfind(".//c:ser/c:cat//c:f", ns)],
                }
            )
    return found


def cells_of(sheet, formula: str) -> list:
    """The values of the cells a series formula names: a range, or a list in brackets."""
    values = []
    for reference in formula.strip("()").split(","):
        coordinates = reference.split("!")[1].replace("$", "")
        cells = sheet[coordinates]
        if not isinstance(cells, tuple):
            cells = (cells,)
        for row in cells:
            values.extend(cell.value for cell in (row if isinstance(row, tuple) else (row,)))
    return values


def test_it_draws_the_funding_cliff_in_excel_over_the_tables_own_cells(funded_plan):
    document = ReportDocument.build(funded_plan, "funding", ReportOptions())
    content = document.xlsx()
    sheet = load_workbook(io.BytesIO(content))[sheet_name_of(content, "Funded")]
    table = next(t for t in document.tables if t.slug == "funded-unfunded")

    [chart] = chart_formulas(content)

    assert chart["grouping"] == "stacked"
    assert [cells_of(sheet, f) for f in chart["names"]] == [
        ["Funded £"],
        ["Requires additional funding £"],
    ]
    assert [cells_of(sheet, f) for f in chart["values"]] == [
        [float(row["funded"]) for row in rows(table)],
        [float(row["unfunded"]) for row in rows(table)],
    ]
    assert cells_of(sheet, chart["categories"][0]) == ["2020/21", "2021/22", "2022/23"]


def test_it_draws_cost_by_year_in_excel_with_a_series_for_each_workstream(demo):
    document = ReportDocument.build(demo, "multi-year", ReportOptions())
    content = document.xlsx()
    sheet = load_workbook(io.BytesIO(content))[sheet_name_of(content, "Multi-year")]
    table = document.tables[0]

    [chart] = chart_formulas(content)

    assert [cells_of(sheet, f)[0] for f in chart["names"]] == [r["name"] for r in rows(table)]
    assert [cells_of(sheet, f) for f in chart["values"]] == [
        [float(r["y2020"]), float(r["y2021"])] for r in rows(table)
    ]
    assert cells_of(sheet, chart["categories"][0]) == ["2020/21", "2021/22"]


def test_it_draws_recruitment_in_excel_over_the_subtotal_cells(funded_plan):
    document = ReportDocument.build(funded_plan, "recruitment", ReportOptions())
    content = document.xlsx()
    sheet = load_workbook(io.BytesIO(content))[sheet_name_of(content, "Recruitment")]

    [chart] = chart_formulas(content)

    # The subtotals' own cells: Excel adds each workstream's lines, as the table does.
    assert [cells_of(sheet, f) for f in chart["values"]] == [
        ["=SUM(C4:C4)", "=SUM(C7:C7)"],
        ["=SUM(D4:D4)", "=SUM(D7:D7)"],
    ]
    assert cells_of(sheet, chart["categories"][0]) == [
        "Subtotal: Front door",
        "Subtotal: Leaving care",
    ]


def sheet_name_of(content: bytes, start: str) -> str:
    book = load_workbook(io.BytesIO(content))
    return next(name for name in book.sheetnames if name.startswith(start))


def test_it_gives_the_svg_one_title(demo):
    chart = cost_by_year(table_of(demo, "multi-year", "multi-year-workstream"))
    root = etree.fromstring(chart.svg().encode())

    assert len(root.findall(f"{SVG}title")) == 1


@pytest.mark.parametrize("report", ["multi-year", "funding", "recruitment"])
def test_it_draws_a_plan_with_no_lines(report):
    plan = PlanFactory()
    tables = build_report(report, ReportContext.build(plan, ReportOptions()))
    [chart] = [chart for chart in map(chart_of, tables) if chart]

    svg = chart.svg()

    assert svg.startswith("<svg")
    assert chart.title in texts(svg)
    assert chart.alt.startswith(chart.title)


@pytest.mark.parametrize("series", [16, 17])
def test_it_keeps_every_name_of_the_legend_inside_the_picture(series):
    # pygal makes room for the legend's rows by whole rows of two: an odd last name fell
    # below the picture.
    table = Table(
        "multi-year-workstream",
        "Multi-year summary by workstream",
        [
            Column("name", "Workstream"),
            Column("y2025", "2025/26 £", Kind.MONEY, summed=True),
            Column("y2026", "2026/27 £", Kind.MONEY, summed=True),
        ],
    )
    builder = TableBuilder(table)
    for number in range(series):
        builder.line(
            {
                "name": f"Workstream {number}",
                "y2025": Decimal(1000 + number),
                "y2026": Decimal(2000),
            }
        )
    builder.total()
    svg = etree.fromstring(draw_svg(cost_by_year(table)).encode())
    height = float(svg.get("viewBox").split()[3])
    legends = svg.find(".//{*}g[@class='legends']")
    top = float(re.search(r"translate\(\d+, (\d+)\)", legends.get("transform")).group(1))
    names = {
        text.text: top + float(text.get("y"))
        for text in legends.iter("{*}text")
        if text.text and text.text.startswith("Workstream")
    }

    assert len(names) == series
    assert max(names.values()) < height
