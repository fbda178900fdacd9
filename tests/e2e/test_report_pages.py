"""A committee table longer than a page, in a real browser (issue 17, point 8): the finance
officer reads the plan's totals on the first page, follows "Next" to a line further down
without JavaScript, and the page has no accessibility violations."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from investplan.models import Role
from reports import views
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory, WorkstreamFactory


@pytest.fixture
def long_plan(transactional_db, monkeypatch):
    """Five posts of £30,000 a year (£38,700 with on-costs) in Assessment, shown three
    lines at a time."""
    monkeypatch.setattr(views, "PAGE_LINES", 3)
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2025)
    assessment = WorkstreamFactory(plan=plan, name="Assessment", position=1)
    for number in range(5):
        PlanLineFactory(
            plan=plan,
            title=f"Social Worker {number}",
            workstream=assessment,
            annual_salary=Decimal("30000"),
            start_date="2025-04-01",
            position=number,
        )
    MembershipFactory(
        organisation=plan.organisation, role=Role.FINANCE_OFFICER, user__username="fiona"
    )
    return plan


def test_it_reaches_a_line_on_the_next_page_with_the_whole_plans_total(
    browser, live_server, long_plan
):
    page = browser.new_page(java_script_enabled=False)  # plain links: no script needed
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{long_plan.slug}/reports/resource-requirement/")
    table = page.locator("table#resource-requirement")
    expect(page.get_by_text("Lines 1–3 of 5 of Resource requirement").first).to_be_visible()
    expect(table.locator("tr.line")).to_have_count(3)
    expect(table.locator("tr.total")).to_contain_text("193,500")  # five posts of 38,700
    expect(table.locator("tr.subtotal")).to_contain_text("Subtotal: Assessment (all 5 lines)")

    page.get_by_role("navigation", name="Lines of Resource requirement").get_by_role(
        "link", name="Next 3 lines"
    ).click()

    expect(table.locator("tr.line")).to_have_count(2)
    expect(table.locator("tr.line").first).to_contain_text("Social Worker 3")
    expect(table.locator("tr.heading")).to_have_text("Assessment (continued)")
    expect(table.locator("tr.total")).to_contain_text("193,500")
    page.close()


def test_it_finds_no_accessibility_violations_on_a_page_of_lines(page, live_server, long_plan):
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{long_plan.slug}/reports/resource-requirement/")
    assert_no_violations(page)
