"""The home page (issue 19, point 4): the council's plans with their totals and status,
scoped to the council, in queries that do not grow with the plans or their lines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.models import PlanFigures
from investplan.models import Role
from investplan.services import approve_plan, copy_plan_as_scenario
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanLineFactory,
    UserFactory,
    WorkstreamFactory,
)
from tests.pages import visible_text
from tests.reports.test_front_page import Page

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Northby Council")


def plan_of(council, name, lines=1, **values):
    plan = PlanFactory(organisation=council, name=name, first_year=2025, last_year=2026, **values)
    workstream = WorkstreamFactory(plan=plan)
    for position in range(lines):
        PlanLineFactory(
            plan=plan, workstream=workstream, position=position, start_date=date(2025, 4, 1),
            annual_salary=Decimal("31000.50") + position,
        )  # fmt: skip
    return plan


def home(client) -> Page:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return Page(response.content.decode())


def plan_rows(page: Page) -> dict[str, list[str]]:
    return {cells[0]: cells for _, cells in page.tables["plans"][1:]}


def signed_in(client, council, role=Role.VIEWER):
    client.force_login(MembershipFactory(organisation=council, role=role).user)
    return client


def test_it_lists_each_plan_with_the_total_its_front_page_shows(client, council):
    plan = plan_of(council, "Getting to Good", lines=3)
    signed_in(client, council)

    (row,) = plan_rows(home(client)).values()
    shown = Page(client.get(reverse("reports:front", args=[plan.slug])).content.decode())

    (costs,) = shown.rows("front-costs", "line")
    # Home: plan, years, total, full-year effect; front: name, FTE, full year, years, total.
    assert row[2] == costs[-1]
    assert row[3] == costs[2]


def test_it_links_each_plan_to_its_front_page(client, council):
    plan = plan_of(council, "Getting to Good")
    signed_in(client, council)

    assert home(client).links["Getting to Good"] == reverse("reports:front", args=[plan.slug])


def test_it_says_which_plans_are_approved_drafts_and_scenarios(client, council):
    approved = plan_of(council, "Approved plan")
    approve_plan(plan=approved, committee="Cabinet")
    draft = plan_of(council, "Draft plan")
    user = MembershipFactory(organisation=council, role=Role.FINANCE_OFFICER).user
    copy_plan_as_scenario(plan=draft, name="Leaner", user=user)
    client.force_login(user)

    rows = plan_rows(home(client))

    assert rows["Approved plan"][4] == "Approved"
    assert rows["Draft plan"][4] == "Draft"
    assert rows["Leaner"][4] == "Draft; a scenario of Draft plan"


def test_it_says_whose_figures_are_being_recalculated(client, council):
    plan = plan_of(council, "Big plan")
    PlanFigures.objects.update_or_create(plan=plan, defaults={"wanted": 2, "done": 1})
    signed_in(client, council)

    assert plan_rows(home(client))["Big plan"][4] == "Draft; figures being recalculated"


def test_it_lists_only_the_councils_own_plans(client, council):
    plan_of(council, "Ours")
    plan_of(OrganisationFactory(), "Theirs")
    signed_in(client, council)

    text = visible_text(home(client).html)

    assert "Ours" in text
    assert "Theirs" not in text


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_it_reads_the_home_page_in_queries_that_do_not_grow_with_plans_or_lines(client, council):
    signed_in(client, council)
    plan_of(council, "First", lines=1)
    few = _home_queries(client)

    for number in range(4):
        plan_of(council, f"More {number}", lines=5)
    scenario_user = MembershipFactory(organisation=council, role=Role.FINANCE_OFFICER).user
    copy_plan_as_scenario(plan=council.plans.get(name="First"), name="Copy", user=scenario_user)
    many = _home_queries(client)

    assert len(plan_rows(home(client))) == 6
    assert many == few


def test_it_tells_a_person_in_no_council_how_to_join_one(client):
    client.force_login(UserFactory())

    text = visible_text(client.get(reverse("home")).content.decode())

    assert "You do not belong to a council yet" in text
    assert "administration pages" not in text


def test_it_tells_the_installations_administrator_where_councils_are_added(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("home")).content.decode()

    assert "add a council and its first admin" in visible_text(page)
    assert '<a href="/admin/">administration pages</a>' in page
