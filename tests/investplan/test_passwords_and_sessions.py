"""Passwords are changed and reset with Django's own views; a session ends after a working
day without a request (issue 18)."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from investplan.password_reset import send_reset_link
from investplan.signing_in import RENEWED_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RIGHT = "a-long-test-password"
NEW = "a-brand-new-passphrase"


def ask_for_a_reset(client, email):
    """The reset page's form sent, its task recorded as the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, follow=True)


def run_the_worker():
    """What `db_worker` does with each reset task recorded (its command closes the
    database connection between tasks, which a test's transaction cannot survive)."""
    for recorded in DBTaskResult.objects.filter(task_path=send_reset_link.module_path):
        send_reset_link.call(*recorded.args_kwargs["args"], **recorded.args_kwargs["kwargs"])


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

    ask_for_a_reset(client, "nadia@example.gov.uk")
    run_the_worker()
    [email] = mail.outbox
    link = re.search(r"http://testserver(/password/reset/\S+/)", email.body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})

    user.refresh_from_db()
    assert email.to == ["nadia@example.gov.uk"]
    assert email.subject == "Reset your InvestPlan password"
    assert user.check_password(NEW)


def test_it_answers_a_reset_before_the_email_is_sent_and_keeps_no_link(client):
    user = UserFactory(email="nadia@example.gov.uk")

    response = ask_for_a_reset(client, "nadia@example.gov.uk")

    assert "If the address belongs to an account" in response.content.decode()
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "investplan.password_reset.send_reset_link"
    # The account and where the link points; the link's token is made by the worker.
    assert task.args_kwargs == {"args": [user.pk, "testserver", "testserver", False], "kwargs": {}}


def test_it_says_the_same_for_an_address_it_does_not_know(client):
    UserFactory(email="nadia@example.gov.uk")

    response = ask_for_a_reset(client, "nobody@example.gov.uk")
    run_the_worker()

    assert mail.outbox == []
    assert not DBTaskResult.objects.exists()
    assert "If the address belongs to an account" in response.content.decode()


def test_it_offers_the_reset_on_the_sign_in_page(client):
    page = client.get(reverse("sign-in")).content.decode()

    assert f'href="{reverse("password_reset")}"' in page


def test_it_gives_a_session_a_working_day(client):
    user = UserFactory()

    response = client.post(reverse("sign-in"), {"username": user.username, "password": RIGHT})

    assert response.cookies["sessionid"]["max-age"] == 9 * 60 * 60


def _last_renewed(client, *, minutes_ago: int, ends_in: timedelta) -> Session:
    """The signed-in session as if its end was last moved `minutes_ago`, and ends in
    `ends_in`."""
    session = client.session
    session[RENEWED_AT] = int(time.time()) - minutes_ago * 60
    session.save()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + ends_in)
    return Session.objects.get(pk=session.session_key)


def test_it_moves_a_sessions_end_on_when_a_request_comes_after_five_minutes(client):
    client.force_login(UserFactory())
    # As if the last request had been eight hours ago: an hour of the day left.
    stored = _last_renewed(client, minutes_ago=8 * 60, ends_in=timedelta(hours=1))

    client.get(reverse("home"))

    stored.refresh_from_db()
    assert stored.expire_date > timezone.now() + timedelta(hours=8, minutes=55)


def test_it_does_not_write_the_session_again_within_five_minutes(client):
    client.force_login(UserFactory())
    stored = _last_renewed(client, minutes_ago=1, ends_in=timedelta(hours=8, minutes=59))
    before = stored.expire_date

    client.get(reverse("home"))

    stored.refresh_from_db()
    assert stored.expire_date == before


def test_it_ends_a_session_idle_past_its_end(client):
    client.force_login(UserFactory())
    _last_renewed(client, minutes_ago=9 * 60, ends_in=timedelta(seconds=-1))

    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("sign-in"))
