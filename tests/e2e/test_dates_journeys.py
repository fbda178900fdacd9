"""Journeys with dates in them (issue 16, item 1 and acceptance point 2): what is typed is
what is stored, and saving again unchanged changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.forms.models import model_to_dict
from playwright.sync_api import expect

from funding.models import FundingSource
from posts.models import LineKind, LineStatus, PlanLine
from tests.e2e.conftest import sign_in
from tests.e2e.every_kind import plan_of_every_kind
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


def stored(line_id) -> dict:
    """Every field of the line as stored, its findings by id."""
    line = PlanLine.objects.get(pk=line_id)
    facts = model_to_dict(line)
    facts["findings"] = sorted(finding.pk for finding in facts["findings"])
    return facts


def test_it_stores_exactly_what_a_finance_officer_types_into_every_field_of_a_line(
    page, live_server
):
    setting = plan_of_every_kind()
    plan, line = setting["plan"], setting["lines"]["post"]
    grade_k, grade_m = setting["grades"]["K"], setting["grades"]["M"]
    quality, (para_36, rec_14) = setting["workstreams"][1], setting["findings"]
    south = TeamFactory(organisation=plan.organisation, name="South district")
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    page.get_by_role("link", name="All fields of Social Worker").click()
    expect(page.get_by_role("heading", name="Change “Social Worker”")).to_be_visible()
    expect(page.get_by_label("End date")).to_have_value("2027-03-31")  # as stored

    choose = {
        "Kind": LineKind.UPLIFT,
        "Workstream": str(quality.pk),
        "Where based": str(south.pk),
        "Status": LineStatus.APPROVED,
        "Grade": str(grade_m.pk),
        "Point": str(grade_m.top_point.pk),
        "From grade": str(grade_k.pk),
        "From point": str(grade_k.top_point.pk),
    }
    for label, value in choose.items():
        page.get_by_label(label, exact=True).select_option(value)
    type_in = {
        "Post or item": "Advanced Practitioner",
        "Section": "Appendix 4",
        "Phase": "Phase 2",
        "Grade as written": "M (was K)",
        "Stated annual salary (£)": "47250.50",
        "FTE": "0.8",
        "Headcount": "2",
        "FTE in post": "0.4",
        "Start date": "2025-06-01",
        "End date": "",
        "Duration months": "24",
        "Expected start date": "2025-08-04",
        "Actual start date": "2025-09-01",
        "Amount (£)": "1200",
        "Stated annual cost (£)": "61000.25",
        "Justification": "Regraded to hold the most complex cases.",
    }
    for label, value in type_in.items():
        page.get_by_label(label, exact=True).fill(value)
    for label, checked in (
        ("Agency cover until filled", False),
        ("Social worker post", False),
        ("Recruitment and retention payments", False),
        ("One off", True),
        (str(para_36), False),
        (str(rec_14), True),
    ):
        page.get_by_label(label, exact=True).set_checked(checked)
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_text("Saved “Advanced Practitioner”.")).to_be_visible()

    saved = stored(line.pk)
    assert saved == {
        **saved,
        "kind": "uplift",
        "title": "Advanced Practitioner",
        "workstream": quality.pk,
        "team": south.pk,
        "section": "Appendix 4",
        "phase": "Phase 2",
        "status": "approved",
        "grade": grade_m.pk,
        "point": grade_m.top_point_id,
        "grade_as_written": "M (was K)",
        "from_grade": grade_k.pk,
        "from_point": grade_k.top_point_id,
        "fte": Decimal("0.8"),
        "headcount": 2,
        "fte_in_post": Decimal("0.4"),
        "start_date": date(2025, 6, 1),
        "end_date": None,
        "duration_months": 24,
        "expected_start_date": date(2025, 8, 4),
        "actual_start_date": date(2025, 9, 1),
        "agency_cover": False,
        "social_worker": False,
        "reward_scheme": False,
        "one_off": True,
        "justification": "Regraded to hold the most complex cases.",
        "findings": [rec_14.pk],
    }
    money = PlanLine.objects.get(pk=line.pk)
    assert (money.annual_salary.amount, money.amount.amount, money.stated_annual_cost.amount) == (
        Decimal("47250.50"),
        Decimal("1200.00"),
        Decimal("61000.25"),
    )

    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/{line.pk}/")
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_text("Saved “Advanced Practitioner”.")).to_be_visible()
    assert stored(line.pk) == saved


def test_it_keeps_a_grants_end_date_and_its_funding_cliff_when_the_sources_page_is_saved_again(
    page, live_server
):
    setting = plan_of_every_kind()
    grant, plan = setting["sources"]["grant"], setting["plan"]
    post = setting["lines"]["post"]  # 60% on the grant, to 31 March 2027
    FundingSource.objects.filter(pk=grant.pk).update(end_date=None)
    sign_in(page, live_server, "fiona")  # a finance officer keeps the grants (decision 0010)
    page.get_by_role("link", name="Funding sources").click()
    row = page.locator("tr", has=page.locator('input[value="Improvement grant"]'))

    row.locator('input[type="date"]').fill("2026-03-31")
    page.get_by_role("button", name="Save funding sources").click()
    expect(page.get_by_text("Funding sources saved.")).to_be_visible()
    assert FundingSource.objects.get(pk=grant.pk).end_date == date(2026, 3, 31)

    expect(row.locator('input[type="date"]')).to_have_value("2026-03-31")
    page.get_by_role("button", name="Save funding sources").click()
    expect(page.get_by_text("Funding sources saved.")).to_be_visible()
    assert FundingSource.objects.get(pk=grant.pk).end_date == date(2026, 3, 31)
    assert [s.name for s in PlanLine.objects.get(pk=post.pk).sources_ending_before_it] == [
        "Improvement grant"
    ]
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    expect(page.locator(f"#line-{post.pk}")).to_contain_text(
        "Outlives Improvement grant, which ends 31 Mar 2026"
    )


def test_it_keeps_a_lines_other_dates_when_its_start_is_changed_in_its_row(page, live_server):
    setting = plan_of_every_kind()
    plan, line = setting["plan"], setting["lines"]["post"]
    before = stored(line.pk)
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    page.get_by_role("button", name="Edit Social Worker here").click()
    start = page.locator(f"#start-{line.pk}")
    expect(start).to_have_value("2025-04-01")

    start.fill("2025-05-01")
    page.get_by_role("button", name="Save Social Worker").click()

    expect(page.locator(f"#line-{line.pk}")).to_contain_text("1 May 2025")
    assert stored(line.pk) == {**before, "start_date": date(2025, 5, 1)}
