"""A line's printed figures (`figures.costs.printed`): rounded once to whole pounds,
shared between funding sources and findings so the parts sum exactly to the line.
Plain Python: no database."""

from datetime import date
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from figures.costs.engine import LineCost, LineKind
from figures.costs.financial_year import FinancialYear as FY
from figures.costs.money import ZERO
from figures.costs.printed import Allocation, LineFacts, printed_line
from figures.costs.true_cost import TrueCostAssumptions

YEARS = [FY(2024), FY(2025), FY(2026)]
GRANT_A, GRANT_B, BASE = 1, 2, 3


def cost(full_year, *by_year) -> LineCost:
    return LineCost(
        years=dict(zip(YEARS, (D(amount) for amount in by_year), strict=False)),
        full_year_effect=D(full_year),
        start_year=YEARS[0],
    )


def post(*allocations, fte="1", end=None, findings=(), kind=LineKind.NEW_POST, outside=False):
    return LineFacts(
        kind=kind,
        fte=D(fte) if fte is not None else None,
        start=date(2024, 4, 1),
        end=end,
        outside_years=outside,
        allocations=list(allocations),
        finding_ids=list(findings),
    )


def by_source(printed):
    return {part.key: part.figures for part in printed.funding}


# -- worked cases -------------------------------------------------------------------


def test_it_rounds_a_half_shared_post_at_each_precision_from_the_exact_figure():
    # £32,878 at 29% on-costs: £42,412.62 a year; half of it paid by Grant A.
    printed = printed_line(
        post(Allocation(GRANT_A, D("50"), None, None)),
        cost("42412.62", "42412.62"),
        YEARS[:1],
    )

    # £42,413 in whole pounds: the grant's half rounds up, the rest is what is left.
    pounds = by_source(printed)
    assert (pounds[GRANT_A].full_year, pounds[None].full_year) == (D("21207"), D("21206"))
    assert (pounds[GRANT_A].fte, pounds[None].fte) == (D("0.50"), D("0.50"))


def test_it_leaves_out_an_unfunded_part_that_is_nothing_in_whole_pounds():
    # A fixed £1,000 a year of a £1,000.40 line: the 40p left over rounds to nothing.
    printed = printed_line(
        post(Allocation(GRANT_A, None, D("1000"), None), kind=LineKind.NON_STAFF, fte=None),
        cost("1000.40", "1000.40"),
        YEARS[:1],
    )

    assert [(part.key, part.figures.full_year) for part in printed.funding] == [
        (GRANT_A, D("1000"))
    ]


def test_it_keeps_an_unfunded_part_of_a_pound():
    printed = printed_line(
        post(Allocation(GRANT_A, None, D("1000"), None), kind=LineKind.NON_STAFF, fte=None),
        cost("1000.60", "1000.60"),
        YEARS[:1],
    )

    assert by_source(printed)[None].full_year == D("1")


def test_it_prints_no_unfunded_part_for_a_line_paid_for_in_full():
    printed = printed_line(
        post(Allocation(GRANT_A, D("60"), None, None), Allocation(BASE, D("40"), None, None)),
        cost("42412.62", "42412.62", "43684.99"),
        YEARS[:2],
    )

    assert [part.key for part in printed.funding] == [GRANT_A, BASE]


def test_it_shares_a_line_between_two_findings_equally():
    printed = printed_line(post(findings=[7, 8]), cost("1000.01", "1000.01"), YEARS[:1])

    assert [part.figures.full_year for part in printed.findings] == [D("500"), D("500")]


def test_it_gives_the_odd_pound_of_a_line_shared_by_two_findings_to_the_last():
    printed = printed_line(post(findings=[7, 8]), cost("1001", "1001"), YEARS[:1])

    assert [part.figures.full_year for part in printed.findings] == [D("501"), D("500")]


def test_it_counts_a_line_wholly_outside_the_years_as_no_fte():
    printed = printed_line(
        post(Allocation(GRANT_A, D("50"), None, None), findings=[7], outside=True),
        cost("42412.62"),
        YEARS[:1],
    )

    assert printed.figures.fte == ZERO
    assert all(part.figures.fte == ZERO for part in printed.funding)
    assert [part.figures.fte for part in printed.findings] == [ZERO]


