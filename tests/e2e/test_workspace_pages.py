"""A plan bigger than the workspace's first page, in a real browser (issue 17, point 7):
the finance officer shows more of a workstream, reaches a line beyond its first rows,
edits it in place, and its row, its workstream's subtotal and the plan's totals follow."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from investplan.models import Role
from posts import workspace
from posts.models import PlanLine
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.factories import MembershipFactory, PlanFactory, PlanLineFactory, WorkstreamFactory


@pytest.fixture
def large_plan(transactional_db, monkeypatch):
    """Assessment of ten posts, each £1,000 a year dearer than the last, and Quality of
    two, on pages of a few rows (as a plan of thousands of lines opens with about 100 rows)."""
    monkeypatch.setattr(workspace, "FIRST_PAGE_ROWS", 4)
    monkeypatch.setattr(workspace, "FEWEST_ROWS", 2)
    monkeypatch.setattr(workspace, "MORE_ROWS", 3)
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    assessment = WorkstreamFactory(plan=plan, name="Assessment", position=1)
    quality = WorkstreamFactory(plan=plan, name="Quality", position=2)
    lines = [
        PlanLineFactory(
            plan=plan,
            title=f"Social Worker {number}",
            workstream=assessment,
            annual_salary=Decimal(30000 + 1000 * number),
            start_date="2025-04-01",
            position=number,
        )
        for number in range(10)
    ]
    for number in range(2):
        PlanLineFactory(
            plan=plan,
            title=f"Auditor {number}",
            workstream=quality,
            annual_salary=Decimal("35000"),
            start_date="2025-04-01",
            position=20 + number,
        )
    MembershipFactory(
        organisation=plan.organisation, role=Role.FINANCE_OFFICER, user__username="fiona"
    )
    return plan, assessment, lines


def test_it_reaches_a_line_beyond_the_first_rows_and_saves_it_in_place(
    page, live_server, large_plan
):
    plan, assessment, lines = large_plan
    wanted = lines[8]  # 38,000 + 29% on-costs = 49,020 a year
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    totals = page.locator("#plan-totals")
    subtotal = page.locator(f"#subtotal-group-{assessment.pk}")
    # Every line in the sums, though two of Assessment's ten are shown.
    expect(totals).to_contain_text("535,350")
    expect(subtotal).to_contain_text("445,050")
    expect(page.locator(f"#line-{wanted.pk}")).to_have_count(0)
    expect(page.get_by_text("2 of 10 lines in Assessment shown.")).to_be_visible()

    for shown in (5, 8, 10):
        page.get_by_role("link", name=re.compile(r"^Show \d+ more lines in Assessment")).click()
        expect(page.get_by_text(f"{shown} of 10 lines in Assessment shown.")).to_have_count(
            1 if shown < 10 else 0
        )
        expect(page.locator(f"#group-{assessment.pk} tr.line")).to_have_count(shown)
    # The focus went to the first row that came in, not back to the top of the page.
    expect(page.locator(f"#line-{lines[8].pk} th")).to_be_focused()

    page.get_by_role("button", name=f"Edit {wanted.title} here").click()
    expect(page.locator(f"#id_title-{wanted.pk}")).to_be_focused()
    page.locator(f"#fte-{wanted.pk}").fill("0.5")
    page.get_by_role("button", name=f"Save {wanted.title}").click()

    row = page.locator(f"#line-{wanted.pk}")
    expect(row.locator("td").nth(1)).to_have_text("0.5")
    expect(row).to_contain_text("24,510")
    expect(subtotal).to_contain_text("420,540")  # 445,050 less 24,510
    expect(totals).to_contain_text("510,840")  # 535,350 less 24,510
    assert PlanLine.objects.get(pk=wanted.pk).fte == Decimal("0.5")
    expect(page.locator(f"#group-{assessment.pk} tr.line")).to_have_count(10)  # all still there


def test_it_finds_no_accessibility_violations_with_more_to_show(page, live_server, large_plan):
    plan, assessment, _ = large_plan
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    more = page.get_by_role("link", name=re.compile(r"^Show \d+ more lines in Assessment"))
    assert_no_violations(page)

    more.click()
    expect(page.locator(f"#group-{assessment.pk} tr.line")).to_have_count(5)
    assert_no_violations(page)
