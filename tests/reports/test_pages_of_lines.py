"""A page of a committee table of lines reads only its page's lines, with the whole table's
subtotals and totals added up by the database (decision 0024): each page is exactly the
window of the whole table that `reports.tables.window` keeps, for every sort, at page
boundaries that cut a workstream, with lines that cannot be costed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from figures.services import refigure_plan
from investplan.models import Finding, Inspection
from posts.models import LineKind, LineStatus
from reports.builders import SORTABLE, ReportContext, ReportOptions, build_report
from reports.charts import chart_of
from reports.plan_charts import plan_chart
from reports.tables import Paging, RowKind, window
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
)

SIZE = 7  # lines a page, so that 32 lines make five pages
LINES = 32
KINDS = [LineKind.NEW_POST, LineKind.NEW_POST, LineKind.RELEASED_BUDGET, LineKind.NON_STAFF]
LETTERS = "bAaCcB"


@pytest.fixture(scope="module")
def plan(django_db_setup, django_db_blocker):
    """A plan of 32 lines of every kind over three workstreams and none, titles, grades,
    teams and phases in mixed case (and some alike, so sorts tie), every fifth new post
    that cannot be costed (no grade, no salary), posts covered by agency staff until they
    start late, findings answered by one line, or two, and sources paying for half."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = PlanFactory(first_year=2020, last_year=2022)
        organisation = plan.organisation
        workstreams = [WorkstreamFactory(plan=plan, position=i % 2) for i in range(3)]
        teams = [TeamFactory(organisation=organisation, name=name) for name in ("east", "East 2")]
        inspection = Inspection.objects.create(organisation=organisation, kind="ilacs")
        findings = [
            Finding.objects.create(
                inspection=inspection, reference=f"para {i}", text=f"Finding {i}", position=i
            )
            for i in range(3)
        ]
        grant = FundingSourceFactory(organisation=organisation, end_date=date(2021, 3, 31))
        for position in range(LINES):
            kind = KINDS[position % len(KINDS)]
            staff = kind != LineKind.NON_STAFF
            uncosted = kind == LineKind.NEW_POST and position % 5 == 0
            line = PlanLineFactory(
                plan=plan,
                position=position,
                kind=kind,
                title=f"{LETTERS[position % 6]} post",
                grade_as_written=["tbc", "SW3", "sw2"][position % 3],
                fte=Decimal(["1.5", "0.5", "1"][position % 3]) if staff else None,
                fte_in_post=Decimal("0.5") if position % 3 == 0 and staff else Decimal("0"),
                annual_salary=None
                if uncosted or not staff
                else Decimal(30000 + 997 * (position % 7)),
                amount=Decimal("1000.50") if not staff else None,
                start_date=date(2020, 4 + position % 6, 1),
                expected_start_date=date(2020, 11, 1) if position % 4 == 1 else None,
                agency_cover=position % 8 == 1,
                workstream=workstreams[position % 3] if position % 7 else None,
                team=teams[position % 2] if position % 5 else None,
                phase=["1", "a", "A", ""][position % 4],
                status=[LineStatus.PROPOSED, LineStatus.APPROVED][position % 2],
            )
            line.findings.set(findings[: position % 3])
            if position % 2:
                AllocationFactory(line=line, source=grant, percent=Decimal("50"))
        refigure_plan(plan=plan)
        yield plan
        transaction.set_rollback(True)


