"""True cost (seed 002, Appendix C note 2) and the in-year recruitment forecast (seeds 003
and 004 §6.3.4). Plain Python over Decimal; no Django here.

True cost builds on a line's cost with what a council pays for a post beyond its salary and
on-costs: an agency premium on the share of social-worker FTE assumed to be covered by
agency staff at any time; a recruitment payment to each new starter; retention payments to
each eligible post; less the vacancy factor (the part of the pay budget a council expects
to go unspent while posts are empty). Amounts by financial year are exact here and rounded
once, when a table prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .engine import people
from .financial_year import FinancialYear
from .money import HUNDRED, ZERO

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TrueCostAssumptions:
    """Percentages as typed (15 is 15%); money in pounds."""

    agency_share_percent: Decimal = ZERO
    agency_premium: Decimal = ZERO  # per agency FTE per year
    recruitment_payment: Decimal = ZERO  # per new starter, once
    retention_payment: Decimal = ZERO  # per eligible FTE per year
    vacancy_factor_percent: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class TrueCostPost:
    """What true cost needs of a new post: its FTE and dates, which payments apply, and
    its cost by financial year as the engine worked it out."""

    fte: Decimal
    start: date
    end: date | None  # inclusive; None is permanent
    cost: dict[FinancialYear, Decimal]
    headcount: int | None = None
    social_worker: bool = False  # the agency share applies
    reward_scheme: bool = False  # recruitment and retention payments apply

    @property
    def starters(self) -> int:
        return people(self.fte, self.headcount)


@dataclass(frozen=True, slots=True)
class TrueCostParts:
    """The additions to one line's cost in one financial year; `vacancy_factor` is
    negative (a saving)."""

    agency_premium: Decimal = ZERO
    recruitment: Decimal = ZERO
    retention: Decimal = ZERO
    vacancy_factor: Decimal = ZERO

    @property
    def added(self) -> Decimal:
        return self.agency_premium + self.recruitment + self.retention + self.vacancy_factor


def days_in(start: date, end: date | None, year: FinancialYear) -> tuple[int, int]:
    """The days of `year` between `start` and `end` (inclusive), and the days in `year`."""
    first = max(start, year.start)
    last = year.end if end is None else min(end, year.end)
    days_in_year = (year.end - year.start).days + 1
    return max(0, (last - first).days + 1), days_in_year


def _pro_rata(annual: Decimal, start: date, end: date | None, year: FinancialYear) -> Decimal:
    # Divided last, so an annual amount for every day of a year is exactly that amount.
    days, days_in_year = days_in(start, end, year)
    return annual * days / days_in_year


def true_cost_parts(
    post: TrueCostPost, years: list[FinancialYear], assumptions: TrueCostAssumptions
) -> dict[FinancialYear, TrueCostParts]:
    """Each plan year's additions to a new post's cost."""
    agency_fte = post.fte * assumptions.agency_share_percent / HUNDRED
    parts = {}
    for year in years:
        agency = recruitment = retention = ZERO
        if post.social_worker:
            agency = _pro_rata(agency_fte * assumptions.agency_premium, post.start, post.end, year)
        if post.reward_scheme:
            annual = post.fte * assumptions.retention_payment
            retention = _pro_rata(annual, post.start, post.end, year)
            if year.start <= post.start <= year.end:
                recruitment = assumptions.recruitment_payment * post.starters
        vacancy = -post.cost.get(year, ZERO) * assumptions.vacancy_factor_percent / HUNDRED
        parts[year] = TrueCostParts(agency, recruitment, retention, vacancy)
    return parts


# -- The in-year forecast ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InYearForecast:
    """One post's year: its budget, the forecast from the date it starts (or is now
    expected to), the slippage (budget less forecast), and what agency cover costs until
    it is filled. The forecast with cover is the forecast plus the cover."""

    budget: Decimal
    forecast: Decimal
    agency_cover: Decimal = ZERO

    @property
    def slippage(self) -> Decimal:
        return self.budget - self.forecast

    @property
    def forecast_with_cover(self) -> Decimal:
        return self.forecast + self.agency_cover


def in_year_forecast(
    *,
    budget: Decimal,
    forecast: Decimal,
    fte: Decimal,
    budgeted_start: date,
    forecast_start: date,
    year: FinancialYear,
    agency_cover: bool,
    agency_premium: Decimal,
) -> InYearForecast:
    """`budget` is the year's cost from the budgeted start, `forecast` the same post's cost
    from the forecast start. Agency staff covering the post until it is filled are paid what
    the post would have cost for those days (the slippage they use up) plus the agency
    premium per FTE per year for the days covered."""
    cover = ZERO
    if agency_cover and forecast_start > budgeted_start:
        premium = _pro_rata(fte * agency_premium, budgeted_start, forecast_start - _ONE_DAY, year)
        cover = (budget - forecast) + premium
    return InYearForecast(budget=budget, forecast=forecast, agency_cover=cover)
