"""The financial years of a plan made by an import: chosen at import, else the years the
file names, rather than today's (issue 16, item 4)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from figures.costs.financial_year import FinancialYear
from investplan.models import Plan
from investplan.services import archive_plan
from posts.appendix.reading import UnreadableFile
from posts.appendix.years import parse_years, years_named
from posts.importing import import_appendix
from posts.models import PlanLine
from tests.factories import OrganisationFactory, PlanFactory
from tests.posts.appendix_files import MIDDLESBROUGH, STAFFORDSHIRE, csv_bytes, workbook_bytes
from tests.posts.importing_runs import command

# Seed 004's table as the cabinet report prints it: the years only in the funding column.
WIRRAL_2008 = [
    ["District", "Post", "Grade", "FTE", "Cost", "Funding"],
    ["ICS", "Project Manager", "PO8", 1, "£46,070", "Care Matters ABG (2008/09)"],
    ["ICS", "Data Officers", "Band E", 4, "£97,070", "Care Matters ABG (2008/09)"],
]


def years(first, last):
    return FinancialYear(first), FinancialYear(last)


# -- reading years ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2008/09-2009/10", (2008, 2009)),
        ("2008/09 to 2009/10", (2008, 2009)),
        (" 2020/21 – 2021/22 ", (2020, 2021)),
        ("2008/09", (2008, 2008)),
        ("2020/2021-2022/2023", (2020, 2022)),
    ],
)
def test_it_reads_the_years_a_user_gives(text, expected):
    assert parse_years(text) == years(*expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Give the financial years"),
        ("2025/27", "“2025/27” is not a financial year"),
        ("2026/25", "“2026/25” is not a financial year"),
        ("2026/27-2025/26", "the last, 2025/26, is before the first, 2026/27"),
        ("2008/09-2057/58", "at most 10 financial years"),
        ("1066/67", "between 1990/91 and 2100/01"),
        ("<script>alert(1)</script>", "“<script>alert(1)</script>” is not"),
        ("2008/09-", "is not"),
    ],
)
def test_it_refuses_years_a_user_gives_wrongly_saying_why(text, message):
    with pytest.raises(ValueError, match=None) as refused:
        parse_years(text)
    assert message in str(refused.value)


def test_it_finds_the_years_in_a_total_columns_header():
    found = years_named(headers=["Post", "Total Cost (Apr 2020 to Mar 2022)"])
    assert found == years(2020, 2021)


def test_it_finds_a_year_named_in_brackets_in_the_cells():
    found = years_named(headers=["Post", "Funding"], cells=["Care Matters ABG (2008/09)"])
    assert found == years(2008, 2008)


def test_it_spans_every_year_named_in_the_headers():
    assert years_named(headers=["Post", "2021/22", "2022/23", "2023/24"]) == years(2021, 2023)


def test_it_prefers_a_period_in_the_titles_to_years_in_the_cells():
    found = years_named(
        headers=["Post", "Cost"],
        titles=["Posts proposed for 2008/09 to 2009/10"],
        cells=["Rolled forward from 2007/08"],
    )
    assert found == years(2008, 2009)


def test_it_reads_no_year_from_a_date():
    assert years_named(headers=["Post", "Start"], cells=["2020-04-01", "01/04/2020"]) is None


def test_it_takes_no_years_that_no_plan_could_run():
    assert years_named(headers=["Post"], cells=["2000/01", "2030/31"]) is None


@pytest.mark.parametrize(
    "text",
    ["Inflation Pay Increase (23/24)", "FY 23/24 budget", "FY23/24", "Year 23/24", "23/24"],
)
def test_it_reads_a_two_digit_financial_year(text):
    assert years_named(cells=[text]) == years(2023, 2023)


@pytest.mark.parametrize(
    "text",
    ["3/4 of the team", "(23/25)", "01/04/23", "on 23/04/2024", "12/13 posts filled", "(0.23/24)"],
)
def test_it_reads_no_year_from_a_date_or_a_fraction_written_short(text):
    assert years_named(cells=[text]) is None


# -- importing -------------------------------------------------------------------------


def run(data, organisation=None, **options):
    return import_appendix(
        organisation=organisation or OrganisationFactory(),
        plan_slug="wirral",
        file_name="appendix.csv",
        data=data,
        **options,
    )


@pytest.mark.django_db
def test_it_sets_a_new_plans_years_from_a_year_the_file_names():
    report = run(csv_bytes(WIRRAL_2008))

    plan = Plan.objects.get(slug="wirral")
    assert report.committed
    assert (plan.first_year, plan.last_year) == (2008, 2008)


@pytest.mark.django_db
def test_it_sets_the_staffordshire_plans_year_from_its_23_24_saying_why():
    report = import_appendix(
        organisation=OrganisationFactory(),
        plan_slug="staffs",
        file_name=STAFFORDSHIRE.name,
        data=STAFFORDSHIRE.read_bytes(),
        dry_run=True,
    )

    assert report.years == years(2023, 2023)
    assert "2023/24" in report.years_reason
    assert "“Inflation Pay Increase (23/24)”" in report.years_reason


@pytest.mark.django_db
def test_it_sets_a_new_plans_years_to_those_chosen_at_import():
    run(csv_bytes(WIRRAL_2008), years=years(2008, 2009))

    plan = Plan.objects.get(slug="wirral")
    assert (plan.first_year, plan.last_year) == (2008, 2009)


@pytest.mark.django_db
def test_it_keeps_an_existing_plans_years_saying_so():
    plan = PlanFactory(slug="wirral", first_year=2008, last_year=2008)

    report = run(csv_bytes(WIRRAL_2008), organisation=plan.organisation, years=years(2010, 2011))

    plan.refresh_from_db()
    assert (plan.first_year, plan.last_year) == (2008, 2008)
    assert any("2010/11 to 2011/12" in warning for warning in report.warnings)


@pytest.mark.django_db
def test_it_will_not_import_into_an_archived_plan():
    plan = PlanFactory(slug="wirral", first_year=2008, last_year=2008)
    archive_plan(plan=plan)

    with pytest.raises(UnreadableFile, match="is archived"):
        run(csv_bytes(WIRRAL_2008), organisation=plan.organisation)
    assert not PlanLine.objects.exists()


@pytest.mark.django_db
def test_it_takes_the_years_on_the_command_line():
    code, result = command(str(MIDDLESBROUGH), "--plan", "mbro", "--years", "2019/20-2021/22")

    plan = Plan.objects.get(slug="mbro")
    assert code == 0 and result["committed"]
    assert (plan.first_year, plan.last_year) == (2019, 2021)
    assert result["years"] == "2019/20 to 2021/22"


@pytest.mark.django_db
@pytest.mark.parametrize("given", ["2025/27", "2026/27-2025/26", "2008/09-2057/58", "soon"])
def test_it_refuses_bad_years_on_the_command_line_saving_nothing(given):
    code, result = command(str(MIDDLESBROUGH), "--plan", "mbro", "--years", given)

    assert code == 2
    assert result["error"].startswith("--years: ")
    assert not Plan.objects.exists() and not PlanLine.objects.exists()


# -- in the browser --------------------------------------------------------------------


def previewed(client, data, name="appendix.xlsx", plan="new-plan") -> int:
    url = reverse("posts:imports", args=[client.organisation.slug])
    response = client.post(url, {"file": SimpleUploadedFile(name, data), "plan": plan, "sheet": ""})
    return int(response["Location"].rstrip("/").split("/")[-1])


def preview_url(client, preview_id):
    return reverse("posts:import-preview", args=[client.organisation.slug, preview_id])


def commit_url(client, preview_id):
    return reverse("posts:import-commit", args=[client.organisation.slug, preview_id])


@pytest.mark.django_db
def test_it_offers_the_years_the_file_names_in_the_preview(admin):
    preview_id = previewed(admin, MIDDLESBROUGH.read_bytes(), name=MIDDLESBROUGH.name)

    page = admin.get(preview_url(admin, preview_id)).content.decode()

    assert 'name="years"' in page
    assert 'value="2020/21 to 2021/22"' in page


@pytest.mark.django_db
def test_it_previews_and_commits_the_years_chosen_in_the_preview(admin):
    preview_id = previewed(admin, workbook_bytes(WIRRAL_2008))

    page = admin.get(preview_url(admin, preview_id), {"years": "2008/09-2009/10"})
    done = admin.post(commit_url(admin, preview_id), {"years": "2008/09-2009/10"}, follow=True)

    plan = Plan.objects.get(slug="new-plan")
    assert "a new plan, 2008/09 to 2009/10" in page.content.decode()
    assert 'name="years" value="2008/09-2009/10"' in page.content.decode()  # carried to commit
    assert (plan.first_year, plan.last_year) == (2008, 2009)
    assert done.status_code == 200


@pytest.mark.django_db
def test_it_refuses_bad_years_in_the_preview_and_will_not_commit_them(admin):
    preview_id = previewed(admin, workbook_bytes(WIRRAL_2008))

    page = admin.get(preview_url(admin, preview_id), {"years": "2025/27"})
    commit = admin.post(commit_url(admin, preview_id), {"years": "2025/27"}, follow=True)

    assert page.status_code == 422
    assert "“2025/27” is not a financial year" in page.content.decode()
    assert "“2025/27” is not a financial year" in commit.content.decode()
    assert not Plan.objects.filter(slug="new-plan").exists()


@pytest.mark.django_db
def test_it_links_to_the_plan_after_a_commit(admin):
    preview_id = previewed(admin, workbook_bytes(WIRRAL_2008))

    done = admin.post(commit_url(admin, preview_id), follow=True)

    link = reverse("posts:workspace", args=["new-plan"])
    assert f'href="{link}"' in done.content.decode()


@pytest.mark.django_db
def test_it_says_in_the_preview_which_years_it_chose_and_why(admin):
    preview_id = previewed(admin, STAFFORDSHIRE.read_bytes(), name=STAFFORDSHIRE.name)

    page = admin.get(preview_url(admin, preview_id)).content.decode()

    assert 'value="2023/24"' in page
    assert "“Inflation Pay Increase (23/24)”" in page
