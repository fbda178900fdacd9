"""The charts page in Chromium: every chart image loads and draws under the page's CSP,
nothing is refused, and axe finds no violations."""

from datetime import date

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from investplan.services import approve_plan
from tests.e2e.conftest import sign_in
from tests.e2e.test_content_security import violations, watched  # noqa: F401 (a fixture)

axe = Axe()


def test_it_draws_every_chart_under_the_csp_with_no_violations(
    watched,  # noqa: F811
    live_server,
    council_plan,
):
    page, refused = watched
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/charts/")
    images = page.locator("figure.chart img")
    expect(images).to_have_count(3)  # the fourth needs an approved baseline

    for index in range(3):
        image = images.nth(index).element_handle()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image)

    assert violations(page) == []
    assert refused == []
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_it_draws_a_tables_chart_on_its_report_page(page, live_server, council_plan):
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/reports/funding/")

    image = page.get_by_role("img", name="Funded and unfunded by financial year", exact=False)

    expect(image).to_be_visible()
    page.wait_for_function("img => img.naturalWidth > 0", arg=image.element_handle())
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_it_says_which_charts_a_filter_applies_to_and_which_show_the_whole_plan(
    page, live_server, council_plan
):
    plan = council_plan["plan"]
    approve_plan(plan=plan, committee="Cabinet", meeting_date=date(2026, 3, 12))
    front_door = plan.workstreams.get(name="Front door")
    sign_in(page, live_server, "hazel")

    page.goto(f"{live_server.url}/plans/{plan.slug}/charts/?workstream={front_door.pk}")

    expect(page.get_by_text("Showing only lines with workstream “Front door”.")).to_be_visible()
    expect(page.get_by_text("recruitment show only those lines", exact=False)).to_be_visible()
    baseline = page.get_by_role("region", name="Against the approved baseline")
    expect(baseline).to_contain_text("The whole plan, not only the lines filtered to.")
    expect(page.locator("figure.chart img")).to_have_count(4)
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
