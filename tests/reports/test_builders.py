"""The six committee tables built from the demo plan (seed 000) and small made plans."""

from decimal import Decimal as D

import pytest

from funding.models import FundingAvailability
from investplan.models import Finding, Inspection
from reports.builders import REPORTS
from reports.tables import RowKind, casting_errors
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanLineFactory,
    TeamFactory,
    WorkstreamFactory,
)
from tests.reports.helpers import rows, tables_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_builds_every_demo_table_so_that_it_casts(demo, slug):
    for table in tables_of(demo, slug):
        assert casting_errors(table) == []


def test_it_heads_the_resource_requirement_total_with_the_programme_period(demo):
    (table,) = tables_of(demo, "resource-requirement")

    labels = [column.label for column in table.columns]
    assert "Total cost (Apr 2020 to Mar 2022) £" in labels


def test_it_prints_seed_000s_social_worker_as_the_paper_does(demo):
    (table,) = tables_of(demo, "resource-requirement")

    social_worker = next(cells for cells in rows(table) if cells["title"] == "Social Worker")
    assert (social_worker["grade"], social_worker["fte"], social_worker["duration"]) == (
        "K",
        D("1.5"),
        "Permanent",
    )
    assert (social_worker["salary"], social_worker["annual_cost"], social_worker["total"]) == (
        D("32878"),
        D("63619"),
        D("127238"),
    )


def test_it_groups_the_resource_requirement_by_workstream_with_subtotals(demo):
    (table,) = tables_of(demo, "resource-requirement")

    headings = [cells["title"] for cells in rows(table, RowKind.HEADING)]
    subtotals = rows(table, RowKind.SUBTOTAL)
    assert headings[:2] == ["LCS Children's System", "Driving performance improvement"]
    assert len(subtotals) == len(headings)
    assert subtotals[0]["annual_cost"] == D("46355") + D("42413")
    total = rows(table, RowKind.TOTAL)[0]
    assert total["annual_cost"] == D("1765417")
    assert total["annual_cost"] == sum(cells["annual_cost"] for cells in subtotals)


def test_it_shows_where_a_stated_annual_cost_differs_from_the_grade(demo):
    (table,) = tables_of(demo, "resource-requirement")

    assert (
        "Legal Support - Additional Solicitors: stated £212,000 a year; the grade arithmetic "
        "gives £215,043 (difference -£3,043)."
    ) in table.notes


def test_it_filters_by_workstream_status_and_phase(demo):
    workstream = demo.workstreams.get(name="MACH")

    (table,) = tables_of(demo, "resource-requirement", workstream=workstream.pk)
    assert [cells["title"] for cells in rows(table)] == ["Team Manager", "Assistant Team Manager"]

    (table,) = tables_of(demo, "resource-requirement", phase="2")
    assert {cells["phase"] for cells in rows(table)} == {"2"}

    (table,) = tables_of(demo, "resource-requirement", status="filled")
    assert rows(table) == []


def test_it_sorts_within_each_workstream(demo):
    (table,) = tables_of(demo, "resource-requirement", sort="annual_cost", descending=True)

    quality = []
    in_group = False
    for row in table.rows:
        if row.kind == RowKind.HEADING:
            in_group = row.cells["title"] == "Quality Assurance"
        elif row.kind == RowKind.LINE and in_group:
            quality.append(row.cells["annual_cost"])
    assert quality == sorted(quality, reverse=True)
    assert casting_errors(table) == []


def test_it_summarises_workstreams_against_financial_years(demo):
    table, _ = tables_of(demo, "multi-year")

    total = rows(table, RowKind.TOTAL)[0]
    assert (total["y2020"], total["y2021"], total["total"]) == (
        D("1765417"),
        D("1328806"),
        D("3094223"),
    )


