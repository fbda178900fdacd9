"""Every committee table page, a comparison of two plans, a what-if and the variance read
the plan's stored figures in the same number of queries whether it has 3 lines or 30
(issue 17, point 3): the figures are added up by the database, not line by line."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.services import refigure_plan
from investplan.models import Finding, Inspection, Role
from investplan.services import approve_plan
from posts.models import LineKind
from reports import views
from reports.builders import (
    MULTI_YEAR_GROUPINGS,
    REPORTS,
    ReportContext,
    ReportOptions,
    build_report,
)
from reports.plan_charts import CHARTS, plan_chart
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    PlanFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db

PAGES = [
    *[(slug, {}) for slug in REPORTS],
    *[("multi-year", {"by": by}) for by in MULTI_YEAR_GROUPINGS],
    ("resource-requirement", {"sort": "total", "dir": "desc"}),
    ("resource-requirement", {"phase": "1"}),
]


def made_plan(lines: int, organisation=None):
    """A plan of `lines` lines of every kind, spread over workstreams, teams and phases,
    answering findings (some two at once), paid for by sources (one of which ends before
    the lines do), with its figures stored."""
    extra = {"organisation": organisation} if organisation else {}
    plan = PlanFactory(first_year=2020, last_year=2022, **extra)
    organisation = plan.organisation
    workstreams = [WorkstreamFactory(plan=plan, position=i) for i in range(3)]
    teams = [TeamFactory(organisation=organisation) for _ in range(2)]
    inspection = Inspection.objects.create(organisation=organisation, kind="ilacs")
    findings = [
        Finding.objects.create(inspection=inspection, reference=f"para {i}", text=f"Finding {i}")
        for i in range(3)
    ]
    grant = FundingSourceFactory(organisation=organisation, end_date=date(2021, 3, 31))
    core = FundingSourceFactory(organisation=organisation)
    kinds = [LineKind.NEW_POST, LineKind.RELEASED_BUDGET, LineKind.NON_STAFF]
    for position in range(lines):
        kind = kinds[position % len(kinds)]
        line = PlanLineFactory(
            plan=plan,
            position=position,
            kind=kind,
            fte=None if kind == LineKind.NON_STAFF else Decimal("1.5"),
            annual_salary=None if kind == LineKind.NON_STAFF else Decimal("32878.50"),
            amount=Decimal("1000.50") if kind == LineKind.NON_STAFF else None,
            start_date=date(2020, 4 + position % 6, 1),
            workstream=workstreams[position % 3] if position % 4 else None,
            team=teams[position % 2],
            phase=str(position % 2 + 1),
            expected_start_date=date(2020, 10, 1) if position % 5 == 0 else None,
        )
        line.findings.set(findings[: position % 3])
        if position % 2:
            AllocationFactory(line=line, source=grant, percent=Decimal("50"))
            AllocationFactory(line=line, source=core, percent=Decimal("25"))
    refigure_plan(plan=plan)
    return plan


@pytest.fixture
def sizes(client):
    """A plan of 3 lines and one of 30, and a reader signed in to each's council."""
    return made_plan(3), made_plan(30)


def queries_for(client, plan, address: str, query: dict) -> int:
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.VIEWER).user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, query)
    assert response.status_code == 200, address
    return len(queries)


@pytest.mark.parametrize(("slug", "query"), PAGES)
def test_it_reads_each_committee_table_in_queries_that_do_not_grow_with_the_lines(
    client, sizes, slug, query
):
    small, large = sizes

    def count(plan):
        return queries_for(client, plan, reverse("reports:report", args=[plan.slug, slug]), query)

    assert count(small) == count(large)


# The tables that list every line, a page of them read alone (decision 0024), in each way
# of sorting them: by a figure (ordered by the database) and by text (ordered here).
PAGED = [
    ("resource-requirement", {"page": "2", "sort": "total", "dir": "desc"}),
    ("resource-requirement", {"page": "2", "sort": "grade"}),
    ("recruitment", {"page": "2", "sort": "title", "dir": "desc"}),
    ("recruitment", {"page": "2"}),
    ("findings", {"page": "2"}),
    ("establishment", {"page": "2"}),
]


@pytest.mark.parametrize(("slug", "query"), PAGED)
def test_it_reads_a_page_of_a_table_of_lines_in_queries_that_do_not_grow_with_the_lines(
    client, sizes, monkeypatch, slug, query
):
    monkeypatch.setattr(views, "PAGE_LINES", 1)
    small, large = sizes

    def count(plan):
        return queries_for(client, plan, reverse("reports:report", args=[plan.slug, slug]), query)

    assert count(small) == count(large)


@pytest.mark.parametrize("by", ["workstream", "team", "funding"])
def test_it_compares_two_plans_in_queries_that_do_not_grow_with_the_lines(client, sizes, by):
    small, large = sizes

    def count(plan):
        other = made_plan(plan.lines.count(), plan.organisation)
        address = reverse("reports:compare", args=[plan.slug])
        return queries_for(client, plan, address, {"with": other.slug, "by": by})

    assert count(small) == count(large)


def test_it_costs_a_what_if_in_queries_that_do_not_grow_with_the_lines(client, sizes):
    small, large = sizes

    def count(plan):
        address = reverse("reports:what-if", args=[plan.slug])
        return queries_for(client, plan, address, {"pay_award": "4", "by": "funding"})

    assert count(small) == count(large)


@pytest.mark.parametrize("by", ["workstream", "team", "funding"])
def test_it_reads_the_variance_in_queries_that_do_not_grow_with_the_lines(client, sizes, by):
    small, large = sizes

    def count(plan):
        approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
        address = reverse("reports:variance", args=[plan.slug])
        return queries_for(client, plan, address, {"by": by})

    assert count(small) == count(large)


@pytest.mark.parametrize("approved", [False, True])
def test_it_writes_the_financial_implications_in_queries_that_do_not_grow_with_the_lines(
    client, sizes, approved
):
    small, large = sizes

    def count(plan):
        if approved:
            approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
        address = reverse("reports:financial-implications", args=[plan.slug])
        return queries_for(client, plan, address, {})

    assert count(small) == count(large)


@pytest.mark.parametrize("chart", list(CHARTS))
def test_it_draws_each_chart_image_in_queries_that_do_not_grow_with_the_lines(client, sizes, chart):
    small, large = sizes

    def count(plan):
        approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
        return queries_for(client, plan, reverse("reports:chart", args=[plan.slug, chart]), {})

    assert count(small) == count(large)


def chart_queries(plan, chart: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        plan_chart(plan, chart).svg()
    return [query["sql"] for query in queries.captured_queries]


def test_it_reads_the_cost_by_year_chart_from_sums_alone_without_notes_or_the_pressure(sizes):
    _, plan = sizes

    read = chart_queries(plan, "cost-by-year")

    assert len(read) == 3
    assert all("GROUP BY" in sql or "investplan_workstream" in sql for sql in read)


def test_it_reads_the_recruitment_chart_from_sums_alone_without_a_line_or_the_forecast(sizes):
    _, plan = sizes

    read = chart_queries(plan, "recruitment")

    assert len(read) == 2
    assert all("GROUP BY" in sql or "investplan_workstream" in sql for sql in read)


def test_it_reads_the_lines_that_cannot_be_costed_once_for_the_multi_year_summary(sizes):
    _, plan = sizes

    with CaptureQueriesContext(connection) as queries:
        build_report("multi-year", ReportContext.build(plan, ReportOptions()))

    errors = [q for q in queries.captured_queries if '"figures_linefigures"."error"' in q["sql"]]
    assert len(errors) == 1
