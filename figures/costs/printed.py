"""A line's figures as printed: its cost rounded once to whole pounds, its FTE, and its
parts by funding source and by finding, split so the parts sum exactly to the line.

Plain Python over Decimal, like the engine. `figures.services` stores what this returns;
the what-if comparison adds it up in memory. The rules are those the committee tables
have always printed by (decision 0016 for lines outside the plan's years, 0003 for
allocations), worked out once per line when its facts change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .engine import LineCost, LineKind
from .financial_year import FinancialYear
from .money import PENNY, POUND, ZERO, Share, apportion, round_money, split_money
from .true_cost import TrueCostAssumptions, TrueCostPost, in_year_forecast, true_cost_parts


@dataclass(frozen=True, slots=True)
class Allocation:
    """A funding source's share of a line: a percentage (as typed) or a fixed amount."""

    source_id: int
    percent: Decimal | None
    amount: Decimal | None
    end_date: date | None

    @property
    def share(self) -> Share:
        if self.percent is not None:
            return Share(self.source_id, fraction=self.percent / 100)
        return Share(self.source_id, amount=self.amount)


@dataclass(frozen=True, slots=True)
class LineFacts:
    """What the printed figures of a line rest on besides its cost."""

    kind: str
    fte: Decimal | None
    start: date | None
    end: date | None  # inclusive; None is permanent
    outside_years: bool
    allocations: Sequence[Allocation] = ()
    finding_ids: Sequence[int] = ()  # in the order the findings are printed
    headcount: int | None = None
    social_worker: bool = False
    reward_scheme: bool = False
    agency_cover: bool = False  # agency staff cover the post until it is filled
    forecast_start: date | None = None  # the actual start, else the expected, else `start`


@dataclass(slots=True)
class Figures:
    """FTE, full-year effect and each year's cost, in whole pounds: a line's, or a group's
    added up from its lines (the workspace and every table print these)."""

    fte: Decimal = ZERO
    full_year: Decimal = ZERO
    years: dict[FinancialYear, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.years.values(), ZERO)

    def add(self, other: Figures) -> None:
        self.fte += other.fte
        self.full_year += other.full_year
        for year, amount in other.years.items():
            self.years[year] = self.years.get(year, ZERO) + amount


@dataclass(slots=True)
class Part:
    """A line's part for one funding source or finding (key None: requires additional
    funding, or not linked to a finding)."""

    key: int | None
    figures: Figures
    # Funding only: what the source would have paid after it ends, in whole pounds;
    # the full-year share under None.
    cliff: dict[FinancialYear | None, Decimal] | None = None


@dataclass(slots=True)
class PrintedLine:
    figures: Figures
    funding: list[Part]
    findings: list[Part]
    forecast: dict[FinancialYear, Decimal]
    true_cost: dict[FinancialYear, tuple[Decimal, Decimal, Decimal, Decimal]]
    # What agency staff covering a post filled late cost in each year, in whole pounds.
    agency_cover: dict[FinancialYear, Decimal] = field(default_factory=dict)
    full_year_exact: str = ""  # the engine's exact full-year effect, as a decimal string
    salary: Decimal | None = None
    computed_full_year: Decimal | None = None
    stated_difference: Decimal | None = None
    stated_differs: bool = False
    error: str = ""


def line_fte(kind: str, fte: Decimal | None) -> Decimal:
    """FTE added to the establishment: released budget takes its FTE away; an uplift and a
    non-staff cost add none."""
    if kind == LineKind.NEW_POST:
        return fte or ZERO
    if kind == LineKind.RELEASED_BUDGET:
        return -(fte or ZERO)
    return ZERO


