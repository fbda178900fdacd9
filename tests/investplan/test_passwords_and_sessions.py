"""Passwords are changed and reset with Django's own views; a session ends after a working
day without a request (issue 18)."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "a-long-test-password"
NEW = "a-brand-new-passphrase"


def test_it_changes_a_password_for_a_signed_in_person(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )

    user.refresh_from_db()
    assert user.check_password(NEW)
    assert "Your password is changed" in response.content.decode()


def test_it_refuses_a_password_change_with_the_wrong_old_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
    )

    user.refresh_from_db()
    assert user.check_password(RIGHT)
    assert "Your old password was entered incorrectly" in response.content.decode()


def test_it_resets_a_forgotten_password_by_a_link_sent_by_email(client):
    user = UserFactory(email="nadia@example.gov.uk")

    client.post(reverse("password_reset"), {"email": "nadia@example.gov.uk"})
    [email] = mail.outbox
    link = re.search(r"http://testserver(/password/reset/\S+/)", email.body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    user.refresh_from_db()
    assert email.to == ["nadia@example.gov.uk"]
    assert email.subject == "Reset your InvestPlan password"
    assert user.check_password(NEW)


def test_it_says_the_same_for_an_address_it_does_not_know(client):
    UserFactory(email="nadia@example.gov.uk")

    response = client.post(
        reverse("password_reset"), {"email": "nobody@example.gov.uk"}, follow=True
    )

    assert mail.outbox == []
    assert "If the address belongs to an account" in response.content.decode()


def test_it_offers_the_reset_on_the_sign_in_page(client):
    page = client.get(reverse("sign-in")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page


def test_it_gives_a_session_a_working_day(client):
    user = UserFactory()

    response = client.post(reverse("sign-in"), {"username": user.username, "password": RIGHT})

    assert response.cookies["sessionid"]["max-age"] == 9 * 60 * 60


def test_it_moves_a_sessions_end_on_with_every_request(client):
    user = UserFactory()
    client.force_login(user)
    session = Session.objects.get()
    # As if the last request had been eight hours ago: an hour of the day left.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(hours=1))

    client.get(reverse("home"))

    session.refresh_from_db()
    assert session.expire_date > timezone.now() + timedelta(hours=8, minutes=55)
