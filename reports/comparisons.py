"""Two sets of figures side by side: two scenarios of a plan, a plan against a what-if on
its assumptions, or a plan against what committee approved (the variance). Built once as
rows, like every committee table, so HTML, PDF and Excel print the same figures, and every
table casts: each total adds the figures printed above it, and each difference is the
right-hand figure less the left-hand one, so the differences add up too."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.utils import timezone

from figures.costing import PlanCoster, line_facts, lines_for_costing
from figures.costs.financial_year import FinancialYear
from figures.costs.money import ZERO
from figures.costs.printed import printed_line
from figures.costs.what_if import WhatIf
from investplan.models import Plan
from reports.builders import ReportContext, assumption_lines
from reports.documents import Document
from reports.rollups import Figures, NotCosted, Rollup, build_rollup, printed_sums, rollup
from reports.tables import Column, Kind, Table, TableBuilder

# The groupings a comparison may use: each line counted once, so totals are the plan's.
COMPARE_BY = {"workstream": "Workstream", "team": "Where based", "funding": "Funding source"}


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its label, its figures (whole pounds) by group, and the
    short name its columns go by ("This plan", "Now"), so that no column heading repeats
    a plan's whole name and the tables fit a laptop's screen; the titles give the key."""

    label: str
    groups: list[tuple[str, Figures]]
    short: str = ""

    @property
    def heading(self) -> str:
        return self.short or self.label

    @property
    def key(self) -> str:
        """ "this plan is Getting to Good", where the short name is not the label."""
        return f"{self.heading.lower()} is {self.label}" if self.heading != self.label else ""


def side_of(label: str, result: Rollup, short: str = "") -> Side:
    return Side(label, [(group.name, group.figures) for group in result.groups], short)


def figures_as_json(plan: Plan) -> dict:
    """The plan's figures in each grouping a comparison uses, kept with an approval."""
    return {
        by: [
            {
                "name": group.name,
                "fte": str(group.figures.fte),
                "full_year": str(group.figures.full_year),
                "years": {str(year.start_year): str(v) for year, v in group.figures.years.items()},
            }
            for group in rollup(plan, by).groups
        ]
        for by in COMPARE_BY
    }


def side_from_json(label: str, groups: list[dict], short: str = "") -> Side:
    return Side(
        label,
        [
            (
                group["name"],
                Figures(
                    fte=Decimal(group["fte"]),
                    full_year=Decimal(group["full_year"]),
                    years={
                        FinancialYear(int(year)): Decimal(amount)
                        for year, amount in group["years"].items()
                    },
                ),
            )
            for group in groups
        ],
        short,
    )


