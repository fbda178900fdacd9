"""The cost engine on worked examples. Plain Python: no database."""

from datetime import date
from decimal import Decimal as D

import pytest

from figures.costs.engine import (
    Assumptions,
    ComputedOnCost,
    CostEngine,
    EmployerNI,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    MissingNIRate,
    MissingSalary,
    NonStaffLine,
    PayAward,
    StaffLine,
    StatedSalary,
)
from figures.costs.financial_year import FinancialYear as FY
from figures.costs.money import POUND, round_money

Y2020, Y2021, Y2022 = FY(2020), FY(2021), FY(2022)
FLAT_29 = FlatOnCost(D("0.29"))


def middlesbrough(years=(Y2020, Y2021), **kwargs) -> CostEngine:
    """Seed 000's assumptions: 29% on-costs, 2020/21 to 2021/22."""
    return CostEngine(Assumptions(years[0], years[-1], FLAT_29, **kwargs))


def grade(code, *salaries, year=Y2020, bottom=1) -> Grade:
    return Grade(
        code,
        bottom,
        bottom + len(salaries) - 1,
        {bottom + i: {year: D(salary)} for i, salary in enumerate(salaries)},
    )


def post(pay, fte="1", start=date(2020, 4, 1), end=None, **kwargs) -> StaffLine:
    return StaffLine(LineKind.NEW_POST, D(fte), start, end, pay, **kwargs)


@pytest.mark.parametrize(
    ("title", "code", "salary", "fte", "printed_annual_cost"),
    [
        ("Social Worker", "K", "32878", "1.5", D("63619")),
        ("Specialist Support Officer", "L", "35934", "1", D("46355")),
        ("Personal Advisors", "H", "25295", "2", D("65261")),
        ("Business Support Administration", "F", "21166", "1", D("27304")),
        ("Assistant Team Manager", "M", "38812", "1", D("50067")),
    ],
)
def test_it_matches_seed_000_annual_costs_at_29_percent(
    title, code, salary, fte, printed_annual_cost
):
    cost = middlesbrough().cost(post(GradePay(grade(code, salary), 1), fte))

    assert round_money(cost.full_year_effect, POUND) == printed_annual_cost


def test_it_costs_the_seed_000_social_worker_over_two_years():
    cost = middlesbrough().cost(post(GradePay(grade("K", "32878"), 1), "1.5"))

    assert cost.years == {Y2020: D("63618.93"), Y2021: D("63618.93")}
    assert round_money(cost.total, POUND) == D("127238")
    assert sum(round_money(amount, POUND) for amount in cost.years.values()) == D("127238")


def test_it_gives_part_year_and_full_year_effect_for_a_mid_year_start():
    # 15 November: 16 of November's 30 days, then December to March.
    cost = middlesbrough().cost(post(GradePay(grade("K", "36000"), 1), start=date(2020, 11, 15)))

    month = D("36000") * D("1.29") / 12
    assert cost.full_year_effect == D("46440")
    assert cost.part_year_effect == pytest.approx(month * 16 / 30 + month * 4, abs=D("1e-20"))
    assert cost.years[Y2021] == D("46440")


def test_it_prorates_a_start_and_an_end_inside_a_month_by_the_day():
    line = post(GradePay(grade("K", "31000"), 1), start=date(2021, 1, 11), end=date(2021, 1, 20))

    cost = middlesbrough().cost(line)

    assert cost.years[Y2020] == D("31000") * D("1.29") / 12 * 10 / 31
    assert [(piece.start, piece.end) for piece in cost.pieces] == [
        (date(2021, 1, 11), date(2021, 1, 20))
    ]


def test_it_compounds_pay_awards_from_each_first_of_april():
    awards = {Y2021: PayAward(D("0.02")), Y2022: PayAward(D("0.03"), agreed=True)}
    engine = middlesbrough(years=(Y2020, Y2022), pay_awards=awards)

    cost = engine.cost(post(GradePay(grade("K", "30000"), 1)))

    assert cost.years[Y2020] == D("38700")
    assert cost.years[Y2021] == D("30000") * D("1.02") * D("1.29")
    assert cost.years[Y2022] == D("30000") * D("1.02") * D("1.03") * D("1.29")
    assert (
        "2022/23 award 3.00% agreed"
        in next(piece for piece in cost.pieces if piece.year == Y2022).describe()
    )


