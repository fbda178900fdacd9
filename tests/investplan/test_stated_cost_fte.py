"""A stated annual cost is the cost at the FTE it was stated for: another FTE scales it
pro rata, and the working says so. Plain Python: no database."""

from datetime import date
from decimal import Decimal as D
from decimal import localcontext

from hypothesis import given
from hypothesis import strategies as st

from figures.costs.engine import (
    Assumptions,
    CostEngine,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    PayAward,
    StaffLine,
    StatedSalary,
)
from figures.costs.financial_year import FinancialYear as FY

Y2020, Y2021 = FY(2020), FY(2021)


def middlesbrough(**kwargs) -> CostEngine:
    return CostEngine(Assumptions(Y2020, Y2021, FlatOnCost(D("0.29")), **kwargs))


def stated_post(fte, stated_fte="1", cost="42413", kind=LineKind.NEW_POST, **kwargs):
    grade = Grade("K", 1, 1, {1: {Y2020: D("32878")}})
    return StaffLine(
        kind,
        D(fte),
        date(2020, 4, 1),
        None,
        GradePay(grade, 1),
        stated_annual_cost=D(cost),
        stated_fte=D(stated_fte),
        **kwargs,
    )


def test_it_halves_a_stated_cost_when_the_post_is_halved():
    cost = middlesbrough().cost(stated_post("0.5"))

    assert cost.full_year_effect == D("21206.5")
    assert cost.years == {Y2020: D("21206.5"), Y2021: D("21206.5")}


def test_it_uses_a_stated_cost_as_stated_at_the_fte_it_was_stated_for():
    cost = middlesbrough().cost(stated_post("1"))

    assert cost.full_year_effect == D("42413")


def test_it_takes_a_stated_cost_at_the_lines_fte_when_none_is_recorded():
    line = stated_post("0.5")
    cost = middlesbrough().cost(StaffLine(**{**_fields(line), "stated_fte": None}))

    assert cost.full_year_effect == D("42413")


def test_it_scales_released_budget_stated_for_one_fte():
    cost = middlesbrough().cost(stated_post("0.5", kind=LineKind.RELEASED_BUDGET))

    assert cost.full_year_effect == D("-21206.5")


def test_it_says_in_the_working_that_a_stated_cost_was_scaled():
    cost = middlesbrough().cost(stated_post("0.5"))

    assert cost.pieces[0].basis.startswith(
        "stated annual cost £42,413.00 for 1 FTE × 0.5/1 = £21,206.50"
    )
    assert cost.full_year_working[0].amount == D("21206.5")


def test_it_compares_a_scaled_stated_cost_with_the_grade_at_the_same_fte():
    cost = middlesbrough().cost(stated_post("0.5"))

    assert cost.computed_full_year_effect == D("32878") * D("0.5") * D("1.29")
    assert cost.stated_difference == D("21206.5") - D("21206.31")


def test_it_carries_a_scaled_stated_cost_forward_by_the_pay_award():
    engine = middlesbrough(pay_awards={Y2021: PayAward(D("0.02"))})

    cost = engine.cost(stated_post("0.5"))

    assert cost.years[Y2021] == D("21206.5") * D("1.02")


def test_it_scales_a_stated_salary_by_fte_already():
    # A stated salary is a full-time salary: the FTE multiplies it, as a grade's does.
    def salaried(fte):
        return StaffLine(
            LineKind.NEW_POST, D(fte), date(2020, 4, 1), None, StatedSalary(D("84000"))
        )

    whole, part = middlesbrough().cost(salaried("1")), middlesbrough().cost(salaried("0.6"))

    assert part.full_year_effect == whole.full_year_effect * D("0.6")


@given(
    fte=st.decimals(min_value=D("0.01"), max_value=D("10"), places=2),
    stated_fte=st.decimals(min_value=D("0.01"), max_value=D("10"), places=2),
    stated=st.decimals(min_value=D("1000"), max_value=D("500000"), places=2),
)
def test_it_scales_a_stated_cost_linearly_with_fte(fte, stated_fte, stated):
    engine = middlesbrough(pay_awards={Y2021: PayAward(D("0.025"))})
    at_stated = engine.cost(stated_post(str(stated_fte), str(stated_fte), str(stated)))
    scaled = engine.cost(stated_post(str(fte), str(stated_fte), str(stated)))

    with localcontext(prec=60):  # the engine's precision
        assert abs(scaled.full_year_effect - at_stated.full_year_effect * fte / stated_fte) < (
            D("1e-40")
        )
        for year in (Y2020, Y2021):
            assert abs(scaled.years[year] - at_stated.years[year] * fte / stated_fte) < (D("1e-40"))


def _fields(line: StaffLine) -> dict:
    return {name: getattr(line, name) for name in StaffLine.__slots__}
