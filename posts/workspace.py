"""The plan workspace, read: a plan's lines grouped by workstream, each with its FTE, annual
cost, the cost of each financial year and its total, with group subtotals and plan totals.

Read from the figures stored when each line last changed (decision 0020): the subtotals of
every workstream and the plan's totals are sums in the database, grouped by workstream and
financial year, over every line that matches the filters; only the rows shown are read
line by line. Each workstream shows its first rows and loads the rest on demand (decision
0022), so the first page of a plan of 10,000 lines has about as many rows as one of 500,
with every subtotal and the totals of the whole plan. Figures are whole pounds, rounded once
per line; subtotals and totals add those figures, so the page casts."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple
from urllib.parse import urlencode

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Concat, Lower, RowNumber
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from figures.costs.financial_year import FinancialYear
from figures.costs.money import POUND, ZERO, format_money
from figures.costs.printed import Figures
from figures.models import LineFigures, LineYearFigure
from funding.models import Allocation
from investplan.models import Plan, Workstream
from investplan.reading import read_id, read_text
from posts.models import LineKind, LineStatus, PlanLine

NO_WORKSTREAM = "No workstream"
# A plan of up to FIRST_PAGE_ROWS lines (that match) opens whole. A larger one opens with
# about that many rows, shared between its workstreams, each showing at least FEWEST_ROWS;
# "Show more" adds MORE_ROWS at a time to one workstream (decision 0022).
FIRST_PAGE_ROWS = 100
FEWEST_ROWS = 5
MORE_ROWS = 200

# What a row prints of its line (the properties it calls read no more than these).
ROW_FIELDS = (
    "plan_id",
    "position",
    "kind",
    "title",
    "workstream_id",
    "team_id",
    "grade_id",
    "from_grade_id",
    "grade_as_written",
    "fte",
    "stated_cost_fte",
    "stated_annual_cost",
    "stated_annual_cost_currency",
    "start_date",
    "end_date",
    "duration_months",
    "one_off",
)

# The grade as the row prints it (`PlanLine.grade_label`), for sorting and searching in SQL.
GRADE_TEXT = Case(
    When(
        kind=LineKind.UPLIFT,
        from_grade__isnull=False,
        grade__isnull=False,
        then=Concat(F("from_grade__code"), Value(" to "), F("grade__code")),
    ),
    When(grade__isnull=False, then=F("grade__code")),
    default=F("grade_as_written"),
    output_field=CharField(),
)

# What each sort orders by within a workstream; ties go in plan order.
SORTS = {
    "position": ("Plan order", None),
    "title": ("Post", Lower("title")),
    "grade": ("Grade", Lower("grade_text")),
    "fte": ("FTE", F("figures__fte")),
    "start": ("Start", F("start_date")),
    "annual": ("Annual cost", F("figures__full_year_in_pounds")),
    "total": ("Total", F("total_in_pounds")),
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
            search=read_text(query.get("q"), 100),
            workstream=read_id(workstream),
            status=status if status in LineStatus.values else "",
            sort=sort if sort in SORTS else "position",
            descending=query.get("dir") == "desc",
        )

    @property
    def filtered(self) -> bool:
        return bool(self.search or self.workstream or self.status)

    def as_query(self, **changes) -> dict[str, str]:
        """The options as the page's query string holds them (defaults left out)."""
        values = {
            "q": self.search,
            "workstream": str(self.workstream or ""),
            "status": self.status,
            "sort": "" if self.sort == "position" else self.sort,
            "dir": "desc" if self.descending else "",
        }
        values.update(changes)
        return {key: value for key, value in values.items() if value}

    def matching(self, plan: Plan) -> QuerySet[PlanLine]:
        """The plan's lines that match, in SQL. The search finds every word, in any case,
        in the post, grade, team, workstream, phase or justification."""
        lines = PlanLine.objects.filter(plan=plan).annotate(grade_text=GRADE_TEXT)
        if self.workstream:
            lines = lines.filter(workstream_id=self.workstream)
        if self.status:
            lines = lines.filter(status=self.status)
        if self.search:
            for word in self.search.split():
                lines = lines.filter(
                    Q(title__icontains=word)
                    | Q(grade_text__icontains=word)
                    | Q(team__name__icontains=word)
                    | Q(workstream__name__icontains=word)
                    | Q(phase__icontains=word)
                    | Q(justification__icontains=word)
                )
        return lines

    def ordering(self) -> list:
        """ORDER BY of the rows within a workstream, descending reversing every key."""
        first = SORTS[self.sort][1]
        keys = [F("position"), F("pk")] if first is None else [first, F("position"), F("pk")]
        return [key.desc() if self.descending else key.asc() for key in keys]


