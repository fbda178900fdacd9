"""End-to-end tests: a live server, driven in the machine's Chromium by Playwright."""

import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from investplan.models import Role
from tests.factories import (
    MembershipFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    make_grade,
)

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a-long-test-password"

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make to set up and check data are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture
def council_plan(transactional_db):
    """A plan of two workstreams and three posts, with a finance officer, a viewer and a
    user of another council."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    scale = PayScaleFactory(organisation=plan.organisation)
    grade = make_grade(scale, "K", ["40000", "41000"], year=2025)
    front_door = WorkstreamFactory(plan=plan, name="Front door", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality assurance", position=2)
    lines = [
        PlanLineFactory(
            plan=plan,
            title="Social Worker",
            workstream=front_door,
            grade=grade,
            annual_salary=None,
            fte=Decimal("1"),
            start_date="2025-04-01",
            position=1,
        ),
        PlanLineFactory(
            plan=plan,
            title="Team Manager",
            workstream=front_door,
            grade=grade,
            annual_salary=None,
            fte=Decimal("1"),
            start_date="2025-04-01",
            position=2,
        ),
        PlanLineFactory(
            plan=plan,
            title="Audit Officer",
            workstream=quality,
            annual_salary=Decimal("30000"),
            fte=Decimal("1"),
            start_date="2025-04-01",
            position=3,
        ),
    ]
    people = {
        role: MembershipFactory(organisation=plan.organisation, role=role, user__username=name)
        for role, name in (
            (Role.FINANCE_OFFICER, "fiona"),
            (Role.VIEWER, "victor"),
            (Role.ADMIN, "ada"),
            (Role.HEAD_OF_SERVICE, "hazel"),
        )
    }
    MembershipFactory(role=Role.FINANCE_OFFICER, user__username="olly")  # another council
    return {"plan": plan, "lines": lines, "people": people, "grade": grade}


def sign_in(page, live_server, username):
    """The browser signed in as `username`, on the home page, where signing in lands.

    The session is made as the test client's `force_login` makes it (Django's `login`, its
    `user_logged_in` signal and the session saved in the database) and its cookie handed
    to the browser, so a journey starts from its own first page. Signing in through the
    form, in the browser, is driven by `sign_in_through_the_form` in
    test_joining_and_signing_in (and the form itself is tested in tests/investplan)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/")


def sign_in_through_the_form(page, live_server, username):
    """The browser signed in as `username` by typing into the sign-in page, as a person does."""
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
