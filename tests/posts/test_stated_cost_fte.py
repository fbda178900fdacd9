"""A stated annual cost is the cost at the FTE it was stated for (decision 0016): the line
keeps that FTE, set by import, the demo and the line form; another FTE scales the cost
pro rata, and the row, the working and the establishment table say so."""

import importlib
from decimal import Decimal
from html import unescape

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from investplan.models import Plan, Role
from posts.importing import import_appendix
from posts.models import PlanLine
from posts.services import add_plan_line, line_version, update_plan_line
from posts.workspace import build_workspace
from reports.builders import ReportContext, establishment
from reports.tables import RowKind
from tests.factories import MembershipFactory, OrganisationFactory, PlanFactory, PlanLineFactory
from tests.posts.appendix_files import csv_bytes

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def plan():
    return PlanFactory(first_year=2020, last_year=2021)


@pytest.fixture
def developer(plan):
    """Seed 000's ICT LCS Developer: 1 FTE, stated at £42,413 a year."""
    return add_plan_line(
        plan=plan,
        title="ICT LCS Developer",
        fte=Decimal("1"),
        start_date="2020-04-01",
        stated_annual_cost=Decimal("42413"),
    )


def annual_cost(plan, line) -> Decimal:
    return build_workspace(plan).group_of(line.pk)[1].figures.full_year


def test_it_takes_a_typed_stated_cost_to_be_for_the_fte_it_was_typed_with(plan):
    line = add_plan_line(
        plan=plan,
        title="Analyst",
        fte=Decimal("0.5"),
        start_date="2020-04-01",
        stated_annual_cost=Decimal("21000"),
    )

    assert line.stated_cost_fte == Decimal("0.5")
    assert annual_cost(plan, line) == Decimal("21000")


def test_it_halves_a_stated_cost_when_only_the_fte_is_halved(plan, developer):
    update_plan_line(line_id=developer.pk, seen_version=line_version(developer), fte="0.5")

    developer.refresh_from_db()
    assert developer.stated_cost_fte == Decimal("1")
    assert annual_cost(plan, developer) == Decimal("21207")


def test_it_takes_a_new_stated_cost_typed_with_a_new_fte_as_stated_for_that_fte(plan, developer):
    update_plan_line(
        line_id=developer.pk,
        seen_version=line_version(developer),
        fte=Decimal("0.5"),
        stated_annual_cost=Decimal("22000"),
    )

    developer.refresh_from_db()
    assert developer.stated_cost_fte == Decimal("0.5")
    assert annual_cost(plan, developer) == Decimal("22000")


def test_it_keeps_the_fte_a_cost_is_stated_for_of_a_line_saved_without_one(plan):
    # A line written before the FTE was kept: its cost was for the FTE it had.
    line = PlanLineFactory(
        plan=plan, annual_salary=None, fte=Decimal("1"), stated_annual_cost=Decimal("42413")
    )

    update_plan_line(line_id=line.pk, seen_version=line_version(line), fte=Decimal("0.5"))

    line.refresh_from_db()
    assert line.stated_cost_fte == Decimal("1")
    assert annual_cost(plan, line) == Decimal("21207")


def test_it_forgets_the_fte_of_a_stated_cost_that_is_taken_away(plan, developer):
    update_plan_line(
        line_id=developer.pk,
        seen_version=line_version(developer),
        stated_annual_cost=None,
        annual_salary=Decimal("32878"),
    )

    developer.refresh_from_db()
    assert developer.stated_cost_fte is None


