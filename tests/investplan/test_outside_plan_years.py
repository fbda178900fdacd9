"""A line wholly outside the plan's years costs nothing in the plan, full-year effect
included. Plain Python: no database."""

from datetime import date
from decimal import Decimal as D

import pytest

from figures.costs.engine import (
    Assumptions,
    CostEngine,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    NonStaffLine,
    StaffLine,
    outside_years,
)
from figures.costs.financial_year import FinancialYear as FY

FIRST, LAST = FY(2023), FY(2024)


def engine() -> CostEngine:
    return CostEngine(Assumptions(FIRST, LAST, FlatOnCost(D("0.29"))))


def post(start, end=None, **kwargs) -> StaffLine:
    grade = Grade("K", 1, 1, {1: {FY(2020): D("32878")}})
    return StaffLine(LineKind.NEW_POST, D("1"), start, end, GradePay(grade, 1), **kwargs)


@pytest.mark.parametrize(
    ("start", "end", "outside"),
    [
        (date(2020, 4, 1), date(2022, 3, 31), True),  # ended before the plan
        (date(2025, 4, 1), None, True),  # starts after the plan
        (date(2020, 4, 1), date(2023, 4, 1), False),  # its last day is the plan's first
        (date(2025, 3, 31), None, False),  # its first day is the plan's last
        (date(2020, 4, 1), None, False),  # permanent, running into the plan
    ],
)
def test_it_tells_a_line_wholly_outside_the_plans_years(start, end, outside):
    assert outside_years(start, end, FIRST, LAST) is outside


def test_it_costs_nothing_for_a_post_that_ended_before_the_plan():
    cost = engine().cost(post(date(2020, 4, 1), date(2022, 3, 31)))

    assert cost.years == {FIRST: 0, LAST: 0}
    assert cost.full_year_effect == 0


def test_it_costs_nothing_for_a_post_that_starts_after_the_plan():
    cost = engine().cost(post(date(2026, 4, 1), stated_annual_cost=D("42413")))

    assert cost.full_year_effect == 0
    assert cost.stated_annual_cost is None
    assert cost.pieces == [] and cost.full_year_working == []


def test_it_costs_nothing_for_a_one_off_cost_dated_before_the_plan():
    cost = engine().cost(NonStaffLine(D("120000"), date(2020, 6, 1), one_off=True))

    assert cost.full_year_effect == 0
    assert cost.full_year_working == []


def test_it_costs_nothing_for_a_recurring_cost_that_ended_before_the_plan():
    cost = engine().cost(NonStaffLine(D("40000"), date(2020, 4, 1), date(2021, 3, 31)))

    assert cost.full_year_effect == 0


def test_it_still_gives_the_full_year_effect_of_a_post_running_into_the_plan():
    cost = engine().cost(post(date(2020, 4, 1)))

    assert cost.full_year_effect == D("32878") * D("1.29")
