"""The Django admin is the installation's, for superusers only (issue 18, decision 0025):
a council's staff user reads nothing of any council there."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from investplan.models import Role
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory

pytestmark = pytest.mark.django_db


def test_it_shows_a_staff_user_who_is_not_a_superuser_no_councils_lines(client):
    staff = MembershipFactory(role=Role.ADMIN, user__is_staff=True).user
    # Every permission the admin knows: still not a way into another council's lines.
    staff.user_permissions.set(Permission.objects.all())
    PlanLineFactory(plan=PlanFactory(), title="Elsewhere Team Manager")

    client.force_login(staff)
    response = client.get(reverse("admin:posts_planline_changelist"), follow=True)

    assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
    assert "Elsewhere Team Manager" not in response.content.decode()
    assert "not authorized to access this page" in response.content.decode()


def test_it_shows_a_superuser_every_councils_lines(admin_client):
    PlanLineFactory(plan=PlanFactory(), title="Elsewhere Team Manager")

    response = admin_client.get(reverse("admin:posts_planline_changelist"))

    assert response.status_code == 200
    assert "Elsewhere Team Manager" in response.content.decode()


def test_it_links_the_sites_icon_from_the_admin_as_from_every_page(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    # Without it a browser asks for /favicon.ico, which is not found.
    assert '<link rel="icon" href="/static/investplan/favicon.svg" type="image/svg+xml">' in page
    assert "Site administration" in page  # the admin's own page still, with its own title
