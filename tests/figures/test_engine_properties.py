"""Properties the engine must hold for any line, checked by hypothesis. No database."""

from datetime import date, timedelta
from decimal import Decimal as D
from decimal import localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from figures.costs.engine import (
    YEAR_PARTS,
    Assumptions,
    ComputedOnCost,
    CostEngine,
    EmployerNI,
    FlatOnCost,
    Grade,
    GradePay,
    LineKind,
    NonStaffLine,
    PayAward,
    StaffLine,
    StatedSalary,
    line_outside_years,
)
from figures.costs.financial_year import FinancialYear as FY
from figures.costs.money import ZERO, Share, round_money, split_money

FIRST, LAST = FY(2020), FY(2024)

salaries = st.decimals(min_value=D("10000"), max_value=D("150000"), places=2)
rates = st.decimals(min_value=D("0"), max_value=D("0.5"), places=3)
awards = st.dictionaries(
    st.sampled_from([FY(year) for year in range(2021, 2025)]),
    st.builds(PayAward, st.decimals(min_value=D("0"), max_value=D("0.08"), places=3)),
)
ftes = st.decimals(min_value=D("0.01"), max_value=D("10"), places=2)
days = st.dates(min_value=date(2019, 1, 1), max_value=date(2025, 12, 31))
on_costs = st.one_of(
    st.builds(FlatOnCost, rates),
    st.builds(
        ComputedOnCost,
        st.just({FIRST: EmployerNI(D("0.138"), D("8840"))}),
        rates,
        st.just(D("0.005")),
    ),
)


@st.composite
def grades(draw):
    points = draw(st.integers(min_value=1, max_value=5))
    base = draw(salaries)
    step = draw(st.decimals(min_value=D("0"), max_value=D("3000"), places=2))
    return Grade("G", 1, points, {p: {FIRST: base + step * (p - 1)} for p in range(1, points + 1)})


@st.composite
def staff_lines(draw):
    grade = draw(grades())
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda day: day >= start)))
    fte = draw(ftes)
    headcount = draw(st.integers(min_value=1, max_value=12))
    kind = draw(st.sampled_from([LineKind.NEW_POST, LineKind.RELEASED_BUDGET]))
    point = draw(st.integers(min_value=grade.bottom, max_value=grade.top))
    return StaffLine(kind, fte, start, end, GradePay(grade, point), headcount=headcount)


@settings(max_examples=300, deadline=None)
@given(staff_lines(), on_costs, awards, st.booleans())
def test_it_never_costs_a_year_more_than_twelve_months_at_that_years_rates(
    line, on_cost, pay_awards, increments
):
    engine = CostEngine(Assumptions(FIRST, LAST, on_cost, pay_awards, increments))
    cost = engine.cost(line)

    for year, amount in cost.years.items():
        # Twelve months at the highest rate the post reaches that year: its grade's top.
        top = StaffLine(
            LineKind.NEW_POST,
            line.fte,
            year.start,
            year.end,
            GradePay(line.pay.grade, line.pay.grade.top),
            headcount=line.headcount,
        )
        ceiling = CostEngine(Assumptions(FIRST, LAST, on_cost, pay_awards)).cost(top)
        assert abs(amount) <= ceiling.years[year]


@settings(max_examples=300, deadline=None)
@given(salaries, rates, st.sampled_from([FY(year) for year in range(2020, 2025)]))
def test_it_costs_twelve_months_of_one_fte_at_a_flat_rate_as_salary_times_one_plus_rate(
    salary, rate, year
):
    grade = Grade("G", 1, 1, {1: {FIRST: salary}})
    line = StaffLine(LineKind.NEW_POST, D("1"), year.start, year.end, GradePay(grade, 1))

    cost = CostEngine(Assumptions(FIRST, LAST, FlatOnCost(rate))).cost(line)

    assert cost.years[year] == salary * (1 + rate)
    assert round_money(cost.years[year]) == round_money(salary * (1 + rate))