def comparison_tables(
    *, key: str, by: str, left: Side, right: Side, titles: dict[str, str] | None = None
) -> list[Table]:
    """Four tables: the two sides' FTE and totals side by side with the differences; each
    side by financial year; and the difference by financial year. `titles` gives the
    tables' titles ("summary", "left", "right", "difference") where the sides' names do
    not make them read well."""
    titles = titles or {}
    label = COMPARE_BY[by]
    names = [name for name, _ in left.groups]
    names += [name for name, _ in right.groups if name not in set(names)]
    lefts, rights = dict(left.groups), dict(right.groups)
    years = sorted({year for _, figures in [*left.groups, *right.groups] for year in figures.years})
    empty = Figures(years={})

    heads = left.heading, right.heading
    keys = "; ".join(side.key for side in (left, right) if side.key)
    summary = Table(
        f"{key}-summary",
        titles.get("summary")
        or f"{heads[0]} against {_within(right)}" + (f": {keys}" if keys else ""),
        [
            Column("name", label, width=34),
            Column("fte_left", f"FTE: {heads[0]}", Kind.FTE, summed=True, width=10),
            Column("fte_right", f"FTE: {heads[1]}", Kind.FTE, summed=True, width=10),
            Column("fte_change", "FTE difference", Kind.FTE, summed=True, width=10),
            Column("total_left", f"Total £: {heads[0]}", Kind.MONEY, summed=True, width=14),
            Column("total_right", f"Total £: {heads[1]}", Kind.MONEY, summed=True, width=14),
            Column("total_change", "Total difference £", Kind.MONEY, summed=True, width=14),
        ],
    )
    builder = TableBuilder(summary)
    for name in names:
        a, b = lefts.get(name, empty), rights.get(name, empty)
        builder.line(
            {
                "name": name,
                "fte_left": a.fte,
                "fte_right": b.fte,
                "fte_change": b.fte - a.fte,
                "total_left": _total(a, years),
                "total_right": _total(b, years),
                "total_change": _total(b, years) - _total(a, years),
            }
        )
    if names:
        builder.total()
    tables = [summary]

    def by_year(slug: str, title: str, rows: list[tuple[str, Figures]]) -> Table:
        table = Table(
            f"{key}-{slug}",
            title,
            [
                Column("name", label, width=34),
                Column("fte", "FTE", Kind.FTE, summed=True, width=8),
                Column("full_year", "Full-year effect £", Kind.MONEY, summed=True, width=14),
                *[
                    Column(f"y{year.start_year}", f"{year.label} £", Kind.MONEY, True, 12)
                    for year in years
                ],
                Column("total", "Total £", Kind.MONEY, summed=True, width=14),
            ],
        )
        builder = TableBuilder(table)
        for name, figures in rows:
            builder.line(
                {
                    "name": name,
                    "fte": figures.fte,
                    "full_year": figures.full_year,
                    **{f"y{y.start_year}": figures.years.get(y, ZERO) for y in years},
                    "total": _total(figures, years),
                }
            )
        if rows:
            builder.total()
        return table

    for slug, side in (("left", left), ("right", right)):
        named = f": {side.label}" if side.key else ""
        title = titles.get(slug) or f"{side.heading} by financial year{named}"
        tables.append(by_year(slug, title, side.groups))
    differences = [
        (name, _difference(lefts.get(name, empty), rights.get(name, empty), years))
        for name in names
    ]
    difference = by_year(
        "difference",
        titles.get("difference")
        or f"Difference by financial year ({_within(right)} less {_within(left)})",
        differences,
    )
    tables.append(difference)
    return tables


def _within(side: Side) -> str:
    """A side's name within a sentence: "other plan", but a label as written."""
    return side.short.lower() if side.short else side.label


def _total(figures: Figures, years: list[FinancialYear]) -> Decimal:
    return sum((figures.years.get(year, ZERO) for year in years), ZERO)


def _difference(a: Figures, b: Figures, years: list[FinancialYear]) -> Figures:
    return Figures(
        fte=b.fte - a.fte,
        full_year=b.full_year - a.full_year,
        years={year: b.years.get(year, ZERO) - a.years.get(year, ZERO) for year in years},
    )


# -- Documents ----------------------------------------------------------------------------