def test_it_uses_a_later_spine_value_instead_of_compounding_past_it():
    spine = Grade("PO8", 1, 1, {1: {Y2020: D("40000"), Y2021: D("41000")}})
    engine = middlesbrough(pay_awards={Y2021: PayAward(D("0.05"))})

    cost = engine.cost(post(GradePay(spine, 1)))

    assert cost.years[Y2021] == D("41000") * D("1.29")


def test_it_moves_a_post_up_one_point_each_april_to_the_top_of_its_grade():
    scale = grade("G", "30000", "31000", "32000")
    engine = middlesbrough(years=(Y2020, FY(2023)), increments=True)

    cost = engine.cost(post(GradePay(scale, 1)))

    assert [cost.years[FY(year)] / D("1.29") for year in range(2020, 2024)] == [
        D("30000"),
        D("31000"),
        D("32000"),
        D("32000"),
    ]


def test_it_gives_a_starter_after_first_october_the_first_increment_after_six_months():
    # Starts 1 November 2020: up a point on 1 May 2021, then again on 1 April 2022.
    scale = grade("G", "24000", "36000", "48000")
    engine = middlesbrough(years=(Y2020, Y2022), increments=True)

    cost = engine.cost(post(GradePay(scale, 1), start=date(2020, 11, 1)))

    assert cost.years[Y2020] / D("1.29") == D("24000") * 5 / 12
    assert cost.years[Y2021] / D("1.29") == D("24000") / 12 + D("36000") * 11 / 12
    assert cost.years[Y2022] / D("1.29") == D("48000")


def test_it_gives_a_starter_on_first_october_the_first_increment_the_next_april():
    scale = grade("G", "24000", "36000")
    engine = middlesbrough(increments=True)

    cost = engine.cost(post(GradePay(scale, 1), start=date(2020, 10, 1)))

    assert cost.years[Y2021] / D("1.29") == D("36000")


def test_it_charges_employer_ni_per_person_per_month_above_the_threshold():
    # 2021/22: 13.8% above £8,840 a year; pension 19%; levy 0.5%.
    on_cost = ComputedOnCost({Y2021: EmployerNI(D("0.138"), D("8840"))}, D("0.19"))
    engine = CostEngine(Assumptions(Y2021, Y2021, on_cost))

    cost = engine.cost(
        post(
            GradePay(grade("K", "36000", year=Y2021), 1),
            fte="2",
            headcount=2,
            start=date(2021, 4, 1),
        )
    )

    monthly_pay_each = D("3000")
    ni_each = (monthly_pay_each - D("8840") / 12) * D("0.138")
    expected = 12 * 2 * (monthly_pay_each + ni_each + monthly_pay_each * D("0.195"))
    assert cost.years[Y2021] == pytest.approx(expected, abs=D("1e-20"))
    names = [name for name, _ in cost.pieces[0].on_costs]
    assert names == ["employer NI 13.80%", "pension 19.00%", "apprenticeship levy 0.50%"]


def test_it_applies_the_whole_monthly_ni_threshold_to_a_part_month():
    on_cost = ComputedOnCost({Y2021: EmployerNI(D("0.138"), D("8840"))}, D("0"), D("0"))
    engine = CostEngine(Assumptions(Y2021, Y2021, on_cost))

    # 10 days of a 30-day month at £36,000: £1,000 of pay, £736.67 threshold.
    cost = engine.cost(
        post(StatedSalary(D("36000")), start=date(2021, 6, 21), end=date(2021, 6, 30))
    )

    assert cost.years[Y2021] == pytest.approx(
        D("1000") + (D("1000") - D("8840") / 12) * D("0.138"), abs=D("1e-20")
    )


def test_it_refuses_computed_on_costs_without_an_ni_rate_for_the_year():
    on_cost = ComputedOnCost({Y2021: EmployerNI(D("0.138"), D("8840"))}, D("0.19"))
    engine = CostEngine(Assumptions(Y2020, Y2021, on_cost))

    with pytest.raises(MissingNIRate, match="2020/21"):
        engine.cost(post(StatedSalary(D("30000"))))


def test_it_costs_an_uplift_as_the_difference_between_the_grades():
    line = StaffLine(
        LineKind.UPLIFT,
        D("1"),
        date(2020, 4, 1),
        None,
        GradePay(grade("PO8", "33000"), 1),
        from_pay=GradePay(grade("PO4", "30000"), 1),
    )

    cost = middlesbrough().cost(line)

    assert cost.full_year_effect == D("3000") * D("1.29")
    assert cost.years[Y2021] == D("3870")


