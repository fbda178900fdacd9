"""The charts page in Chromium: every chart image loads and draws under the page's CSP,
nothing is refused, and axe finds no violations."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

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
