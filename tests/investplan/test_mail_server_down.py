"""A mail server that takes the connection and never answers, or is not there: past
EMAIL_TIMEOUT an invitation gives the admin its link to pass on, and the worker gives up on
a password reset's link, each failure logged for the IT team (a tryout found both answered
500 after gunicorn's 60 s; without the timeout these tests would wait for ever)."""

import socket
import threading

import pytest
from django.urls import reverse

from investplan.models import Invitation
from investplan.password_reset import send_reset_link
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_mail_server():
    """A port that accepts connections and says nothing: SMTP waits for its greeting."""
    listener = socket.create_server(("127.0.0.1", 0))
    held = []
    stop = threading.Event()

    def hold():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def smtp_to(settings):
    def point_at(port: int):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 1

    return point_at


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return probe.getsockname()[1]


def invite(client):
    return client.post(
        reverse("users", args=[client.organisation.slug]),
        {"email": "nadia@example.gov.uk", "name": "Nadia Khan", "role": "finance_officer"},
        follow=True,
    )


def test_it_gives_the_admin_the_link_when_the_mail_server_never_answers(
    council_admin, silent_mail_server, smtp_to, caplog
):
    smtp_to(silent_mail_server)

    response = invite(council_admin)

    page = response.content.decode()
    assert response.status_code == 200
    assert "The email to nadia@example.gov.uk could not be sent" in page
    assert "/invitations/" in page
    assert Invitation.objects.get().email == "nadia@example.gov.uk"
    assert "Failed to send the invitation email to nadia@example.gov.uk" in caplog.text


def test_it_gives_the_admin_the_link_when_there_is_no_mail_server(council_admin, smtp_to):
    smtp_to(free_port())

    response = invite(council_admin)

    assert "The email to nadia@example.gov.uk could not be sent" in response.content.decode()


def test_it_logs_a_reset_link_the_worker_could_not_send(silent_mail_server, smtp_to, caplog):
    account = UserFactory(email="fiona@example.gov.uk")
    smtp_to(silent_mail_server)

    send_reset_link.call(account.pk, "investplan.example.gov.uk", "InvestPlan", True)

    assert f"Failed to send password reset email to {account.pk}" in caplog.text