def test_it_makes_released_budget_negative():
    line = StaffLine(
        LineKind.RELEASED_BUDGET,
        D("1"),
        date(2020, 4, 1),
        date(2022, 3, 31),
        GradePay(grade("K", "32878"), 1),
    )

    cost = middlesbrough().cost(line)

    assert round_money(cost.full_year_effect, POUND) == D("-42413")
    assert all(amount < 0 for amount in cost.years.values())


def test_it_costs_a_one_off_non_staff_cost_in_its_year_only():
    cost = middlesbrough().cost(NonStaffLine(D("40000"), date(2020, 4, 1), one_off=True))

    assert cost.years == {Y2020: D("40000"), Y2021: D("0")}


def test_it_costs_a_recurring_non_staff_cost_pro_rata():
    cost = middlesbrough().cost(NonStaffLine(D("12000"), date(2020, 10, 1), date(2021, 9, 30)))

    assert cost.years == {Y2020: D("6000"), Y2021: D("6000")}
    assert cost.full_year_effect == D("12000")


def test_it_uses_a_stated_annual_cost_and_shows_the_difference_from_the_grade():
    # Seed 000's Legal Support: 4 FTE of grade N at £41,675 stated as £212,000 a year.
    line = post(GradePay(grade("N", "41675"), 1), fte="4", stated_annual_cost=D("212000"))

    cost = middlesbrough().cost(line)

    assert cost.full_year_effect == D("212000")
    assert cost.computed_full_year_effect == D("41675") * 4 * D("1.29")
    assert cost.stated_difference == D("212000") - D("215043.00")
    assert cost.pieces[0].basis.startswith("stated annual cost £212,000.00")


def test_it_sets_the_pay_of_a_stated_salary_beside_a_stated_annual_cost():
    # The years come from the stated cost; the full-year effect and salary set beside it
    # are those of the same post costed from its salary alone.
    on_cost = ComputedOnCost({Y2020: EmployerNI(D("0.138"), D("8840"))}, D("0.19"))
    engine = CostEngine(Assumptions(Y2020, Y2021, on_cost, pay_awards={Y2021: PayAward(D("0.03"))}))
    pay, start = StatedSalary(D("38000")), date(2020, 10, 15)

    from_pay = engine.cost(post(pay, "1.5", start))
    stated = engine.cost(post(pay, "1.5", start, stated_annual_cost=D("70000")))

    assert stated.computed_full_year_effect == from_pay.full_year_effect
    assert stated.full_year_salary == from_pay.full_year_salary == D("38000")
    assert stated.years != from_pay.years


def test_it_says_why_a_grade_beside_a_stated_annual_cost_cannot_be_costed_in_a_later_year():
    # The post moves up to a point that has no salary: only the second year shows it.
    on_points = Grade("K", 1, 2, {1: {Y2020: D("33000")}}, {1: "K1", 2: "K2"})
    engine = CostEngine(Assumptions(Y2020, Y2021, FLAT_29, increments=True))

    cost = engine.cost(post(GradePay(on_points, 1), stated_annual_cost=D("45000")))

    assert cost.full_year_effect == D("45000")
    assert cost.computed_full_year_effect is None
    assert "no salary for point K2" in cost.computed_note


def test_it_costs_a_tbc_grade_from_its_stated_salary():
    cost = middlesbrough().cost(post(StatedSalary(D("140000"))))

    assert cost.full_year_effect == D("180600")


def test_it_names_the_grade_point_and_year_when_a_salary_is_missing():
    later = Grade("K", 1, 1, {1: {Y2021: D("33000")}}, {1: "K mid"})

    with pytest.raises(MissingSalary) as raised:
        middlesbrough().cost(post(GradePay(later, 1)))

    assert (
        str(raised.value) == "Grade K has no salary for point K mid in 2020/21 or any earlier year"
    )


def test_it_carries_its_working_for_every_figure():
    cost = middlesbrough().cost(post(GradePay(grade("K", "32878"), 1), "1.5"))

    working = next(piece for piece in cost.pieces if piece.year == Y2020).describe()

    assert working == (
        "grade K point 1, 2020/21 spine £32,878.00: £32,878.00 × 1.5 FTE × 12 months / 12 "
        "= £49,317.00; on-costs 29.00% £14,301.93; total £63,618.93"
    )
    assert cost.full_year_working[0].amount == cost.full_year_effect
