"""Joining a council by invitation and being locked out after failed sign-ins, in the
browser (issue 18)."""

import re

from django.conf import settings
from playwright.sync_api import expect

from investplan.models import Membership, Role
from tests.e2e.conftest import PASSWORD, sign_in_through_the_form
from tests.e2e.test_accessibility import assert_no_violations


def test_it_invites_a_person_who_chooses_a_password_and_joins(
    page, browser, live_server, council_plan
):
    council = council_plan["plan"].organisation
    sign_in_through_the_form(page, live_server, "ada")
    page.goto(f"{live_server.url}/organisations/{council.slug}/users/")
    page.get_by_label("Email", exact=True).fill("nadia@example.gov.uk")
    page.get_by_label("Name", exact=True).fill("Nadia Khan")
    page.get_by_label("Role", exact=True).select_option(label="Finance officer")
    page.get_by_role("button", name="Send the invitation").click()
    message = page.get_by_role("status")
    expect(message).to_contain_text("Invitation sent to nadia@example.gov.uk")
    expect(page.get_by_role("row", name=re.compile("nadia@example.gov.uk"))).to_be_visible()
    assert_no_violations(page)
    link = re.search(r"(http://\S+/invitations/\S+/)", message.inner_text()).group(1)

    invited = browser.new_context().new_page()
    invited.goto(link)
    expect(invited.get_by_role("heading", name=f"Join {council.name}")).to_be_visible()
    assert_no_violations(invited)
    expect(invited.get_by_text("nadia@example.gov.uk")).to_be_visible()
    expect(invited.get_by_label("Password", exact=True)).to_have_accessible_description(
        re.compile("at least 8 characters")
    )
    invited.get_by_label("Password", exact=True).fill("a-long-chosen-passphrase")
    invited.get_by_label("Password confirmation").fill("a-long-chosen-passphrase")
    invited.get_by_role("button", name=f"Join {council.name}").click()

    expect(invited.get_by_role("status")).to_contain_text(
        f"You have joined {council.name} as finance officer"
    )
    expect(invited.get_by_role("link", name="Getting to Good", exact=True)).to_be_visible()
    joined = Membership.objects.get(user__username="nadia@example.gov.uk")
    assert (joined.organisation_id, joined.role) == (council.pk, Role.FINANCE_OFFICER)


def test_it_says_on_the_sign_in_page_that_signing_in_is_locked(page, live_server, council_plan):
    page.goto(f"{live_server.url}/sign-in/")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        page.get_by_label("Username").fill("fiona")
        page.get_by_label("Password").fill(f"wrong-{attempt}")
        page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Username").fill("fiona")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "Too many failed sign-ins for this username or from this address"
    )
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_no_violations(page)
