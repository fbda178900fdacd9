"""Rollups of a plan: lines grouped by workstream, team, finding, funding source or line,
with FTE, full-year effect, the cost of each financial year and the total.

Figures are rounded once, per line, to the precision shown; groups and totals add those
rounded figures, so every total is the sum of the figures above it. Where a line is shared
between groups (funding sources, several findings) its figures are split so the parts sum
exactly to the line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from figures.costing import CostedLine, PlanCosting
from figures.costs.financial_year import FinancialYear
from figures.costs.money import (
    PENNY,
    POUND,
    ZERO,
    Share,
    apportion,
    round_money,
    split_money,
)
from posts.models import LineKind, LineStatus

GROUPINGS = ("line", "workstream", "funding", "team", "finding", "phase", "status")
NO_WORKSTREAM = "No workstream"
NO_TEAM = "No team"
NO_FINDING = "Not linked to a finding"
NO_PHASE = "No phase"
UNFUNDED = "Requires additional funding"


@dataclass
class Figures:
    """FTE, full-year effect, each year's cost and the total, as shown."""

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


@dataclass
class Group:
    key: object
    name: str
    figures: Figures
    lines: list[CostedLine] = field(default_factory=list)


@dataclass
class Rollup:
    plan: object
    by: str
    financial_years: list[FinancialYear]
    groups: list[Group]
    totals: Figures
    errors: list[CostedLine]

    def as_json(self) -> dict:
        def figures_json(name: str, figures: Figures) -> dict:
            return {
                "name": name,
                "fte": f"{figures.fte:.2f}",
                "full_year": money_text(figures.full_year),
                "years": {
                    year.label: money_text(figures.years[year]) for year in self.financial_years
                },
                "total": money_text(figures.total),
            }

        return {
            "plan": self.plan.slug,
            "by": self.by,
            "financial_years": [year.label for year in self.financial_years],
            "groups": [figures_json(group.name, group.figures) for group in self.groups],
            "totals": figures_json("Total", self.totals),
            "errors": [
                {"line": costed.line.title, "position": costed.line.position, "error": costed.error}
                for costed in self.errors
            ],
        }


def money_text(amount: Decimal) -> str:
    return f"{amount:.2f}"


def line_figures(
    costed: CostedLine, years: list[FinancialYear], quantum: Decimal, rounded: dict | None = None
) -> Figures:
    """A line's figures rounded to `quantum`: the atoms every table adds up. `rounded`
    keeps each cost as rounded, by the cost's identity, for lines that share a cost."""
    line, cost = costed.line, costed.cost
    if cost is None:
        # A post that cannot be costed yet (no grade or salary) is still in the
        # establishment: its FTE counts, its cost is flagged on its row.
        outside = years and line.is_outside_years(years[0].start_year, years[-1].start_year)
        return Figures(fte=ZERO if outside else line_fte(line), years=dict.fromkeys(years, ZERO))
    key = (id(cost), quantum)
    found = rounded.get(key) if rounded is not None else None
    if found is None:
        found = (
            round_money(cost.full_year_effect, quantum),
            {year: round_money(cost.years.get(year, ZERO), quantum) for year in years},
        )
        if rounded is not None:
            rounded[key] = found
    full_year, by_year = found
    fte = line_fte(line)
    if (
        fte
        and not full_year
        and years
        and line.is_outside_years(years[0].start_year, years[-1].start_year)
    ):
        fte = ZERO  # wholly outside the plan's years: it adds nothing to any total
    return Figures(fte=fte, full_year=full_year, years=dict(by_year))


def line_fte(line) -> Decimal:
    """FTE added to the establishment: released budget takes its FTE away; an uplift and a
    non-staff cost add none."""
    if line.kind == LineKind.NEW_POST:
        return line.fte
    if line.kind == LineKind.RELEASED_BUDGET:
        return -line.fte
    return ZERO


def rollup(plan, by: str, quantum: Decimal = PENNY, costing: PlanCosting | None = None) -> Rollup:
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")
    costing = costing or PlanCosting(plan)
    return costing.remembered(("rollup", by, quantum), lambda: _rollup(plan, by, quantum, costing))


def _rollup(plan, by: str, quantum: Decimal, costing: PlanCosting) -> Rollup:
    years = costing.years
    groups: dict[object, Group] = {}
    order: dict[object, tuple] = {}
    totals = Figures(years={year: ZERO for year in years})
    for index, (costed, figures) in enumerate(
        zip(costing.costed, costing.figures(quantum), strict=True)
    ):
        totals.add(figures)
        for key, name, sort_key, part in _parts(
            by, index, costed, figures, years, quantum, costing.known.funding_parts
        ):
            group = groups.get(key)
            if group is None:
                group = groups[key] = Group(key, name, Figures(years={y: ZERO for y in years}))
                order[key] = sort_key
            group.figures.add(part)
            group.lines.append(costed)
    ordered = sorted(groups.values(), key=lambda group: order[group.key])
    return Rollup(plan, by, years, ordered, totals, costing.errors)


_LAST = (1, 0, "")


