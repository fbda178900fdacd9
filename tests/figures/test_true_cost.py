"""True cost and the in-year forecast, in the engine: no database. Worked figures follow
seed 002 (15% of social workers agency at a £30,000 premium, £5,000 to each new starter)."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from figures.costs.financial_year import FinancialYear
from figures.costs.true_cost import (
    TrueCostAssumptions,
    TrueCostPost,
    days_in,
    in_year_forecast,
    true_cost_parts,
)

Y2025, Y2026 = FinancialYear(2025), FinancialYear(2026)
SEED_002 = TrueCostAssumptions(
    agency_share_percent=D("15"),
    agency_premium=D("30000"),
    recruitment_payment=D("5000"),
    retention_payment=D("2000"),
    vacancy_factor_percent=D("5"),
)


def post(**changes):
    facts = {
        "fte": D("10"),
        "start": date(2025, 4, 1),
        "end": None,
        "cost": {Y2025: D("400000"), Y2026: D("400000")},
        "social_worker": True,
        "reward_scheme": True,
    }
    return TrueCostPost(**{**facts, **changes})


def test_it_prices_the_agency_share_of_social_worker_fte_at_the_premium():
    parts = true_cost_parts(post(), [Y2025, Y2026], SEED_002)

    # 15% of 10 FTE is 1.5 agency FTE, at £30,000 each a year.
    assert parts[Y2025].agency_premium == D("45000")
    assert parts[Y2026].agency_premium == D("45000")


def test_it_prices_a_mid_year_start_for_the_days_in_post():
    parts = true_cost_parts(post(start=date(2025, 10, 1)), [Y2025], SEED_002)

    # 1 October to 31 March is 182 of 2025/26's 365 days.
    assert parts[Y2025].agency_premium == D("45000") * 182 / 365
    assert parts[Y2025].retention == D("20000") * 182 / 365


def test_it_adds_no_agency_premium_to_a_post_that_is_not_social_work():
    parts = true_cost_parts(post(social_worker=False), [Y2025], SEED_002)

    assert parts[Y2025].agency_premium == 0


def test_it_pays_the_recruitment_payment_to_each_new_starter_once_in_the_starting_year():
    parts = true_cost_parts(post(fte=D("2.5")), [Y2025, Y2026], SEED_002)

    # 2.5 FTE is three people when no headcount is given.
    assert parts[Y2025].recruitment == D("15000")
    assert parts[Y2026].recruitment == 0


def test_it_counts_new_starters_from_the_headcount_when_given():
    parts = true_cost_parts(post(fte=D("2.5"), headcount=5), [Y2025], SEED_002)

    assert parts[Y2025].recruitment == D("25000")


def test_it_pays_retention_per_eligible_fte_each_year_and_nothing_to_others():
    eligible = true_cost_parts(post(), [Y2025, Y2026], SEED_002)
    not_eligible = true_cost_parts(post(reward_scheme=False), [Y2025], SEED_002)

    assert eligible[Y2026].retention == D("20000")
    assert (not_eligible[Y2025].retention, not_eligible[Y2025].recruitment) == (0, 0)


def test_it_takes_the_vacancy_factor_off_the_posts_cost():
    parts = true_cost_parts(post(), [Y2025], SEED_002)

    assert parts[Y2025].vacancy_factor == D("-20000")
    assert parts[Y2025].added == D("45000") + D("5000") * 10 + D("20000") - D("20000")


def test_it_adds_nothing_after_a_fixed_term_post_ends():
    parts = true_cost_parts(
        post(end=date(2026, 3, 31), cost={Y2025: D("400000")}), [Y2025, Y2026], SEED_002
    )

    assert parts[Y2026].added == 0


@given(
    start_month=st.integers(1, 12),
    share=st.decimals(min_value=0, max_value=100, places=1),
)
def test_it_prices_the_agency_premium_in_proportion_to_the_share(start_month, share):
    starts = date(2025 if start_month >= 4 else 2026, start_month, 1)
    rates = TrueCostAssumptions(agency_share_percent=share, agency_premium=D("30000"))
    half = TrueCostAssumptions(agency_share_percent=share / 2, agency_premium=D("30000"))

    whole = true_cost_parts(post(start=starts), [Y2025], rates)[Y2025].agency_premium
    halved = true_cost_parts(post(start=starts), [Y2025], half)[Y2025].agency_premium

    assert whole >= 0
    assert halved * 2 == pytest.approx(whole, abs=D("1e-20"))


@given(st.dates(min_value=date(2020, 4, 1), max_value=date(2030, 3, 31)))
def test_it_splits_a_permanent_post_into_whole_years_after_the_one_it_starts(start):
    first = FinancialYear.containing(start)
    later = FinancialYear(first.start_year + 1)

    days, days_in_first = days_in(start, None, first)
    assert 0 < days <= days_in_first
    assert days_in(start, None, later) == (days_in(later.start, None, later)[1],) * 2


# A post budgeted from 1 April, now filled from 1 August (seed 004 §6.3.4).
FILLED_LATE = {
    "budget": D("30000"),
    "forecast": D("20000"),
    "fte": D("1"),
    "budgeted_start": date(2025, 4, 1),
    "forecast_start": date(2025, 8, 1),
    "year": Y2025,
    "agency_premium": D("30000"),
}


def test_it_forecasts_slippage_from_a_late_start_with_agency_cover_until_filled():
    outlook = in_year_forecast(**FILLED_LATE, agency_cover=True)

    # 1 April to 31 July is 122 days of 365: the post's £10,000 plus the premium for them.
    assert outlook.slippage == D("10000")
    assert outlook.agency_cover == D("10000") + D("30000") * 122 / 365
    assert outlook.forecast_with_cover == D("20000") + outlook.agency_cover


def test_it_costs_no_cover_where_agency_staff_do_not_cover_the_post():
    outlook = in_year_forecast(**FILLED_LATE, agency_cover=False)

    assert (outlook.slippage, outlook.agency_cover) == (D("10000"), 0)