@settings(max_examples=300, deadline=None)
@given(staff_lines(), rates, awards, st.data())
def test_it_never_double_counts_a_month_between_consecutive_lines(line, rate, pay_awards, data):
    end = line.end or LAST.end
    if end <= line.start:
        return
    split_day = data.draw(st.dates(min_value=line.start, max_value=end - timedelta(days=1)))
    first = StaffLine(line.kind, line.fte, line.start, split_day, line.pay)
    second = StaffLine(line.kind, line.fte, split_day + timedelta(days=1), line.end, line.pay)
    engine = CostEngine(Assumptions(FIRST, LAST, FlatOnCost(rate), pay_awards))

    whole, one, other = engine.cost(line), engine.cost(first), engine.cost(second)

    # Exact in the engine's parts; read back as decimals to far beyond a penny.
    for year, amount in whole.years.items():
        assert abs(one.years[year] + other.years[year] - amount) < D("1e-20")


@st.composite
def any_lines(draw):
    """Every kind of line the engine costs: posts on a grade or a stated salary, uplifts,
    released budget, stated annual costs, recurring and one-off non-staff costs."""
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda day: day >= start)))
    kind = draw(st.sampled_from(list(LineKind)))
    if kind == LineKind.NON_STAFF:
        return NonStaffLine(draw(salaries), start, end, one_off=draw(st.booleans()))
    grade = draw(grades())
    pay = draw(
        st.one_of(
            st.builds(GradePay, st.just(grade), st.integers(grade.bottom, grade.top)),
            st.builds(StatedSalary, salaries),
        )
    )
    from_pay = GradePay(grade, grade.bottom) if kind == LineKind.UPLIFT else None
    stated = draw(st.one_of(st.none(), salaries)) if kind != LineKind.UPLIFT else None
    fte = draw(ftes)
    headcount = draw(st.integers(min_value=1, max_value=12))
    return StaffLine(kind, fte, start, end, pay, from_pay, headcount, stated)


@settings(max_examples=500, deadline=None)
@given(any_lines(), on_costs, awards, st.booleans())
def test_it_adds_up_to_exactly_what_its_working_shows(line, on_cost, pay_awards, increments):
    # The figures are added up directly and the working is built only when read, so the
    # two must agree. Exactly, but for one division: an increment mid-month shares that
    # month's NI between two pieces in proportion to pay, at 60 significant digits.
    cost = CostEngine(Assumptions(FIRST, LAST, on_cost, pay_awards, increments)).cost(line)

    def added_up(raw_pieces):  # as the engine reads a figure: one division, exactly
        with localcontext(prec=60):
            return sum((raw.amount for raw in raw_pieces), ZERO) / YEAR_PARTS

    for year, amount in cost.years.items():
        shown = added_up(raw for raw in cost.raw_pieces if raw.year == year)
        assert abs(amount - shown) < D("1e-40")
    assert cost.full_year_effect == added_up(cost.working.full_year)
    inside = not line_outside_years(line, FIRST, LAST)  # outside: nothing to show
    if isinstance(line, StaffLine) and line.kind != LineKind.UPLIFT and inside:
        working = (
            cost.computed_full_year_working
            if line.stated_annual_cost is not None
            else cost.full_year_working
        )
        assert cost.full_year_salary == working[0].annual_rate


@settings(max_examples=300, deadline=None)
@given(any_lines(), on_costs, awards)
def test_it_prints_years_that_add_up_to_the_printed_total(line, on_cost, pay_awards):
    cost = CostEngine(Assumptions(FIRST, LAST, on_cost, pay_awards)).cost(line)

    printed = cost.years_in_pence
    assert printed == {year: round_money(amount) for year, amount in cost.years.items()}
    assert cost.total_in_pence == sum(printed.values(), ZERO)
    assert abs(cost.total_in_pence - cost.total) <= D("0.005") * len(printed)


shares = st.lists(
    st.one_of(
        st.builds(
            lambda f: ("pct", f), st.decimals(min_value=D("0.001"), max_value=D("1"), places=3)
        ),
        st.builds(
            lambda a: ("amt", a), st.decimals(min_value=D("0.01"), max_value=D("1e6"), places=2)
        ),
    ),
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(st.decimals(min_value=D("-1e7"), max_value=D("1e7"), places=2), shares)
def test_it_splits_funding_into_parts_that_sum_exactly_to_the_whole(whole, raw_shares):
    fractions, total = [], D("0")
    for index, (kind, value) in enumerate(raw_shares):
        if kind == "pct":
            if total + value > 1:
                continue
            total += value
            fractions.append(Share(index, fraction=value))
        else:
            fractions.append(Share(index, amount=value))

    split = split_money(whole, fractions)

    assert sum(split.parts.values(), ZERO) + split.unfunded == whole
    assert all(part * whole >= 0 for part in [*split.parts.values(), split.unfunded])