def _parts(by, index, costed, figures, years, quantum, funding_parts) -> Iterator[tuple]:
    line = costed.line
    if by == "line":
        yield ("line", line.pk), line.title, (0, index, ""), figures
    elif by == "workstream":
        workstream = line.workstream
        if workstream is None:
            yield "none", NO_WORKSTREAM, _LAST, figures
        else:
            yield workstream.pk, workstream.name, (0, workstream.position, workstream.name), figures
    elif by == "team":
        team = line.team
        if team is None:
            yield "none", NO_TEAM, _LAST, figures
        else:
            yield team.pk, team.name, (0, 0, team.name), figures
    elif by == "phase":
        if line.phase:
            yield ("phase", line.phase), f"Phase {line.phase}", (0, 0, line.phase.lower()), figures
        else:
            yield "none", NO_PHASE, _LAST, figures
    elif by == "status":
        order = LineStatus.values.index(line.status)
        yield ("status", line.status), line.get_status_display(), (0, order, ""), figures
    elif by == "finding":
        findings = line.answered_findings
        if not findings:
            yield "none", NO_FINDING, _LAST, figures
            return
        # A line answering several findings counts once: its figures are shared equally.
        shares = apportion_figures(figures, [Decimal(1)] * len(findings), quantum)
        for finding, part in zip(findings, shares, strict=True):
            yield finding.pk, str(finding), (0, finding.position, str(finding.pk)), part
    else:
        yield from _shared_funding_parts(costed, figures, years, quantum, funding_parts)


def _shared_funding_parts(costed, figures, years, quantum, known: dict) -> Iterable[tuple]:
    """A line's split between its sources, worked out once for every line with the same
    cost, FTE and allocations (a plan and its scenarios share most lines). The parts are
    only read (added into groups), never altered, so every such line is given the same."""
    allocations = costed.line.funding_allocations
    if costed.cost is None or not allocations:
        return _funding_parts(costed, figures, years, quantum)
    key = (
        id(costed.cost),  # the cost is kept with `known`, so its identity is never reused
        quantum,
        figures.fte,
        tuple(
            (allocation.source_id, allocation.percent, allocation.amount)
            for allocation in allocations
        ),
    )
    parts = known.get(key)
    if parts is None:
        parts = known[key] = list(_funding_parts(costed, figures, years, quantum))
    return parts


def apportion_figures(figures: Figures, weights, quantum) -> list[Figures]:
    fte_parts = apportion(figures.fte, weights, PENNY)
    full_year_parts = apportion(figures.full_year, weights, quantum)
    year_parts = {
        year: apportion(amount, weights, quantum) for year, amount in figures.years.items()
    }
    return [
        Figures(
            fte=fte_parts[i],
            full_year=full_year_parts[i],
            years={year: parts[i] for year, parts in year_parts.items()},
        )
        for i in range(len(weights))
    ]


def _funding_parts(costed, figures, years, quantum) -> Iterator[tuple]:
    allocations = costed.line.funding_allocations
    if not allocations:  # nobody pays for it yet: all of it requires additional funding
        yield "unfunded", UNFUNDED, _LAST, figures
        return
    sources = [allocation.source for allocation in allocations]
    every_share = [_share(allocation) for allocation in allocations]
    ends = [source.end_date for source in sources]

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
    keys = [source.pk for source in sources] + [UNFUNDED]
    weights = [full_year_split.parts.get(key, ZERO) for key in keys[:-1]] + [
        full_year_split.unfunded
    ]
    if not any(weights):
        weights = [ZERO] * (len(keys) - 1) + [Decimal(1)]
    fte_parts = apportion(figures.fte, [abs(weight) for weight in weights], PENNY)
    for index, key in enumerate(keys):
        is_unfunded = key == UNFUNDED
        part = Figures(
            fte=fte_parts[index],
            full_year=full_year_split.unfunded if is_unfunded else full_year_split.parts[key],
            years={
                year: split.unfunded if is_unfunded else split.parts.get(key, ZERO)
                for year, split in year_splits.items()
            },
        )
        if is_unfunded and not (part.fte or part.full_year or any(part.years.values())) and sources:
            continue
        if is_unfunded:
            yield "unfunded", UNFUNDED, _LAST, part
        else:
            source = sources[index]
            yield source.pk, source.name, (0, 0, source.name), part


def _share(allocation) -> Share:
    if allocation.percent is not None:
        return Share(allocation.source.pk, fraction=allocation.percent / 100)
    return Share(allocation.source.pk, amount=allocation.amount.amount)


@dataclass
class Cliff:
    """A line that outlives a source paying for it (a permanent post on a two-year grant).
    `full_year` is what the source pays of the line's full-year effect: the pressure each
    year once it ends. `years` is what it would pay in each plan year after it ends, had it
    continued: the recurring pressure the plan must fund from elsewhere."""

    line: object  # posts.models.PlanLine
    source: object  # funding.models.FundingSource
    full_year: Decimal
    years: dict[FinancialYear, Decimal]


def funding_cliffs(costing: PlanCosting, quantum: Decimal = POUND) -> list[Cliff]:
    """Every line that outlives a source allocated to it, with the recurring pressure. A
    source counts as ended for a year that starts after its end date, as in `rollup`."""
    cliffs = []
    for costed, figures in zip(costing.costed, costing.figures(quantum), strict=True):
        line = costed.line
        ending = line.sources_ending_before_it
        if not ending or costed.cost is None:
            continue
        shares = [_share(allocation) for allocation in line.funding_allocations]
        for source in ending:
            years = {}
            for year in costing.years:
                if year.start > source.end_date:
                    split = split_money(figures.years[year], shares, quantum)
                    years[year] = split.parts.get(source.pk, ZERO)
            full_year = split_money(figures.full_year, shares, quantum).parts.get(source.pk, ZERO)
            cliffs.append(Cliff(line, source, full_year, years))
    return cliffs
