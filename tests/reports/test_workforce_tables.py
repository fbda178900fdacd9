"""True cost (seed 002), the in-year recruitment forecast (seeds 003 and 004) and funding
cliffs, as committee tables with worked figures. Salaries of £30,000 with 29% on-costs and
no pay award cost £38,700 a year per FTE."""

from datetime import date
from decimal import Decimal as D

import pytest

from figures.costs.financial_year import FinancialYear
from reports.tables import RowKind, casting_errors
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
)
from tests.reports.helpers import rows, tables_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_002_plan():
    return PlanFactory(
        first_year=2020,
        last_year=2021,
        assumptions__agency_share_percent=D("15"),
        assumptions__agency_premium=D("30000"),
        assumptions__recruitment_payment=D("5000"),
        assumptions__retention_payment=D("1000"),
        assumptions__vacancy_factor_percent=D("5"),
    )


def test_it_shows_cost_and_true_cost_side_by_side_each_year(seed_002_plan):
    PlanLineFactory(
        plan=seed_002_plan,
        annual_salary=D("30000"),
        fte=D("2"),
        social_worker=True,
        reward_scheme=True,
    )

    _, by_year = tables_of(seed_002_plan, "true-cost")

    first, second = rows(by_year)
    # 2 FTE: agency 15% x 2 x £30,000; two starters x £5,000 in the first year only;
    # retention 2 x £1,000; vacancy factor 5% of £77,400.
    assert first == {
        "name": "2020/21",
        "cost": D("77400"),
        "agency": D("9000"),
        "recruitment": D("10000"),
        "retention": D("2000"),
        "vacancy": D("-3870"),
        "true_cost": D("94530"),
    }
    assert (second["recruitment"], second["true_cost"]) == (D("0"), D("84530"))
    assert rows(by_year, RowKind.TOTAL)[0]["true_cost"] == D("179060")


def test_it_adds_nothing_but_the_vacancy_factor_to_a_post_outside_the_schemes(seed_002_plan):
    PlanLineFactory(plan=seed_002_plan, annual_salary=D("30000"), title="Data Analyst")

    _, by_year = tables_of(seed_002_plan, "true-cost")

    first = rows(by_year)[0]
    assert (first["agency"], first["recruitment"], first["retention"]) == (0, 0, 0)
    assert first["true_cost"] == D("38700") - D("1935")


def test_it_totals_true_cost_by_workstream_so_that_it_casts(seed_002_plan):
    for name, fte in (("District Teams", "3"), ("Quality Assurance", "1")):
        PlanLineFactory(
            plan=seed_002_plan,
            workstream=WorkstreamFactory(plan=seed_002_plan, name=name),
            annual_salary=D("30000"),
            fte=D(fte),
            social_worker=name == "District Teams",
        )

    by_workstream, by_year = tables_of(seed_002_plan, "true-cost")

    district = rows(by_workstream)[0]
    assert (district["name"], district["fte"], district["agency"]) == (
        "District Teams",
        D("3"),
        D("27000"),
    )
    assert casting_errors(by_workstream) == casting_errors(by_year) == []
    assert (
        rows(by_workstream, RowKind.TOTAL)[0]["true_cost"]
        == rows(by_year, RowKind.TOTAL)[0]["true_cost"]
    )


@pytest.fixture
def one_year_plan():
    # One financial year, so the in-year forecast is for 2021/22 whatever today is.
    return PlanFactory(first_year=2021, last_year=2021, assumptions__agency_premium=D("30000"))


def test_it_forecasts_the_year_from_the_expected_start_with_agency_cover(one_year_plan):
    PlanLineFactory(
        plan=one_year_plan,
        annual_salary=D("30000"),
        start_date=date(2021, 4, 1),
        expected_start_date=date(2021, 8, 1),
        agency_cover=True,
    )

    _, forecast = tables_of(one_year_plan, "recruitment")

    (post,) = rows(forecast)
    # Filled from 1 August: eight months of £38,700. Cover: the four months' £12,900 plus
    # the £30,000 premium for 122 of 365 days (£10,027.40).
    assert (post["budget"], post["forecast"], post["slippage"]) == (
        D("38700"),
        D("25800"),
        D("12900"),
    )
    assert (post["cover"], post["with_cover"]) == (D("22927"), D("48727"))
    assert (post["budgeted_start"], post["expected_start"]) == ("1 Apr 2021", "1 Aug 2021")


def test_it_forecasts_from_the_actual_start_over_the_expected_one(one_year_plan):
    PlanLineFactory(
        plan=one_year_plan,
        annual_salary=D("30000"),
        start_date=date(2021, 4, 1),
        expected_start_date=date(2021, 8, 1),
        actual_start_date=date(2021, 10, 1),
    )

    _, forecast = tables_of(one_year_plan, "recruitment")

    (post,) = rows(forecast)
    assert (post["forecast"], post["slippage"], post["cover"]) == (D("19350"), D("19350"), 0)