def assumptions_side_by_side(
    left: str, left_lines: list[tuple[str, str]], right: str, right_lines: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Each assumption once: as written where both sides rest on the same, and with each
    side's words where they differ ("This plan: A flat 29% of pay. Other plan: ...")."""
    lefts, rights = dict(left_lines), dict(right_lines)
    labels = dict.fromkeys([label for label, _ in [*left_lines, *right_lines]])
    merged = []
    for label in labels:
        a, b = lefts.get(label), rights.get(label)
        if a == b:
            merged.append((label, a))
        else:
            merged.append((label, f"{left}: {a or 'none.'} {right}: {b or 'none.'}"))
    return merged


def scenario_comparison(left: Plan, right: Plan, by: str) -> Document:
    """Two plans (a plan and its scenario, or two scenarios) side by side."""
    left_context = ReportContext.build(left)
    right_context = ReportContext.build(right)
    tables = comparison_tables(
        key="compare",
        by=by,
        left=side_of(left.name, rollup(left, by), short="This plan"),
        right=side_of(right.name, rollup(right, by), short="Other plan"),
    )
    assumptions = assumptions_side_by_side(
        "This plan", assumption_lines(left_context), "Other plan", assumption_lines(right_context)
    )
    return Document(
        plan=left,
        title=f"Scenarios compared by {COMPARE_BY[by].lower()}: {left.name} and {right.name}",
        tables=tables,
        assumptions=assumptions,
        produced_at=left_context.produced_at,
        filename_stem=f"{left.slug}-compared-with-{right.slug}-by-{by}",
        status_mark="DRAFT",
        status_label="Comparison of scenarios",
    )


def what_if_comparison(plan: Plan, what_if: WhatIf, by: str) -> Document:
    """The plan as it stands against the same lines on other assumptions."""
    context = ReportContext.build(plan)
    changed = what_if.applied_to(context.engine_assumptions)
    tables = comparison_tables(
        key="what-if",
        by=by,
        left=side_of("As planned", rollup(plan, by), short="As planned"),
        right=side_of(what_if.describe(), what_if_rollup(plan, by, changed), short="What if"),
    )
    return Document(
        plan=plan,
        title=f"What if: {what_if.describe()}, by {COMPARE_BY[by].lower()}",
        tables=tables,
        assumptions=assumptions_side_by_side(
            "As planned",
            assumption_lines(context),
            "What if",
            assumption_lines(context, changed),
        ),
        produced_at=context.produced_at,
        filename_stem=f"{plan.slug}-what-if-by-{by}",
        status_mark="WHAT IF",
        status_label="What-if on assumptions; the plan is unchanged",
    )


def what_if_rollup(plan: Plan, by: str, assumptions) -> Rollup:
    """The plan's lines costed in memory on other assumptions, grouped as `rollup` groups
    the stored figures: the one place a page runs the engine over a whole plan."""
    coster = PlanCoster(plan, assumptions)
    printed = []
    read = lines_for_costing(plan)
    with localcontext(prec=60):  # the engine's precision, entered once for every line
        for line in read.lines:
            cost, error = coster.cost(line)
            # Only what a comparison adds up: no forecast or true cost.
            printed.append(
                (line, printed_line(line_facts(line, plan, read), cost, coster.years, error=error))
            )
    sums = printed_sums(by, coster.years, printed)
    errors = [
        NotCosted(line.title, line.position, figures.error)
        for line, figures in printed
        if figures.error
    ]
    return build_rollup(plan, by, coster.years, sums, errors)


def approved_label(baseline, start: str = "Approved") -> str:
    when = timezone.localtime(baseline.approved_at)
    who = baseline.approved_by.get_username() if baseline.approved_by else "unknown"
    return f"{start} {when:%-d %B %Y %H:%M} by {who}"


def variance(plan: Plan, baseline, by: str) -> Document:
    """The plan now against what committee approved."""
    context = ReportContext.build(plan)
    when = f"{timezone.localtime(baseline.approved_at):%-d %b %Y}"
    tables = comparison_tables(
        key="variance",
        by=by,
        left=side_from_json(f"Approved {when}", baseline.figures[by], short="Approved"),
        right=side_of("Now", rollup(plan, by)),
        # As a council paper heads it: what was approved, then the plan now.
        titles={
            "summary": f"The baseline approved on {when} against the plan now",
            "left": f"As approved on {when}, by financial year",
            "right": "The plan now, by financial year",
            "difference": "Difference by financial year (the plan now less as approved)",
        },
    )
    changed = plan.revision != baseline.plan_revision
    tables[0].notes.append(
        f"{approved_label(baseline)}." + ("" if changed else " The plan has not changed since.")
    )
    return Document(
        plan=plan,
        title=f"Variance against the approved baseline, by {COMPARE_BY[by].lower()}",
        tables=tables,
        assumptions=assumption_lines(context),
        produced_at=context.produced_at,
        filename_stem=f"{plan.slug}-variance-by-{by}",
        status_mark="" if not changed else "VARIANCE",
        status_label=(
            f"{plan.get_status_display()}; baseline {approved_label(baseline, start='approved')}"
        ),
    )