# A row's money cell, linked to its part of the line's working (`WorkspaceRow.cells_html`).
MONEY_CELL = '<td class="num"><a href="{}working/#{}">{}</a></td>'


@dataclass
class WorkspaceRow:
    line: PlanLine
    figures: Figures
    error: str = ""  # why the line cannot be costed
    address: str = ""  # the line's page; its other pages are below it (posts/urls.py)
    outside: str = ""  # "outside the plan's years: ..." for a line that costs nothing in it
    outlives: list = field(default_factory=list)  # sources that end before the line does
    scaling: str = ""  # how a stated annual cost is scaled to the post's FTE, in words

    # What the row prints, formatted once here rather than by a filter on each cell: the
    # template's filters were most of the time of a row (docs/performance.md, issue 17).
    @cached_property
    def cells(self) -> list[tuple[str, str]]:
        """The annual cost, each year's and the total, each with the anchor of its part
        of the line's working."""
        figures = self.figures
        return [
            ("full-year", format_money(figures.full_year, POUND, symbol="")),
            *(
                (f"y{year.start_year}", format_money(amount, POUND, symbol=""))
                for year, amount in figures.years.items()
            ),
            ("total", format_money(figures.total, POUND, symbol="")),
        ]

    @cached_property
    def cells_html(self) -> str:
        """The money cells as the row prints them, each a link to its part of the line's
        working: one string for the template to print, not a loop writing three variables
        a cell (docs/performance.md, issue 18; decision 0036). The address is escaped
        already (`address`), each amount is escaped here (the standard library's escape,
        which Django's wraps), and the anchors are our own ("full-year", "y2025")."""
        address = self.address
        return mark_safe(
            "".join(
                MONEY_CELL.format(address, anchor, html.escape(amount))
                for anchor, amount in self.cells
            )
        )

    @cached_property
    def start_text(self) -> str:
        return f"{self.line.start_date:%-d %b %Y}"

    @cached_property
    def notes(self) -> str:
        """What the row says under the post: its team, the sources it outlives, that it
        lies outside the plan's years, how its stated cost is scaled."""
        line = self.line
        notes = []
        if line.team_id:
            notes.append(format_html('<br><span class="hint">{}</span>', line.team_name))
        for source in self.outlives:
            notes.append(
                format_html(
                    '<br><span class="flag">Outlives {}, which ends {}</span>',
                    source.name,
                    f"{source.end_date:%-d %b %Y}",
                )
            )
        if self.outside:
            notes.append(
                format_html(
                    '<br><span class="flag">{}: it costs nothing in the plan</span>',
                    self.outside[:1].upper() + self.outside[1:],
                )
            )
        if self.scaling:
            notes.append(format_html('<br><span class="hint">Stated cost {}</span>', self.scaling))
        return mark_safe("".join(notes))

    @cached_property
    def title(self) -> str:
        """The title escaped once: the row prints it seven times, in the names of its
        buttons and links."""
        return escape(self.line.title)


