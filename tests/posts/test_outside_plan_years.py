"""A line wholly outside the plan's years costs nothing in the plan and adds nothing to any
total, its full-year effect included; its row, its page and its working say so."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from figures.services import refigure_plan
from investplan.models import Role
from posts.models import LineKind
from posts.workspace import build_workspace
from reports.builders import ReportContext
from reports.builders import recruitment as recruitment_tables
from reports.rollups import rollup
from reports.tables import RowKind
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db
FLAG = "outside the plan's years: 2023/24 to 2024/25"


@pytest.fixture
def plan():
    plan = PlanFactory(first_year=2023, last_year=2024)
    PlanLineFactory(plan=plan, title="Social Worker", start_date=date(2023, 4, 1), position=1)
    return plan


@pytest.fixture
def ended(plan):
    """A two-year post that ended a year before the plan starts."""
    return PlanLineFactory(
        plan=plan,
        title="Data Analyst",
        start_date=date(2020, 4, 1),
        duration_months=24,
        position=2,
    )


def test_it_adds_nothing_for_a_line_that_ended_before_the_plan_to_its_full_year_total(plan, ended):
    sheet = build_workspace(plan)

    row = sheet.group_of(ended.pk)[1]
    assert row.figures.full_year == 0 and row.figures.total == 0
    assert sheet.totals.full_year == Decimal("42413")  # the social worker alone


def test_it_adds_no_fte_for_a_post_outside_the_plans_years_to_any_total(plan, ended):
    sheet = build_workspace(plan)
    refigure_plan(plan=plan)
    (recruitment, _) = recruitment_tables(ReportContext.build(plan))

    assert sheet.group_of(ended.pk)[1].figures.fte == 0
    assert sheet.totals.fte == Decimal("1")
    assert [row.cells["funded"] for row in recruitment.rows if row.kind == RowKind.TOTAL] == [
        Decimal("1")
    ]


def test_it_adds_nothing_for_a_one_off_cost_dated_after_the_plan(plan):
    PlanLineFactory(
        plan=plan,
        kind=LineKind.NON_STAFF,
        title="Exit costs",
        annual_salary=None,
        fte=None,
        amount=Decimal("120000"),
        one_off=True,
        start_date=date(2026, 6, 1),
    )

    refigure_plan(plan=plan)
    totals = rollup(plan, "workstream").totals

    assert totals.full_year == Decimal("42413")  # the other line alone, in whole pounds


def test_it_flags_a_line_outside_the_plans_years_on_its_row(client, plan, ended):
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.VIEWER).user)

    page = unescape(client.get(reverse("posts:workspace", args=[plan.slug])).content.decode())

    assert "Outside the plan's years: 2023/24 to 2024/25: it costs nothing in the plan" in page
    assert page.count(FLAG.capitalize()) == 1


def test_it_flags_a_line_outside_the_plans_years_on_its_page(client, plan, ended):
    client.force_login(MembershipFactory(organisation=plan.organisation).user)

    page = unescape(client.get(reverse("posts:line", args=[plan.slug, ended.pk])).content.decode())

    assert f"This line is {FLAG}. It costs nothing in the plan." in page


def test_it_flags_a_line_outside_the_plans_years_in_its_working(client, plan, ended):
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.VIEWER).user)

    page = unescape(
        client.get(reverse("posts:line-working", args=[plan.slug, ended.pk])).content.decode()
    )

    assert f"This line is {FLAG}." in page
    assert "No cost falls within the plan's years." in page


def test_it_tells_whether_a_line_would_be_outside_other_years(plan, ended):
    # For a plan whose years change: the lines then outside them, by the same rule.
    assert ended.is_outside_years(2023, 2024)
    assert not ended.is_outside_years(2021, 2022)
    assert ended.outside_plan_years == FLAG
