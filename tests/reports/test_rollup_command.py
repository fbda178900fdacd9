"""`manage.py rollup PLAN --by ... --json`: the shape, the figures, and that it casts."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from figures.services import refigure_plan
from investplan.models import Finding, Inspection, Plan
from reports.rollups import UNFUNDED, rollup
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    OrganisationFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    make_grade,
)

pytestmark = pytest.mark.django_db


def run_rollup(capsys, slug, *args) -> dict:
    # The plan's figures stored first: lines made by factories have none yet.
    refigure_plan(plan=Plan.objects.get(slug=slug))
    call_command("rollup", slug, *args)
    return json.loads(capsys.readouterr().out)


def test_it_prints_one_json_object_for_a_plan(capsys, plan):
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "K", ["32878"])
    workstream = WorkstreamFactory(plan=plan, name="CWD Service")
    PlanLineFactory(
        plan=plan, grade=grade, annual_salary=None, fte=Decimal("1.5"), workstream=workstream
    )

    data = run_rollup(capsys, plan.slug, "--by", "workstream", "--json")

    assert data["plan"] == plan.slug
    assert data["financial_years"] == ["2020/21", "2021/22"]
    assert data["groups"] == [
        {
            "name": "CWD Service",
            # Whole pounds, as every committee table prints them (decision 0020).
            "fte": "1.50",
            "full_year": "63619.00",
            "years": {"2020/21": "63619.00", "2021/22": "63619.00"},
            "total": "127238.00",
        }
    ]
    assert data["totals"]["total"] == "127238.00"


def test_it_exits_1_with_one_line_on_stderr_for_an_unknown_plan(capsys, db):
    with pytest.raises(SystemExit) as raised:
        call_command("rollup", "no-such-plan", "--json")

    captured = capsys.readouterr()
    assert raised.value.code == 1
    assert captured.err.strip() == "No plan with the slug “no-such-plan”."
    assert captured.out == ""


def test_it_splits_a_line_between_sources_with_the_rest_requiring_additional_funding(capsys, plan):
    line = PlanLineFactory(plan=plan, annual_salary=Decimal("10000"), fte=Decimal("1"))
    grant = FundingSourceFactory(organisation=plan.organisation, name="Care Matters ABG")
    AllocationFactory(line=line, source=grant, percent=Decimal("60"))

    data = run_rollup(capsys, plan.slug, "--by", "funding", "--json")

    assert [(group["name"], group["full_year"], group["fte"]) for group in data["groups"]] == [
        ("Care Matters ABG", "7740.00", "0.60"),
        (UNFUNDED, "5160.00", "0.40"),
    ]


def test_it_stops_funding_from_a_source_after_its_end_date(capsys, plan):
    line = PlanLineFactory(plan=plan, annual_salary=Decimal("10000"))
    grant = FundingSourceFactory(organisation=plan.organisation, end_date="2021-03-31")
    AllocationFactory(line=line, source=grant, percent=Decimal("100"))

    data = run_rollup(capsys, plan.slug, "--by", "funding", "--json")

    by_name = {group["name"]: group["years"] for group in data["groups"]}
    assert by_name[grant.name] == {"2020/21": "12900.00", "2021/22": "0.00"}
    assert by_name[UNFUNDED] == {"2020/21": "0.00", "2021/22": "12900.00"}


def test_it_shares_a_line_answering_two_findings_so_the_findings_cast(capsys, plan):
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    findings = [
        Finding.objects.create(inspection=inspection, reference=ref, text="t", position=i)
        for i, ref in enumerate(["para 19", "Rec 14"])
    ]
    # £10,000.78 plus 29% is £12,901 a year to the pound: an odd number of pounds.
    line = PlanLineFactory(plan=plan, annual_salary=Decimal("10000.78"))
    line.findings.set(findings)

    data = run_rollup(capsys, plan.slug, "--by", "finding", "--json")

    assert [group["full_year"] for group in data["groups"]] == ["6451.00", "6450.00"]
    assert data["totals"]["full_year"] == "12901.00"


@pytest.mark.parametrize(
    "by", ["line", "workstream", "funding", "team", "finding", "phase", "status"]
)
def test_it_casts_every_grouping_of_the_demo_plan(capsys, settings, by):
    settings.DEBUG = True
    call_command("load_demo")
    capsys.readouterr()

    data = run_rollup(capsys, "middlesbrough-2020", "--by", by, "--json")

    for field in ("fte", "full_year", "total"):
        assert sum(Decimal(group[field]) for group in data["groups"]) == Decimal(
            data["totals"][field]
        )
    for year in data["financial_years"]:
        assert sum(Decimal(group["years"][year]) for group in data["groups"]) == Decimal(
            data["totals"]["years"][year]
        )
    for group in [*data["groups"], data["totals"]]:
        assert sum(Decimal(amount) for amount in group["years"].values()) == Decimal(group["total"])


def test_it_reads_a_plan_in_the_same_number_of_queries_however_many_lines(plan):
    source = FundingSourceFactory(organisation=plan.organisation)

    def queries_for(count: int) -> int:
        for _ in range(count):
            line = PlanLineFactory(plan=plan, workstream=WorkstreamFactory(plan=plan))
            AllocationFactory(line=line, source=source, percent=Decimal("10"))
        refigure_plan(plan=plan)
        with CaptureQueriesContext(connection) as captured:
            rollup(plan, "funding")
        return len(captured)

    assert queries_for(3) == queries_for(30)


def test_it_counts_the_fte_of_a_post_that_cannot_be_costed_yet(db):
    workstream = WorkstreamFactory(name="District Teams")
    plan = workstream.plan
    PlanLineFactory(plan=plan, workstream=workstream, fte=Decimal("1"))
    # No grade, salary or stated cost: it cannot be costed, but it is half a post.
    PlanLineFactory(plan=plan, workstream=workstream, fte=Decimal("0.5"), annual_salary=None)
    refigure_plan(plan=plan)

    (group,) = rollup(plan, "workstream").groups

    assert group.figures.fte == Decimal("1.5")


def test_it_says_which_councils_have_a_plan_at_the_address_when_two_do(plan):
    PlanFactory(slug=plan.slug, organisation=OrganisationFactory(name="Northshire"))

    with pytest.raises(CommandError) as raised:
        call_command("rollup", plan.slug, "--json")

    assert str(raised.value).startswith(f"2 councils have a plan at “{plan.slug}”: ")
    assert "Say whose with --council" in str(raised.value)


def test_it_rolls_up_the_plan_of_the_council_named_when_two_have_the_address(capsys, plan):
    theirs = PlanFactory(slug=plan.slug, organisation=OrganisationFactory(slug="northshire"))
    PlanLineFactory(plan=theirs, annual_salary=Decimal("10000"), fte=Decimal("1"))
    refigure_plan(plan=theirs)

    call_command("rollup", plan.slug, "--council", "northshire", "--json")

    assert json.loads(capsys.readouterr().out)["totals"]["full_year"] == "12900.00"
