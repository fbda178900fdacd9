"""The plan workspace (issue 5, point 2): lines by workstream with FTE, annual cost, each
financial year and the total; subtotals and totals that add the figures shown; filter,
search and sort; the page in a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from investplan.models import Role
from posts.workspace import WorkspaceOptions, build_workspace
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


@pytest.fixture
def plan_with_lines():
    plan = PlanFactory(first_year=2025, last_year=2026)
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality", position=2)
    team = TeamFactory(organisation=plan.organisation, name="North")
    PlanLineFactory(
        plan=plan,
        title="Social Worker",
        workstream=front_door,
        annual_salary=Decimal("40000"),
        start_date="2025-04-01",
        position=1,
        team=team,
    )
    PlanLineFactory(
        plan=plan,
        title="Team Manager",
        workstream=front_door,
        annual_salary=Decimal("50000"),
        start_date="2025-10-01",
        position=2,
    )
    PlanLineFactory(
        plan=plan,
        title="Audit Officer",
        workstream=quality,
        annual_salary=Decimal("30000"),
        start_date="2025-04-01",
        position=3,
        fte=Decimal("0.5"),
    )
    PlanLineFactory(
        plan=plan,
        title="Data Analyst",
        annual_salary=Decimal("33333"),
        position=4,
        start_date="2025-07-15",
    )
    return plan


def test_it_groups_lines_by_workstream_with_no_workstream_last(plan_with_lines):
    sheet = build_workspace(plan_with_lines)

    assert [group.name for group in sheet.groups] == ["Front door", "Quality", "No workstream"]
    assert [row.line.title for row in sheet.groups[0].rows] == ["Social Worker", "Team Manager"]


def test_it_shows_each_lines_annual_cost_years_and_total(plan_with_lines):
    sheet = build_workspace(plan_with_lines)
    manager = sheet.groups[0].rows[1].figures

    assert manager.full_year == Decimal("64500")  # 50,000 + 29% on-costs
    assert list(manager.years.values()) == [Decimal("32250"), Decimal("64500")]  # from October
    assert manager.total == Decimal("96750")


def test_it_casts_every_subtotal_and_the_totals_from_the_figures_shown(plan_with_lines):
    sheet = build_workspace(plan_with_lines)

    for group in sheet.groups:
        assert group.subtotal.full_year == sum(row.figures.full_year for row in group.rows)
        for year in sheet.years:
            assert group.subtotal.years[year] == sum(row.figures.years[year] for row in group.rows)
        assert group.subtotal.fte == sum(row.figures.fte for row in group.rows)
    assert sheet.totals.total == sum(group.subtotal.total for group in sheet.groups)
    assert sheet.totals.fte == Decimal("3.5")


def test_it_searches_titles_teams_and_workstreams(plan_with_lines):
    by_team = build_workspace(plan_with_lines, WorkspaceOptions(search="north"))
    by_words = build_workspace(plan_with_lines, WorkspaceOptions(search="quality audit"))

    assert [row.line.title for group in by_team.groups for row in group.rows] == ["Social Worker"]
    assert [row.line.title for group in by_words.groups for row in group.rows] == ["Audit Officer"]
    assert by_words.totals.total == by_words.groups[0].subtotal.total


def test_it_filters_by_workstream_and_totals_only_what_is_shown(plan_with_lines):
    quality = plan_with_lines.workstreams.get(name="Quality")

    sheet = build_workspace(plan_with_lines, WorkspaceOptions(workstream=quality.pk))

    assert sheet.lines_matching == 1 and sheet.lines_in_plan == 4
    assert sheet.totals.full_year == Decimal("19350")


def test_it_sorts_within_each_workstream(plan_with_lines):
    rising = build_workspace(plan_with_lines, WorkspaceOptions(sort="total"))
    falling = build_workspace(plan_with_lines, WorkspaceOptions(sort="total", descending=True))

    # Team Manager £96,750 (from October), Social Worker £103,200
    assert [row.line.title for row in rising.groups[0].rows] == ["Team Manager", "Social Worker"]
    assert [row.line.title for row in falling.groups[0].rows] == ["Social Worker", "Team Manager"]


def test_it_reads_its_options_from_the_query_ignoring_nonsense():
    options = WorkspaceOptions.from_query(
        {"q": " social ", "workstream": "x", "status": "bogus", "sort": "drop table", "dir": "desc"}
    )

    assert options == WorkspaceOptions(search="social", descending=True)


def test_it_renders_the_page_in_queries_that_do_not_grow_with_the_lines(client):
    plan = PlanFactory()
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.ADMIN).user)
    address = reverse("posts:workspace", args=[plan.slug])

    def queries_with(lines: int) -> int:
        workstream = WorkstreamFactory(plan=plan)
        for _ in range(lines):
            line = PlanLineFactory(
                plan=plan, workstream=workstream, team=TeamFactory(organisation=plan.organisation)
            )
            # Each with its own grant that ends before it: the flag reads no more rows.
            grant = FundingSourceFactory(organisation=plan.organisation, end_date=date(2021, 3, 31))
            AllocationFactory(line=line, source=grant, percent=Decimal("100"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    assert queries_with(3) == queries_with(40)


def test_it_links_every_figure_to_its_working(client, plan_with_lines):
    line = plan_with_lines.lines.get(title="Team Manager")
    client.force_login(MembershipFactory(organisation=plan_with_lines.organisation).user)

    page = client.get(reverse("posts:workspace", args=[plan_with_lines.slug])).content.decode()
    working = client.get(reverse("posts:line-working", args=[plan_with_lines.slug, line.pk]))

    address = reverse("posts:line-working", args=[plan_with_lines.slug, line.pk])
    for anchor in ("#full-year", "#y2025", "#y2026", "#total"):
        assert f'href="{address}{anchor}"' in page
    assert 'id="y2025"' in working.content.decode()
    assert "6 months / 12" in working.content.decode()  # October to March


def test_it_flags_a_line_that_outlives_a_source_paying_for_it(client, plan_with_lines):
    line = plan_with_lines.lines.get(title="Social Worker")
    grant = FundingSourceFactory(
        organisation=plan_with_lines.organisation,
        name="Supporting Families grant",
        end_date=date(2026, 3, 31),
    )
    AllocationFactory(line=line, source=grant, percent=Decimal("100"))
    client.force_login(MembershipFactory(organisation=plan_with_lines.organisation).user)

    page = client.get(reverse("posts:workspace", args=[plan_with_lines.slug])).content.decode()

    row = page[page.index(f'id="line-{line.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "Outlives Supporting Families grant, which ends 31 Mar 2026" in row
    assert page.count("Outlives ") == 1
