"""The home page and a plan's front page in a real browser (issue 19, points 4 and 5): a
viewer finds the plan and its total on the home page, opens its front page, follows its
links to the tables behind the figures and finds the same figures there; axe finds no
violations on either page."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from investplan.models import Finding, Inspection
from investplan.services import approve_plan
from posts.models import LineKind
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.factories import AllocationFactory, FundingSourceFactory, PlanLineFactory


@pytest.fixture
def front_plan(council_plan):
    """The council plan with a grant ending after its first year paying half a post, a
    finding nothing answers, and a line that cannot be costed."""
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    grant = FundingSourceFactory(
        organisation=plan.organisation, name="Families First", end_date=date(2026, 3, 31)
    )
    AllocationFactory(line=social_worker, source=grant, percent=Decimal("50"))
    inspection = Inspection.objects.create(organisation=plan.organisation, kind="ilacs")
    Finding.objects.create(
        inspection=inspection, reference="para 30", text="Supervision is not regular"
    )
    PlanLineFactory(plan=plan, title="Practice Lead", annual_salary=None, position=4)
    return council_plan


def test_it_takes_a_viewer_from_the_home_page_to_the_figures_behind_the_front_page(
    page, live_server, front_plan
):
    plan = front_plan["plan"]
    sign_in(page, live_server, "victor")
    plans = page.locator("table#plans")
    expect(plans).to_contain_text("Getting to Good")
    assert_no_violations(page)

    total = plans.locator("tr", has_text="Getting to Good").locator("td.num").first.inner_text()
    page.get_by_role("link", name="Getting to Good", exact=True).click()

    page.wait_for_url(f"{live_server.url}/plans/{plan.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting to Good")
    costs = page.locator("table#front-costs tr.line")
    expect(costs.locator("td.num").last).to_have_text(total)
    expect(page.get_by_text("1 line cannot be costed")).to_be_visible()
    expect(page.get_by_text("para 30: Supervision is not regular")).to_be_visible()
    # Said in words, and marked in the funding cliff's table in the year it ends.
    expect(
        page.get_by_role("listitem").filter(has_text="Families First ends 31 Mar 2026")
    ).to_be_visible()
    expect(page.locator("table#funded-unfunded")).to_contain_text("Families First ends 31 Mar 2026")
    expect(page.get_by_role("img", name="Funded and unfunded by financial year")).to_be_visible()
    assert_no_violations(page)

    page.get_by_role("link", name="multi-year summary by workstream").click()

    summary = page.locator("table#multi-year-workstream tr.total")
    expect(summary.locator("td.num").last).to_have_text(total)


def test_it_finds_no_violations_on_an_approved_plans_front_page(page, live_server, front_plan):
    plan = front_plan["plan"]
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
    sign_in(page, live_server, "hazel")

    page.goto(f"{live_server.url}/plans/{plan.slug}/")

    expect(page.get_by_text("Approved by Cabinet on 12 March 2026.")).to_be_visible()
    expect(page.get_by_role("link", name="The tables as approved")).to_be_visible()
    assert_no_violations(page)


def test_it_opens_the_workspace_from_the_front_page(page, live_server, front_plan):
    plan = front_plan["plan"]
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")

    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Lines").click()

    page.wait_for_url(f"{live_server.url}/plans/{plan.slug}/lines/")
    expect(page.locator("#plan-totals")).to_be_visible()


def test_it_labels_the_two_fte_totals_so_a_reader_sees_why_they_differ(
    page, live_server, front_plan
):
    plan = front_plan["plan"]
    PlanLineFactory(
        plan=plan, kind=LineKind.RELEASED_BUDGET, title="Funded by: vacant post",
        annual_salary=50000, fte=1, start_date="2025-04-01", position=5,
    )  # fmt: skip
    sign_in(page, live_server, "victor")
    page.goto(f"{live_server.url}/plans/{plan.slug}/")

    costs = page.locator("table#front-costs")
    expect(costs.get_by_role("columnheader", name="Net FTE")).to_be_visible()
    expect(costs.locator("tr.line td.num").first).to_have_text("3")
    funded = page.locator("dt", has_text="FTE funded (new posts)").locator("+ dd")
    expect(funded).to_have_text("4")
    expect(
        page.get_by_text("Net FTE adds every line's FTE: new posts add theirs (4 FTE")
    ).to_be_visible()
    assert_no_violations(page)

    page.get_by_role("link", name="Recruitment", exact=True).click()

    expect(page.locator("table#recruitment tr.total td.num").first).to_have_text("4")