def test_it_takes_released_budgets_fte_away_and_splits_it_as_negative_parts():
    printed = printed_line(
        post(Allocation(BASE, D("100"), None, None), kind=LineKind.RELEASED_BUDGET, fte="1.5"),
        cost("-45000.50", "-45000.50"),
        YEARS[:1],
    )

    assert printed.figures.fte == D("-1.5")
    assert by_source(printed)[BASE].full_year == D("-45001")
    assert by_source(printed)[BASE].fte == D("-1.5")


def test_it_shows_the_cliff_of_a_permanent_post_on_a_grant_ending_after_its_first_year():
    ends = date(2025, 3, 31)
    printed = printed_line(
        post(Allocation(GRANT_B, D("100"), None, ends)),
        cost("40000", "40000", "41200"),
        YEARS[:2],
    )

    grant = next(part for part in printed.funding if part.key == GRANT_B)
    assert grant.cliff == {None: D("40000"), YEARS[1]: D("41200")}
    # Once it has ended, the grant pays nothing and the year requires additional funding.
    assert grant.figures.years == {YEARS[0]: D("40000"), YEARS[1]: ZERO}
    assert by_source(printed)[None].years[YEARS[1]] == D("41200")


def test_it_has_a_grant_that_ended_before_the_first_year_pay_nothing_of_the_line():
    # Plan years moved on past the grant's end: all of it requires additional funding.
    printed = printed_line(
        post(Allocation(GRANT_B, D("50"), None, date(2025, 3, 31))),
        LineCost(years={YEARS[1]: D("41200")}, full_year_effect=D("41200"), start_year=YEARS[1]),
        YEARS[1:2],
    )

    pounds = by_source(printed)
    assert (pounds[GRANT_B].full_year, pounds[GRANT_B].years) == (ZERO, {YEARS[1]: ZERO})
    assert (pounds[None].full_year, pounds[None].fte) == (D("41200"), D("1"))
    grant = next(part for part in printed.funding if part.key == GRANT_B)
    assert grant.cliff == {None: D("20600"), YEARS[1]: D("20600")}


def test_it_shows_no_cliff_for_a_post_ending_with_its_grant():
    ends = date(2025, 3, 31)
    printed = printed_line(
        post(Allocation(GRANT_B, D("100"), None, ends), end=ends),
        cost("40000", "40000"),
        YEARS[:2],
    )

    assert [part.cliff for part in printed.funding] == [None]


def test_it_counts_a_post_that_cannot_be_costed_at_its_fte_with_no_cost():
    printed = printed_line(
        post(Allocation(GRANT_A, D("50"), None, None), fte="0.5"),
        None,
        YEARS,
        error="There is no salary for point SW1 in 2024/25.",
    )

    assert printed.figures.fte == D("0.5")
    assert printed.figures.years == dict.fromkeys(YEARS, ZERO)
    assert sum(part.figures.fte for part in printed.funding) == D("0.5")
    assert all(part.cliff is None for part in printed.funding)


def filled_late(*, covered: bool):
    # Budgeted from 1 April 2024, filled on 1 August: 122 days of 2024/25 empty.
    facts = LineFacts(
        kind=LineKind.NEW_POST,
        fte=D("1"),
        start=date(2024, 4, 1),
        end=None,
        outside_years=False,
        agency_cover=covered,
        forecast_start=date(2024, 8, 1),
    )
    return printed_line(
        facts,
        cost("40000", "40000", "40000"),
        YEARS[:2],
        forecast_cost={YEARS[0]: D("26630.14"), YEARS[1]: D("40000")},
        true_cost=TrueCostAssumptions(agency_premium=D("30000")),
    )


def test_it_costs_agency_cover_until_a_late_post_is_filled_from_its_printed_budget():
    printed = filled_late(covered=True)

    # £40,000 less £26,630 of slippage, plus £30,000 a year for 122 of 365 days, once
    # rounded: £13,370 + £10,027.40.
    assert printed.agency_cover == {YEARS[0]: D("23397"), YEARS[1]: ZERO}


def test_it_costs_no_agency_cover_for_a_post_not_covered():
    assert filled_late(covered=False).agency_cover == dict.fromkeys(YEARS[:2], ZERO)


# -- properties -----------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=500_000, places=4, allow_nan=False)
ends = st.sampled_from([None, date(2025, 3, 31), date(2025, 10, 31), date(2027, 3, 31)])


