"""Reading council tables no one here wrote (issue 16, item 4): totals in any column, headers
whose words mislead, headings as workstreams, the phrases of a comment column, and a table
of funding sources on a second sheet."""

import html
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from funding.models import Allocation, FundingAvailability, FundingSource
from investplan.models import Role
from posts.models import LineKind, PlanLine
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PayScaleFactory,
    PlanFactory,
    make_grade,
)
from tests.posts.appendix_files import (
    SEED_001,
    STAFFORDSHIRE,
    WIRRAL_POSTS,
    WIRRAL_SOURCES,
    csv_bytes,
    wirral_workbook,
    workbook_bytes,
)
from tests.posts.importing_runs import run

pytestmark = pytest.mark.django_db


def row(report, number, sheet=""):
    return next(
        reading for reading in report.rows if reading.number == number and reading.sheet == sheet
    )


def lines_of(report):
    return PlanLine.objects.filter(plan=report.plan).order_by("position")


# -- a total row, whichever column says so ---------------------------------------------------


def test_it_reads_a_total_whose_word_sits_in_another_column_than_the_posts_as_a_total():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv")
    assert row(report, 11).outcome == "total"
    assert not lines_of(report).filter(title__iexact="fte").exists()
    assert lines_of(report).count() == 9


def test_it_reconciles_the_fte_a_total_row_writes_beside_its_word():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv")
    assert report.stated_totals["fte"] == Decimal("12.5")
    assert report.computed_totals["fte"] == Decimal("12.5")


def test_it_reads_a_total_in_the_second_column_of_a_table_with_its_posts_in_the_first():
    rows = [
        ["Post", "Team", "FTE", "Cost"],
        ["Social Worker", "Assessment", 2, 80000],
        ["Team Manager", "Assessment", 1, 55000],
        ["All teams", "Total", 3, 135000],
    ]
    report = run(workbook_bytes(rows))
    assert row(report, 4).outcome == "total"
    assert report.stated_totals == {"fte": Decimal("3"), "annual_cost": Decimal("135000")}
    assert lines_of(report).count() == 2


# -- headers whose words mislead, read by the arithmetic of the rows -------------------------


def test_it_reads_seed_001s_total_cost_as_the_cost_of_one_post_by_the_arithmetic_of_its_rows():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv")
    assert report.columns.as_json() == {
        "TEAM": "team",
        "ROLE": "title",
        "Total cost": "unit_cost",
        "Total Budget": "annual_cost",
    }
    lines = lines_of(report)
    assert sum(line.fte or 0 for line in lines) == Decimal("12.5")
    assert sum((line.stated_annual_cost or line.amount).amount for line in lines) == Decimal(
        "551210"
    )


def test_it_says_in_the_preview_why_it_reads_a_column_against_its_words():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv", dry_run=True)
    assert (
        "“Total cost” read as the cost of one post: 4 × £38,020 = £152,080 in “Total Budget” "
        "on 8 of 8 rows"
    ) in report.columns.reasons
    assert report.as_json()["column_reasons"] == report.columns.reasons
    assert not any("also looks like" in warning for warning in report.warnings)


def test_it_reads_seed_001s_total_as_equal_to_its_rows():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv")
    assert report.stated_totals == {"fte": Decimal("12.5"), "annual_cost": Decimal("551210")}
    assert report.computed_totals == report.stated_totals
    assert not any("is not the sum" in warning for warning in report.warnings)


def test_it_reads_a_count_column_and_a_cost_each_headed_in_other_words():
    rows = [
        ["Job", "No.", "Cost each", "Total"],
        ["Social worker", 3, "£40,000", "£120,000"],
        ["Team manager", 1, "£55,000", "£55,000"],
        ["Family support worker", 2, "£28,500", "£57,000"],
    ]
    report = run(workbook_bytes(rows))
    assert report.columns.as_json() == {
        "Job": "title",
        "No.": "fte",
        "Cost each": "unit_cost",
        "Total": "annual_cost",
    }
    worker = lines_of(report).get(title="Family support worker")
    assert (worker.fte, worker.stated_annual_cost.amount) == (Decimal("2"), Decimal("57000"))
    assert any(reason.startswith("“No.” read as the FTE") for reason in report.columns.reasons)