def test_it_adds_sources_of_funding_up_to_the_cost_of_the_lines(plan):
    lines = [PlanLineFactory(plan=plan, annual_salary=D(salary)) for salary in ("30000", "20000")]
    grant = FundingSourceFactory(organisation=plan.organisation, name="Care Matters ABG")
    AllocationFactory(line=lines[0], source=grant, percent=D("100"))
    AllocationFactory(line=lines[1], source=grant, percent=D("25"))

    sources, *_ = tables_of(plan, "funding")

    by_name = {cells["name"]: cells for cells in rows(sources)}
    assert by_name["Care Matters ABG"]["full_year"] == D("38700") + D("6450")
    assert by_name["Requires additional funding"]["full_year"] == D("19350")
    resource_total = rows(tables_of(plan, "resource-requirement")[0], RowKind.TOTAL)[0]
    assert rows(sources, RowKind.TOTAL)[0]["total"] == resource_total["total"]


def test_it_flags_a_source_allocated_beyond_what_it_has(plan):
    line = PlanLineFactory(plan=plan, annual_salary=D("30000"))
    grant = FundingSourceFactory(organisation=plan.organisation)
    FundingAvailability.objects.create(source=grant, financial_year=2020, amount=D("20000"))
    AllocationFactory(line=line, source=grant, percent=D("100"))

    _, available, *_ = tables_of(plan, "funding")

    first_year = rows(available)[0]
    assert (first_year["available"], first_year["allocated"], first_year["balance"]) == (
        D("20000"),
        D("38700"),
        D("-18700"),
    )
    assert first_year["flag"] == "Over-allocated"
    assert casting_errors(available) == []


def test_it_lists_findings_that_no_line_answers_as_gaps(plan):
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    answered = Finding.objects.create(inspection=inspection, reference="Rec 3", text="Referrals")
    Finding.objects.create(inspection=inspection, reference="para 9", text="Supervision")
    PlanLineFactory(plan=plan).findings.add(answered)

    findings, gaps = tables_of(plan, "findings")

    assert [cells["reference"] for cells in rows(gaps)] == ["para 9"]
    assert [cells["title"] for cells in rows(findings, RowKind.HEADING)] == ["Rec 3: Referrals"]


def test_it_counts_fte_funded_against_fte_in_post(plan):
    workstream = WorkstreamFactory(plan=plan, name="District Teams")
    PlanLineFactory(plan=plan, workstream=workstream, fte=D("12"), fte_in_post=D("10"))
    PlanLineFactory(plan=plan, workstream=workstream, fte=D("10"), fte_in_post=D("0"))

    table, _ = tables_of(plan, "recruitment")

    subtotal = rows(table, RowKind.SUBTOTAL)[0]
    assert (subtotal["funded"], subtotal["in_post"], subtotal["vacant"]) == (
        D("22"),
        D("10"),
        D("12"),
    )


def test_it_shows_the_establishment_by_team_and_role_as_seed_001_does(plan):
    team = TeamFactory(organisation=plan.organisation, name="Contact Advice & Assessment")
    for _ in range(4):
        PlanLineFactory(plan=plan, team=team, title="SW", annual_salary=D("29473"))

    (table,) = tables_of(plan, "establishment")

    (role,) = rows(table)
    assert role["role"] == "4 SW"
    assert (role["fte"], role["unit_cost"], role["budget"]) == (D("4"), D("38020"), D("152080"))


@pytest.mark.parametrize(
    ("by", "names"),
    [
        ("phase", ["Phase 1", "Phase 1 to 3 over time", "Phase 2", "Phase ?", "No phase"]),
        ("status", ["Proposed"]),
    ],
)
def test_it_summarises_years_by_phase_and_by_status(demo, by, names):
    table, _ = tables_of(demo, "multi-year", by=by)

    assert [cells["name"] for cells in rows(table)] == names
    assert rows(table, RowKind.TOTAL)[0]["total"] == D("3094223")
    assert casting_errors(table) == []


def test_it_heads_the_multi_year_summarys_fte_as_net(demo):
    summary, _ = tables_of(demo, "multi-year")

    assert [column.label for column in summary.columns][:2] == ["Workstream", "Net FTE"]