@dataclass
class WorkspaceGroup:
    key: int | None  # the workstream's id, None for lines with no workstream
    name: str
    lines: int = 0  # how many lines of the workstream match, shown or not
    rows: list[WorkspaceRow] = field(default_factory=list)
    subtotal: Figures = field(default_factory=Figures)
    first_row: int = 0  # where in the workstream `rows` begin (after "Show more")
    more_rows: str = ""  # the address of its next rows (htmx)
    more_page: str = ""  # the whole page with them (without JavaScript)

    @property
    def dom_id(self) -> str:
        return f"group-{self.key or 'none'}"

    @property
    def param(self) -> str:
        return str(self.key or "none")

    @property
    def rows_shown(self) -> int:
        return self.first_row + len(self.rows)

    @property
    def not_shown(self) -> int:
        return self.lines - self.rows_shown

    @property
    def next_rows(self) -> int:
        return min(MORE_ROWS, self.not_shown)


class Uncosted(NamedTuple):
    line_id: int
    position: int
    title: str
    error: str  # why it cannot be costed


@dataclass
class Workspace:
    plan: Plan
    options: WorkspaceOptions
    years: list[FinancialYear]
    groups: list[WorkspaceGroup]
    totals: Figures
    lines_in_plan: int
    workstreams: list[Workstream] = field(default_factory=list)  # all the plan's, in order

    # Read when the page prints them: a saved row, with its subtotal and the totals, does
    # not (docs/performance.md, issue 18).
    @cached_property
    def errors(self) -> list[Uncosted]:
        """The plan's lines that cannot be costed, in plan order."""
        return [
            Uncosted(*row)
            for row in LineFigures.objects.filter(plan=self.plan)
            .exclude(error="")
            .order_by("line__position", "line_id")
            .values_list("line_id", "line__position", "line__title", "error")
        ]

    @property
    def first_rows(self) -> int:
        """How many rows each workstream opens with."""
        if self.lines_matching <= FIRST_PAGE_ROWS:
            return self.lines_matching
        return max(FEWEST_ROWS, FIRST_PAGE_ROWS // len(self.groups))

    def rows_down_to(self, row: int) -> int:
        """How many rows of a workstream show its `row`th, in whole steps of "Show more",
        as if the user had asked for them."""
        first = self.first_rows
        return first + -(-max(0, row - first) // MORE_ROWS) * MORE_ROWS

    @property
    def columns(self) -> int:
        return len(self.years) + 8

    @property
    def lines_matching(self) -> int:
        return sum(group.lines for group in self.groups)

    @property
    def rows_shown(self) -> int:
        return sum(len(group.rows) for group in self.groups)

    def group_of(self, line_id: int) -> tuple[WorkspaceGroup, WorkspaceRow] | None:
        for group in self.groups:
            for row in group.rows:
                if row.line.pk == line_id:
                    return group, row
        return None


def build_workspace(
    plan: Plan,
    options: WorkspaceOptions | None = None,
    *,
    show_line: int | None = None,
    opened: tuple[int | None, int] | None = None,
    whole: bool = False,
) -> Workspace:
    """The workspace as it opens: every workstream's subtotal and the totals, and each
    workstream's first rows. The workstream of `show_line` (a line just added or saved,
    or one linked to) shows rows down to it; `opened` (workstream, rows) shows that many
    rows of one workstream, as "Show more" does without JavaScript. `whole`: every row
    of every workstream, as a check of the figures reads them."""
    options = options or WorkspaceOptions()
    sheet = _sums(plan, options)
    matching = options.matching(plan)
    if whole:
        _fill_rows(sheet, _ordered(matching, options))
        return sheet
    limit = Q(row_number__lte=sheet.first_rows)
    if show_line is not None:
        found = matching.filter(pk=show_line).values_list("workstream_id").first()
        if found is not None:
            (key,) = found
            ordered = list(
                _ordered(matching.filter(workstream_id=key), options).values_list("pk", flat=True)
            )
            opened = (key, sheet.rows_down_to(ordered.index(show_line) + 1))
    if opened is not None:
        key, rows = opened
        limit |= Q(workstream_id=key, row_number__lte=rows)
    numbered = _ordered(matching, options).annotate(
        row_number=Window(
            RowNumber(), partition_by=[F("workstream_id")], order_by=options.ordering()
        )
    )
    _fill_rows(sheet, numbered.filter(limit))
    return sheet


def workspace_rows(
    plan: Plan, options: WorkspaceOptions, group_key: int | None, start: int
) -> tuple[Workspace, WorkspaceGroup]:
    """The next rows of one workstream, from row `start` on: what "Show more" adds."""
    sheet = _sums(plan, options)
    group = next((group for group in sheet.groups if group.key == group_key), None)
    if group is None:  # nothing of it matches any more
        return sheet, WorkspaceGroup(group_key, "")
    rows = _ordered(options.matching(plan).filter(workstream_id=group_key), options)
    group.first_row = start
    _fill_rows(sheet, rows[start : start + MORE_ROWS])
    return sheet, group


def workspace_line(plan: Plan, options: WorkspaceOptions, line_id: int) -> Workspace:
    """The sums, and the row of one line if it matches the filters: what a save, or
    opening and cancelling an edit, puts back in the page."""
    sheet = _sums(plan, options)
    _fill_rows(sheet, options.matching(plan).filter(pk=line_id))
    return sheet


def workspace_row(plan: Plan, options: WorkspaceOptions, line_id: int) -> WorkspaceRow | None:
    """The row of one line as the workspace prints it, if it matches the filters and its
    figures are stored, without the sums: what the Edit row shows beside its boxes."""
    rows = _rows(plan, plan.financial_years, options.matching(plan).filter(pk=line_id))
    return rows[0] if rows else None


def _ordered(lines: QuerySet[PlanLine], options: WorkspaceOptions) -> QuerySet[PlanLine]:
    if options.sort == "total":
        lines = lines.annotate(
            total_in_pounds=Coalesce(
                Subquery(
                    LineYearFigure.objects.filter(line=OuterRef("pk"))
                    .values("line")
                    .annotate(total=Sum("cost_in_pounds"))
                    .values("total")
                ),
                Value(ZERO),
            )
        )
    return lines.order_by(*options.ordering())


def _sums(plan: Plan, options: WorkspaceOptions) -> Workspace:
    """The workspace with every workstream's subtotal and the totals of the lines that
    match, added up by the database, and no rows yet."""
    years = plan.financial_years
    if options.filtered:
        matching = options.matching(plan).values("pk")
        in_lines = {"line__in": matching}
        lines_in_plan = PlanLine.objects.filter(plan=plan).count()
    else:
        in_lines, lines_in_plan = {"plan": plan}, None
    groups: dict[int | None, WorkspaceGroup] = {}
    for row in (
        LineFigures.objects.filter(**in_lines)
        .values("line__workstream")
        .annotate(lines=Count("pk"), fte=Sum("fte"), full_year=Sum("full_year_in_pounds"))
        .order_by()
    ):
        groups[row["line__workstream"]] = WorkspaceGroup(
            row["line__workstream"],
            NO_WORKSTREAM,
            lines=row["lines"],
            subtotal=Figures(
                fte=row["fte"] or ZERO,
                full_year=row["full_year"] or ZERO,
                years=dict.fromkeys(years, ZERO),
            ),
        )
    by_start = {year.start_year: year for year in years}
    for key, year, cost in (
        LineYearFigure.objects.filter(**in_lines)
        .values("line__workstream", "financial_year")
        .annotate(cost=Sum("cost_in_pounds"))
        .values_list("line__workstream", "financial_year", "cost")
        .order_by()
    ):
        if key in groups and year in by_start:
            groups[key].subtotal.years[by_start[year]] = cost or ZERO
    order = {None: (1, 0, "")}
    workstreams = list(Workstream.objects.filter(plan=plan))
    for workstream in workstreams:
        order[workstream.pk] = (0, workstream.position, workstream.name)
        if workstream.pk in groups:
            groups[workstream.pk].name = workstream.name
    ordered = sorted(groups.values(), key=lambda group: order[group.key])
    totals = Figures(years=dict.fromkeys(years, ZERO))
    for group in ordered:
        totals.add(group.subtotal)
    if lines_in_plan is None:
        lines_in_plan = sum(group.lines for group in ordered)
    return Workspace(
        plan=plan,
        options=options,
        years=years,
        groups=ordered,
        totals=totals,
        lines_in_plan=lines_in_plan,
        workstreams=workstreams,
    )


def _fill_rows(sheet: Workspace, lines: QuerySet[PlanLine]) -> None:
    """Read these lines, in order, with their stored figures, into their groups' rows."""
    plan = sheet.plan
    groups = {group.key: group for group in sheet.groups}
    for row in _rows(plan, sheet.years, lines):
        group = groups.get(row.line.workstream_id)
        if group is not None:
            group.rows.append(row)
    # Each workstream's "Show more" addresses, from the page's two reversed once.
    page = reverse("posts:workspace", args=[plan.slug])
    more_rows = reverse("posts:workspace-more", args=[plan.slug])
    options = sheet.options
    for group in sheet.groups:
        shown = group.rows_shown
        group.more_rows = more_rows + _query(
            options.as_query(group=group.param, **{"from": str(shown)})
        )
        group.more_page = (
            page
            + _query(options.as_query(open=group.param, upto=str(shown + group.next_rows)))
            + f"#{group.dom_id}"
        )


def _rows(plan: Plan, years: list[FinancialYear], lines: QuerySet[PlanLine]) -> list[WorkspaceRow]:
    """These lines, in order, with their stored figures, as rows (a line whose figures are
    not stored yet has none). The figures, team and grade come as columns of the one
    query, not as objects."""
    lines = list(
        lines.only(*ROW_FIELDS)
        .annotate(
            team_name=F("team__name"),
            stored=F("figures__line_id"),
            stored_fte=F("figures__fte"),
            stored_full_year=F("figures__full_year_in_pounds"),
            stored_error=F("figures__error"),
        )
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.filter(source__end_date__isnull=False)
                .select_related("source")
                .order_by("position", "id"),
                to_attr="ending_allocations",
            )
        )
    )
    by_year: dict[int, dict[int, Decimal]] = {line.pk: {} for line in lines}
    for line_id, year, cost in LineYearFigure.objects.filter(line_id__in=by_year).values_list(
        "line_id", "financial_year", "cost_in_pounds"
    ):
        by_year[line_id][year] = cost
    # One address reversed, the rest by suffix (posts/urls.py): reversing each row's
    # addresses cost more than reading them. The workspace is the plan's lines/, and
    # each line's address is beneath it.
    lines_address = reverse("posts:workspace", args=[plan.slug])
    first_year, last_year = plan.first_year, plan.last_year
    rows = []
    for line in lines:
        if line.stored is None:  # its figures are not stored yet
            continue
        line.plan = plan
        costs = by_year[line.pk]
        rows.append(
            WorkspaceRow(
                line,
                Figures(
                    fte=line.stored_fte,
                    full_year=line.stored_full_year,
                    years={year: costs.get(year.start_year, ZERO) for year in years},
                ),
                error=line.stored_error,
                address=escape(f"{lines_address}{line.pk}/"),
                outside=line.outside_years_flag(first_year, last_year),
                outlives=_sources_ending_before(line),
                scaling=line.stated_cost_scaling,
            )
        )
    return rows


def _query(values: dict[str, str]) -> str:
    return "?" + urlencode(values) if values else ""


def _sources_ending_before(line: PlanLine) -> list:
    """The funding sources paying for the line that end before it does: its funding cliffs
    (`PlanLine.sources_ending_before_it`, from the allocations read with the rows)."""
    end = line.effective_end_date
    return [
        allocation.source
        for allocation in line.ending_allocations
        if end is None or end > allocation.source.end_date
    ]