def whole_and_pages(plan, slug: str, options: ReportOptions):
    """Each table of the report whole, and each of its pages as a page builds it, with
    the window of the whole table each should be."""
    whole = build_report(slug, ReportContext.build(plan, options))
    found = []
    for index, table in enumerate(whole):
        lines = table.line_rows
        for number in range(1, -(-lines // SIZE) + 1):
            paged = build_report(slug, ReportContext.build(plan, options, Paging(number, SIZE)))
            first = (number - 1) * SIZE
            expected = window(table, first, SIZE) if lines > SIZE else table.rows
            found.append((table, paged[index], number, expected))
    return found


def assert_each_page_is_its_window(plan, slug: str, options: ReportOptions) -> None:
    for table, page, number, expected in whole_and_pages(plan, slug, options):
        assert page.rows == expected, f"{table.slug} page {number}"
        assert page.notes == table.notes, f"{table.slug} page {number}"


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["resource-requirement", "recruitment"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", sorted(SORTABLE))
def test_it_prints_each_page_of_a_sorted_table_as_that_window_of_the_whole_table(
    plan, slug, sort, descending
):
    assert_each_page_is_its_window(plan, slug, ReportOptions(sort=sort, descending=descending))


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["findings", "establishment"])
def test_it_prints_each_page_as_that_window_of_the_whole_table(plan, slug):
    assert_each_page_is_its_window(plan, slug, ReportOptions())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters", [{"status": LineStatus.APPROVED}, {"phase": "a"}, {"workstream": "first"}]
)
@pytest.mark.parametrize("slug", ["resource-requirement", "findings", "recruitment"])
def test_it_pages_a_filtered_table_as_the_whole_filtered_table(plan, slug, filters):
    if filters.get("workstream") == "first":
        filters = {"workstream": plan.workstreams.order_by("pk").first().pk}
    assert_each_page_is_its_window(plan, slug, ReportOptions(**filters))


@pytest.mark.django_db
def test_it_prints_a_workstream_cut_by_the_page_with_the_whole_workstreams_subtotal(plan):
    (whole,) = build_report("resource-requirement", ReportContext.build(plan, ReportOptions()))
    (page,) = build_report(
        "resource-requirement", ReportContext.build(plan, ReportOptions(), Paging(2, SIZE))
    )
    continued = next(row for row in page.rows if row.kind == RowKind.HEADING)
    name = continued.cells["title"].removesuffix(" (continued)")
    subtotal = next(
        row
        for row in page.rows
        if row.kind == RowKind.SUBTOTAL and row.cells["title"].startswith(f"Subtotal: {name} ")
    )
    whole_subtotal = next(row for row in whole.rows if row.cells["title"] == f"Subtotal: {name}")

    assert continued.cells["title"] == f"{name} (continued)"
    assert {key: subtotal.cells[key] for key in ("fte", "annual_cost", "total")} == {
        key: whole_subtotal.cells[key] for key in ("fte", "annual_cost", "total")
    }


@pytest.mark.django_db
def test_it_prints_a_line_that_cannot_be_costed_on_its_page_as_in_the_whole_table(plan):
    (whole, _) = build_report("recruitment", ReportContext.build(plan, ReportOptions()))
    uncosted = [
        row.cells
        for row in whole.rows
        if row.kind == RowKind.LINE and row.cells["annual_cost"] == 0 and row.cells["funded"]
    ]
    shown = []
    for number in range(1, -(-whole.line_rows // SIZE) + 1):
        (page, _) = build_report(
            "recruitment", ReportContext.build(plan, ReportOptions(), Paging(number, SIZE))
        )
        shown += [row.cells for row in page.rows if row.cells in uncosted]

    assert uncosted and shown == uncosted


@pytest.mark.django_db
def test_it_keeps_the_whole_tables_headings_subtotals_and_total_beside_a_page(plan):
    (whole, _) = build_report("recruitment", ReportContext.build(plan, ReportOptions()))
    (page, _) = build_report(
        "recruitment", ReportContext.build(plan, ReportOptions(), Paging(2, SIZE))
    )

    assert page.outline == [row for row in whole.rows if row.kind != RowKind.LINE]


@pytest.mark.django_db
def test_it_charts_every_workstream_on_each_page_of_the_recruitment_table(plan):
    whole = build_report("recruitment", ReportContext.build(plan, ReportOptions()))[0]
    drawn = chart_of(whole)
    for number in (1, 3, 5):
        page = build_report(
            "recruitment", ReportContext.build(plan, ReportOptions(), Paging(number, SIZE))
        )[0]
        chart = chart_of(page)
        assert (chart.categories, chart.alt) == (drawn.categories, drawn.alt), f"page {number}"


@pytest.mark.django_db
def test_it_draws_the_recruitment_chart_from_its_outline_as_from_the_whole_table(plan):
    whole = build_report("recruitment", ReportContext.build(plan, ReportOptions()))[0]

    chart = plan_chart(plan, "recruitment")

    assert (chart.categories, chart.alt) == (chart_of(whole).categories, chart_of(whole).alt)
    subtotals = [row.cells for row in whole.rows if row.kind == RowKind.SUBTOTAL]
    groups = [row.cells for row in chart.table.rows if row.kind == RowKind.LINE]
    assert [cells["funded"] for cells in groups] == [cells["funded"] for cells in subtotals]
