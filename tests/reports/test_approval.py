"""Approval records the committee and its meeting date, and the approved tables print them
(issue 16, item 5)."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from figures.services import refigure_plan
from investplan.models import PlanStatus, Role
from investplan.services import approve_plan, reopen_plan
from reports.models import ApprovedBaseline
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory
from tests.pages import visible_text

pytestmark = pytest.mark.django_db

APPROVAL = "Approved by Children’s Services Committee on 12 March 2026"


@pytest.fixture
def plan():
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    PlanLineFactory(plan=plan, title="Social Worker", annual_salary=Decimal("40000"))
    refigure_plan(plan=plan)
    return plan


@pytest.fixture
def head(client, plan):
    client.force_login(
        MembershipFactory(organisation=plan.organisation, role=Role.HEAD_OF_SERVICE).user
    )
    return client


def approve(client, plan, **fields):
    data = {
        "action": "approve",
        "committee": "Children’s Services Committee",
        "meeting_date": "2026-03-12",
        **fields,
    }
    return client.post(reverse("plan-status", args=[plan.slug]), data)


def test_it_records_the_committee_and_meeting_date_on_approval(head, plan):
    response = approve(head, plan)

    plan.refresh_from_db()
    assert response.status_code == 302
    assert (plan.status, plan.committee, plan.meeting_date) == (
        PlanStatus.APPROVED,
        "Children’s Services Committee",
        date(2026, 3, 12),
    )


def test_it_asks_for_the_committee_and_meeting_date_on_the_approve_form(head, plan):
    page = head.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    assert 'name="committee"' in page
    assert 'type="date"' in page and 'name="meeting_date"' in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"committee": "  "}, "Name the committee that approved the plan."),
        ({"meeting_date": ""}, "Give the date of the meeting."),
        ({"meeting_date": "31/02/2026"}, "Enter the meeting date as a date"),
        ({"meeting_date": "2026-02-31"}, "Enter the meeting date as a date"),
        ({"meeting_date": "1066-10-14"}, "between 1990 and 2100"),
        ({"committee": "c" * 201}, "at most 200 characters"),
    ],
)
def test_it_refuses_an_approval_without_a_committee_or_date_and_approves_nothing(
    head, plan, fields, message
):
    response = approve(head, plan, **fields)

    plan.refresh_from_db()
    assert response.status_code == 422
    assert message in response.content.decode()
    assert plan.status == PlanStatus.DRAFT
    assert plan.committee == ""
    assert not ApprovedBaseline.objects.exists()


def test_it_takes_a_get_of_the_approve_address_to_the_plans_lines_and_says_why(head, plan):
    response = head.get(reverse("plan-status", args=[plan.slug]), follow=True)

    plan.refresh_from_db()
    assert response.redirect_chain == [(reverse("posts:workspace", args=[plan.slug]), 302)]
    text = visible_text(response.content.decode())
    assert (
        f"{plan.name} is a draft. A head of service approves it with the button on this page."
        in text
    )
    assert "Approve the plan" in text
    assert plan.status == PlanStatus.DRAFT


def test_it_says_an_approved_plan_is_reopened_from_its_lines_on_a_get(head, plan):
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))

    response = head.get(reverse("plan-status", args=[plan.slug]), follow=True)

    text = visible_text(response.content.decode())
    assert f"{plan.name} is approved. A head of service reopens it with the button" in text
    assert type(plan).objects.get(pk=plan.pk).status == PlanStatus.APPROVED


def test_it_prints_the_approval_on_the_approved_plans_html_table(head, plan):
    approve(head, plan)

    page = head.get(reverse("reports:report", args=[plan.slug, "resource-requirement"]))

    assert APPROVAL in page.content.decode()


def test_it_prints_the_approval_in_the_approved_plans_pdf(head, plan):
    approve(head, plan)

    pdf = head.get(reverse("reports:pdf", args=[plan.slug, "resource-requirement"]))

    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    assert "Children’s Services Committee" in text
    assert "12 March 2026" in text


def test_it_prints_the_approval_in_the_approved_plans_workbook(head, plan):
    approve(head, plan)

    xlsx = head.get(reverse("reports:xlsx", args=[plan.slug, "resource-requirement"]))

    workbook = load_workbook(BytesIO(xlsx.content))
    rows = {row[0]: row[1] for row in workbook["Assumptions"].iter_rows(values_only=True)}
    assert rows["Approved"] == APPROVAL


def test_it_keeps_the_approval_with_the_baseline_after_the_plan_is_reopened(head, plan):
    approve(head, plan)
    baseline = ApprovedBaseline.objects.get()
    reopen_plan(plan=plan)
    plan.committee = "Another committee"
    plan.save()

    kept = head.get(
        reverse("reports:as-approved", args=[plan.slug, baseline.pk, "resource-requirement"])
    ).content.decode()
    listed = head.get(reverse("reports:baselines", args=[plan.slug])).content.decode()
    xlsx = head.get(
        reverse("reports:as-approved-xlsx", args=[plan.slug, baseline.pk, "resource-requirement"])
    )

    rows = {
        row[0]: row[1]
        for row in load_workbook(BytesIO(xlsx.content))["Assumptions"].iter_rows(values_only=True)
    }
    assert APPROVAL in kept
    assert APPROVAL in listed
    assert rows["Approved"] == APPROVAL


def test_it_prints_no_approval_on_a_reopened_plans_tables(head, plan):
    approve(head, plan)
    reopen_plan(plan=plan)

    page = head.get(reverse("reports:report", args=[plan.slug, "resource-requirement"]))

    assert "Approved by" not in page.content.decode()


def test_it_records_the_committee_given_to_the_approving_service(plan):
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 1, 20))

    plan.refresh_from_db()
    assert (plan.committee, plan.meeting_date) == ("Cabinet", date(2026, 1, 20))


def test_it_will_not_approve_an_approved_plan_again_over_its_committee(head, plan):
    approve(head, plan)

    again = approve(head, plan, committee="Another committee", meeting_date="2026-04-01")

    plan.refresh_from_db()
    assert again.status_code == 422
    assert "already approved" in again.content.decode()
    assert plan.committee == "Children’s Services Committee"
    assert ApprovedBaseline.objects.count() == 1
