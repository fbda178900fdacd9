"""Who may do what (issue 5, point 1): refused with 403 outside one's role, with the
controls not shown; another council's plan does not exist (404) whatever the URL."""

import pytest
from django.urls import reverse

from investplan.models import PlanStatus, Role
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db


def member(plan, role):
    return MembershipFactory(organisation=plan.organisation, role=role).user


def test_it_refuses_a_viewer_an_edit_with_403(client, plan):
    line = PlanLineFactory(plan=plan)
    client.force_login(member(plan, Role.VIEWER))

    response = client.post(
        reverse("posts:line-in-place", args=[plan.slug, line.pk]),
        {"title": "Renamed", "fte": "2", "start_date": "2020-04-01"},
    )

    assert response.status_code == 403
    line.refresh_from_db()
    assert line.title != "Renamed"


def test_it_shows_a_viewer_no_edit_controls(client, plan):
    PlanLineFactory(plan=plan, title="Social Worker")
    client.force_login(member(plan, Role.VIEWER))

    page = client.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    assert "Social Worker" in page
    for control in ("Add a line", "Edit<span", "Duplicate<span", "Delete<span", "Approve the"):
        assert control not in page


def test_it_shows_a_finance_officer_the_edit_controls(client, plan):
    PlanLineFactory(plan=plan, title="Social Worker")
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    page = client.get(reverse("posts:workspace", args=[plan.slug])).content.decode()

    for control in ("Add a line", "Edit<span", "Duplicate<span", "Delete<span"):
        assert control in page
    assert "Approve the plan" not in page


def test_it_refuses_a_finance_officer_an_edit_to_an_approved_plan(client):
    plan = PlanFactory(status=PlanStatus.APPROVED)
    line = PlanLineFactory(plan=plan)
    client.force_login(member(plan, Role.FINANCE_OFFICER))

    page = client.get(reverse("posts:workspace", args=[plan.slug])).content.decode()
    response = client.get(reverse("posts:line", args=[plan.slug, line.pk]))

    assert "Edit<span" not in page
    assert "approved" in page
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name, args",
    [
        ("posts:workspace", []),
        ("posts:line", ["line"]),
        ("posts:line-history", ["line"]),
        ("posts:line-working", ["line"]),
        ("funding:line", ["line"]),
        ("assumptions", []),
        ("posts:plan-history", []),
    ],
)
def test_it_gives_another_councils_user_404_whatever_the_address(client, plan, name, args):
    line = PlanLineFactory(plan=plan)
    client.force_login(MembershipFactory(role=Role.ADMIN).user)  # an admin elsewhere

    response = client.get(reverse(name, args=[plan.slug, *[line.pk for _ in args]]))

    assert response.status_code == 404


def test_it_gives_another_councils_user_404_for_a_forged_save(client, plan):
    line = PlanLineFactory(plan=plan)
    client.force_login(MembershipFactory(role=Role.FINANCE_OFFICER).user)

    response = client.post(
        reverse("posts:line-delete", args=[plan.slug, line.pk]),
    )

    assert response.status_code == 404
    assert line.__class__.objects.filter(pk=line.pk).exists()


def test_it_lets_only_a_head_of_service_or_admin_approve(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))
    approval = {"action": "approve", "committee": "Cabinet", "meeting_date": "2026-03-12"}
    refused = client.post(reverse("plan-status", args=[plan.slug]), approval)
    client.force_login(member(plan, Role.HEAD_OF_SERVICE))
    approved = client.post(reverse("plan-status", args=[plan.slug]), approval)

    plan.refresh_from_db()
    assert refused.status_code == 403
    assert approved.status_code == 302
    assert plan.status == PlanStatus.APPROVED


@pytest.mark.parametrize("role", [Role.VIEWER, Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER])
def test_it_keeps_reference_data_and_people_to_admins(client, plan, role):
    client.force_login(member(plan, role))
    organisation = plan.organisation.slug

    for name in ("reference", "users", "posts:pay-scales"):
        assert client.get(reverse(name, args=[organisation])).status_code == 403, name


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.VIEWER, 403),
        (Role.HEAD_OF_SERVICE, 403),
        (Role.FINANCE_OFFICER, 200),
        (Role.ADMIN, 200),
    ],
)
def test_it_lets_finance_officers_and_admins_keep_the_funding_sources(client, plan, role, status):
    client.force_login(member(plan, role))
    page = client.get(reverse("funding:sources", args=[plan.organisation.slug]))

    assert page.status_code == status


def test_it_shows_admin_pages_only_to_admins_in_the_header(client, plan):
    client.force_login(member(plan, Role.FINANCE_OFFICER))
    finance_page = client.get("/").content.decode()
    client.force_login(member(plan, Role.ADMIN))
    admin_page = client.get("/").content.decode()

    assert "Reference data" not in finance_page
    assert "Reference data" in admin_page


def test_it_switches_a_user_between_their_councils(client):
    first, second = PlanFactory(name="First plan"), PlanFactory(name="Second plan")
    membership = MembershipFactory(organisation=first.organisation)
    MembershipFactory(user=membership.user, organisation=second.organisation)
    client.force_login(membership.user)

    before = client.get("/").content.decode()
    client.post(reverse("switch-organisation"), {"organisation": second.organisation.slug})
    after = client.get("/").content.decode()

    assert "First plan" in before and "Second plan" not in before
    assert "Second plan" in after and "First plan" not in after


def test_it_will_not_switch_a_user_to_a_council_they_do_not_belong_to(client, plan):
    client.force_login(MembershipFactory().user)

    response = client.post(reverse("switch-organisation"), {"organisation": plan.organisation.slug})

    assert response.status_code == 404


def test_it_signs_a_user_out(client, plan):
    client.force_login(member(plan, Role.VIEWER))

    client.post(reverse("sign-out"))

    assert client.get("/").status_code == 302