def test_it_halves_the_row_of_a_stated_cost_post_halved_in_place(client, plan, developer):
    client.force_login(MembershipFactory(organisation=plan.organisation).user)
    data = {
        "title": developer.title,
        "fte": "0.5",
        "start_date": "2020-04-01",
        "duration_months": "",
        "version": line_version(developer),
    }

    response = client.post(
        reverse("posts:line-in-place", args=[plan.slug, developer.pk]), data, **HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "21,207" in page and "42,413" not in page.replace("£42,413.00", "")
    assert "Stated cost £42,413.00 for 1 FTE × 0.5/1 = £21,206.50" in page


def test_it_says_in_the_working_that_the_stated_cost_is_scaled(client, plan, developer):
    update_plan_line(line_id=developer.pk, seen_version=line_version(developer), fte="0.5")
    client.force_login(MembershipFactory(organisation=plan.organisation, role=Role.VIEWER).user)

    page = unescape(
        client.get(reverse("posts:line-working", args=[plan.slug, developer.pk])).content.decode()
    )

    assert "£42,413.00 for 1 FTE × 0.5/1 = £21,206.50" in page
    assert "stated annual cost £42,413.00 for 1 FTE × 0.5/1 = £21,206.50 at 2020/21 pay" in page


def test_it_prints_the_unit_cost_per_fte_of_a_halved_stated_cost_post(plan, developer):
    update_plan_line(line_id=developer.pk, seen_version=line_version(developer), fte="0.5")

    (table,) = establishment(ReportContext.build(plan))

    (row,) = [row for row in table.rows if row.kind == RowKind.LINE]
    assert row.cells["budget"] == Decimal("21207")
    assert row.cells["unit_cost"] == Decimal("42413")


def test_it_changes_nothing_when_a_scaled_line_is_saved_unchanged_from_its_page(
    client, plan, developer
):
    update_plan_line(line_id=developer.pk, seen_version=line_version(developer), fte="0.5")
    client.force_login(MembershipFactory(organisation=plan.organisation).user)
    line = PlanLine.objects.get(pk=developer.pk)
    address = reverse("posts:line", args=[plan.slug, line.pk])
    form = client.get(address).context["form"]
    data = {
        name: ("" if value is None else value)
        for name, value in ((field.html_name, field.value()) for field in form)
        if name != "findings"
    }

    response = client.post(address, {k: v for k, v in data.items() if v is not False})

    assert response.status_code == 302
    saved = PlanLine.objects.get(pk=line.pk)
    assert (saved.fte, saved.stated_cost_fte) == (Decimal("0.5"), Decimal("1"))
    assert annual_cost(plan, saved) == Decimal("21207")


def test_it_records_the_fte_an_imported_cost_is_stated_for():
    rows = [
        ["Post", "Grade", "FTE", "Annual cost"],
        ["Social Worker", "tbc", "1.5", "63619"],
    ]

    import_appendix(
        organisation=OrganisationFactory(),
        plan_slug="imported",
        file_name="posts.csv",
        data=csv_bytes(rows),
    )

    line = PlanLine.objects.get(plan__slug="imported")
    assert (line.stated_annual_cost.amount, line.stated_cost_fte) == (
        Decimal("63619"),
        Decimal("1.5"),
    )


def test_it_loads_each_demo_stated_cost_for_the_fte_of_its_row(settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)

    lines = PlanLine.objects.filter(plan__slug="middlesbrough-2020", stated_annual_cost__gt=0)
    assert lines.count() == 21
    assert all(line.stated_cost_fte == line.fte for line in lines)
    specialist = lines.get(title="Transformation Project Specialist")
    assert specialist.stated_cost_fte == Decimal("0.6")


def test_it_takes_existing_stated_costs_to_be_for_the_lines_fte_on_upgrade(plan):
    line = PlanLineFactory(
        plan=plan, annual_salary=None, fte=Decimal("0.5"), stated_annual_cost=Decimal("42413")
    )
    migration = importlib.import_module("posts.migrations.0007_stated_cost_fte")

    migration.stated_at_the_current_fte(apps, None)

    line.refresh_from_db()
    assert line.stated_cost_fte == Decimal("0.5")
    assert annual_cost(Plan.objects.get(pk=plan.pk), line) == Decimal("42413")


def test_it_says_on_the_line_page_which_fte_the_cost_is_stated_for(client, plan, developer):
    client.force_login(MembershipFactory(organisation=plan.organisation).user)

    page = client.get(reverse("posts:line", args=[plan.slug, developer.pk])).content.decode()

    assert "Stated for 1 FTE: at another FTE it is scaled pro rata." in page