@st.composite
def lines(draw):
    kind = draw(st.sampled_from(list(LineKind)))
    sign = D(-1) if kind == LineKind.RELEASED_BUDGET else D(1)
    first = draw(st.integers(0, len(YEARS) - 1))
    years = YEARS[first : first + draw(st.integers(1, len(YEARS) - first))]
    by_year = {year: sign * draw(amounts) for year in years}
    full_year = sign * draw(amounts)
    percents = draw(st.lists(st.integers(1, 100), max_size=3))
    while sum(percents) > 100:  # the forms and the database refuse more than 100%
        percents.pop()
    allocations = [
        Allocation(key, D(percent), None, draw(ends))
        for key, percent in enumerate(percents, start=1)
    ]
    for key in range(len(allocations) + 1, draw(st.integers(len(allocations) + 1, 4))):
        allocations.append(Allocation(key, None, draw(amounts) + D("0.01"), draw(ends)))
    facts = LineFacts(
        kind=kind,
        fte=None if kind == LineKind.NON_STAFF else draw(st.sampled_from([D("0.5"), D("1.37")])),
        start=date(2024, 4, 1),
        end=draw(ends),
        outside_years=draw(st.booleans()),
        allocations=allocations,
        finding_ids=draw(st.lists(st.integers(100, 105), unique=True, max_size=3)),
    )
    line_cost = (
        None
        if draw(st.integers(0, 9)) == 0
        else LineCost(years=by_year, full_year_effect=full_year, start_year=years[0])
    )
    return facts, line_cost, years


@settings(max_examples=300)
@given(lines())
def test_it_splits_funding_into_parts_that_sum_to_the_line(line):
    printed = printed_line(*line)

    whole, parts = printed.figures, [part.figures for part in printed.funding]
    assert sum((part.full_year for part in parts), ZERO) == whole.full_year
    for year in line[2]:
        assert sum((part.years[year] for part in parts), ZERO) == whole.years[year]


@settings(max_examples=300)
@given(lines())
def test_it_splits_a_line_between_its_findings_into_parts_that_sum_to_it(line):
    printed = printed_line(*line)

    whole, parts = printed.figures, [part.figures for part in printed.findings]
    assert sum((part.full_year for part in parts), ZERO) == whole.full_year
    assert sum((part.fte for part in parts), ZERO) == whole.fte
    for year in line[2]:
        assert sum((part.years[year] for part in parts), ZERO) == whole.years[year]


@settings(max_examples=300)
@given(lines())
def test_it_shares_the_lines_fte_between_its_sources(line):
    printed = printed_line(*line)

    assert sum((part.figures.fte for part in printed.funding), ZERO) == printed.figures.fte


@settings(max_examples=300)
@given(lines())
def test_it_adds_no_fte_for_a_line_wholly_outside_the_years(line):
    facts = line[0]
    printed = printed_line(*line)

    if facts.outside_years:
        assert printed.figures.fte == ZERO
    elif facts.kind in (LineKind.NEW_POST, LineKind.RELEASED_BUDGET):
        assert abs(printed.figures.fte) == facts.fte


@settings(max_examples=300)
@given(lines())
def test_it_prints_the_unfunded_part_only_where_it_is_something(line):
    printed = printed_line(*line)

    if not line[0].allocations:  # nobody pays for it yet: all of it, whatever it is
        assert [(part.key, part.figures) for part in printed.funding] == [(None, printed.figures)]
        return
    keys = [allocation.source_id for allocation in line[0].allocations]
    assert [part.key for part in printed.funding][: len(keys)] == keys
    for part in printed.funding[len(keys) :]:
        figures = part.figures
        assert part.key is None
        assert figures.fte or figures.full_year or any(figures.years.values())


@settings(max_examples=300)
@given(lines())
def test_it_shows_cliffs_only_for_sources_ending_before_the_line_does(line):
    facts, line_cost, years = line
    printed = printed_line(*line)

    ending = {
        allocation.source_id: allocation.end_date
        for allocation in facts.allocations
        if allocation.end_date and (facts.end is None or facts.end > allocation.end_date)
    }
    cliffs = {part.key: part.cliff for part in printed.funding if part.cliff is not None}
    assert set(cliffs) == (set(ending) if line_cost is not None else set())
    for key, cliff in cliffs.items():
        assert {year for year in cliff if year is not None} == {
            year for year in years if year.start > ending[key]
        }