def printed_line(
    facts: LineFacts,
    cost: LineCost | None,
    years: list[FinancialYear],
    *,
    error: str = "",
    forecast_cost: dict[FinancialYear, Decimal] | None = None,
    true_cost: TrueCostAssumptions | None = None,
) -> PrintedLine:
    """The line's printed figures. `cost` is None where it cannot be costed (`error` says
    why): a post with no grade yet still counts its FTE. `forecast_cost` is its cost by
    year had it started when it actually did or is expected to; None where that is its
    budgeted start or it cannot be costed so."""
    # A line wholly outside the plan's years adds nothing, its FTE included.
    fte = ZERO if facts.outside_years else line_fte(facts.kind, facts.fte)
    if cost is None:
        pounds = Figures(fte, ZERO, dict.fromkeys(years, ZERO))
    else:
        pounds = Figures(
            fte,
            round_money(cost.full_year_effect, POUND),
            {year: round_money(cost.years.get(year, ZERO), POUND) for year in years},
        )
    forecast = _forecast(cost, forecast_cost, pounds, years)
    printed = PrintedLine(
        figures=pounds,
        funding=_funding_parts(facts, cost, pounds, years),
        findings=_finding_parts(facts, pounds),
        forecast=forecast,
        true_cost=_true_cost(facts, cost, years, true_cost),
        agency_cover=_agency_cover(facts, cost, pounds, forecast, years, true_cost),
        error=error,
    )
    if cost is not None:
        printed.full_year_exact = str(cost.full_year_effect)
        if cost.full_year_salary is not None:
            printed.salary = round_money(cost.full_year_salary, POUND)
        if cost.computed_full_year_effect is not None:
            printed.computed_full_year = round_money(cost.computed_full_year_effect, POUND)
        if cost.stated_difference is not None:
            printed.stated_difference = round_money(cost.stated_difference, POUND)
            printed.stated_differs = bool(cost.stated_difference)
    return printed


def _forecast(cost, forecast_cost, pounds: Figures, years) -> dict[FinancialYear, Decimal]:
    if cost is None or not forecast_cost:
        return dict(pounds.years)
    return {year: round_money(forecast_cost.get(year, ZERO), POUND) for year in years}


def _agency_cover(facts: LineFacts, cost, pounds: Figures, forecast, years, assumptions) -> dict:
    """Each year's cost of agency staff covering a new post until it is filled, from the
    year's printed budget and forecast: what the in-year forecast prints beside them."""
    if (
        facts.kind != LineKind.NEW_POST
        or cost is None
        or not facts.agency_cover
        or facts.start is None
        or facts.forecast_start is None
    ):
        return dict.fromkeys(years, ZERO)
    premium = assumptions.agency_premium if assumptions is not None else ZERO
    return {
        year: round_money(
            in_year_forecast(
                budget=pounds.years[year],
                forecast=forecast[year],
                fte=facts.fte or ZERO,
                budgeted_start=facts.start,
                forecast_start=facts.forecast_start,
                year=year,
                agency_cover=True,
                agency_premium=premium,
            ).agency_cover,
            POUND,
        )
        for year in years
    }


# A plan that assumes no agency share, payments or vacancy factor adds nothing to any
# post's cost: most plans, so not worked out year by year for every line.
_NOTHING_ADDED = TrueCostAssumptions()


def _true_cost(facts: LineFacts, cost, years, assumptions) -> dict:
    nothing = (ZERO, ZERO, ZERO, ZERO)
    if facts.kind != LineKind.NEW_POST or cost is None or assumptions in (None, _NOTHING_ADDED):
        return dict.fromkeys(years, nothing)
    post = TrueCostPost(
        fte=facts.fte,
        start=facts.start,
        end=facts.end,
        cost=cost.years,
        headcount=facts.headcount,
        social_worker=facts.social_worker,
        reward_scheme=facts.reward_scheme,
    )
    return {
        year: (
            round_money(parts.agency_premium, POUND),
            round_money(parts.recruitment, POUND),
            round_money(parts.retention, POUND),
            round_money(parts.vacancy_factor, POUND),
        )
        for year, parts in true_cost_parts(post, years, assumptions).items()
    }


