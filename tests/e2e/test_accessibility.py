"""Automated accessibility checks (axe-core, every rule it runs by default, WCAG 2.2 AA
among them) on the workspace, the line form and the committee tables (issue 5, point 8)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

axe = Axe()


def assert_no_violations(page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_it_finds_no_violations_on_the_workspace(page, live_server, council_plan):
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/lines/")
    expect(page.locator("#plan-totals")).to_be_visible()
    assert_no_violations(page)


def test_it_finds_no_violations_on_a_row_being_edited(page, live_server, council_plan):
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/lines/")
    page.get_by_role("button", name="Edit Social Worker here").click()
    expect(page.get_by_role("textbox", name="Post")).to_be_focused()
    assert_no_violations(page)


def test_it_finds_no_violations_on_the_line_form(page, live_server, council_plan):
    plan, line = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/{line.pk}/")
    assert_no_violations(page)


def test_it_finds_no_violations_on_the_line_form_with_errors(page, live_server, council_plan):
    plan, line = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/{line.pk}/")
    page.get_by_label("FTE", exact=True).fill("-1")
    page.get_by_role("button", name="Save line").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="FTE: FTE must be above zero")).to_be_visible()
    assert_no_violations(page)


@pytest.mark.parametrize(
    "report",
    ["resource-requirement", "multi-year", "funding", "findings", "recruitment", "establishment"],
)
def test_it_finds_no_violations_on_the_committee_tables(page, live_server, council_plan, report):
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/reports/{report}/")
    assert_no_violations(page)


def test_it_finds_no_violations_on_a_paste_preview(page, live_server, council_plan):
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/paste/")
    page.get_by_label("Cells copied from Excel").fill(
        "Social Worker\tK\t1\t01/04/2025\t24\t£41,000\tFront door\tNorth\nAnalyst\ttbc\tlots\n"
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("1 row in error")
    assert_no_violations(page)