def test_it_totals_the_forecast_by_workstream_so_that_it_casts(one_year_plan):
    workstream = WorkstreamFactory(plan=one_year_plan, name="District Teams")
    for month in (4, 7, 11):
        PlanLineFactory(
            plan=one_year_plan,
            workstream=workstream,
            annual_salary=D("30000"),
            start_date=date(2021, 4, 1),
            expected_start_date=date(2021, month, 17),
            agency_cover=month == 11,
        )

    _, forecast = tables_of(one_year_plan, "recruitment")

    assert (
        forecast.title
        == f"In-year forecast {FinancialYear(2021)}: budget against forecast from start dates"
    )
    assert casting_errors(forecast) == []
    subtotal = rows(forecast, RowKind.SUBTOTAL)[0]
    assert subtotal["budget"] - subtotal["forecast"] == subtotal["slippage"]


def test_it_forecasts_nothing_for_a_post_with_no_figures_in_the_year():
    # Two years, so the forecast is for the later, 2022/23, whatever today is; the post
    # ends before it, so it has no stored figures of that year at all.
    plan = PlanFactory(first_year=2021, last_year=2022)
    PlanLineFactory(
        plan=plan,
        title="Fixed-term social worker",
        annual_salary=D("30000"),
        start_date=date(2021, 4, 1),
        end_date=date(2022, 3, 31),
    )

    _, forecast = tables_of(plan, "recruitment")

    (post,) = rows(forecast)
    assert post["title"] == "Fixed-term social worker"
    assert [post[key] for key in ("budget", "forecast", "slippage", "cover", "with_cover")] == [
        0,
        0,
        0,
        0,
        0,
    ]


@pytest.fixture
def three_year_plan():
    return PlanFactory(first_year=2020, last_year=2022)


def test_it_flags_a_permanent_post_on_a_grant_that_ends_with_the_recurring_pressure(
    three_year_plan,
):
    grant = FundingSourceFactory(
        organisation=three_year_plan.organisation, name="Two-year grant", end_date=date(2021, 3, 31)
    )
    permanent = PlanLineFactory(plan=three_year_plan, annual_salary=D("30000"), title="SW")
    AllocationFactory(line=permanent, source=grant, percent=D("100"))
    fixed_term = PlanLineFactory(
        plan=three_year_plan, annual_salary=D("30000"), end_date=date(2021, 3, 31)
    )
    AllocationFactory(line=fixed_term, source=grant, percent=D("100"))

    _, _, cliffs, _ = tables_of(three_year_plan, "funding")

    assert [cells["title"] for cells in rows(cliffs, RowKind.HEADING)] == [
        "Two-year grant: ends 31 Mar 2021"
    ]
    (line,) = rows(cliffs)
    assert (line["title"], line["line_ends"], line["full_year"]) == ("SW", "Permanent", D("38700"))
    assert (line["y2020"], line["y2021"], line["y2022"]) == (0, D("38700"), D("38700"))


def test_it_shows_the_recurring_pressure_each_later_year_in_the_multi_year_summary(
    three_year_plan,
):
    grant = FundingSourceFactory(
        organisation=three_year_plan.organisation, name="Two-year grant", end_date=date(2021, 3, 31)
    )
    base = FundingSourceFactory(organisation=three_year_plan.organisation, name="Base budget")
    whole = PlanLineFactory(plan=three_year_plan, annual_salary=D("30000"))
    AllocationFactory(line=whole, source=grant, percent=D("100"))
    shared = PlanLineFactory(plan=three_year_plan, annual_salary=D("30000"))
    AllocationFactory(line=shared, source=grant, percent=D("50"))
    AllocationFactory(line=shared, source=base, percent=D("50"))

    _, pressure = tables_of(three_year_plan, "multi-year")

    (row,) = rows(pressure)
    assert row == {
        "name": "Two-year grant",
        "ends": "31 Mar 2021",
        "posts": D("2"),
        "full_year": D("58050"),
        "y2020": D("0"),
        "y2021": D("58050"),
        "y2022": D("58050"),
        "total": D("116100"),
    }
    assert casting_errors(pressure) == []


def test_it_finds_no_cliff_where_the_source_outlasts_the_line(three_year_plan):
    grant = FundingSourceFactory(
        organisation=three_year_plan.organisation, end_date=date(2023, 3, 31)
    )
    line = PlanLineFactory(plan=three_year_plan, end_date=date(2022, 3, 31))
    AllocationFactory(line=line, source=grant, percent=D("100"))

    _, _, cliffs, _ = tables_of(three_year_plan, "funding")

    assert cliffs.rows == []
    assert cliffs.empty_message == "No line outlives a funding source allocated to it."


def test_it_flags_a_permanent_post_whose_grant_ends_after_the_plan(three_year_plan):
    grant = FundingSourceFactory(
        organisation=three_year_plan.organisation, end_date=date(2023, 3, 31)
    )
    line = PlanLineFactory(plan=three_year_plan, annual_salary=D("30000"))
    AllocationFactory(line=line, source=grant, percent=D("100"))

    _, _, cliffs, _ = tables_of(three_year_plan, "funding")

    (flagged,) = rows(cliffs)
    # No plan year is after the grant ends, but from 2023/24 a full year is unfunded.
    assert (flagged["full_year"], flagged["total"]) == (D("38700"), 0)