def apportion_figures(figures: Figures, weights) -> list[Figures]:
    fte_parts = apportion(figures.fte, weights, PENNY)
    full_year_parts = apportion(figures.full_year, weights, POUND)
    year_parts = {year: apportion(amount, weights, POUND) for year, amount in figures.years.items()}
    return [
        Figures(
            fte=fte_parts[i],
            full_year=full_year_parts[i],
            years={year: parts[i] for year, parts in year_parts.items()},
        )
        for i in range(len(weights))
    ]


def _finding_parts(facts: LineFacts, figures: Figures) -> list[Part]:
    if not facts.finding_ids:
        return [Part(None, figures)]
    if len(facts.finding_ids) == 1:
        return [Part(facts.finding_ids[0], figures)]
    # A line answering several findings counts once: its figures are shared equally.
    shares = apportion_figures(figures, [Decimal(1)] * len(facts.finding_ids))
    return [
        Part(finding_id, share) for finding_id, share in zip(facts.finding_ids, shares, strict=True)
    ]


def _funding_parts(facts: LineFacts, cost, figures: Figures, years) -> list[Part]:
    """Each source's part of the line, then what requires additional funding where that
    is anything."""
    if not facts.allocations:  # nobody pays for it yet: all of it requires additional funding
        return [Part(None, figures)]
    parts = [
        Part(key, part)
        for key, part in _split_between_sources(facts.allocations, figures, years, POUND)
    ]
    if cost is not None:
        _add_cliffs(facts, parts, figures, years)
    return parts


def _split_between_sources(allocations, figures: Figures, years, quantum):
    every_share = [allocation.share for allocation in allocations]
    ends = [allocation.end_date for allocation in allocations]

    def shares_for(year: FinancialYear | None) -> list[Share]:
        if year is None or not any(ends):
            return every_share
        # A source that has ended before the year begins pays nothing in it.
        return [
            share
            for share, end in zip(every_share, ends, strict=True)
            if not (end and end < year.start)
        ]

    first_year = years[0] if years else None
    full_year_split = split_money(figures.full_year, shares_for(first_year), quantum)
    year_splits = {
        year: split_money(figures.years[year], shares_for(year), quantum) for year in years
    }
    keys = [allocation.source_id for allocation in allocations] + [None]
    weights = [full_year_split.parts.get(key, ZERO) for key in keys[:-1]] + [
        full_year_split.unfunded
    ]
    if not any(weights):
        weights = [ZERO] * (len(keys) - 1) + [Decimal(1)]
    fte_parts = apportion(figures.fte, [abs(weight) for weight in weights], PENNY)
    for index, key in enumerate(keys):
        unfunded = key is None
        part = Figures(
            fte=fte_parts[index],
            # A source that ended before the first year pays nothing of the full-year effect.
            full_year=full_year_split.unfunded
            if unfunded
            else full_year_split.parts.get(key, ZERO),
            years={
                year: split.unfunded if unfunded else split.parts.get(key, ZERO)
                for year, split in year_splits.items()
            },
        )
        if unfunded and not (part.fte or part.full_year or any(part.years.values())):
            continue
        yield key, part


def _add_cliffs(facts: LineFacts, parts: list[Part], pounds: Figures, years) -> None:
    """Where the line outlives a source (a permanent post on a two-year grant), what the
    source would pay in each plan year after it ends, had it continued, and of the
    full-year effect: the recurring pressure. A source counts as ended for a year that
    starts after its end date, as in the split."""
    shares = [allocation.share for allocation in facts.allocations]
    by_source = {part.key: part for part in parts}
    for allocation in facts.allocations:
        end = allocation.end_date
        if not end or (facts.end is not None and facts.end <= end):
            continue
        cliff: dict[FinancialYear | None, Decimal] = {
            None: split_money(pounds.full_year, shares, POUND).parts.get(allocation.source_id, ZERO)
        }
        for year in years:
            if year.start > end:
                split = split_money(pounds.years[year], shares, POUND)
                cliff[year] = split.parts.get(allocation.source_id, ZERO)
        by_source[allocation.source_id].cliff = cliff
