"""Rollups of a plan: lines grouped by workstream, team, finding, funding source, phase,
status or line, with FTE, full-year effect, the cost of each financial year and the total.

The figures are each line's as printed, stored when the line's facts change
(`figures.models`), rounded once per line to the precision shown; groups and totals add
those rounded figures in the database, so every total is the sum of the figures above it.
Where a line is shared between groups (funding sources, several findings) its stored parts
sum exactly to the line.

One grouping definition (`build_rollup`: which group a key is, its name and its place) is
fed by two sources of sums: the stored figures, added up with `GROUP BY` (`stored_sums`),
or lines costed in memory on a what-if's assumptions (`printed_sums`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Min, Q, Sum

from figures.costs.financial_year import FinancialYear
from figures.costs.money import PENNY, POUND, ZERO, round_money
from figures.costs.printed import Figures, PrintedLine
from figures.models import FindingPart, FundingPart, LineFigures, LineYearFigure
from funding.models import FundingSource
from investplan.models import Finding, Plan, Team, Workstream
from posts.models import LineStatus, PlanLine, last_day

GROUPINGS = ("line", "workstream", "funding", "team", "finding", "phase", "status")
NO_WORKSTREAM = "No workstream"
NO_TEAM = "No team"
NO_FINDING = "Not linked to a finding"
NO_PHASE = "No phase"
UNFUNDED = "Requires additional funding"

# The column of the line each grouping takes its key from, from a stored figure's row.
_LINE_COLUMN = {
    "line": "line_id",
    "workstream": "line__workstream_id",
    "team": "line__team_id",
    "phase": "line__phase",
    "status": "line__status",
}
# The same, from a line itself (`printed_sums`).
_LINE_FIELD = {
    "line": "id",
    "workstream": "workstream_id",
    "team": "team_id",
    "phase": "phase",
    "status": "status",
}


@dataclass
class Group:
    key: object
    name: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class NotCosted:
    """A line that cannot be costed (no grade or salary yet), and why."""

    title: str
    position: int
    error: str


@dataclass(frozen=True, slots=True)
class LineFilters:
    """The lines a table is about: those of one workstream, status or phase, or all."""

    workstream: int | None = None
    status: str = ""
    phase: str = ""

    def of_lines(self, prefix: str = "") -> Q:
        """The filters as a condition on lines, or (with `prefix="line__"`) on the rows
        of their stored figures."""
        where = Q()
        if self.workstream:
            where &= Q(**{f"{prefix}workstream_id": self.workstream})
        if self.status:
            where &= Q(**{f"{prefix}status": self.status})
        if self.phase:
            where &= Q(**{f"{prefix}phase": self.phase})
        return where

    def stored(self, model, plan: Plan):
        """The plan's rows of a stored-figures model for the lines filtered."""
        return model.objects.filter(self.of_lines("line__"), plan=plan)


EVERY_LINE = LineFilters()


@dataclass
class Rollup:
    plan: object
    by: str
    financial_years: list[FinancialYear]
    groups: list[Group]
    totals: Figures
    errors: list[NotCosted]

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
                {"line": line.title, "position": line.position, "error": line.error}
                for line in self.errors
            ],
        }


