"""The financial implications page in the browser: axe finds nothing, and a figure leads
to the table it is printed in."""

import docx
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from investplan.models import Role
from tests.e2e.conftest import sign_in
from tests.factories import MembershipFactory
from tests.reports.helpers import funded_and_changed_plan, page_header

axe = Axe()


@pytest.fixture
def plan(transactional_db):
    plan = funded_and_changed_plan()
    MembershipFactory(organisation=plan.organisation, role=Role.VIEWER, user__username="victor")
    return plan


def test_it_finds_no_violations_and_a_figure_leads_to_its_table(page, live_server, plan):
    sign_in(page, live_server, "victor")
    page.goto(f"{live_server.url}/plans/{plan.slug}/reports/")
    page.get_by_role("link", name="Financial implications").click()
    expect(page.get_by_role("heading", name="Financial implications", level=1)).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    section = page.get_by_role("region", name="4. When funding ends")
    section.locator("a.figure").first.click()
    expect(page).to_have_url(
        f"{live_server.url}/plans/{plan.slug}/reports/multi-year/#recurring-pressure"
    )
    expect(page.locator("#recurring-pressure")).to_contain_text("Families First grant")


def test_it_downloads_a_draft_plans_word_file_marked_draft_with_the_pages_numbered_headings(
    page, live_server, plan
):
    MembershipFactory(
        organisation=plan.organisation, role=Role.HEAD_OF_SERVICE, user__username="hazel"
    )
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{plan.slug}/reports/financial-implications/")
    headings = page.locator("article.implications h2").all_inner_texts()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word").click()

    word = docx.Document(download.value.path())
    assert "DRAFT" in page_header(word.sections[0])
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 2"] == headings
    assert headings[0] == "1. The cost of the plan"
