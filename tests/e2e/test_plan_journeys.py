"""Starting, changing, archiving, importing and approving plans in a real browser, each
journey checking what the database holds afterwards (issue 16, items 4 and 5)."""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from investplan.models import OnCostMethod, Plan, PlanStatus
from reports.models import ApprovedBaseline
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import assert_no_violations
from tests.posts.appendix_files import MIDDLESBROUGH


def test_it_lets_a_head_approve_with_the_committee_and_print_it(page, live_server, council_plan):
    plan = council_plan["plan"]
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")

    page.get_by_label("Committee that approved the plan").fill("Children’s Services Committee")
    page.get_by_label("Date of the meeting").fill("2026-03-12")
    page.get_by_role("button", name="Approve the plan").click()

    expect(page.locator(".messages")).to_contain_text("is approved by Children’s Services")
    plan.refresh_from_db()
    assert (plan.status, plan.committee, plan.meeting_date) == (
        PlanStatus.APPROVED,
        "Children’s Services Committee",
        date(2026, 3, 12),
    )
    baseline = ApprovedBaseline.objects.get(plan=plan)
    assert baseline.approved_by.username == "hazel"

    page.goto(f"{live_server.url}/plans/{plan.slug}/reports/resource-requirement/")
    approval = "Approved by Children’s Services Committee on 12 March 2026"
    expect(page.locator("main")).to_contain_text(approval)

    pdf_link = page.get_by_role("link", name="Download PDF").get_attribute("href")
    pdf = page.context.request.get(f"{live_server.url}{pdf_link}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(each.extract_text() for each in PdfReader(BytesIO(pdf.body())).pages)
    assert "Children’s Services Committee" in text and "12 March 2026" in text

    with page.expect_download() as download:
        page.get_by_role("link", name="Download Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))
    rows = {row[0]: row[1] for row in workbook["Assumptions"].iter_rows(values_only=True)}
    assert rows["Approved"] == approval

    page.goto(f"{live_server.url}/plans/{plan.slug}/baselines/")
    expect(page.locator("main")).to_contain_text(approval)


def _start(page, live_server, organisation, name, first, last, copy_of=None):
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("First financial year").fill(first)
    page.get_by_label("Last financial year").fill(last)
    page.get_by_label("Employer NI, pension and apprenticeship levy").check()
    if copy_of:
        page.get_by_label("Start from").select_option(label=f"A copy of {copy_of}")
    page.get_by_role("button", name="Start the plan").click()


def test_it_lets_a_finance_officer_start_rename_redate_and_archive_plans(
    page, live_server, council_plan
):
    plan = council_plan["plan"]
    organisation = plan.organisation
    sign_in(page, live_server, "fiona")

    _start(page, live_server, organisation, "Early help 2027", "2027/28", "2028/29")
    expect(page.get_by_role("heading", level=1)).to_have_text("Early help 2027")
    empty = Plan.objects.get(organisation=organisation, name="Early help 2027")
    assert (empty.first_year, empty.last_year, empty.lines.count()) == (2027, 2028, 0)
    assert empty.assumptions.on_cost_method == OnCostMethod.COMPUTED

    _start(page, live_server, organisation, "Next year", "2026/27", "2027/28", plan.name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Next year")
    copy = Plan.objects.get(organisation=organisation, name="Next year")
    assert sorted(copy.lines.values_list("title", flat=True)) == [
        "Audit Officer",
        "Social Worker",
        "Team Manager",
    ]
    assert (copy.first_year, copy.last_year) == (2026, 2027)

    page.get_by_role("link", name="Details", exact=True).click()
    page.get_by_label("Name", exact=True).fill("Next year, revised")
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator(".messages")).to_contain_text("Next year, revised now runs")
    copy.refresh_from_db()
    assert (copy.name, copy.slug) == ("Next year, revised", copy.slug)

    page.get_by_label("First financial year").fill("2023/24")
    page.get_by_label("Last financial year").fill("2024/25")
    page.get_by_role("button", name="Save the details").click()
    expect(page.locator(".messages")).to_contain_text(
        "3 lines lie wholly outside 2023/24 to 2024/25"
    )
    expect(page.locator("#lines-outside li")).to_have_count(3)
    copy.refresh_from_db()
    assert (copy.first_year, copy.last_year) == (2023, 2024)

    page.get_by_label("Last financial year").fill("2022/23")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("alert")).to_contain_text("The last financial year is before")
    copy.refresh_from_db()
    assert (copy.first_year, copy.last_year) == (2023, 2024)

    page.get_by_role("button", name="Archive the plan").click()
    expect(page.locator(".messages")).to_contain_text("is archived")
    copy.refresh_from_db()
    assert copy.archived_at is not None
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Next year, revised", exact=True)).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"Archived plans \(1\)")).click()
    page.get_by_role("link", name="Next year, revised", exact=True).click()
    expect(page.locator("main")).to_contain_text("This plan is archived")
    expect(page.get_by_role("link", name="Add a line")).to_have_count(0)


def test_it_lets_an_admin_import_choosing_the_years_and_open_the_plan(
    page, live_server, council_plan
):
    organisation = council_plan["plan"].organisation
    sign_in(page, live_server, "ada")
    page.goto(f"{live_server.url}/organisations/{organisation.slug}/imports/")
    page.get_by_label("Appendix file").set_input_files(str(MIDDLESBROUGH))
    page.get_by_label("Plan", exact=True).fill("resource-requirement")
    page.get_by_role("button", name="Preview the import").click()

    years = page.get_by_label("Financial years of the new plan")
    expect(years).to_have_value("2020/21 to 2021/22")  # as the total's header names them
    years.fill("2019/20-2021/22")
    page.get_by_role("button", name="Read again with these years").click()
    expect(page.locator("main")).to_contain_text("a new plan, 2019/20 to 2021/22")
    assert_no_violations(page)
    assert not Plan.objects.filter(slug="resource-requirement").exists()

    page.get_by_role("button", name="Import 27 lines").click()
    page.get_by_role("link", name=re.compile(r"^Open Resource requirement")).click()
    page.wait_for_url(f"{live_server.url}/plans/resource-requirement/lines/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Resource requirement")
    plan = Plan.objects.get(slug="resource-requirement")
    assert (plan.organisation, plan.first_year, plan.last_year) == (organisation, 2019, 2021)
    assert plan.lines.count() == 27


def test_it_finds_no_violations_on_starting_a_plan_with_errors(page, live_server, council_plan):
    sign_in(page, live_server, "fiona")
    _start(page, live_server, council_plan["plan"].organisation, " ", "2025/27", "2024/25")
    expect(page.get_by_role("alert")).to_contain_text("Give the plan a name.")
    assert not Plan.objects.exclude(pk=council_plan["plan"].pk).exists()
    assert_no_violations(page)


def test_it_finds_no_violations_on_a_plans_details(page, live_server, council_plan):
    sign_in(page, live_server, "fiona")
    page.goto(f"{live_server.url}/plans/{council_plan['plan'].slug}/details/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Details of Getting to Good")
    expect(page.get_by_label("First financial year")).to_have_value("2025/26")
    assert_no_violations(page)


def test_it_finds_no_violations_on_the_approve_form_with_errors(page, live_server, council_plan):
    plan = council_plan["plan"]
    sign_in(page, live_server, "hazel")
    page.goto(f"{live_server.url}/plans/{plan.slug}/lines/")
    assert_no_violations(page)
    page.get_by_role("button", name="Approve the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Name the committee")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert_no_violations(page)