def test_it_reads_a_cost_that_is_basic_pay_plus_ni_plus_pension_as_the_annual_cost():
    rows = [
        ["Post", "FTE", "Basic", "NI", "Pension", "Total cost"],
        ["Social worker", 1, 40000, 4200, 8000, 52200],
        ["Team manager", 1, 50000, 5600, 10000, 65600],
        ["Analyst", 2, 60000, 5500, 12000, 77500],
    ]
    report = run(workbook_bytes(rows))
    assert report.columns.as_json()["Total cost"] == "annual_cost"
    assert report.columns.as_json()["Basic"] == "salary"
    analyst = lines_of(report).get(title="Analyst")
    assert analyst.stated_annual_cost.amount == Decimal("77500")
    assert analyst.annual_salary.amount == Decimal("60000")
    assert (
        "“Total cost” read as the annual cost: “Basic” £40,000 + “NI” £4,200 + “Pension” "
        "£8,000 = £52,200 on 3 of 3 rows"
    ) in report.columns.reasons


def test_it_keeps_the_words_of_a_table_whose_arithmetic_agrees_with_them():
    report = run(STAFFORDSHIRE.read_bytes(), name=STAFFORDSHIRE.name, dry_run=True)
    assert report.columns.reasons == []


def test_it_reads_a_cost_merged_over_each_and_budget_by_the_arithmetic_of_its_rows():
    rows = [
        ["Post", None, "FTE", "Cost", None],
        [None, None, None, "Each", "Budget"],
        ["Social worker", None, 4, "£38,020", "£152,080"],
        ["Business support", None, 0.5, "£25,360", "£12,680"],
    ]
    report = run(workbook_bytes(rows, merged=["D1:E1"]))
    columns = report.columns.as_json()
    assert (columns["Cost Each"], columns["Cost Budget"]) == ("unit_cost", "annual_cost")
    support = lines_of(report).get(title="Business support")
    assert support.stated_annual_cost.amount == Decimal("12680")


def test_it_lets_the_admins_correction_win_over_the_arithmetic():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv", corrections={2: "ignore"})
    assert report.columns.as_json()["Total cost"] == "ignore"
    assert not any("“Total cost”" in reason for reason in report.columns.reasons)


# -- headings and teams ----------------------------------------------------------------------


def test_it_makes_each_heading_of_the_staffordshire_tracker_the_workstream_of_its_lines():
    report = run(STAFFORDSHIRE.read_bytes(), name=STAFFORDSHIRE.name)
    lines = lines_of(report).select_related("workstream")
    by_workstream = {}
    for line in lines:
        name = line.workstream.name if line.workstream else None
        by_workstream[name] = by_workstream.get(name, 0) + 1
    assert lines.count() == 18
    assert by_workstream == {
        "District Teams": 5,
        "Central Teams": 4,
        "Business Support": 6,
        "Staff Uplift Costs": 2,
        None: 1,  # the pay award, after the uplifts' total
    }


def test_it_says_a_heading_is_the_workstream_of_the_lines_under_it():
    report = run(STAFFORDSHIRE.read_bytes(), name=STAFFORDSHIRE.name, dry_run=True)
    assert row(report, 4).messages == (
        "section “District Teams”: the lines below sit under it, in the workstream "
        "“District Teams”",
    )


def test_it_keeps_a_tables_own_workstream_column_over_its_headings():
    rows = [
        ["Post", "FTE", "Cost", "Workstream"],
        ["Appendix 3"],
        ["Analyst", 1, 40000, "Performance"],
        ["Clerk", 1, 25000, None],
    ]
    report = run(workbook_bytes(rows))
    lines = {line.title: line for line in lines_of(report)}
    assert lines["Analyst"].workstream.name == "Performance"
    assert lines["Clerk"].workstream is None
    assert lines["Clerk"].section == "Appendix 3"


