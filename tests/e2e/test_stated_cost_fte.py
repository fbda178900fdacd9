"""A finance officer halves a stated-cost post's FTE in the workspace (issue 16, items 2
and 7): the row, its subtotal and the totals halve, the database holds the new FTE and
half the cost, and saving the line's own page unchanged changes nothing."""

from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from figures.costing import cost_line
from figures.models import LineFigures
from investplan.models import Role
from posts.models import PlanLine
from posts.services import add_plan_line
from tests.e2e.conftest import sign_in
from tests.factories import MembershipFactory, PlanFactory, WorkstreamFactory


@pytest.fixture
def stated_plan(transactional_db):
    """Seed 000's ICT LCS Developer (1 FTE, stated at £42,413 a year) and an officer at
    £30,000 on 29% on-costs (£38,700 a year), over 2025/26 and 2026/27."""
    plan = PlanFactory(name="Getting to Good", first_year=2025, last_year=2026)
    lcs = WorkstreamFactory(plan=plan, name="LCS system", position=1)
    developer = add_plan_line(
        plan=plan,
        title="ICT LCS Developer",
        workstream=lcs,
        fte=Decimal("1"),
        start_date="2025-04-01",
        stated_annual_cost=Decimal("42413"),
    )
    add_plan_line(
        plan=plan,
        title="Support Officer",
        workstream=lcs,
        fte=Decimal("1"),
        annual_salary=Decimal("30000"),
        start_date="2025-04-01",
    )
    MembershipFactory(
        organisation=plan.organisation, role=Role.FINANCE_OFFICER, user__username="fiona"
    )
    return plan, developer


def _stored_full_year(line) -> Decimal:
    return Decimal(LineFigures.objects.get(line_id=line.pk).full_year_exact)


def test_it_halves_a_stated_cost_post_halved_in_place(page, live_server, stated_plan):
    plan, developer = stated_plan
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    row, totals = page.locator(f"#line-{developer.pk}"), page.locator("#plan-totals")
    subtotal = page.locator(f"#subtotal-group-{developer.workstream_id}")
    expect(row).to_contain_text("84,826")  # £42,413 in each of two years
    expect(totals).to_contain_text("81,113")  # 42,413 + 38,700 a year

    page.get_by_role("button", name=f"Edit {developer.title} here").click()
    expect(page.locator(f"#id_title-{developer.pk}")).to_be_focused()
    page.locator(f"#fte-{developer.pk}").fill("0.5")
    page.get_by_role("button", name=f"Save {developer.title}").click()

    expect(row).to_contain_text("Stated cost £42,413.00 for 1 FTE × 0.5/1 = £21,206.50")
    expect(row).to_contain_text("21,207")
    expect(row).not_to_contain_text("84,826")
    expect(subtotal).to_contain_text("59,907")  # 21,207 + 38,700
    expect(totals).to_contain_text("59,907")
    saved = PlanLine.objects.get(pk=developer.pk)
    assert (saved.fte, saved.stated_cost_fte) == (Decimal("0.5"), Decimal("1"))
    assert _stored_full_year(saved) == Decimal("21206.5")
    assert cost_line(saved).years == {year: Decimal("21206.5") for year in plan.financial_years}

    # The line's own page, saved as it stands, changes nothing.
    before = model_to_dict(PlanLine.objects.get(pk=developer.pk))
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/{developer.pk}/")
    expect(page.get_by_label("FTE", exact=True)).to_have_value("0.50")
    page.get_by_role("button", name="Save line").click()
    # The workspace opened down to the line saved (decision 0022).
    page.wait_for_url(
        f"{live_server.url}/plans/{plan.slug}/lines/?show={developer.pk}#line-{developer.pk}"
    )

    expect(page.locator(f"#line-{developer.pk}")).to_contain_text("21,207")
    assert model_to_dict(PlanLine.objects.get(pk=developer.pk)) == before
    assert _stored_full_year(saved) == Decimal("21206.5")
