import re

import pytest
from django.urls import reverse

from investplan.models import Role
from tests.factories import MembershipFactory, PlanFactory

pytestmark = pytest.mark.django_db


def test_it_lets_a_non_staff_finance_officer_sign_in_and_see_their_plans(client):
    membership = MembershipFactory(role=Role.FINANCE_OFFICER)
    plan = PlanFactory(organisation=membership.organisation, name="Getting to Good")

    response = client.post(
        reverse("sign-in"),
        {"username": membership.user.username, "password": "a-long-test-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert plan.name in response.content.decode()


def test_it_signs_in_with_the_address_in_any_case_for_an_account_named_by_it(client):
    membership = MembershipFactory(user__username="jo.bloggs@example.gov.uk")

    response = client.post(
        reverse("sign-in"),
        {"username": "Jo.Bloggs@Example.gov.uk", "password": "a-long-test-password"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == membership.user


def test_it_signs_in_only_the_exact_spelling_where_two_usernames_differ_in_case(client):
    MembershipFactory(user__username="Olly")
    MembershipFactory(user__username="olly")

    response = client.post(
        reverse("sign-in"), {"username": "OLLY", "password": "a-long-test-password"}
    )

    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert "the username is not" in page  # case-sensitive, as Django's own words had it


def test_it_shows_no_other_councils_plans(client):
    membership = MembershipFactory()
    other = PlanFactory(name="Another council's plan")
    client.force_login(membership.user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert other.name not in response.content.decode()


def test_it_sends_a_signed_out_visitor_to_sign_in(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))


def test_it_says_why_a_sign_in_failed(client):
    response = client.post(reverse("sign-in"), {"username": "nobody", "password": "wrong"})

    page = response.content.decode()
    assert "Please enter a correct username and password" in page
    assert "the username is not" in page  # case-sensitive, as Django's own words had it


def test_it_links_the_sites_icon_and_serves_it(client):
    page = client.get(reverse("sign-in")).content.decode()
    address = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)[1]

    icon = client.get(address)

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content if icon.streaming else [icon.content])
