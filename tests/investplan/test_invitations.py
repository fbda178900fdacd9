"""People join a council by an invitation they accept (issue 18): the council's admin
invites by email; the link works once, for that council only; adding someone says
nothing of the people of other councils."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from investplan.models import Invitation, Membership, Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-chosen-passphrase"


@pytest.fixture
def admin(council_admin):
    return council_admin


def invite(client, email="nadia@example.gov.uk", role="finance_officer", name="Nadia Khan"):
    return client.post(
        reverse("users", args=[client.organisation.slug]),
        {"email": email, "name": name, "role": role},
        follow=True,
    )


def link_in(email) -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", email.body).group(1)


def accept_as_new(client, link, **posted):
    return client.post(link, {"password1": PASSWORD, "password2": PASSWORD, **posted}, follow=True)


def test_it_emails_an_invitation_link_and_makes_no_account_yet(admin):
    response = invite(admin)

    [email] = mail.outbox
    assert email.to == ["nadia@example.gov.uk"]
    assert admin.organisation.name in email.subject
    assert "Invitation sent to nadia@example.gov.uk" in response.content.decode()
    assert Invitation.objects.get().role == Role.FINANCE_OFFICER
    assert not get_user_model().objects.filter(email="nadia@example.gov.uk").exists()


def test_it_keeps_only_a_hash_of_the_links_token(admin):
    invite(admin)

    token = link_in(mail.outbox[0]).strip("/").split("/")[-1]
    assert token not in Invitation.objects.get().token_hash


def test_it_lets_the_invited_person_choose_a_password_and_join_as_their_address(admin, client):
    invite(admin, email="Nadia@example.gov.uk")
    link = link_in(mail.outbox[0])
    admin.logout()

    response = accept_as_new(client, link)

    user = get_user_model().objects.get(username="nadia@example.gov.uk")
    assert user.check_password(PASSWORD)
    assert user.email == "Nadia@example.gov.uk"  # as the admin typed it
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (admin.organisation.pk, Role.FINANCE_OFFICER)
    ]
    assert response.redirect_chain[-1][0] == reverse("home")
    assert f"You have joined {admin.organisation.name} as finance officer" in (
        response.content.decode()
    )


def test_it_lets_someone_of_another_council_sign_in_and_join_this_one_too(admin, client):
    invite(admin)
    link = link_in(mail.outbox[0])
    elsewhere = MembershipFactory(role=Role.ADMIN)
    client.force_login(elsewhere.user)

    client.post(link)

    assert set(
        Membership.objects.filter(user=elsewhere.user).values_list("organisation", "role")
    ) == {
        (elsewhere.organisation.pk, Role.ADMIN),
        (admin.organisation.pk, Role.FINANCE_OFFICER),
    }


def test_it_refuses_a_link_already_used_and_says_so(admin, client):
    invite(admin)
    link = link_in(mail.outbox[0])
    admin.logout()
    accept_as_new(client, link)
    client.logout()

    response = accept_as_new(client, link, username="someone-else")

    assert response.status_code == 410
    assert "This invitation has already been used" in response.content.decode()
    assert get_user_model().objects.filter(email="nadia@example.gov.uk").count() == 1


def test_it_refuses_an_expired_link_and_says_so(admin, client):
    invite(admin)
    link = link_in(mail.outbox[0])
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    admin.logout()

    response = accept_as_new(client, link)

    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()
    assert not get_user_model().objects.filter(email="nadia@example.gov.uk").exists()


def test_it_refuses_a_withdrawn_invitation(admin, client):
    invite(admin)
    link = link_in(mail.outbox[0])
    admin.post(
        reverse("invitation-withdraw", args=[admin.organisation.slug, Invitation.objects.get().pk])
    )
    admin.logout()

    response = client.get(link)

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_it_ignores_a_username_posted_with_the_password(admin, client):
    """Choosing a username would tell the person which ones exist: "finance", or a person
    of another council (issue 18, item 8)."""
    UserFactory(username="olly")
    invite(admin)
    link = link_in(mail.outbox[0])
    admin.logout()

    response = accept_as_new(client, link, username="olly")

    assert "already exists" not in response.content.decode()
    assert get_user_model().objects.get(email="nadia@example.gov.uk").username == (
        "nadia@example.gov.uk"
    )


def test_it_asks_the_holder_of_an_account_with_the_address_to_sign_in_and_join(admin, client):
    UserFactory(username="nadia@example.gov.uk")
    invite(admin)
    link = link_in(mail.outbox[0])
    admin.logout()

    response = accept_as_new(client, link)

    assert response.status_code == 422
    assert "sign in with it, then open this link again" in response.content.decode()
    assert Membership.objects.filter(organisation=admin.organisation).count() == 1  # the admin


def test_it_refuses_a_password_too_like_the_address_on_the_password_field(admin, client):
    invite(admin)
    link = link_in(mail.outbox[0])
    admin.logout()

    response = accept_as_new(
        client, link, password1="nadia@example.gov.uk", password2="nadia@example.gov.uk"
    )

    assert response.status_code == 422
    assert "too similar" in str(response.context["form"].errors["password1"])
    assert not get_user_model().objects.filter(email="nadia@example.gov.uk").exists()


def test_it_refuses_a_made_up_link(client):
    response = client.get(reverse("invitation", args=["not-a-real-token"]))

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_it_no_longer_attaches_an_existing_user_of_another_council_by_username(admin):
    elsewhere = MembershipFactory(user__username="olly")

    response = admin.post(
        reverse("users", args=[admin.organisation.slug]),
        {"username": "olly", "role": "admin"},
    )

    assert response.status_code == 422
    assert not Membership.objects.filter(
        user=elsewhere.user, organisation=admin.organisation
    ).exists()
    assert "olly" not in response.content.decode()


def test_it_answers_the_same_whoever_the_address_belongs_to(admin):
    UserFactory(username="olly", email="olly@elsewhere.gov.uk")

    known = invite(admin, email="olly@elsewhere.gov.uk", name="")
    unknown = invite(admin, email="nobody@elsewhere.gov.uk", name="")

    def said(response):
        return [str(message).split(" Their link")[0] for message in response.context["messages"]]

    assert said(known) == ["Invitation sent to olly@elsewhere.gov.uk."]
    assert said(unknown) == ["Invitation sent to nobody@elsewhere.gov.uk."]
    assert not Membership.objects.filter(organisation=admin.organisation, user__username="olly")


def test_it_will_not_let_a_finance_officer_invite(client):
    membership = MembershipFactory(role=Role.FINANCE_OFFICER)
    client.force_login(membership.user)

    response = client.post(
        reverse("users", args=[membership.organisation.slug]),
        {"email": "nadia@example.gov.uk", "name": "", "role": "admin"},
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_will_not_withdraw_another_councils_invitation(admin):
    theirs = Invitation.objects.create(
        organisation=OrganisationFactory(),
        email="x@example.gov.uk",
        role=Role.VIEWER,
        token_hash="0" * 64,
        expires_at=timezone.now() + timedelta(days=1),
    )

    response = admin.post(reverse("invitation-withdraw", args=[admin.organisation.slug, theirs.pk]))

    assert response.status_code == 404
    assert Invitation.objects.filter(pk=theirs.pk).exists()
