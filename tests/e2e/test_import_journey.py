"""An admin imports real council tables in the browser (issue 16, item 4 and acceptance point
2): both workbooks in fixtures/appendices/, a CSV in seed 001's shape and a workbook with its
funding sources on a second sheet. The preview says why it reads what it reads; after the
commit the database holds what the files mean, to the penny."""

import re
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from funding.models import Allocation, FundingAvailability
from investplan.models import Plan, Role
from posts.appendix.text import clean_text, name_key
from posts.models import LineKind, PlanLine
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.factories import MembershipFactory, PlanFactory
from tests.posts.appendix_files import (
    MIDDLESBROUGH,
    SEED_001,
    STAFFORDSHIRE,
    csv_bytes,
    wirral_workbook,
)


@pytest.fixture
def admin(transactional_db):
    return MembershipFactory(role=Role.ADMIN, user__username="ada").organisation


def _preview(page, live_server, council, name: str, data: bytes, plan: str):
    """Upload the file and land on its preview."""
    sign_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/organisations/{council.slug}/imports/")
    page.get_by_label("Appendix file").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}]
    )
    page.get_by_label("Plan", exact=True).fill(plan)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name=f"Preview: {name}")).to_be_visible()


def test_it_describes_each_import_field_by_its_hint(page, live_server, admin):
    sign_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/organisations/{admin.slug}/imports/")
    expect(page.get_by_label("Appendix file")).to_have_accessible_description(
        "An Excel workbook (.xlsx, .xlsm) or CSV file, up to 10 MB."
    )
    expect(page.get_by_label("Plan", exact=True)).to_have_accessible_description(
        re.compile("^The short name of the plan")
    )
    assert_no_violations(page)


def _commit_and_open(page, live_server, lines: int, plan_slug: str, sources: int = 0):
    button = f"Import {lines} lines" + (f" and {sources} funding sources" if sources else "")
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(f"{lines} lines added")
    page.goto(f"{live_server.url}/plans/{plan_slug}/lines/")
    expect(page.locator("#plan-totals")).to_be_visible()


def _cost(line) -> Decimal:
    """A line's annual cost as stated: a post's stated cost, a non-staff line's amount."""
    money = line.stated_annual_cost if line.stated_annual_cost is not None else line.amount
    return money.amount if money is not None else Decimal(0)


def test_it_imports_seed_001_as_a_csv_as_its_committee_report_means_it(page, live_server, admin):
    _preview(page, live_server, admin, "getting-to-good.csv", csv_bytes(SEED_001), "gtg")
    expect(
        page.get_by_text(
            "“Total cost” read as the cost of one post: 4 × £38,020 = £152,080 in “Total "
            "Budget” on 8 of 8 rows"
        )
    ).to_be_visible()
    expect(page.locator("#row-11")).to_contain_text("total")
    assert_no_violations(page)
    _commit_and_open(page, live_server, 9, "gtg")
    expect(page.get_by_role("rowheader", name="Total", exact=True)).to_be_visible()

    lines = list(PlanLine.objects.filter(plan__slug="gtg").select_related("team"))
    assert len(lines) == 9
    assert sum(line.fte or 0 for line in lines) == Decimal("12.5")
    assert sum(_cost(line) for line in lines) == Decimal("551210")
    social_workers = [line for line in lines if line.title == "SW"]
    assert sorted((line.fte, _cost(line), line.team.name) for line in social_workers) == [
        (Decimal("1"), Decimal("38020"), "Disabled Children's Team"),
        (Decimal("3"), Decimal("114060"), "Looked After Children's Team"),
        (Decimal("4"), Decimal("152080"), "Contact Advice & Assessment"),
    ]
    training = next(line for line in lines if line.title == "Training & Development")
    assert (training.kind, training.team) == (LineKind.NON_STAFF, None)


