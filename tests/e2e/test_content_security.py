"""The pages keep to their Content-Security-Policy in Chromium, and htmx still swaps."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reports.builders import REPORTS
from tests.e2e.conftest import sign_in

# Chromium fires securitypolicyviolation on the document for everything it refuses; the
# listener is added before any of the page's own scripts run, on every page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective}: ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.URL}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and everything refused on it: its violations and its console's CSP errors."""
    refused = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, refused


def violations(page) -> list[str]:
    return page.evaluate("window.__violations")


def main_pages(plan, line) -> list[str]:
    organisation = plan.organisation.slug
    return [
        reverse("home"),
        reverse("posts:workspace", args=[plan.slug]),
        reverse("posts:line", args=[plan.slug, line.pk]),
        reverse("posts:line-new", args=[plan.slug]),
        reverse("posts:plan-history", args=[plan.slug]),
        reverse("posts:paste", args=[plan.slug]),
        reverse("funding:line", args=[plan.slug, line.pk]),
        reverse("assumptions", args=[plan.slug]),
        reverse("plan-details", args=[plan.slug]),
        reverse("findings", args=[organisation]),
        reverse("funding:sources", args=[organisation]),
        reverse("reference", args=[organisation]),
        reverse("posts:imports", args=[organisation]),
        reverse("users", args=[organisation]),
        reverse("plan-new", args=[organisation]),
        reverse("reports:index", args=[plan.slug]),
        *(reverse("reports:report", args=[plan.slug, slug]) for slug in REPORTS),
        reverse("reports:scenarios", args=[plan.slug]),
    ]


def test_it_sends_a_policy_that_allows_no_inline_script_or_style(page, live_server):
    response = page.goto(f"{live_server.url}/sign-in/")

    # The directives come in no fixed order.
    directives = dict(
        part.strip().split(" ", 1)
        for part in response.headers["content-security-policy"].split(";")
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"


def test_it_records_a_violation_when_a_page_runs_inline_script(watched, live_server):
    # The check the next test relies on: a refused inline script is seen.
    page, _ = watched
    page.goto(f"{live_server.url}/sign-in/")

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.append(s); }"
    )

    page.wait_for_function("window.__violations.length > 0")
    assert violations(page)[0].startswith("script-src")
    assert page.evaluate("window.ran === undefined")


def test_it_browses_the_main_pages_with_no_violation(watched, live_server, council_plan):
    page, refused = watched
    plan, line = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "ada")
    seen = {}

    for address in main_pages(plan, line):
        response = page.goto(f"{live_server.url}{address}")
        assert response.status == 200, address
        page.wait_for_load_state("networkidle")
        seen[address] = violations(page)

    assert {address: found for address, found in seen.items() if found} == {}
    assert refused == []


def test_it_saves_a_line_in_place_through_htmx_with_no_violation(
    watched, live_server, council_plan
):
    page, refused = watched
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")

    page.get_by_role("button", name=f"Edit {social_worker.title} here").click()
    expect(page.locator(f"#id_title-{social_worker.pk}")).to_be_focused()
    page.locator(f"#fte-{social_worker.pk}").fill("0.5")
    expect(page.locator(f"#line-{social_worker.pk}-annual")).to_have_text("25,800")
    page.get_by_role("button", name="Save Social Worker").click()

    row = page.locator(f"#line-{social_worker.pk}")
    expect(row.locator("td").nth(1)).to_have_text("0.5")
    expect(page.locator("#plan-totals")).to_contain_text("232,200")
    assert violations(page) == []
    assert refused == []


def test_it_answers_a_form_sent_without_its_token_with_a_page_of_its_own(watched, live_server):
    page, refused = watched
    page.goto(f"{live_server.url}/sign-in/")
    # As a form left open while its cookie went: the token no longer matches.
    page.context.clear_cookies()
    page.get_by_label("Username").fill("fiona")
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="The form could not be sent")).to_be_visible()
    expect(page.get_by_text("nothing was saved")).to_be_visible()
    assert violations(page) == []
    assert refused == []