def test_it_gives_a_team_written_once_to_the_roles_under_it():
    report = run(csv_bytes(SEED_001), name="getting-to-good.csv")
    teams = [(line.title, line.team.name if line.team else None) for line in lines_of(report)]
    assert teams[:3] == [
        ("ATM", "Contact Advice & Assessment"),
        ("SW", "Contact Advice & Assessment"),
        ("BSO", "Contact Advice & Assessment"),
    ]
    assert teams[4] == ("SW", "Looked After Children's Team")
    assert teams[-1] == ("Training & Development", None)


def test_it_leaves_a_blank_district_blank_where_each_row_names_its_own():
    report = run(wirral_workbook(), name="wirral.xlsx")
    agency = lines_of(report).get(title="Agency Social workers and Admin support")
    assert agency.team is None
    assert lines_of(report).get(title="LSCB Manager").team.name == "Safeguarding"


# -- the phrases of a comment column ---------------------------------------------------------


def test_it_costs_an_uplift_from_a_comment_at_the_stated_difference_and_leaves_it_unfunded():
    report = run(wirral_workbook(), name="wirral.xlsx")
    uplift = lines_of(report).get(title="Senior Practitioner", team__name="Birkenhead (North)")
    assert uplift.kind == LineKind.UPLIFT
    assert uplift.stated_annual_cost.amount == Decimal("3540")
    assert not uplift.allocations.exists()
    assert row(report, 18).messages[-1] == (
        "uplift from SW: costed at the stated difference, £3,540 a year; requires additional "
        "funding, so no source pays for it yet"
    )


def test_it_funds_an_uplift_from_the_source_its_comment_names():
    report = run(wirral_workbook(), name="wirral.xlsx")
    uplift = lines_of(report).get(title="Strategic Service Manager")
    assert uplift.kind == LineKind.UPLIFT
    assert [(a.source.name, a.percent) for a in uplift.allocations.all()] == [
        ("LSCB", Decimal("100"))
    ]


def test_it_reads_new_post_requires_additional_funding_as_an_unfunded_new_post():
    report = run(wirral_workbook(), name="wirral.xlsx")
    post = lines_of(report).get(title="Care Management Team Manager")
    assert post.kind == LineKind.NEW_POST
    assert not post.allocations.exists()


def test_it_funds_a_line_whose_comment_is_the_name_of_a_grant():
    report = run(wirral_workbook(), name="wirral.xlsx")
    agency = lines_of(report).get(title="Agency Social workers and Admin support")
    assert [a.source.name for a in agency.allocations.all()] == [
        "School Development Grant ABG (2008-09)"
    ]


# -- a table of funding sources on a second sheet --------------------------------------------


def test_it_reads_the_sources_of_funding_on_the_workbooks_second_sheet():
    organisation = OrganisationFactory()
    plan = PlanFactory(organisation=organisation, slug="wirral", first_year=2008, last_year=2009)
    report = run(
        wirral_workbook(), name="wirral.xlsx", organisation=organisation, plan_slug=plan.slug
    )
    assert row(report, 3, sheet="Funding").outcome == "imported"
    available = {
        (item.source.name, item.financial_year): item.amount.amount
        for item in FundingAvailability.objects.filter(source__organisation=organisation)
    }
    assert available[("LSCB", 2009)] == Decimal("68900")
    assert available[("Care Matters ABG", 2008)] == Decimal("367000")
    assert available[("Care Matters ABG (2008/09)", 2008)] == Decimal("180100")
    assert ("Care Matters ABG (2008/09)", 2009) not in available
    assert available[("Budget Growth", 2009)] == Decimal("689300")
    assert PlanLine.objects.filter(plan=plan).count() == 26


def test_it_takes_a_source_written_in_other_words_for_the_one_the_lines_name():
    report = run(wirral_workbook(), name="wirral.xlsx")
    names = set(FundingSource.objects.values_list("name", flat=True))
    assert "ABG (Care Matters)" not in names and "LSCB funding" not in names
    assert (
        row(report, 5, sheet="Funding")
        .messages[0]
        .startswith("funding source “Care Matters ABG” (written “ABG (Care Matters)”)")
    )