def test_it_imports_the_staffordshire_tracker_into_the_workstreams_of_its_headings(
    page, live_server, admin
):
    _preview(page, live_server, admin, STAFFORDSHIRE.name, STAFFORDSHIRE.read_bytes(), "staffs")
    expect(page.locator("#row-4")).to_contain_text("in the workstream “District Teams”")
    _commit_and_open(page, live_server, 18, "staffs")
    for heading in ("District Teams", "Central Teams", "Business Support", "Staff Uplift Costs"):
        expect(page.get_by_role("rowheader", name=f"Subtotal: {heading}")).to_be_visible()

    lines = PlanLine.objects.filter(plan__slug="staffs").select_related("workstream")
    assert lines.count() == 18
    assert sum(_cost(line) for line in lines) == Decimal("5751098.00")  # "Total Investment"
    assert lines.aggregate(fte=Sum("fte"))["fte"] == Decimal("75.5")
    district = lines.filter(workstream__name="District Teams")
    assert district.aggregate(fte=Sum("fte"))["fte"] == Decimal("27.5")
    assert sum(_cost(line) for line in district) == Decimal("1212220.00")
    assert not lines.filter(workstream__isnull=True).exclude(title__startswith="Inflation")


def test_it_imports_the_middlesbrough_workbook_row_by_row_to_the_penny(page, live_server, admin):
    _preview(page, live_server, admin, MIDDLESBROUGH.name, MIDDLESBROUGH.read_bytes(), "boro")
    expect(page.locator("#row-34")).to_contain_text(
        re.compile("stated 3,228,957, the rows above add up to")
    )
    _commit_and_open(page, live_server, 27, "boro")

    plan = Plan.objects.get(slug="boro")
    assert (plan.first_year, plan.last_year) == (2020, 2021)
    sheet = openpyxl.load_workbook(MIDDLESBROUGH).active
    lines = {
        line.source_row: line
        for line in PlanLine.objects.filter(plan=plan).select_related("workstream", "team")
    }
    assert len(lines) == 27
    for number, line in lines.items():
        cells = [cell.value for cell in sheet[number]]
        if line.kind != LineKind.NON_STAFF and cells[5] is not None:
            assert line.stated_annual_cost.amount == abs(Decimal(str(cells[5]))), number
            assert line.fte == Decimal(str(cells[2])), number
        # Look-alike letters folded to match: MACH written in Cyrillic is the workstream
        # "MACH" of the rows above, whose name is kept as they wrote it.
        assert name_key(line.workstream.name if line.workstream else "") == name_key(cells[7]), (
            number
        )
        assert (line.team.name if line.team else "") == clean_text(cells[8]), number


def test_it_imports_the_wirral_workbook_with_its_funding_sources_sheet(page, live_server, admin):
    plan = PlanFactory(organisation=admin, slug="wirral", first_year=2008, last_year=2009)
    _preview(page, live_server, admin, "wirral.xlsx", wirral_workbook(), plan.slug)
    funding_total = page.locator("#row-funding-11")
    expect(funding_total).to_contain_text(
        "the funding sources' total £1,707,600 equals the sources above"
    )
    expect(funding_total).to_contain_text("it equals the lines' annual costs, £1,707,600")
    expect(page.locator("#row-funding-5")).to_contain_text(
        "funding source “Care Matters ABG” (written “ABG (Care Matters)”)"
    )
    expect(page.locator("#row-18")).to_contain_text(
        "uplift from SW: costed at the stated difference, £3,540 a year"
    )
    assert_no_violations(page)
    _commit_and_open(page, live_server, 26, plan.slug, sources=8)

    lines = PlanLine.objects.filter(plan=plan)
    assert lines.count() == 26
    assert sum(_cost(line) for line in lines) == Decimal("1707600")
    assert lines.aggregate(fte=Sum("fte"))["fte"] == Decimal("45")
    assert set(lines.filter(kind=LineKind.UPLIFT).values_list("title", flat=True)) == {
        "Senior Practitioner",
        "Strategic Service Manager",
        "Complaints Manager",
        "Children's Involvement Manager",
    }
    assert lines.filter(team__name="Quality Assurance").count() == 4
    allocations = Allocation.objects.filter(line__plan=plan).select_related("source", "line")
    assert allocations.count() == 15
    lscb = sum(_cost(a.line) * a.percent / 100 for a in allocations if a.source.name == "LSCB")
    assert lscb == Decimal("68900")
    available = FundingAvailability.objects.filter(source__organisation=admin)
    # Each source has its full year in 2009/10, but for those its name gives as 2008/09.
    assert available.filter(financial_year=2009).aggregate(total=Sum("amount"))["total"] == Decimal(
        "1707600"
    ) - Decimal("180100") - Decimal("80000")
    assert available.filter(financial_year=2008).aggregate(total=Sum("amount"))["total"] == Decimal(
        "1707600"
    )
