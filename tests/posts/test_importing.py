"""Importing appendices: the real workbooks and the shapes the seeds show."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from funding.models import Allocation, FundingAvailability, FundingSource
from investplan.models import Finding, Plan
from posts.appendix.reading import UnreadableFile
from posts.models import AppendixImport, ColumnMapping, ImportStatus, LineKind, PlanLine
from tests.factories import OrganisationFactory, PayScaleFactory, PlanFactory, make_grade
from tests.posts.appendix_files import (
    MIDDLESBROUGH,
    STAFFORDSHIRE,
    WEST_BERKSHIRE,
    WIRRAL,
    WIRRAL_WITH_SOURCES,
    csv_bytes,
    macro_workbook_bytes,
    workbook_bytes,
)
from tests.posts.importing_runs import run

pytestmark = pytest.mark.django_db


def outcomes(report) -> dict[int, str]:
    return {reading.number: reading.outcome for reading in report.rows}


@pytest.fixture
def middlesbrough():
    return run(MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name)


def test_it_gives_every_row_of_the_middlesbrough_workbook_one_outcome(middlesbrough):
    sheet = openpyxl.load_workbook(MIDDLESBROUGH).active
    assert sorted(outcomes(middlesbrough)) == list(range(1, sheet.max_row + 1))
    assert middlesbrough.counts == {
        "imported": 27,
        "total": 1,
        "section": 5,
        "blank": 3,
        "error": 0,
    }


def test_it_reconciles_the_stated_total_with_the_rows_as_written(middlesbrough):
    sheet = openpyxl.load_workbook(MIDDLESBROUGH).active
    written = sum(
        Decimal(str(row[6]).replace(",", ""))
        for row in sheet.iter_rows(min_row=5, max_row=33, values_only=True)
        if row[6] is not None
    )
    assert middlesbrough.stated_totals["total"] == Decimal("3228957")
    assert middlesbrough.computed_totals["total"] == written
    assert f"difference {3228957 - written:,}" in " ".join(middlesbrough.warnings)


def test_it_sets_the_new_plans_years_from_the_total_columns_header(middlesbrough):
    plan = middlesbrough.plan
    assert (plan.first_year, plan.last_year) == (2020, 2021)


def test_it_reads_a_cyrillic_grade_as_the_latin_one():
    council = OrganisationFactory()
    make_grade(PayScaleFactory(organisation=council), "K", [Decimal("32878")])  # row 6 pays

    run(MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name, organisation=council)

    line = PlanLine.objects.get(source_row=6)  # grade written in Cyrillic (U+041A)
    assert line.grade.code == "K"


def test_it_keeps_the_grade_as_the_paper_wrote_it(middlesbrough):
    line = PlanLine.objects.get(source_row=6)
    assert line.grade_as_written == "\u041a"


def test_it_makes_a_funded_by_row_released_budget(middlesbrough):
    line = PlanLine.objects.get(source_row=10)
    assert line.kind == LineKind.RELEASED_BUDGET
    assert line.stated_annual_cost.amount == Decimal("42413")
    assert line.fte == Decimal("1")


def test_it_reads_as_above_as_the_finding_of_the_row_above(middlesbrough):
    above = PlanLine.objects.get(source_row=7).findings.get()
    assert PlanLine.objects.get(source_row=8).findings.get() == above
    assert "para 36" in above.reference.lower()


def test_it_takes_words_in_the_grade_column_as_the_title_with_no_grade(middlesbrough):
    line = PlanLine.objects.get(source_row=31)  # Post blank, Grade "Exit Costs"
    assert (line.title, line.kind) == ("Exit Costs", "non_staff")
    assert (line.grade_as_written, line.grade_id) == ("", None)


def test_it_imports_a_row_with_only_a_total_as_a_one_off_cost_of_that_total(middlesbrough):
    line = PlanLine.objects.get(source_row=31)  # "3 months", only a total of £120,000
    assert line.one_off
    assert line.amount.amount == Decimal("120000")


def test_it_says_why_a_row_with_only_a_total_is_a_one_off_cost(middlesbrough):
    reading = next(reading for reading in middlesbrough.rows if reading.number == 31)
    assert any(
        "only a total, £120,000, is given (no FTE, salary or annual cost): a one-off cost of "
        "£120,000 over its 3 months" in warning
        for warning in reading.warnings
    )


def test_it_reads_only_a_total_as_a_one_off_cost_whatever_duration_it_states():
    csv = csv_bytes([["Post", "Duration", "Total cost"], ["Launch event", "2 years", "£9,000"]])
    run(csv, name="appendix.csv")
    line = PlanLine.objects.get()
    assert (line.one_off, line.amount.amount) == (True, Decimal("9000"))


def test_it_keeps_a_posts_dashes_quotes_and_accents_as_written():
    title = "Social Worker \u2013 Caf\u00e9\u2019s team"  # en dash, accent, curly apostrophe
    csv = csv_bytes(
        [
            ["Post", "Team", "Duration", "Total cost"],
            [title, "Children\u2019s \u2014 North", "1 year", "£9,000"],
        ],
        encoding="utf-16",
    )

    run(csv, name="appendix.txt")

    line = PlanLine.objects.get()
    assert (line.title, line.team.name) == (title, "Children\u2019s \u2014 North")


def test_it_reads_the_other_non_post_rows_of_middlesbrough_as_the_paper_means(middlesbrough):
    lines = PlanLine.objects.filter(source_row__in=[27, 28, 29, 30]).order_by("source_row")
    read = [(line.title, line.one_off, line.amount.amount) for line in lines]
    assert read == [
        ("Audit Resource", False, Decimal("200000")),
        ("Human Resources", True, Decimal("40000")),  # "Development": once, £40,000 in all
        ("Human Resources", False, Decimal("23652")),
        ("Workforce Develoment", False, Decimal("75000")),
    ]
    sheet = openpyxl.load_workbook(MIDDLESBROUGH).active
    for line in lines:
        total = Decimal(str(sheet.cell(line.source_row, 7).value).replace(",", ""))
        years = 1 if line.one_off else 2  # "2 years"
        assert line.amount.amount * years == total


def test_it_sets_the_section_from_a_heading_row(middlesbrough):
    assert PlanLine.objects.get(source_row=18).section == "Appendix 3"
    assert PlanLine.objects.get(source_row=5).section == ""


def test_it_warns_when_the_annual_cost_disagrees_with_salary_fte_and_on_costs(middlesbrough):
    reading = next(reading for reading in middlesbrough.rows if reading.number == 11)
    assert any("£66,948 is not salary £44,632" in warning for warning in reading.warnings)
    assert PlanLine.objects.get(source_row=11).stated_annual_cost.amount == Decimal("66948")


def test_it_remembers_each_lines_file_sheet_and_row(middlesbrough):
    line = PlanLine.objects.get(title="Data Analyst")
    assert (line.source_file, line.source_sheet, line.source_row) == (
        MIDDLESBROUGH.name,
        "Appendix 2",
        9,
    )


def test_it_updates_the_lines_it_made_when_the_same_file_is_imported_again(middlesbrough):
    plan = middlesbrough.plan
    again = run(
        MIDDLESBROUGH.read_bytes(),
        name=MIDDLESBROUGH.name,
        plan_slug=plan.slug,
        organisation=plan.organisation,
    )
    assert (again.lines_created, again.lines_updated) == (0, 27)
    assert PlanLine.objects.filter(plan=plan).count() == 27


def test_it_reconciles_running_and_section_totals_in_the_staffordshire_tracker():
    report = run(STAFFORDSHIRE.read_bytes(), name=STAFFORDSHIRE.name)
    assert report.counts["total"] == 5 and report.counts["error"] == 0
    assert "equals the rows since the last total" in report.reconciliation[0]
    assert "equals all the rows above" in report.reconciliation[2]  # Business Support
    assert report.stated_totals == {"annual_cost": Decimal("5751098.00")}
    assert report.computed_totals["annual_cost"] == Decimal("5751098.00")
    lines = PlanLine.objects.filter(plan=report.plan)
    educational = lines.get(title="Educational Psychologists")
    assert (educational.fte, educational.fte_in_post) == (Decimal("10"), Decimal("0"))
    assert educational.section == "District Teams"


def test_it_reads_a_roles_count_as_its_fte_when_there_is_no_fte_column():
    report = run(workbook_bytes(WEST_BERKSHIRE))
    lines = {line.title: line for line in PlanLine.objects.filter(plan=report.plan)}
    assert lines["SW"].fte == Decimal("4") and lines["BSO"].fte == Decimal("0.5")
    assert lines["SW"].stated_annual_cost.amount == Decimal("152080")
    assert lines["SW"].team.name == "Referral and Assessment"
    assert report.stated_totals == {"annual_cost": Decimal("219080")}
    assert report.computed_totals == {"fte": Decimal("5.5"), "annual_cost": Decimal("219080")}


def test_it_allocates_lines_to_the_source_their_comment_names():
    report = run(workbook_bytes(WIRRAL))
    social_worker = PlanLine.objects.get(plan=report.plan, title="Social Worker")
    allocation = Allocation.objects.get(line=social_worker)
    assert (allocation.source.name, allocation.percent) == ("Care Matters ABG", Decimal("100"))
    team_manager = PlanLine.objects.get(plan=report.plan, title="Team Manager")
    assert not team_manager.allocations.exists()  # requires additional funding
    assert FundingSource.objects.get(name="Police partnership").kind == "partner"


def wirral_with_comment(comment: str) -> bytes:
    rows = [list(row) for row in WIRRAL]
    rows[2][5] = comment
    return workbook_bytes(rows)


def test_it_splits_a_line_between_the_sources_its_comment_gives_percentages_of():
    report = run(wirral_with_comment("Funded by 60% Care Matters ABG, 40% base budget"))
    line = PlanLine.objects.get(plan=report.plan, title="Social Worker")
    shares = [(a.source.name, a.percent) for a in line.allocations.order_by("position")]
    assert shares == [("Care Matters ABG", Decimal("60")), ("base budget", Decimal("40"))]


def test_it_adds_together_the_shares_of_a_source_named_twice():
    report = run(wirral_with_comment("Met from 50% Care Matters ABG, 25% care matters abg"))
    line = PlanLine.objects.get(plan=report.plan, title="Social Worker")
    assert [a.percent for a in line.allocations.all()] == [Decimal("75")]


def test_it_refuses_shares_that_come_to_more_than_the_whole_cost_and_saves_nothing():
    report = run(wirral_with_comment("Funded by 60% Care Matters ABG, 60% base budget"))
    assert outcomes(report)[3] == "error"
    message = next(reading for reading in report.rows if reading.number == 3).messages[0]
    assert message == (
        "column F “Comment”: “Funded by 60% Care Matters ABG, 60% base budget” shares out "
        "120% of the cost, more than the whole"
    )
    assert not PlanLine.objects.exists() and not Allocation.objects.exists()


def test_it_reads_a_table_of_funding_sources_as_sources_not_lines():
    report = run(csv_bytes(WIRRAL_WITH_SOURCES), name="wirral.csv")
    assert [outcomes(report)[number] for number in range(8, 15)] == [
        "section", "blank", "imported", "imported", "imported", "imported", "total",
    ]  # fmt: skip
    assert PlanLine.objects.filter(plan=report.plan).count() == 3
    plan_years = list(range(report.plan.first_year, report.plan.last_year + 1))
    available = {
        (row.source.name, row.financial_year): row.amount.amount
        for row in FundingAvailability.objects.select_related("source")
    }
    assert available == {
        **{("Care Matters ABG", year): Decimal("80000") for year in plan_years},
        **{("Police partnership", year): Decimal("25000") for year in plan_years},
        **{("Budget Growth", year): Decimal("50000") for year in plan_years},
        ("Care Matters ABG (2025/26)", 2025): Decimal("12500"),
    }


def test_it_reconciles_a_funding_sources_total_with_its_rows_and_with_the_lines():
    report = run(csv_bytes(WIRRAL_WITH_SOURCES), name="wirral.csv")
    total = next(reading for reading in report.rows if reading.number == 14)
    assert total.messages == (
        "“Total”: the funding sources' total £167,500 equals the sources above",
        "the lines' annual costs add up to £155,000 (difference £12,500)",
    )
    assert report.stated_totals["annual_cost"] == Decimal("155000")  # the lines' own total


def test_it_reads_the_values_of_a_macro_enabled_workbook():
    data = macro_workbook_bytes(WIRRAL)
    assert b"macroEnabled" in zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml")
    report = run(data, name="wirral.xlsm")
    assert report.committed and report.counts["imported"] == 3
    titles = set(PlanLine.objects.filter(plan=report.plan).values_list("title", flat=True))
    assert titles == {"Social Worker", "Team Manager", "Family Support Worker"}


def test_it_refuses_a_negative_cost_on_a_post_and_saves_nothing():
    rows = [list(row) for row in WIRRAL]
    rows[4][4] = "(25,000)"
    report = run(workbook_bytes(rows), plan_slug="wirral")
    assert outcomes(report)[5] == "error"
    message = next(reading for reading in report.rows if reading.number == 5).messages[0]
    assert message.startswith("column E “Cost”")
    assert not report.committed
    assert not Plan.objects.filter(slug="wirral").exists()
    assert not PlanLine.objects.exists()
    assert AppendixImport.objects.get().status == ImportStatus.FAILED


def test_it_saves_nothing_on_a_dry_run():
    report = run(workbook_bytes(WEST_BERKSHIRE), dry_run=True)
    assert report.counts["imported"] == 3
    assert not report.committed
    assert not PlanLine.objects.exists() and not Plan.objects.exists()


def test_it_reads_windows_1252_tab_separated_text():
    rows = [["Post", "Grade", "FTE", "Salary", "Cost"], ["Analyst", "K", "1", "£30,000", "£38,700"]]
    report = run(csv_bytes(rows, delimiter="\t", encoding="cp1252"), name="posts.csv")
    line = PlanLine.objects.get(plan=report.plan)
    assert line.stated_annual_cost.amount == Decimal("38700")
    assert line.annual_salary.amount == Decimal("30000")


def test_it_reads_a_header_merged_over_two_rows_and_money_in_brackets():
    rows = [
        ["Post", "Grade", "FTE", "Salary", None, "Duration"],
        [None, None, None, "Base", "With on-costs", None],
        ["Funded By: vacant post", "K", 1, "(30,000)", "(38,700)", "2 years"],
    ]
    report = run(workbook_bytes(rows, merged=["D1:E1"]))
    columns = report.columns.as_json()
    assert columns["Salary Base"] == "salary" and columns["Salary With on-costs"] == "annual_cost"
    line = PlanLine.objects.get(plan=report.plan)
    assert line.kind == LineKind.RELEASED_BUDGET
    assert line.stated_annual_cost.amount == Decimal("38700")


def test_it_remembers_a_corrected_mapping_for_the_council():
    organisation = OrganisationFactory()
    rows = [["Post", "FTE", "Cost", "Lead officer"], ["Analyst", 1, 40000, "Ms Smith"]]
    run(workbook_bytes(rows), organisation=organisation, corrections={3: "justification"})
    assert ColumnMapping.objects.get(organisation=organisation, header="lead officer").field == (
        "justification"
    )
    again = run(workbook_bytes(rows), organisation=organisation, plan_slug="second")
    assert again.columns.as_json()["Lead officer"] == "justification"


def test_it_links_a_line_to_an_existing_finding_with_the_same_words():
    organisation = OrganisationFactory()
    plan = PlanFactory(organisation=organisation, slug="existing")
    first = run(workbook_bytes(_finding_rows()), organisation=organisation, plan_slug=plan.slug)
    second = run(
        workbook_bytes(_finding_rows()),
        name="other.xlsx",
        organisation=organisation,
        plan_slug=plan.slug,
    )
    assert first.committed and second.committed
    assert Finding.objects.count() == 1


def _finding_rows():
    return [
        ["Post", "FTE", "Cost", "Ofsted finding"],
        ["IRO", 1, 50000, "(Rec 14) Leaders do not challenge enough"],
    ]


def test_it_says_which_table_it_could_not_find():
    with pytest.raises(UnreadableFile, match="no table found"):
        run(workbook_bytes([["Just a note"], ["and another"]]))


def test_it_names_a_funding_sources_total_once_in_the_reconciliation():
    report = run(csv_bytes(WIRRAL_WITH_SOURCES), name="wirral.csv")

    (line,) = [line for line in report.reconciliation if "funding sources' total" in line]
    assert line.startswith("row 14 “Total”: the funding sources' total £167,500")
    assert line.count("“Total”") == 1
