"""Approved baselines: approving freezes what committee saw, with when and by whom; every
table prints again exactly as approved; later changes show as a variance."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from figures.services import refigure_plan
from investplan.models import Role
from investplan.services import approve_plan, reopen_plan
from posts.models import PlanLine
from reports.builders import ReportOptions
from reports.comparisons import variance
from reports.documents import ReportDocument
from reports.models import ApprovedBaseline
from reports.services import approved_document, baseline_keys
from reports.tables import RowKind, casting_errors
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    """A social worker and a team manager from April 2025 on 29% on-costs."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    front_door = WorkstreamFactory(plan=plan, name="Front door")
    for position, (title, salary) in enumerate(
        [("Social Worker", "40000"), ("Team Manager", "50000")], start=1
    ):
        PlanLineFactory(
            plan=plan,
            title=title,
            workstream=front_door,
            annual_salary=Decimal(salary),
            start_date="2025-04-01",
            position=position,
        )
    refigure_plan(plan=plan)
    return plan


def member(plan, role, username=None):
    extra = {"user__username": username} if username else {}
    return MembershipFactory(organisation=plan.organisation, role=role, **extra).user


def printed(tables):
    return [(table.title, [(row.kind, row.cells) for row in table.rows]) for table in tables]


def test_it_keeps_who_approved_the_plan_and_when(client, plan):
    client.force_login(member(plan, Role.HEAD_OF_SERVICE, "hazel"))

    response = client.post(
        reverse("plan-status", args=[plan.slug]),
        {"action": "approve", "committee": "Cabinet", "meeting_date": "2026-03-12"},
    )

    baseline = ApprovedBaseline.objects.get(plan=plan)
    assert response.status_code == 302
    assert baseline.approved_by.username == "hazel"
    assert baseline.plan_revision == type(plan).objects.get(pk=plan.pk).revision
    assert set(baseline.documents) >= {"resource-requirement", "multi-year", "funding"}


def test_it_prints_a_table_again_exactly_as_approved_after_the_plan_changes(plan):
    baseline = approve_plan(plan=plan)
    as_approved = ReportDocument.build(plan, "resource-requirement", ReportOptions())
    reopen_plan(plan=plan)
    PlanLine.objects.filter(plan=plan, title="Social Worker").update(fte=Decimal("3"))
    type(plan).bump_revision(plan.pk)
    refigure_plan(plan=plan)

    kept = ApprovedBaseline.objects.get(pk=baseline.pk)  # as read back from the database
    reprinted = approved_document(kept, "resource-requirement")
    now = ReportDocument.build(plan, "resource-requirement", ReportOptions())

    assert printed(reprinted.tables) == printed(as_approved.tables)
    assert printed(now.tables) != printed(as_approved.tables)
    assert reprinted.assumptions == as_approved.assumptions
    assert reprinted.status_label.startswith("Approved ")


def test_it_shows_a_later_change_as_a_variance_against_the_baseline(plan):
    baseline = approve_plan(plan=plan)
    reopen_plan(plan=plan)
    PlanLine.objects.filter(plan=plan, title="Social Worker").update(fte=Decimal("1.5"))
    type(plan).bump_revision(plan.pk)
    refigure_plan(plan=plan)
    plan.refresh_from_db()

    document = variance(plan, baseline, "workstream")

    summary = document.tables[0]
    (front_door,) = [row.cells for row in summary.rows if row.kind == RowKind.LINE]
    assert front_door["fte_change"] == Decimal("0.5")
    # Half a social worker more: 20,000 plus 29% a year for two years.
    assert front_door["total_change"] == Decimal("51600")
    assert all(casting_errors(table) == [] for table in document.tables)
    assert summary.notes[0].startswith("Approved ")


@pytest.mark.parametrize("fmt", ["pdf/", "xlsx/"])
def test_it_prints_the_variance_and_the_approved_tables_for_a_head_of_service(client, plan, fmt):
    baseline = approve_plan(plan=plan)
    client.force_login(member(plan, Role.HEAD_OF_SERVICE))

    variance = client.get(reverse("reports:variance", args=[plan.slug]) + fmt)
    approved = client.get(
        reverse("reports:as-approved", args=[plan.slug, baseline.pk, "funding"]) + fmt
    )

    for response in (variance, approved):
        assert response.status_code == 200
        if fmt == "pdf/":
            assert response.content.startswith(b"%PDF")
        else:
            assert "Assumptions" in load_workbook(BytesIO(response.content)).sheetnames


def test_it_lets_a_viewer_read_the_approved_tables_but_not_print_them(client, plan):
    baseline = approve_plan(plan=plan)
    client.force_login(member(plan, Role.VIEWER))
    address = reverse("reports:as-approved", args=[plan.slug, baseline.pk, "resource-requirement"])

    page = client.get(address)

    assert page.status_code == 200
    assert "Social Worker" in page.content.decode()
    assert client.get(address + "pdf/").status_code == 403


def test_it_hides_another_councils_baseline(client, plan):
    baseline = approve_plan(plan=plan)
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    for address in (
        reverse("reports:as-approved", args=[plan.slug, baseline.pk, "funding"]),
        reverse("reports:variance", args=[plan.slug]),
        reverse("reports:baselines", args=[plan.slug]),
    ):
        assert client.get(address).status_code == 404


def test_it_says_a_plan_never_approved_has_no_baseline(client, plan):
    client.force_login(member(plan, Role.VIEWER))

    page = client.get(reverse("reports:variance", args=[plan.slug])).content.decode()

    assert "has not been approved, so there is no baseline" in page


def test_it_lists_every_approval_with_its_tables(client, plan):
    approve_plan(plan=plan, user=member(plan, Role.HEAD_OF_SERVICE, "hazel"))
    client.force_login(member(plan, Role.VIEWER))

    page = client.get(reverse("reports:baselines", args=[plan.slug])).content.decode()

    assert "by hazel" in page
    assert "Multi-year summary by where based" in page


@pytest.mark.parametrize("key", ["resource-requirement", "multi-year-funding", "findings"])
def test_it_keeps_every_figure_of_the_demo_tables_through_the_database(demo, key):
    baseline = approve_plan(plan=demo)
    slug, options = baseline_keys()[key]
    as_approved = ReportDocument.build(demo, slug, options)

    reprinted = approved_document(ApprovedBaseline.objects.get(pk=baseline.pk), key)

    assert printed(reprinted.tables) == printed(as_approved.tables)


def test_it_writes_the_month_of_the_baseline_with_its_capital_on_the_variance(plan):
    baseline = approve_plan(plan=plan)

    document = variance(plan, baseline, "workstream")

    assert f"baseline approved {timezone.localtime(baseline.approved_at):%-d %B %Y}" in (
        document.status_label
    )


def test_it_heads_the_variance_tables_as_a_council_paper_would(plan):
    baseline = approve_plan(plan=plan)
    when = f"{timezone.localtime(baseline.approved_at):%-d %b %Y}"

    titles = [table.title for table in variance(plan, baseline, "workstream").tables]

    assert titles == [
        f"The baseline approved on {when} against the plan now",
        f"As approved on {when}, by financial year",
        "The plan now, by financial year",
        "Difference by financial year (the plan now less as approved)",
    ]
