"""The plan workspace, read: a plan's lines grouped by workstream, each with its FTE, annual
cost, the cost of each financial year and its total, with group subtotals and plan totals.

Built from the plan's cached costing (shared with the committee tables), so the page costs
a fixed number of queries however many lines the plan has. Figures are whole pounds,
rounded once per line; subtotals and totals add the figures shown, so the page casts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse

from figures.costing import WHOLE_PLAN, CostedLine, PlanCosting, costing_cache
from figures.costs.financial_year import FinancialYear
from figures.costs.money import POUND
from investplan.models import Plan
from posts.models import LineStatus, PlanLine
from reports.rollups import NO_WORKSTREAM, Figures

SORTS = {
    "position": ("Plan order", lambda row: row.line.position),
    "title": ("Post", lambda row: row.line.title.lower()),
    "grade": ("Grade", lambda row: row.line.grade_label.lower()),
    "fte": ("FTE", lambda row: row.figures.fte),
    "start": ("Start", lambda row: row.line.start_date),
    "annual": ("Annual cost", lambda row: row.figures.full_year),
    "total": ("Total", lambda row: row.figures.total),
}


@dataclass(frozen=True)
class WorkspaceOptions:
    """What the finance officer asked to see: a search, filters and a sort."""

    search: str = ""
    workstream: int | None = None
    status: str = ""
    sort: str = "position"
    descending: bool = False

    @classmethod
    def from_query(cls, query) -> WorkspaceOptions:
        workstream = query.get("workstream") or ""
        status = query.get("status") or ""
        sort = query.get("sort") or "position"
        return cls(
            search=(query.get("q") or "").strip()[:100],
            workstream=int(workstream) if workstream.isdigit() else None,
            status=status if status in LineStatus.values else "",
            sort=sort if sort in SORTS else "position",
            descending=query.get("dir") == "desc",
        )

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.workstream or self.status)

    def matches(self, line: PlanLine) -> bool:
        if self.workstream and line.workstream_id != self.workstream:
            return False
        if self.status and line.status != self.status:
            return False
        if self.search:
            words = self.search.lower().split()
            text = " ".join(
                [
                    line.title,
                    line.grade_label,
                    line.team.name if line.team else "",
                    line.workstream.name if line.workstream else "",
                    line.phase,
                    line.justification,
                ]
            ).lower()
            return all(word in text for word in words)
        return True


@dataclass
class WorkspaceRow:
    costed: CostedLine
    figures: Figures
    address: str = ""  # the line's page; its other pages are below it (posts/urls.py)
    outside: str = ""  # "outside the plan's years: ..." for a line that costs nothing in it

    @property
    def line(self) -> PlanLine:
        return self.costed.line


@dataclass
class WorkspaceGroup:
    key: int | None  # the workstream's id, None for lines with no workstream
    name: str
    rows: list[WorkspaceRow] = field(default_factory=list)
    subtotal: Figures = field(default_factory=Figures)

    @property
    def dom_id(self) -> str:
        return f"group-{self.key or 'none'}"


@dataclass
class Workspace:
    plan: Plan
    options: WorkspaceOptions
    years: list[FinancialYear]
    groups: list[WorkspaceGroup]
    totals: Figures
    lines_in_plan: int
    errors: list[CostedLine]

    @property
    def lines_shown(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    def group_of(self, line_id: int) -> tuple[WorkspaceGroup, WorkspaceRow] | None:
        for group in self.groups:
            for row in group.rows:
                if row.line.pk == line_id:
                    return group, row
        return None


def build_workspace(plan: Plan, options: WorkspaceOptions | None = None) -> Workspace:
    options = options or WorkspaceOptions()
    costing = plan_costing(plan)
    years = costing.years
    figures = costing.figures(POUND)
    lines_address = reverse("posts:line-new", args=[plan.slug]).removesuffix("new/")
    groups: dict[int | None, WorkspaceGroup] = {}
    order: dict[int | None, tuple] = {}
    for costed, line_figures in zip(costing.costed, figures, strict=True):
        line = costed.line
        if not options.matches(line):
            continue
        workstream = line.workstream
        key = workstream.pk if workstream else None
        if key not in groups:
            groups[key] = WorkspaceGroup(key, workstream.name if workstream else NO_WORKSTREAM)
            order[key] = (
                (1, 0, "") if workstream is None else (0, workstream.position, workstream.name)
            )
        groups[key].rows.append(
            WorkspaceRow(
                costed,
                line_figures,
                f"{lines_address}{line.pk}/",
                line.outside_years_flag(plan.first_year, plan.last_year),
            )
        )
    sort_key = SORTS[options.sort][1]
    totals = Figures(years={year: Decimal("0") for year in years})
    ordered = sorted(groups.values(), key=lambda group: order[group.key])
    for group in ordered:
        group.rows.sort(key=lambda row: (sort_key(row), row.line.position, row.line.pk))
        if options.descending:
            group.rows.reverse()
        group.subtotal = Figures(years={year: Decimal("0") for year in years})
        for row in group.rows:
            group.subtotal.add(row.figures)
        totals.add(group.subtotal)
    return Workspace(
        plan=plan,
        options=options,
        years=years,
        groups=ordered,
        totals=totals,
        lines_in_plan=len(costing.costed),
        errors=costing.errors,
    )


def plan_costing(plan: Plan) -> PlanCosting:
    """The whole plan costed, from the cache the committee tables share."""
    return costing_cache.get(plan, WHOLE_PLAN, PlanLine.objects.filter(plan=plan))
