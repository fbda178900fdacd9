"""Brute force (issue 18): failed sign-ins lock the username and the address for a while,
with a message on the sign-in page; an administrator unlocks."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "a-long-test-password"


def sign_in(client, username, password, address="192.0.2.10", **headers):
    return client.post(
        reverse("sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, username, times, address="192.0.2.10", **headers):
    for attempt in range(times):
        sign_in(client, username, f"wrong-{attempt}", address, **headers)


def test_it_refuses_the_right_password_after_thirty_wrong_ones_and_says_why(client):
    user = MembershipFactory().user
    fail(client, user.username, 30)

    response = sign_in(client, user.username, RIGHT)

    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins for this username or from this address" in page
    assert "Try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_it_still_lets_another_user_in_from_another_address(client):
    locked, other = UserFactory(), UserFactory()
    fail(client, locked.username, 30, address="192.0.2.10")

    response = sign_in(client, other.username, RIGHT, address="198.51.100.7")

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_it_refuses_a_locked_username_from_another_address_too(client):
    user = UserFactory()
    fail(client, user.username, 30, address="192.0.2.10")

    response = sign_in(client, user.username, RIGHT, address="198.51.100.7")

    # The username is locked wherever the attempt comes from.
    assert response.status_code == 429


def test_it_counts_a_username_typed_in_other_cases_as_one(client):
    user = UserFactory(username="fiona.finance@example.gov.uk")
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        spelling = user.username.upper() if attempt % 2 else user.username.title()
        # Each try from an address of its own, so only the username's count can lock it.
        sign_in(client, spelling, f"wrong-{attempt}", address=f"198.51.100.{attempt + 1}")

    response = sign_in(client, user.username, RIGHT, address="203.0.113.9")

    assert response.status_code == 429


def test_it_locks_an_address_trying_many_usernames(client):
    for number in range(30):
        sign_in(client, f"guess{number}", "wrong", address="192.0.2.10")
    user = UserFactory()

    response = sign_in(client, user.username, RIGHT, address="192.0.2.10")

    assert response.status_code == 429


def test_it_lets_a_person_in_again_once_an_administrator_unlocks_the_username(client):
    user = UserFactory()
    fail(client, user.username, 30)

    call_command("axes_reset_username", user.username)
    response = sign_in(client, user.username, RIGHT)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_it_lists_locked_sign_ins_in_the_admin_for_a_superuser_to_delete(client, superuser):
    user = UserFactory()
    fail(client, user.username, 30)
    client.force_login(superuser)

    listed = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert listed.status_code == 200
    assert user.username in listed.content.decode()


@override_settings(TRUSTED_PROXIES=1)
def test_it_counts_behind_a_proxy_by_the_address_the_proxy_saw(client):
    user, other = UserFactory(), UserFactory()
    # Everyone reaches the app from the proxy's address; X-Forwarded-For says who it was,
    # and what the visitor wrote on its left is not believed.
    fail(client, user.username, 30, address="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.10")

    elsewhere = sign_in(
        client, other.username, RIGHT, address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    spoofed = sign_in(
        Client(),
        other.username,
        RIGHT,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.10",
    )

    assert elsewhere.status_code == 302
    assert spoofed.status_code == 429


def test_it_keeps_the_test_clients_login_working(client):
    user = UserFactory()

    assert client.login(username=user.username, password=RIGHT)
