"""What-if on assumptions, in the engine: no database."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from figures.costs.engine import (
    Assumptions,
    ComputedOnCost,
    CostEngine,
    EmployerNI,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    PayAward,
    StaffLine,
)
from figures.costs.financial_year import FinancialYear as FY
from figures.costs.what_if import WhatIf

PLAN = Assumptions(
    FY(2020),
    FY(2022),
    FlatOnCost(D("0.29")),
    {FY(2019): PayAward(D("0.025"), agreed=True), FY(2020): PayAward(D("0.0275"), agreed=True),
     FY(2021): PayAward(D("0.02"))},
)  # fmt: skip
GRADE = Grade("K", 1, 1, {1: {FY(2019): D("30000")}})
SOCIAL_WORKER = StaffLine(LineKind.NEW_POST, D("1"), date(2020, 4, 1), None, GradePay(GRADE, 1))


def test_it_replaces_each_assumed_award_of_the_plans_years_and_keeps_agreed_ones():
    changed = WhatIf(pay_award_percent=D("4")).applied_to(PLAN)

    assert changed.pay_awards == {
        FY(2019): PayAward(D("0.025"), agreed=True),  # before the plan: history
        FY(2020): PayAward(D("0.0275"), agreed=True),  # agreed: a fact
        FY(2021): PayAward(D("0.04")),
        FY(2022): PayAward(D("0.04")),
    }
    assert PLAN.pay_awards[FY(2021)] == PayAward(D("0.02"))  # the plan's own are untouched


def test_it_replaces_the_on_cost_method_with_the_flat_rate_asked_for():
    computed = Assumptions(
        FY(2020), FY(2021), ComputedOnCost({FY(2020): EmployerNI(D("0.138"), D("9100"))}, D("0.2"))
    )

    changed = WhatIf(flat_on_cost_percent=D("25")).applied_to(computed)

    assert changed.on_cost == FlatOnCost(D("0.25"))


def test_it_costs_a_social_worker_on_a_4_percent_award_against_2_percent():
    # 30,000 in 2019/20, raised 2.75% (agreed) for 2020/21: 30,825 a year, with 29% on-costs
    # 39,764.25. 2021/22 at 2%: 31,441.50 -> 40,559.54 (to the penny); at 4%: 32,058 ->
    # 41,354.82. 2022/23 compounds again.
    as_planned = CostEngine(PLAN).cost(SOCIAL_WORKER)
    what_if = CostEngine(WhatIf(pay_award_percent=D("4")).applied_to(PLAN)).cost(SOCIAL_WORKER)

    assert as_planned.years[FY(2020)] == what_if.years[FY(2020)] == D("39764.25")
    assert as_planned.years[FY(2021)] == D("40559.5350")
    assert what_if.years[FY(2021)] == D("41354.8200")
    assert what_if.years[FY(2022)] == D("41354.8200") * D("1.04")


@pytest.mark.parametrize(
    ("what_if", "words"),
    [
        (WhatIf(D("2")), "a 2% pay award each April"),
        (WhatIf(None, D("25.5")), "on-costs of 25.5% of pay"),
        (WhatIf(D("4"), D("30")), "a 4% pay award each April and on-costs of 30% of pay"),
    ],
)
def test_it_describes_the_what_if_in_words(what_if, words):
    assert what_if.describe() == words


awards = st.decimals(min_value=D("0"), max_value=D("10"), places=2)


@settings(max_examples=200, deadline=None)
@given(awards, awards, st.dates(min_value=date(2019, 1, 1), max_value=date(2023, 3, 31)))
def test_it_never_costs_a_year_less_on_a_higher_award(low, high, start):
    low, high = sorted((low, high))
    line = StaffLine(LineKind.NEW_POST, D("1"), start, None, GradePay(GRADE, 1))

    on_low = CostEngine(WhatIf(low).applied_to(PLAN)).cost(line)
    on_high = CostEngine(WhatIf(high).applied_to(PLAN)).cost(line)

    for year in PLAN.years:
        assert on_high.years.get(year, D(0)) >= on_low.years.get(year, D(0))


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(2019, 1, 1), max_value=date(2023, 3, 31)))
def test_it_changes_nothing_when_nothing_is_asked(start):
    line = StaffLine(LineKind.NEW_POST, D("1"), start, None, GradePay(GRADE, 1))

    assert WhatIf().applied_to(PLAN) is PLAN
    assert (
        CostEngine(WhatIf().applied_to(PLAN)).cost(line).years == CostEngine(PLAN).cost(line).years
    )