def test_it_reconciles_each_source_with_the_lines_it_funds():
    report = run(wirral_workbook(), name="wirral.xlsx")
    assert row(report, 5, sheet="Funding").messages[-1] == (
        "the lines funded from it cost £366,980 a year, £20 less than it has"
    )
    assert row(report, 6, sheet="Funding").messages[-1] == (
        "it equals the lines funded from it, £68,900 a year"
    )


def test_it_reconciles_the_second_sheets_total_with_its_sources_and_the_lines():
    report = run(wirral_workbook(), name="wirral.xlsx")
    total = row(report, 11, sheet="Funding")
    assert total.outcome == "total"
    assert total.messages == (
        "“Total”: the funding sources' total £1,707,600 equals the sources above",
        "it equals the lines' annual costs, £1,707,600",
    )
    assert Allocation.objects.filter(line__plan=report.plan).count() == 15


def test_it_says_which_sheets_it_did_not_read():
    data = workbook_bytes(
        SEED_001, sheets={"Notes": [["Prepared by finance, May 2016"], ["Figures at 2016 pay"]]}
    )
    report = run(data, dry_run=True)
    assert "the sheet “Notes” was not read: it has no table of funding sources" in (report.warnings)


# -- the preview, the command, and hostile shapes --------------------------------------------