def money_text(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _check(by: str) -> None:
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")


def rollup(
    plan: Plan, by: str, filters: LineFilters = EVERY_LINE, *, errors: bool = True
) -> Rollup:
    """The plan's stored figures (of the lines filtered) added up by `by`, in whole
    pounds (decision 0020: every table prints whole pounds, so only pounds are stored),
    with the lines that cannot be costed (none read where `errors` is False)."""
    _check(by)
    years = plan.financial_years
    return build_rollup(
        plan,
        by,
        years,
        stored_sums(plan, by, years, filters),
        not_costed(plan, filters) if errors else [],
    )


def not_costed(plan: Plan, filters: LineFilters = EVERY_LINE) -> list[NotCosted]:
    """The lines that cannot be costed, in the plan's order."""
    rows = (
        filters.stored(LineFigures, plan)
        .exclude(error="")
        .order_by("line__position", "line_id")
        .values_list("line__title", "line__position", "error")
    )
    return [NotCosted(*row) for row in rows]


# -- Sums: each group's figures by its raw key (a workstream's id, a phase, None...) -----


def _group_in(sums: dict[object, Figures], key, years: list[FinancialYear]) -> Figures:
    """The figures of the group `key` in `sums`, nothing in each year until added to."""
    found = sums.get(key)
    if found is None:
        found = sums[key] = Figures(years=dict.fromkeys(years, ZERO))
    return found


def stored_sums(
    plan: Plan, by: str, years: list[FinancialYear], filters: LineFilters
) -> dict[object, Figures]:
    """Each group's figures added up from the stored figures: two queries for a grouping
    by a field of the line, one for funding sources and for findings."""
    cost = "cost_in_pounds"
    by_year = {year.start_year: year for year in years}
    sums: dict[object, Figures] = {}

    if by in ("funding", "finding"):
        model, key_column = (
            (FundingPart, "source_id") if by == "funding" else (FindingPart, "finding_id")
        )
        rows = filters.stored(model, plan)
        rows = (
            rows.values(key_column, "financial_year")
            .annotate(fte=Sum("fte"), amount=Sum(cost))
            .order_by()
            .values_list(key_column, "financial_year", "fte", "amount")
        )
        for key, year, fte_sum, amount in rows:
            figures = _group_in(sums, key, years)
            if year is None:  # the full-year row: FTE and full-year effect
                figures.fte += fte_sum
                figures.full_year += amount
            elif year in by_year:
                figures.years[by_year[year]] += amount
        return _exact(sums)

    column = _LINE_COLUMN[by]
    line_rows = filters.stored(LineFigures, plan).values(column)
    if by == "phase":
        # The only grouping whose names can tie in order ("A" and "a"): the first line
        # of each goes first, as when lines were added up in the plan's order.
        line_rows = line_rows.annotate(first=Min("line__position")).order_by("first", column)
    else:
        line_rows = line_rows.order_by(column)
    full_year = "full_year_in_pounds"
    for key, fte_sum, amount in line_rows.annotate(
        fte_sum=Sum("fte"), amount=Sum(full_year)
    ).values_list(column, "fte_sum", "amount"):
        figures = _group_in(sums, key, years)
        figures.fte += fte_sum
        figures.full_year += amount
    year_rows = (
        filters.stored(LineYearFigure, plan)
        .values(column, "financial_year")
        .annotate(amount=Sum(cost))
        .order_by()
        .values_list(column, "financial_year", "amount")
    )
    for key, year, amount in year_rows:
        if year in by_year:
            _group_in(sums, key, years).years[by_year[year]] += amount
    return _exact(sums)


def _exact(sums: dict[object, Figures]) -> dict[object, Figures]:
    """The sums as the precision they are printed at: SQLite adds decimals as floats (to
    15 significant figures, exact for any plan's money) and PostgreSQL keeps two places."""
    for figures in sums.values():
        figures.fte = round_money(figures.fte, PENNY)
        figures.full_year = round_money(figures.full_year, POUND)
        for year, amount in figures.years.items():
            figures.years[year] = round_money(amount, POUND)
    return sums


def printed_sums(
    by: str, years: list[FinancialYear], lines: Iterable[tuple[PlanLine, PrintedLine]]
) -> dict[object, Figures]:
    """Each group's figures added up from lines costed in memory (a what-if): each line
    with its printed figures, in the plan's order."""
    _check(by)
    sums: dict[object, Figures] = {}
    for line, printed in lines:
        if by in ("funding", "finding"):
            for part in printed.funding if by == "funding" else printed.findings:
                _group_in(sums, part.key, years).add(part.figures)
        else:
            _group_in(sums, getattr(line, _LINE_FIELD[by]), years).add(printed.figures)
    return sums


# -- The grouping: each raw key's group, name and place --------------------------------

_LAST = (1, 0, "")


def build_rollup(
    plan: Plan,
    by: str,
    years: list[FinancialYear],
    sums: dict[object, Figures],
    errors: list[NotCosted],
) -> Rollup:
    """The groups of `sums` named and in order: by workstream position then name, teams,
    sources and phases by name, statuses in their order, findings by position, lines in
    the plan's order; what has none ("No workstream", "Requires additional funding"...)
    last. Ties keep the order of `sums`."""
    name_of = _namer(plan, by, [key for key in sums if key is not None])
    placed = []
    for raw, figures in sums.items():
        key, name, order = name_of(raw)
        placed.append((order, Group(key, name, figures)))
    placed.sort(key=lambda found: found[0])
    totals = Figures(years=dict.fromkeys(years, ZERO))
    for _, group in placed:
        totals.add(group.figures)
    return Rollup(plan, by, years, [group for _, group in placed], totals, errors)


def _namer(plan: Plan, by: str, keys: list):
    """A function from a raw key to (group key, name, sort key), reading names in one
    query at most."""
    if by == "line":
        lines = (
            PlanLine.objects.filter(plan=plan).order_by("position", "pk").values_list("pk", "title")
        )
        index = {pk: (place, title) for place, (pk, title) in enumerate(lines)}

        def line(raw):
            place, title = index[raw]
            return ("line", raw), title, (0, place, "")

        return line
    if by == "workstream":
        workstreams = dict(
            (pk, (name, position))
            for pk, name, position in Workstream.objects.filter(plan=plan).values_list(
                "pk", "name", "position"
            )
        )

        def workstream(raw):
            if raw is None:
                return "none", NO_WORKSTREAM, _LAST
            name, position = workstreams[raw]
            return raw, name, (0, position, name)

        return workstream
    if by == "team":
        teams = dict(Team.objects.filter(pk__in=keys).values_list("pk", "name")) if keys else {}

        def team(raw):
            if raw is None:
                return "none", NO_TEAM, _LAST
            return raw, teams[raw], (0, 0, teams[raw])

        return team
    if by == "funding":
        sources = (
            dict(FundingSource.objects.filter(pk__in=keys).values_list("pk", "name"))
            if keys
            else {}
        )

        def source(raw):
            if raw is None:
                return "unfunded", UNFUNDED, _LAST
            return raw, sources[raw], (0, 0, sources[raw])

        return source
    if by == "finding":
        findings = (
            {
                finding.pk: finding
                for finding in Finding.objects.filter(pk__in=keys).only(
                    "pk", "reference", "text", "position"
                )
            }
            if keys
            else {}
        )

        def finding(raw):
            if raw is None:
                return "none", NO_FINDING, _LAST
            found = findings[raw]
            return raw, str(found), (0, found.position, str(raw))

        return finding
    if by == "phase":

        def phase(raw):
            if not raw:
                return "none", NO_PHASE, _LAST
            return ("phase", raw), f"Phase {raw}", (0, 0, raw.lower())

        return phase

    def status(raw):
        return ("status", raw), LineStatus(raw).label, (0, LineStatus.values.index(raw), "")

    return status


# -- Funding cliffs -------------------------------------------------------------------


@dataclass
class Cliff:
    """A line that outlives a source paying for it (a permanent post on a two-year grant).
    `full_year` is what the source pays of the line's full-year effect: the pressure each
    year once it ends. `years` is what it would pay in each plan year after it ends, had it
    continued: the recurring pressure the plan must fund from elsewhere."""

    title: str
    line_ends: date | None
    source: FundingSource
    full_year: Decimal
    years: dict[FinancialYear, Decimal]


def funding_cliffs(plan: Plan, filters: LineFilters = EVERY_LINE) -> list[Cliff]:
    """Every line that outlives a source allocated to it, with the recurring pressure, in
    the plan's order (each line's sources in the order they were allocated). Three
    queries, however many lines."""
    rows = list(
        filters.stored(FundingPart, plan)
        .filter(cliff_in_pounds__isnull=False)
        .order_by("line__position", "line_id", "id")
        .values_list("line_id", "source_id", "financial_year", "cliff_in_pounds")
    )
    if not rows:
        return []
    sources = FundingSource.objects.in_bulk({row[1] for row in rows})
    ends = {
        row["pk"]: (row["title"], _end_of(row))
        for row in PlanLine.objects.filter(pk__in={r[0] for r in rows}).values(
            "pk", "title", "start_date", "end_date", "duration_months"
        )
    }
    years = {year.start_year: year for year in plan.financial_years}
    cliffs: dict[tuple[int, int], Cliff] = {}
    for line_id, source_id, year, amount in rows:
        cliff = cliffs.get((line_id, source_id))
        if cliff is None:
            title, line_ends = ends[line_id]
            cliff = cliffs[line_id, source_id] = Cliff(
                title, line_ends, sources[source_id], ZERO, {}
            )
        if year is None:
            cliff.full_year = amount
        elif year in years:
            cliff.years[years[year]] = amount
    return list(cliffs.values())


def _end_of(row: dict) -> date | None:
    return last_day(row["start_date"], row["end_date"], row["duration_months"])