def test_it_shows_why_it_reads_a_column_against_its_heading_on_the_preview_page(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    slug = membership.organisation.slug
    upload = SimpleUploadedFile("getting-to-good.csv", csv_bytes(SEED_001))
    response = client.post(
        reverse("posts:imports", args=[slug]), {"file": upload, "plan": "gtg", "sheet": ""}
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "“Total cost” read as the cost of one post: 4 × £38,020 = £152,080 in “Total Budget” "
        "on 8 of 8 rows"
    ) in html.unescape(page)
    assert not PlanLine.objects.exists()


def test_it_gives_the_rows_of_the_second_sheet_their_own_place_on_the_preview_page(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    slug = membership.organisation.slug
    upload = SimpleUploadedFile("wirral.xlsx", wirral_workbook())
    response = client.post(
        reverse("posts:imports", args=[slug]), {"file": upload, "plan": "wirral", "sheet": ""}
    )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert 'id="row-funding-11"' in page and 'id="row-11"' in page
    assert "the funding sources' total £1,707,600 equals the sources above" in page


def test_it_says_why_in_the_dry_runs_json(tmp_path):
    path = tmp_path / "getting-to-good.csv"
    path.write_bytes(csv_bytes(SEED_001))
    out = io.StringIO()
    call_command("import_appendix", str(path), "--plan", "gtg", "--dry-run", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["columns"]["Total cost"] == "unit_cost"
    assert any(
        reason.startswith("“Total cost” read as the cost of one post")
        for reason in result["column_reasons"]
    )
    assert not PlanLine.objects.exists()


def test_it_keeps_the_words_where_the_arithmetic_holds_on_too_few_rows():
    rows = [
        ["Team", "Role", "Total cost", "Total Budget"],
        ["Assessment", "4 SW", "£38,020", "£152,080"],
        ["Assessment", "2 TM", "£50,000", "£75,000"],
        ["Assessment", "3 BSO", "£20,000", "£45,000"],
    ]
    report = run(workbook_bytes(rows), dry_run=True)
    assert report.columns.reasons == []
    assert report.columns.as_json()["Total cost"] == "total"


def test_it_does_not_take_costs_of_two_years_for_parts_of_their_total():
    rows = [
        ["Post", "FTE", "Cost 2025/26", "Cost 2026/27", "Total"],
        ["Social worker", 1, 50000, 51000, 101000],
        ["Team manager", 1, 60000, 61200, 121200],
        ["Analyst", 1, 40000, 40800, 80800],
    ]
    report = run(workbook_bytes(rows), dry_run=True)
    assert report.columns.as_json()["Total"] == "total"
    assert report.columns.reasons == []


def test_it_refuses_a_second_sheets_source_with_no_amount_and_saves_nothing():
    sources = [row[:] for row in WIRRAL_SOURCES]
    sources[4] = ["ABG (Care Matters)", "to follow"]
    data = workbook_bytes(WIRRAL_POSTS, title="Posts", sheets={"Funding": sources})
    report = run(data, name="wirral.xlsx", plan_slug="wirral")
    assert row(report, 5, sheet="Funding").outcome == "error"
    assert not report.committed
    assert not PlanLine.objects.exists() and not FundingAvailability.objects.exists()


def test_it_reads_a_table_with_blank_columns_between_its_own():
    rows = [
        ["District", None, "Post", "FTE", None, "Cost", "Comment"],
        ["Wallasey", None, "Principal Manager", 2, None, "£101,130",
         "New Post, requires additional funding"],
        ["Safeguarding", None, "LSCB Manager", 1, None, "£52,800", "Funded from LSCB"],
        [None, None, "Total", 3, None, "£153,930", None],
    ]  # fmt: skip
    report = run(workbook_bytes(rows))
    assert report.counts["imported"] == 2 and report.counts["total"] == 1
    assert report.stated_totals == report.computed_totals
    manager = lines_of(report).get(title="LSCB Manager")
    assert [a.source.name for a in manager.allocations.all()] == ["LSCB"]


def test_it_names_another_sheet_with_a_table_of_posts_it_did_not_read():
    data = workbook_bytes(SEED_001, sheets={"Last year": SEED_001})
    report = run(data, dry_run=True)
    assert (
        "the sheet “Last year” was not read: it has a table of its own, which is imported by "
        "naming that sheet"
    ) in report.warnings
    assert report.counts["imported"] == 9


def test_it_reads_an_on_costs_column_as_part_of_the_cost_beside_it():
    rows = [
        ["Post", "FTE", "Salary", "On-costs", "Cost"],
        ["Social worker", 1, 40000, 11600, 51600],
        ["Team manager", 1, 50000, 14500, 64500],
    ]
    report = run(workbook_bytes(rows))
    assert report.columns.as_json() == {
        "Post": "title",
        "FTE": "fte",
        "Salary": "salary",
        "On-costs": "ignore",
        "Cost": "annual_cost",
    }
    manager = lines_of(report).get(title="Team manager")
    assert manager.stated_annual_cost.amount == Decimal("64500")


def test_it_reads_a_sheet_of_many_money_columns_in_good_time():
    header = ["Post", "FTE", *(f"Cost {number}" for number in range(60))]
    rows = [header] + [
        [f"Post {row}", 1, *(row * 1000 + column for column in range(60))] for row in range(200)
    ]
    report = run(workbook_bytes(rows), dry_run=True)
    assert report.counts["imported"] == 200


def test_it_links_an_uplift_to_the_grade_its_comment_says_it_moves_from():
    organisation = OrganisationFactory()
    scale = PayScaleFactory(organisation=organisation)
    before, after = make_grade(scale, "PO6", ["40000"]), make_grade(scale, "PO8", ["44000"])
    rows = [
        ["Post", "Grade", "FTE", "Comment"],
        ["Complaints Manager", "PO8", 1, "Uplift from PO6, requires additional funding"],
        ["Involvement Manager", "PO8", 1, "Uplift from PO4, requires additional funding"],
    ]
    report = run(workbook_bytes(rows), organisation=organisation)
    complaints = lines_of(report).get(title="Complaints Manager")
    assert (complaints.kind, complaints.from_grade, complaints.grade) == (
        LineKind.UPLIFT,
        before,
        after,
    )
    assert row(report, 3).warnings == (
        "no duration given: taken as permanent",
        "an uplift with no stated difference and no grade it moves from on the council's pay "
        "scales: it cannot be costed until one is given",
    )
