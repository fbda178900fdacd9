"""The committee tables, each built once as rows (see `reports.tables`) from the plan's
stored figures (`figures.models`): per-line figures read in a fixed number of queries, and
groups added up by the database (`reports.rollups`). Figures are whole pounds, rounded per
line; every total adds printed figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Collate
from django.utils import timezone

from figures.costing import engine_assumptions, true_cost_assumptions
from figures.costs import engine
from figures.costs.engine import ComputedOnCost, FlatOnCost
from figures.costs.financial_year import FinancialYear
from figures.costs.money import PENNY, POUND, ZERO, format_money, round_money
from figures.models import FindingPart, FundingPart, LineYearFigure
from funding.models import FundingAvailability, FundingSource
from investplan.models import Finding, Plan, PlanStatus, Workstream
from investplan.reading import read_id, read_text
from posts.models import (
    LineKind,
    LineStatus,
    PlanLine,
    SpinalSalary,
    duration_words,
    grade_words,
)
from reports.rollups import (
    NO_WORKSTREAM,
    UNFUNDED,
    Figures,
    LineFilters,
    NotCosted,
    Rollup,
    funding_cliffs,
    not_costed,
    rollup,
)
from reports.tables import (
    EVERY_PAGE,
    Column,
    Kind,
    Paging,
    Table,
    TableBuilder,
    Window,
    format_fte,
    join_nonempty,
)

MULTI_YEAR_GROUPINGS = {
    "workstream": "Workstream",
    "team": "Where based",
    "funding": "Funding source",
    "finding": "Finding",
    "phase": "Phase",
    "status": "Status",
}
# How the tables of lines may be sorted within each workstream (ties in the plan's order).
# The database orders by figures and positions exactly. Text is compared lowered as Python
# lowers it (and the grade as `grade_words` writes it), which neither SQLite nor PostgreSQL
# does alike: for those a page reads every line's sort key alone and orders them here, then
# reads its window's lines (`ReportContext.page_of_lines`).
_ZERO_MONEY = Value(ZERO, output_field=DecimalField(max_digits=16, decimal_places=2))
SQL_ORDER = {
    "position": lambda: F("position"),
    "fte": lambda: Coalesce("figures__fte", _ZERO_MONEY),
    "annual_cost": lambda: Coalesce("figures__full_year_in_pounds", _ZERO_MONEY),
    "total": lambda: Coalesce(_line_total(), _ZERO_MONEY),
}
# What each sort by text reads of a line, and the key it sorts on.
TEXT_ORDER = {
    "title": (("title",), lambda title: title.lower()),
    "grade": (
        ("kind", "grade__code", "from_grade__code", "grade_as_written"),
        lambda kind, grade, from_grade, as_written: grade_words(
            kind, grade or "", from_grade or "", as_written
        ).lower(),
    ),
    "phase": (("phase",), lambda phase: phase.lower()),
    "team": (("team__name",), lambda team: (team or "").lower()),
}
SORTABLE = frozenset({*SQL_ORDER, *TEXT_ORDER})


def _line_total():
    """A line's cost over the plan's years, added up by the database."""
    return Subquery(
        LineYearFigure.objects.filter(line=OuterRef("pk"))
        .values("line")
        .annotate(total=Sum("cost_in_pounds"))
        .values("total")
    )


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """What the reader asked for: filters, sorting, grouping and the appendix number."""

    workstream: int | None = None
    status: str = ""
    phase: str = ""
    sort: str = "position"
    descending: bool = False
    by: str = "workstream"
    appendix: str = ""

    @classmethod
    def from_query(cls, query) -> ReportOptions:
        """Read options from a query string, ignoring what is not a valid choice."""
        workstream = query.get("workstream") or ""
        status = query.get("status") or ""
        sort = query.get("sort") or "position"
        by = query.get("by") or "workstream"
        return cls(
            workstream=read_id(workstream),
            status=status if status in LineStatus.values else "",
            phase=read_text(query.get("phase"), 50),
            sort=sort if sort in SORTABLE else "position",
            descending=query.get("dir") == "desc",
            by=by if by in MULTI_YEAR_GROUPINGS else "workstream",
            appendix=read_text(query.get("appendix"), 20),
        )

    def as_query(self, **changes) -> dict[str, str]:
        options = replace(self, **changes)
        query = {
            "workstream": str(options.workstream or ""),
            "status": options.status,
            "phase": options.phase,
            "sort": "" if options.sort == "position" else options.sort,
            "dir": "desc" if options.descending else "",
            "by": "" if options.by == "workstream" else options.by,
            "appendix": options.appendix,
        }
        return {key: value for key, value in query.items() if value}

    @property
    def filters(self) -> LineFilters:
        return LineFilters(self.workstream, self.status, self.phase)

    @property
    def filtered(self) -> bool:
        return bool(self.workstream or self.status or self.phase)

    def describe_filters(self, plan) -> str:
        parts = []
        if self.workstream:
            workstream = plan.workstreams.filter(pk=self.workstream).first()
            parts.append(f"workstream “{workstream.name if workstream else 'none'}”")
        if self.status:
            parts.append(f"status “{LineStatus(self.status).label}”")
        if self.phase:
            parts.append(f"phase “{self.phase}”")
        return "Showing only lines with " + " and ".join(parts) + "." if parts else ""


# What a table of lines reads of each line on its page, as a row of values (not a model
# instance: a plan has thousands): its own fields, its grade's codes, its team's name and
# its stored figures (`figures.models.LineFigures`, joined one to one), only those the
# table prints from. Every one reads the line's id and workstream.
GRADE_VALUES = ("kind", "grade__code", "from_grade__code", "grade_as_written")
RESOURCE_VALUES = (
    "pk",
    "workstream_id",
    "title",
    *GRADE_VALUES,
    "fte",
    "start_date",
    "end_date",
    "duration_months",
    "one_off",
    "team__name",
    "justification",
    "phase",
    "figures__fte",
    "figures__full_year_in_pounds",
    "figures__salary_in_pounds",
)
RECRUITMENT_VALUES = (
    "pk",
    "workstream_id",
    "title",
    "status",
    "fte_in_post",
    "figures__fte",
    "figures__full_year_in_pounds",
)
FORECAST_VALUES = (
    "pk",
    "workstream_id",
    "title",
    "fte",
    "fte_in_post",
    "start_date",
    "expected_start_date",
    "actual_start_date",
    # The line's stored figures of the forecast's year (`in_year`, joined one to one).
    "in_year__cost_in_pounds",
    "in_year__forecast_in_pounds",
    "in_year__agency_cover_in_pounds",
)


def _grade(kind: str, grade: str | None, from_grade: str | None, as_written: str) -> str:
    """A line's grade as the tables print it, from its `GRADE_VALUES`."""
    return grade_words(kind, grade or "", from_grade or "", as_written)


def _salary(kind: str, salary: Decimal | None) -> Decimal | None:
    """The salary column: none for an uplift or a non-staff cost, negative for released
    budget."""
    if salary is None or kind in (LineKind.NON_STAFF, LineKind.UPLIFT):
        return None
    return -salary if kind == LineKind.RELEASED_BUDGET else salary


# The findings' order in the findings table: by inspection, then as the inspection lists them.
FINDING_ORDER = ("inspection__date", "inspection__id", "position", "id")


def _by_workstream() -> list:
    """A line's workstream's place as SQL, as `ReportContext.workstream_rank` gives it:
    by position, then name compared as Python compares text (code point by code point:
    SQLite's own comparison, PostgreSQL's "C" collation); no workstream last. Through a
    join, where a `CASE` of one `WHEN` a workstream was compiled for every query."""
    name = F("workstream__name")
    if connection.vendor == "postgresql":
        name = Collate(name, "C")
    return [F("workstream__position").asc(nulls_last=True), name.asc()]


def _page_lines(page: WorkstreamPage) -> list[int] | None:
    """The ids of the page's lines; None where it has every line."""
    return None if page.window.size is None else [row["pk"] for row in page.items]


def _totalled(lines, reads: tuple[str, ...]) -> list[dict]:
    """`reads` of `lines` annotated with `line_total`, that total in whole pounds: added
    up by the database, in floats on SQLite."""
    rows = list(lines.values(*reads, "line_total"))
    for row in rows:
        row["line_total"] = round_money(row["line_total"] or ZERO, POUND)
    return rows


def _of_page(rows, line_field: str, line_ids):
    """`rows` of the lines `line_ids` only (a list, or a query of their ids; None: of
    every line)."""
    return rows if line_ids is None else rows.filter(**{f"{line_field}__in": line_ids})


@dataclass(slots=True)
class WorkstreamPage:
    """A table of lines by workstream as a page reads it: every workstream the whole table
    has, in its order, with how many lines it has and what they add up to (the database's
    sums of the stored, printed figures), and the lines of the window alone, in the
    table's order, each as the values the table reads of it (`RESOURCE_VALUES`, ...)."""

    window: Window
    groups: list[tuple[int | None, str, int, dict[str, Decimal]]]  # key, name, lines, sums
    items: list[dict]


@dataclass
class ReportContext:
    """What one committee table reads of a plan: each part read once, when first asked
    for, in a fixed number of queries however many lines. `paging` says which page of
    each long table of lines to read (decision 0024); every line unless told."""

    plan: Plan
    options: ReportOptions
    produced_at: datetime = field(default_factory=timezone.now)
    paging: Paging = EVERY_PAGE

    @classmethod
    def build(
        cls, plan: Plan, options: ReportOptions | None = None, paging: Paging = EVERY_PAGE
    ) -> ReportContext:
        return cls(plan, options or ReportOptions(), paging=paging)

    @property
    def filters(self) -> LineFilters:
        return self.options.filters

    @cached_property
    def years(self) -> list[FinancialYear]:
        return self.plan.financial_years

    def lines(self):
        return PlanLine.objects.filter(self.filters.of_lines(), plan=self.plan)

    def workstream_page(
        self,
        table: Table,
        where: Callable[[str], Q],
        line_sums: dict,
        year_sums: dict | None = None,
        year: int | None = None,
        *,
        reads: tuple[str, ...],
        total: bool = False,
        joins: dict[str, FilteredRelation] | None = None,
    ) -> WorkstreamPage:
        """The lines `where(prefix)` picks, by workstream, as the page reads them: each
        workstream's count and `line_sums` (aggregates of the line's row and its stored
        figures) and `year_sums` (of its stored year figures, in `year` or every year),
        then the window's lines (`paging`), sorted as the options ask within each
        workstream: their `reads` (which may read through `joins`) and (with `total`)
        their cost over the plan's years. Four queries at most, however many lines."""
        found: dict[int | None, dict] = {}
        rows = self.lines().filter(where("")).values("workstream_id")
        for values in (
            rows.annotate(lines=Count("pk"), **line_sums)
            .order_by()
            .values("workstream_id", "lines", *line_sums)
        ):
            found[values.pop("workstream_id")] = values
        if year_sums and found:
            year_rows = self.filters.stored(LineYearFigure, self.plan).filter(where("line__"))
            if year is not None:
                year_rows = year_rows.filter(financial_year=year)
            for values in (
                year_rows.values("line__workstream_id")
                .annotate(**year_sums)
                .order_by()
                .values("line__workstream_id", *year_sums)
            ):
                if values["line__workstream_id"] in found:
                    found[values.pop("line__workstream_id")].update(values)
        quanta = {
            column.key: PENNY if column.kind == Kind.FTE else POUND
            for column in table.summed_columns
        }
        rank = self.workstream_rank()
        groups = []
        for key in sorted(found, key=lambda key: rank.get(key, len(rank))):
            values = found[key]
            lines = values.pop("lines")
            sums = {
                # Figures to the precision printed (SQLite adds them as floats); counts
                # as they are.
                name: round_money(values.get(name) or ZERO, quanta[name])
                if name in quanta
                else values.get(name) or 0
                for name in [*line_sums, *(year_sums or {})]
            }
            name = NO_WORKSTREAM if key is None else self.workstreams[key][0]
            groups.append((key, name, lines, sums))
        window = self.paging.window(sum(lines for _, _, lines, _ in groups))
        items = self.page_of_lines(where(""), rank, window, reads, total=total, joins=joins)
        return WorkstreamPage(window, groups, items)

    def workstream_rank(self) -> dict[int, int]:
        """Each workstream's place among a table's groups: by position, then name (no
        workstream goes last)."""
        ordered = sorted(self.workstreams.items(), key=lambda found: (found[1][1], found[1][0]))
        return {pk: place for place, (pk, _) in enumerate(ordered)}

    def page_of_lines(
        self,
        where: Q,
        rank: dict[int, int],
        window: Window,
        reads: tuple[str, ...],
        *,
        total: bool = False,
        joins: dict[str, FilteredRelation] | None = None,
    ) -> list[dict]:
        """The lines of the window, each as its `reads` (and with `total`, its cost over
        the plan's years as `line_total`, in whole pounds), in the table's order: by
        workstream, then as sorted within it (`SORTABLE`). One query, or two where the
        totals are read or the sort is by text (none for a window of no line:
        `OUTLINE`)."""
        if window.size == 0:
            return []
        lines = self.lines().filter(where)
        read = lines.annotate(**joins) if joins else lines
        sort, descending = self.options.sort, self.options.descending
        if sort in SQL_ORDER:
            key, position = SQL_ORDER[sort](), F("position")
            order = [key.desc(), position.desc()] if descending else [key.asc(), position.asc()]
            order = [*_by_workstream(), *order, "pk"]
            cut = (
                slice(None)
                if window.size is None
                else slice(window.first, window.first + window.size)
            )
            if not total:
                return list(read.order_by(*order).values(*reads)[cut])
            if window.size is not None:
                # The window's ids ordered and cut by the database first, so that only
                # its lines' totals are added up (as a list, not a subquery: PostgreSQL's
                # plan for that was a nested loop over every line).
                ids = lines.order_by(*order).values_list("pk", flat=True)
                read = read.filter(pk__in=list(ids[cut]))
            return _totalled(read.annotate(line_total=_line_total()).order_by(*order), reads)
        # Sorted by text: every line's key alone read and ordered here, then the window's
        # lines read.
        fields, text_key = TEXT_ORDER[sort]
        groups: dict[int, list[tuple[object, int, int]]] = {}
        for pk, workstream, line_position, *values in lines.order_by("position", "pk").values_list(
            "pk", "workstream_id", "position", *fields
        ):
            groups.setdefault(rank.get(workstream, len(rank)), []).append(
                (text_key(*values), line_position, pk)
            )
        ordered = [
            pk
            for place in sorted(groups)
            for _, _, pk in sorted(groups[place], key=lambda found: found[:2], reverse=descending)
        ]
        if window.size is not None:
            ordered = ordered[window.first : window.first + window.size]
            read = read.filter(pk__in=ordered)
        if total:
            found = {
                row["pk"]: row for row in _totalled(read.annotate(line_total=_line_total()), reads)
            }
        else:
            found = {row["pk"]: row for row in read.values(*reads)}
        return [found[pk] for pk in ordered]

    @cached_property
    def engine_assumptions(self) -> engine.Assumptions:
        return engine_assumptions(self.plan)

    @cached_property
    def workstreams(self) -> dict[int, tuple[str, int]]:
        """The plan's workstreams: name and position by id."""
        return {
            pk: (name, position)
            for pk, name, position in Workstream.objects.filter(plan=self.plan).values_list(
                "pk", "name", "position"
            )
        }

    def rollup(self, by: str, *, errors: bool = True) -> Rollup:
        """The plan's figures added up by `by`, and (unless `errors` is False) the lines
        that cannot be costed."""
        found = self.__dict__.setdefault("_rollups", {})
        if by not in found:  # the sums once a grouping, with or without the lines listed
            found[by] = rollup(self.plan, by, self.filters, errors=False)
        return replace(found[by], errors=list(self.not_costed)) if errors else found[by]

    @cached_property
    def not_costed(self) -> list[NotCosted]:
        """The lines that cannot be costed, in the plan's order: read once, however many
        of the context's tables and rollups list them."""
        return not_costed(self.plan, self.filters)

    @cached_property
    def no_amount(self) -> list[str]:
        """The titles of the non-staff lines with no amount stated, in the plan's order."""
        return list(
            self.lines()
            .filter(kind=LineKind.NON_STAFF, amount__isnull=True)
            .order_by("position", "pk")
            .values_list("title", flat=True)
        )

    def finding_texts(self, line_ids: list[int] | None) -> dict[int, list[str]]:
        """The text of each finding a line of the page answers, by line, in the findings'
        order."""
        answered = _of_page(
            PlanLine.findings.through.objects.filter(
                self.filters.of_lines("planline__"), planline__plan=self.plan
            ),
            "planline_id",
            line_ids,
        ).order_by("finding__position", "finding_id")
        texts: dict[int, list[str]] = {}
        for line_id, text in answered.values_list("planline_id", "finding__text"):
            texts.setdefault(line_id, []).append(text)
        return texts

    def _finding_sums(self) -> dict:
        """A finding part's figures as conditional sums of its stored rows: FTE and the
        full-year effect on the row of no year, each year's cost on its own."""

        def of_year(year):
            return Sum(Case(When(financial_year=year, then="cost_in_pounds")))

        full_year = Q(financial_year__isnull=True)
        return {
            "part_fte": Sum(Case(When(full_year, then="fte"))),
            "part_full_year": Sum(Case(When(full_year, then="cost_in_pounds"))),
            **{f"y{year.start_year}": of_year(year.start_year) for year in self.years},
        }

    def _figures_of(self, row: dict) -> Figures:
        return Figures(
            fte=round_money(row["part_fte"] or ZERO, PENNY),
            full_year=round_money(row["part_full_year"] or ZERO, POUND),
            years={
                year: round_money(row[f"y{year.start_year}"] or ZERO, POUND) for year in self.years
            },
        )

    def finding_groups(self) -> dict[int | None, tuple[int, Figures]]:
        """Each finding the lines answer (None: not linked to one), with how many lines
        answer it and their parts added up by the database: one query."""
        rows = (
            self.filters.stored(FindingPart, self.plan)
            .values("finding_id")
            .annotate(lines=Count("line_id", distinct=True), **self._finding_sums())
            .order_by()
        )
        return {row["finding_id"]: (row["lines"], self._figures_of(row)) for row in rows}

    def finding_parts(
        self, window: Window
    ) -> list[tuple[int | None, tuple[str, str], Figures, int]]:
        """Each line's part for each finding it answers (None: not linked to one), by
        finding in the table's order (`FINDING_ORDER`; no finding last), then in the
        plan's order, only the window's: (finding id, the line's title and grade, the
        part's figures, how many findings the line answers).
        Two queries: the parts' rows of no year (one a part, with its FTE and full-year
        effect) ordered and cut to the window; then every row of those lines' parts, with
        the line's title and grade: each part's years, and the findings of each line.
        (The title and grade are not read in the first: PostgreSQL joins them for every
        line before it sorts and cuts.)"""
        rows = self.filters.stored(FindingPart, self.plan)
        full_year = rows.filter(financial_year__isnull=True).order_by(
            ExpressionWrapper(Q(finding__isnull=True), output_field=BooleanField()),
            *(f"finding__{key}" for key in FINDING_ORDER),
            "line__position",
            "line_id",
        )
        if window.size is not None:
            full_year = full_year[window.first : window.first + window.size]
        parts: dict[tuple[int, int | None], Figures] = {
            (line_id, finding_id): Figures(
                fte=round_money(fte, PENNY),
                full_year=round_money(amount, POUND),
                years=dict.fromkeys(self.years, ZERO),
            )
            for line_id, finding_id, fte, amount in full_year.values_list(
                "line_id", "finding_id", "fte", "cost_in_pounds"
            )
        }
        by_year = {year.start_year: year for year in self.years}
        lines: dict[int, tuple[str, str]] = {}
        answers: dict[int, set[int]] = {}
        for line_id, finding_id, year, amount, title, *grade in _of_page(
            rows, "line_id", None if window.size is None else list({key for key, _ in parts})
        ).values_list(
            "line_id",
            "finding_id",
            "financial_year",
            "cost_in_pounds",
            "line__title",
            *(f"line__{name}" for name in GRADE_VALUES),
        ):
            if year is None:
                # Each part has its row of no year: the line's title and grade once.
                lines[line_id] = (title, _grade(*grade))
                if finding_id is not None:
                    answers.setdefault(line_id, set()).add(finding_id)
                continue
            part = parts.get((line_id, finding_id))
            if part is not None and year in by_year:
                part.years[by_year[year]] = round_money(amount, POUND)
        return [
            (finding_id, lines[line_id], part, len(answers.get(line_id, ())) or 1)
            for (line_id, finding_id), part in parts.items()
        ]

    def any_line_shared(self) -> bool:
        """Whether any line answers more than one finding."""
        return (
            self.filters.stored(FindingPart, self.plan)
            .filter(finding__isnull=False, financial_year__isnull=True)
            .values("line_id")
            .annotate(ways=Count("finding_id", distinct=True))
            .filter(ways__gt=1)
            .exists()
        )

    def year_columns(self) -> list[Column]:
        return [
            Column(f"y{year.start_year}", year.label, Kind.MONEY, summed=True, width=12)
            for year in self.years
        ]

    def year_cells(self, figures: Figures) -> dict[str, Decimal]:
        return {f"y{year.start_year}": figures.years[year] for year in self.years}


# ---------------------------------------------------------------------------------------


def resource_requirement(context: ReportContext) -> list[Table]:
    plan = context.plan
    table = Table(
        "resource-requirement",
        "Resource requirement",
        [
            Column("title", "Post / role", width=30),
            Column("grade", "Grade", width=8),
            Column("fte", "FTE", Kind.FTE, summed=True, width=7),
            Column("duration", "Duration", width=11),
            Column("salary", "Salary £", Kind.MONEY, width=11),
            Column("annual_cost", "Annual cost £", Kind.MONEY, summed=True, width=12),
            Column(
                "total", f"Total cost ({plan.period_label}) £", Kind.MONEY, summed=True, width=14
            ),
            Column("team", "Where based", width=16),
            Column("justification", "Justification", width=40, wide=True),
            Column("phase", "Phase", width=7),
            Column("finding", "Ofsted finding", width=40, wide=True),
        ],
        empty_message="No lines match.",
    )
    page = context.workstream_page(
        table,
        _every_line,
        {
            # A line with no FTE (a non-staff cost) prints none, and adds none.
            "fte": Sum("figures__fte", filter=Q(fte__isnull=False)),
            "annual_cost": Sum("figures__full_year_in_pounds"),
        },
        {"total": Sum("cost_in_pounds")},
        reads=RESOURCE_VALUES,
        total=True,
    )
    texts = context.finding_texts(_page_lines(page))

    def cells(line: dict) -> dict:
        kind = line["kind"]
        return {
            "title": line["title"],
            "grade": _grade(*(line[name] for name in GRADE_VALUES)),
            # A line with no FTE (a non-staff cost) prints none.
            "fte": None if line["fte"] is None else line["figures__fte"] or ZERO,
            "duration": duration_words(
                kind,
                line["one_off"],
                line["start_date"],
                line["end_date"],
                line["duration_months"],
            ),
            "salary": _salary(kind, line["figures__salary_in_pounds"]),
            "annual_cost": line["figures__full_year_in_pounds"] or ZERO,
            "total": line["line_total"],
            "team": line["team__name"] or "",
            "justification": line["justification"],
            "phase": line["phase"],
            "finding": join_nonempty(texts.get(line["pk"], ())),
        }

    _lines_by_workstream(table, page, cells)
    table.notes.extend(_stated_cost_notes(context))
    table.notes.extend(_not_costed_notes(context))
    return [table]


def multi_year_summary(context: ReportContext) -> list[Table]:
    return [multi_year_table(context), recurring_pressure(context)]


def multi_year_table(context: ReportContext, *, notes: bool = True) -> Table:
    """The plan's figures by the grouping asked for (workstream unless told) against its
    financial years: the groups' sums, added up by the database, and (unless `notes` is
    False: a chart's image prints none) notes of the lines that cannot be costed."""
    by = context.options.by
    label = MULTI_YEAR_GROUPINGS[by]
    table = Table(
        f"multi-year-{by}",
        f"Multi-year summary by {label.lower()}",
        [
            Column("name", label, width=36),
            Column("fte", "Net FTE", Kind.FTE, summed=True, width=8),
            Column("full_year", "Full-year effect £", Kind.MONEY, summed=True, width=14),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
        ],
    )
    result = context.rollup(by, errors=notes)
    builder = TableBuilder(table)
    for group in result.groups:
        builder.line(
            {
                "name": group.name,
                "fte": group.figures.fte,
                "full_year": group.figures.full_year,
                **context.year_cells(group.figures),
                "total": group.figures.total,
            }
        )
    builder.total()
    if not notes:
        return table
    if by == "funding":
        table.notes.append(
            "FTE is shared between sources in proportion to the full-year cost each pays."
        )
    table.notes.extend(_not_costed_notes(context, result.errors))
    return table


def recurring_pressure(context: ReportContext) -> Table:
    """What sources that end pay for lines that outlive them, each year after they end:
    the pressure the plan must fund from elsewhere once the grant stops."""
    table = Table(
        "recurring-pressure",
        "Recurring pressure when funding ends",
        [
            Column("name", "Funding source", width=36),
            Column("ends", "Ends", width=12),
            Column("posts", "Lines", Kind.NUMBER, summed=True, width=8),
            Column("full_year", "A full year £", Kind.MONEY, summed=True, width=14),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
        ],
        empty_message="No line outlives a funding source that ends.",
    )
    builder = TableBuilder(table)
    for source, lines, full_year, years in _pressure_by_source(context):
        builder.line(
            {
                "name": source.name,
                "ends": _day(source.end_date),
                "posts": Decimal(lines),
                "full_year": full_year,
                **{f"y{year.start_year}": amount for year, amount in years.items()},
                "total": sum(years.values(), ZERO),
            }
        )
    if table.rows:
        builder.total()
        table.notes.append(
            "What each source pays of the lines that outlive it, in each year after it ends "
            "(a source ending part way through a year is counted as paying for that year). "
            "The funding report lists the lines."
        )
    return table


def _pressure_by_source(
    context: ReportContext,
) -> list[tuple[FundingSource, int, Decimal, dict[FinancialYear, Decimal]]]:
    """Each source that ends with lines outliving it, the soonest first: how many lines,
    and what it would pay of them in a full year and in each plan year after it ends,
    added up by the database from each line's stored figures (three queries)."""
    rows = context.filters.stored(FundingPart, context.plan).filter(cliff_in_pounds__isnull=False)
    lines = dict(
        rows.values("source_id")
        .annotate(lines=Count("line_id", distinct=True))
        .order_by()
        .values_list("source_id", "lines")
    )
    if not lines:
        return []
    by_year = {year.start_year: year for year in context.years}
    sums: dict[int, tuple[list[Decimal], dict[FinancialYear, Decimal]]] = {
        source_id: ([ZERO], dict.fromkeys(context.years, ZERO)) for source_id in lines
    }
    for source_id, year, amount in (
        rows.values("source_id", "financial_year")
        .annotate(amount=Sum("cliff_in_pounds"))
        .order_by()
        .values_list("source_id", "financial_year", "amount")
    ):
        # Added up by the database, in floats on SQLite: to whole pounds again.
        full_year, years = sums[source_id]
        if year is None:
            full_year[0] = round_money(amount, POUND)
        elif year in by_year:
            years[by_year[year]] = round_money(amount, POUND)
    sources = FundingSource.objects.in_bulk(lines)
    found = [
        (sources[source_id], lines[source_id], full_year[0], years)
        for source_id, (full_year, years) in sums.items()
    ]
    return sorted(found, key=lambda row: (row[0].end_date, row[0].name))


def _cliffs_by_source(context: ReportContext) -> list[tuple[object, list]]:
    """The funding cliffs grouped by the source that ends, the soonest first."""
    by_source: dict[int, tuple[object, list]] = {}
    for cliff in funding_cliffs(context.plan, context.filters):
        by_source.setdefault(cliff.source.pk, (cliff.source, []))[1].append(cliff)
    return sorted(by_source.values(), key=lambda found: (found[0].end_date, found[0].name))


def sources_of_funding(context: ReportContext) -> list[Table]:
    result = context.rollup("funding")
    kinds = {
        source.pk: source.get_kind_display()
        for source in FundingSource.objects.filter(organisation_id=context.plan.organisation_id)
    }
    sources = Table(
        "sources-of-funding",
        "Sources of funding",
        [
            Column("name", "Source", width=36),
            Column("kind", "Kind", width=18),
            Column("full_year", "Full year £", Kind.MONEY, summed=True, width=14),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
        ],
    )
    builder = TableBuilder(sources)
    for group in result.groups:
        builder.line(
            {
                "name": group.name,
                "kind": kinds.get(group.key, "") if group.key != "unfunded" else "",
                "full_year": group.figures.full_year,
                **context.year_cells(group.figures),
                "total": group.figures.total,
            }
        )
    builder.total("Total: the cost of the lines")
    sources.notes.append(
        f"“{UNFUNDED}” is the part of each line's cost no source is allocated to pay."
    )
    return [
        sources,
        _available_against_allocated(context, result),
        _outliving_lines(context),
        funded_against_unfunded(context),
    ]


def funded_against_unfunded(context: ReportContext) -> Table:
    """Each financial year's cost split into what the sources pay and what requires
    additional funding, with the sources that end in the year: the funding cliff. Funded
    adds the paying sources' figures of the sources of funding table for the year;
    unfunded is its "requires additional funding" row (a source pays nothing after it
    ends); so the two add up to that table's total for the year."""
    table = Table(
        "funded-unfunded",
        "Funded and unfunded by financial year",
        [
            Column("name", "Financial year", width=14),
            Column("funded", "Funded £", Kind.MONEY, summed=True, width=14),
            Column("unfunded", f"{UNFUNDED} £", Kind.MONEY, summed=True, width=16),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
            Column("ends", "Funding ending in the year", width=40, wide=True),
        ],
    )
    result = context.rollup("funding")
    paying = [group for group in result.groups if group.key != "unfunded"]
    unfunded = next((group for group in result.groups if group.key == "unfunded"), None)
    ending = FundingSource.objects.filter(
        pk__in=[group.key for group in paying], end_date__isnull=False
    ).order_by("end_date", "name")
    builder = TableBuilder(table)
    for year in context.years:
        funded = sum((group.figures.years[year] for group in paying), ZERO)
        short = unfunded.figures.years[year] if unfunded else ZERO
        builder.line(
            {
                "name": year.label,
                "funded": funded,
                "unfunded": short,
                "total": funded + short,
                "ends": join_nonempty(
                    f"{source.name} ends {_day(source.end_date)}"
                    for source in ending
                    if year.start <= source.end_date <= year.end
                ),
            }
        )
    builder.total()
    table.notes.append(
        "Funded adds what each source pays in the year (the sources of funding table). A "
        "source pays nothing after it ends: what it paid for the lines that outlive it is "
        f"counted from then as “{UNFUNDED}”."
    )
    return table


def _outliving_lines(context: ReportContext) -> Table:
    table = Table(
        "funding-cliffs",
        "Lines that outlive their funding",
        [
            Column("title", "Line", width=36),
            Column("line_ends", "Line ends", width=12),
            Column("full_year", "A full year £", Kind.MONEY, summed=True, width=14),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=14),
        ],
        empty_message="No line outlives a funding source allocated to it.",
    )
    builder = TableBuilder(table)
    for source, cliffs in _cliffs_by_source(context):
        builder.heading(f"{source.name}: ends {_day(source.end_date)}")
        for cliff in cliffs:
            builder.line(
                {
                    "title": cliff.title,
                    "line_ends": _day(cliff.line_ends) or "Permanent",
                    "full_year": cliff.full_year,
                    **{
                        f"y{year.start_year}": cliff.years.get(year, ZERO) for year in context.years
                    },
                    "total": sum(cliff.years.values(), ZERO),
                }
            )
        builder.subtotal(f"Subtotal: {source.name}")
    if table.rows:
        builder.total()
        table.notes.append(
            "Each figure is what the source would pay for the line in a year after it ends: "
            "the recurring pressure once the funding stops."
        )
    return table


def _available_against_allocated(context: ReportContext, result) -> Table:
    table = Table(
        "funding-available",
        "Funding available against allocated",
        [
            Column("name", "Source and year", width=36),
            Column("available", "Available £", Kind.MONEY, summed=True, width=14),
            Column("allocated", "Allocated £", Kind.MONEY, summed=True, width=14),
            Column("balance", "Balance £", Kind.MONEY, summed=True, width=14),
            Column("flag", "Note", width=16),
        ],
        empty_message="No funding source has an amount available or an allocation.",
    )
    allocated = {group.key: group.figures for group in result.groups if group.key != "unfunded"}
    available: dict[int, dict[int, Decimal]] = {}
    for row in FundingAvailability.objects.filter(
        source__organisation_id=context.plan.organisation_id,
        financial_year__gte=context.plan.first_year,
        financial_year__lte=context.plan.last_year,
    ).values("source_id", "financial_year", "amount"):
        available.setdefault(row["source_id"], {})[row["financial_year"]] = round_money(
            row["amount"], POUND
        )
    sources = FundingSource.objects.filter(
        Q(pk__in=allocated.keys()) | Q(pk__in=available.keys())
    ).order_by("name")
    builder = TableBuilder(table)
    for source in sources:
        builder.heading(source.name)
        for year in context.years:
            have = available.get(source.pk, {}).get(year.start_year, ZERO)
            used = allocated[source.pk].years[year] if source.pk in allocated else ZERO
            balance = have - used
            flag = "Over-allocated" if balance < 0 else ""
            if source.end_date and source.end_date < year.end:
                flag = join_nonempty([flag, f"Ends {_day(source.end_date)}"])
            builder.line(
                {
                    "name": year.label,
                    "available": have,
                    "allocated": used,
                    "balance": balance,
                    "flag": flag,
                }
            )
        builder.subtotal(f"Subtotal: {source.name}")
    builder.total()
    return table


def findings(context: ReportContext) -> list[Table]:
    table = Table(
        "findings",
        "Ofsted findings and the lines that answer them",
        [
            Column("title", "Finding / post", width=40, wide=True),
            Column("grade", "Grade", width=8),
            Column("fte", "FTE", Kind.FTE, summed=True, width=8),
            Column("annual_cost", "Annual cost £", Kind.MONEY, summed=True, width=13),
            *context.year_columns(),
            Column("total", "Total £", Kind.MONEY, summed=True, width=13),
        ],
        empty_message="No lines match.",
    )
    all_findings = list(
        Finding.objects.filter(inspection__organisation_id=context.plan.organisation_id)
        .select_related("inspection")
        .order_by(*FINDING_ORDER)
    )
    groups = context.finding_groups()
    answering = [finding for finding in all_findings if finding.pk in groups]
    window = context.paging.window(sum(lines for lines, _ in groups.values()))
    # A line answering several findings is shared equally (its stored parts), so the
    # table casts.
    parts = context.finding_parts(window)
    by_finding: dict[int | None, list[tuple[tuple[str, str], Figures, int]]] = {}
    for finding_id, line, part, ways in parts:
        by_finding.setdefault(finding_id, []).append((line, part, ways))
    builder = TableBuilder(table, window)
    for finding in [*answering, *([None] if None in groups else [])]:
        key = finding.pk if finding else None
        count, figures = groups[key]
        heading = _finding_label(finding) if finding else "Not linked to a finding"
        builder.heading(
            heading,
            count,
            {
                "fte": figures.fte,
                "annual_cost": figures.full_year,
                **context.year_cells(figures),
                "total": figures.total,
            },
        )
        for (title, grade), part, shares in by_finding.get(key, ()):
            if shares > 1:
                title += (
                    f" (shared equally with {shares - 1} other finding{'s' if shares > 2 else ''})"
                )
            builder.line(
                {
                    "title": title,
                    "grade": grade,
                    "fte": part.fte,
                    "annual_cost": part.full_year,
                    **context.year_cells(part),
                    "total": part.total,
                }
            )
        builder.subtotal("Subtotal")
    builder.total()
    table.window = window
    if groups and context.any_line_shared():
        table.notes.append(
            "A line answering several findings is shared equally between them, so each "
            "line's cost is counted once."
        )
    answered = {key for key in groups if key is not None}
    gaps = Table(
        "finding-gaps",
        "Findings no line answers",
        [
            Column("reference", "Reference", width=16),
            Column("text", "Finding", width=60, wide=True),
            Column("area", "Judgement area", width=30),
            Column("inspection", "Inspection", width=24),
        ],
        empty_message="Every finding is answered by at least one line.",
    )
    gap_builder = TableBuilder(gaps)
    for finding in all_findings:
        if finding.pk not in answered:
            gap_builder.line(
                {
                    "reference": finding.reference,
                    "text": finding.text,
                    "area": finding.judgement_area,
                    "inspection": str(finding.inspection),
                }
            )
    return [table, gaps]


def recruitment(context: ReportContext) -> list[Table]:
    return [recruitment_table(context), in_year_forecast_table(context)]


def recruitment_table(context: ReportContext) -> Table:
    """Each new post's FTE funded against FTE in post, by workstream."""
    table = Table(
        "recruitment",
        "Recruitment: FTE funded against FTE in post",
        [
            Column("title", "Post", width=34),
            Column("status", "Status", width=12),
            Column("funded", "FTE funded", Kind.FTE, summed=True, width=10),
            Column("in_post", "FTE in post", Kind.FTE, summed=True, width=10),
            Column("vacant", "FTE vacant", Kind.FTE, summed=True, width=10),
            Column("annual_cost", "Annual cost £", Kind.MONEY, summed=True, width=13),
        ],
        empty_message="No new posts match.",
    )
    page = context.workstream_page(
        table,
        _new_posts,
        {
            "funded": Sum("figures__fte"),
            "in_post": Sum("fte_in_post"),
            "annual_cost": Sum("figures__full_year_in_pounds"),
        },
        reads=RECRUITMENT_VALUES,
    )
    for _, _, _, sums in page.groups:
        sums["vacant"] = sums["funded"] - sums["in_post"]

    def cells(line: dict) -> dict:
        funded = line["figures__fte"] or ZERO
        return {
            "title": line["title"],
            "status": LineStatus(line["status"]).label,
            "funded": funded,
            "in_post": line["fte_in_post"],
            "vacant": funded - line["fte_in_post"],
            "annual_cost": line["figures__full_year_in_pounds"] or ZERO,
        }

    _lines_by_workstream(table, page, cells)
    table.notes.append("New posts only: uplifts, released budget and non-staff costs add no FTE.")
    return table


def forecast_year(context: ReportContext) -> FinancialYear:
    """The year the forecast is for: this financial year, or the plan's nearest year."""
    today = FinancialYear.containing(timezone.localdate())
    years = context.years
    return min(max(today, years[0]), years[-1])


def in_year_forecast_table(context: ReportContext) -> Table:
    """Seeds 003 and 004: each new post's budget for the year against the forecast from the
    date it started, or is now expected to; the slippage; and agency cover until filled."""
    year = forecast_year(context)
    premium = true_cost_assumptions(context.plan).agency_premium
    table = Table(
        "recruitment-forecast",
        f"In-year forecast {year}: budget against forecast from start dates",
        [
            Column("title", "Post", width=30),
            Column("fte", "FTE funded", Kind.FTE, summed=True, width=8),
            Column("in_post", "FTE in post", Kind.FTE, summed=True, width=8),
            Column("budgeted_start", "Budgeted start", width=11),
            Column("expected_start", "Expected start", width=11),
            Column("actual_start", "Actual start", width=11),
            Column("budget", "Budget £", Kind.MONEY, summed=True, width=12),
            Column("forecast", "Forecast £", Kind.MONEY, summed=True, width=12),
            Column("slippage", "Slippage £", Kind.MONEY, summed=True, width=12),
            Column("cover", "Agency cover £", Kind.MONEY, summed=True, width=12),
            Column("with_cover", "Forecast with cover £", Kind.MONEY, summed=True, width=13),
        ],
        empty_message="No new posts match.",
    )
    page = context.workstream_page(
        table,
        _costed_new_posts,
        {"fte": Sum("fte"), "in_post": Sum("fte_in_post")},
        {
            "budget": Sum("cost_in_pounds"),
            "forecast": Sum("forecast_in_pounds"),
            "cover": Sum("agency_cover_in_pounds"),
        },
        year.start_year,
        reads=FORECAST_VALUES,
        joins={
            "in_year": FilteredRelation(
                "year_figures", condition=Q(year_figures__financial_year=year.start_year)
            )
        },
    )
    for _, _, _, sums in page.groups:
        sums["slippage"] = sums["budget"] - sums["forecast"]
        sums["with_cover"] = sums["forecast"] + sums["cover"]
    # The forecast is stored from the actual or expected start date, and the cover with
    # it (`figures.costs.printed`).

    def cells(line: dict) -> dict:
        # No figures of the year (a post not in it): nothing.
        budget, forecast, cover = (
            ZERO if amount is None else amount
            for amount in (
                line["in_year__cost_in_pounds"],
                line["in_year__forecast_in_pounds"],
                line["in_year__agency_cover_in_pounds"],
            )
        )
        return {
            "title": line["title"],
            "fte": line["fte"],
            "in_post": line["fte_in_post"],
            "budgeted_start": _day(line["start_date"]),
            "expected_start": _day(line["expected_start_date"]),
            "actual_start": _day(line["actual_start_date"]),
            "budget": budget,
            "forecast": forecast,
            "slippage": budget - forecast,
            "cover": cover,
            "with_cover": forecast + cover,
        }

    _lines_by_workstream(table, page, cells)
    table.notes.append(
        "The forecast costs each post from its actual start date, else its expected start "
        "date, else the budgeted one; slippage is the budget less the forecast. Where agency "
        "staff cover a post until it is filled, the cover costs what the post would have cost "
        f"for those days plus the agency premium ({format_money(premium, POUND)} per FTE "
        "per year)."
    )
    return table


def true_cost(context: ReportContext) -> list[Table]:
    """Seed 002, Appendix C: cost and true cost side by side, by workstream and by year."""
    years = context.years
    parts = ("agency", "recruitment", "retention", "vacancy")
    # What true cost adds to the lines, rounded per line as every figure is, added up by
    # workstream and year.
    by_workstream_year: dict[tuple[int | None, int], dict[str, Decimal]] = {}
    for workstream, year, *amounts in (
        context.filters.stored(LineYearFigure, context.plan)
        .values("line__workstream_id", "financial_year")
        .annotate(
            cost_sum=Sum("cost_in_pounds"),
            agency=Sum("agency_premium"),
            recruitment_sum=Sum("recruitment"),
            retention_sum=Sum("retention"),
            vacancy=Sum("vacancy_factor"),
        )
        .order_by()
        .values_list(
            "line__workstream_id",
            "financial_year",
            "cost_sum",
            "agency",
            "recruitment_sum",
            "retention_sum",
            "vacancy",
        )
    ):
        by_workstream_year[workstream, year] = dict(zip(("cost", *parts), amounts, strict=True))

    def columns(*first: Column) -> list[Column]:
        return [
            *first,
            Column("cost", "Cost £", Kind.MONEY, summed=True, width=13),
            Column("agency", "Agency premium £", Kind.MONEY, summed=True, width=12),
            Column("recruitment", "Recruitment payments £", Kind.MONEY, summed=True, width=12),
            Column("retention", "Retention payments £", Kind.MONEY, summed=True, width=12),
            Column("vacancy", "Vacancy factor £", Kind.MONEY, summed=True, width=12),
            Column("true_cost", "True cost £", Kind.MONEY, summed=True, width=13),
        ]

    def cells(workstreams, in_years) -> dict[str, Decimal]:
        found = {"cost": ZERO, **dict.fromkeys(parts, ZERO)}
        for workstream in workstreams:
            for year in in_years:
                for name, amount in by_workstream_year.get(
                    (workstream, year.start_year), {}
                ).items():
                    found[name] += amount
        found["true_cost"] = sum(found.values(), ZERO)
        return found

    by_workstream = Table(
        "true-cost",
        f"Cost and true cost by workstream, {context.plan.period_label}",
        columns(
            Column("name", "Workstream", width=34),
            Column("fte", "FTE", Kind.FTE, summed=True, width=8),
        ),
    )
    builder = TableBuilder(by_workstream)
    groups = context.rollup("workstream").groups
    for group in groups:
        workstream = None if group.key == "none" else group.key
        builder.line({"name": group.name, "fte": group.figures.fte, **cells([workstream], years)})
    builder.total()
    by_year = Table(
        "true-cost-years", "Cost and true cost by financial year", columns(Column("name", "Year"))
    )
    builder = TableBuilder(by_year)
    every = {workstream for workstream, _ in by_workstream_year}
    for year in years:
        builder.line({"name": year.label, **cells(every, [year])})
    builder.total()
    by_year.notes.append(
        "True cost adds to new posts: an agency premium on the share of social-worker FTE "
        "assumed to be agency staff; a recruitment payment per new starter, in the year the "
        "post starts; retention payments per eligible FTE per year; less the vacancy factor "
        "on the posts' cost. Each line's figures are rounded to whole pounds before adding."
    )
    by_workstream.notes.extend(_not_costed_notes(context))
    return [by_workstream, by_year]


def establishment(context: ReportContext) -> list[Table]:
    table = Table(
        "establishment",
        "Establishment: FTE and cost by team and role",
        [
            Column("role", "Team / role", width=36),
            Column("grade", "Grade", width=8),
            Column("fte", "FTE", Kind.FTE, summed=True, width=8),
            Column("unit_cost", "Unit cost £", Kind.MONEY, width=12),
            Column("budget", "Annual budget £", Kind.MONEY, summed=True, width=14),
        ],
        empty_message="No lines match.",
    )
    # Roles are lines of one title and grade (as the tables print it) in a team, and a
    # role's unit cost is worked out from its lines' exact costs, kept as text: neither
    # can be added up by the database, so every line's few values here are read. Each
    # role's FTE and budget are added up here, and only the roles of the page's window
    # are written as rows, each team's heading saying what all its roles add up to.
    teams: dict[str, dict[tuple[str, str], list]] = {}
    for team, title, kind, grade, from_grade, as_written, fte, full_year, exact in (
        context.lines()
        .order_by("position", "pk")
        .values_list(
            "team__name",
            "title",
            *GRADE_VALUES,
            "figures__fte",
            "figures__full_year_in_pounds",
            "figures__full_year_exact",
        )
    ):
        roles = teams.setdefault(team or "No team", {})
        role = roles.get(key := (title, _grade(kind, grade, from_grade, as_written)))
        if role is None:
            role = roles[key] = [ZERO, ZERO, []]  # FTE, budget, exact costs
        role[0] += fte or ZERO
        role[1] += full_year or ZERO
        role[2].append(exact)
    window = context.paging.window(sum(len(roles) for roles in teams.values()))
    builder = TableBuilder(table, window)
    first = 0  # the index of the team's first role in the whole table
    for team in sorted(teams, key=lambda name: (name == "No team", name.lower())):
        roles = teams[team]
        sums = {
            "fte": sum((fte for fte, _, _ in roles.values()), ZERO),
            "budget": sum((budget for _, budget, _ in roles.values()), ZERO),
        }
        builder.heading(team, len(roles), sums)
        for index, ((role, grade), (fte, budget, exact)) in enumerate(roles.items(), first):
            if window.holds(index):
                builder.line(
                    {
                        "role": f"{format_fte(fte)} {role}" if fte else role,
                        "grade": grade,
                        "fte": fte,
                        "unit_cost": _unit_cost([Decimal(cost) for cost in exact if cost], fte),
                        "budget": budget,
                    }
                )
        first += len(roles)
        builder.subtotal(f"Subtotal: {team}")
    builder.total()
    table.window = window
    table.notes.append(
        "Annual budget is the full-year effect. Unit cost is the budget per FTE, shown for "
        "reference and not added up."
    )
    return [table]


def _unit_cost(exact: list[Decimal | None], fte: Decimal) -> Decimal | None:
    """The full-year cost of one FTE, from the lines' costs before rounding (a post of
    0.5 FTE stated at £42,413 for 1 FTE has a unit cost of £42,413, not twice its rounded
    £21,207); a line that cannot be costed has none."""
    if not fte:
        return None
    unrounded = sum((amount for amount in exact if amount is not None), ZERO)
    return round_money(unrounded / fte, POUND)


@dataclass(frozen=True, slots=True)
class Report:
    slug: str
    title: str
    build: Callable[[ReportContext], list[Table]]
    about: str


REPORTS = {
    report.slug: report
    for report in [
        Report(
            "resource-requirement",
            "Resource requirement",
            resource_requirement,
            "Every line by workstream: grade, FTE, duration, salary, annual and total cost.",
        ),
        Report(
            "multi-year",
            "Multi-year summary",
            multi_year_summary,
            "Workstreams, teams or funding sources against financial years.",
        ),
        Report(
            "funding",
            "Sources of funding",
            sources_of_funding,
            "What each source pays, what requires additional funding, and what is available.",
        ),
        Report(
            "findings",
            "Findings",
            findings,
            "Each Ofsted finding with the lines that answer it, and the findings nothing answers.",
        ),
        Report(
            "recruitment",
            "Recruitment",
            recruitment,
            "FTE funded against FTE in post, and the in-year forecast from start dates.",
        ),
        Report(
            "true-cost",
            "True cost",
            true_cost,
            "Cost and true cost side by side: agency premium, recruitment and retention "
            "payments, less the vacancy factor.",
        ),
        Report(
            "establishment",
            "Establishment",
            establishment,
            "FTE and annual cost by team and role.",
        ),
    ]
}


def build_report(slug: str, context: ReportContext) -> list[Table]:
    return REPORTS[slug].build(context)


# ---------------------------------------------------------------------------------------
# Assumptions: what every table rests on, printed beneath it.


def assumption_lines(
    context: ReportContext, assumptions: engine.Assumptions | None = None
) -> list[tuple[str, str]]:
    """What the figures rest on, in words: the plan's assumptions, or `assumptions` (a
    what-if's) in their place."""
    plan = context.plan
    engine_assumptions = assumptions or context.engine_assumptions
    first, last = engine_assumptions.first_year, engine_assumptions.last_year
    lines = [("Financial years", f"{first} to {last}, each 1 April to 31 March.")]
    spine_years = sorted(
        set(
            SpinalSalary.objects.filter(point__pay_scale__organisation_id=plan.organisation_id)
            .values_list("financial_year", flat=True)
            .order_by()
            .distinct()
        )
    )
    stated = (
        context.lines()
        .filter(Q(stated_annual_cost__isnull=False) | Q(annual_salary__isnull=False))
        .count()
    )
    salary_text = (
        "Pay spine values for "
        + ", ".join(FinancialYear(year).label for year in spine_years)
        + "; a later year uses the latest value before it, raised by the pay awards below."
        if spine_years
        else "No pay spine values are recorded."
    )
    if stated:
        salary_text += (
            f" {stated} line{'s' if stated != 1 else ''} use a salary or annual cost stated "
            f"for the line, taken at {first} pay."
        )
    lines.append(("Salary base", salary_text))
    on_cost = engine_assumptions.on_cost
    if isinstance(on_cost, FlatOnCost):
        lines.append(("On-costs", f"A flat {_percent(on_cost.rate)} of pay."))
    elif isinstance(on_cost, ComputedOnCost):
        ni = "; ".join(
            f"{year}: {_percent(rate.rate)} above {format_money(rate.annual_threshold, POUND)} "
            "a year per employee"
            for year, rate in sorted(on_cost.ni.items())
        )
        lines.append(
            (
                "On-costs",
                f"Employer NI ({ni or 'no rates recorded'}), charged monthly per person; "
                f"employer pension {_percent(on_cost.pension_rate)}; apprenticeship levy "
                f"{_percent(on_cost.levy_rate)}.",
            )
        )
    awards = [
        f"{year}: {_percent(award.rate)} ({'agreed' if award.agreed else 'assumed'})"
        for year, award in sorted(engine_assumptions.pay_awards.items())
    ]
    lines.append(
        ("Pay awards", ("From 1 April. " + "; ".join(awards) + ".") if awards else "None.")
    )
    lines.append(
        (
            "Increments",
            "On: one spinal point each 1 April to the top of the grade; starters from 2 "
            "October to 31 March move after six months."
            if engine_assumptions.increments
            else "Off: posts stay on their starting point.",
        )
    )
    rates = true_cost_assumptions(plan)
    lines.append(
        (
            "Vacancy factor",
            f"{rates.vacancy_factor_percent.normalize():f}%, deducted only in the true cost.",
        )
    )
    lines.append(
        (
            "True cost",
            f"Agency staff {rates.agency_share_percent.normalize():f}% of social-worker FTE at a "
            f"premium of {format_money(rates.agency_premium, POUND)} per FTE per year; "
            f"recruitment payment {format_money(rates.recruitment_payment, POUND)} per new "
            f"starter; retention payment {format_money(rates.retention_payment, POUND)} per "
            "eligible FTE per year.",
        )
    )
    lines.append(
        (
            "Rounding",
            "Each line's figures are rounded to whole pounds; every subtotal and total adds "
            "the rounded figures printed above it.",
        )
    )
    return lines


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


# ---------------------------------------------------------------------------------------


def _day(day) -> str:
    """A date as council papers print it: 1 Apr 2021."""
    return f"{day:%-d %b %Y}" if day else ""


def _every_line(prefix: str) -> Q:
    return Q()


def _new_posts(prefix: str) -> Q:
    return Q(**{f"{prefix}kind": LineKind.NEW_POST})


def _costed_new_posts(prefix: str) -> Q:
    """New posts that can be costed (a line's figures say why one cannot)."""
    return _new_posts(prefix) & (
        Q(**{f"{prefix}figures__error": ""}) | Q(**{f"{prefix}figures__isnull": True})
    )


def _lines_by_workstream(table: Table, page: WorkstreamPage, cells: Callable[[dict], dict]) -> None:
    """Each workstream's lines on the page in the order asked for, under its heading and
    over its subtotal (the whole workstream's), then the total: every line, or a window
    of them (decision 0024)."""
    builder = TableBuilder(table, page.window)
    on_page: dict[int | None, list[dict]] = {}
    for line in page.items:
        on_page.setdefault(line["workstream_id"], []).append(line)
    for key, name, lines, sums in page.groups:
        builder.heading(name, lines, sums)
        for line in on_page.get(key, ()):
            builder.line(cells(line))
        builder.subtotal(f"Subtotal: {name}")
    builder.total()
    table.window = page.window


def _finding_label(finding: Finding) -> str:
    text = finding.text
    if finding.reference and finding.reference.lower() not in text.lower():
        text = f"{finding.reference}: {text}"
    return text


def _stated_cost_notes(context: ReportContext) -> list[str]:
    """The lines whose stated annual cost differs from the grade arithmetic: only lines
    with a stated cost are read."""
    material, small = [], 0
    stated = (
        context.lines()
        .filter(figures__stated_difference_in_pounds__isnull=False, figures__error="")
        .order_by("position", "pk")
        .values_list(
            "title",
            "figures__full_year_in_pounds",
            "figures__computed_full_year_in_pounds",
            "figures__stated_difference_in_pounds",
            "figures__stated_differs",
        )
    )
    for title, full_year, computed, difference, differs in stated:
        if abs(difference) >= 1:
            material.append(
                f"{title}: stated {format_money(full_year or ZERO, POUND)} a "
                f"year; the grade arithmetic gives "
                f"{format_money(computed, POUND)} "
                f"(difference {format_money(difference, POUND)})."
            )
        elif differs:
            small += 1
    notes = []
    if material:
        notes.append(
            "Annual costs stated in the appendix and used here, where the grade arithmetic differs:"
        )
        notes.extend(material)
    if small:
        notes.append(
            f"{small} other stated annual cost{'s' if small != 1 else ''} differ from the grade "
            "arithmetic by less than £1 (rounding in the appendix)."
        )
    return notes


def _not_costed_notes(context: ReportContext, errors: list[NotCosted] | None = None) -> list[str]:
    """The lines that cannot be costed (`errors`, where a rollup has read them already),
    and the non-staff lines with no amount: two queries at most, so the pages that list
    no lines read none."""
    if errors is None:
        errors = context.not_costed
    notes = [f"Not costed: {line.title}: {line.error}" for line in errors]
    notes.extend(f"No amount stated: {title} (counted as £0)." for title in context.no_amount)
    return notes


def plan_status_mark(plan: Plan) -> str:
    return "" if plan.status == PlanStatus.APPROVED else "DRAFT"
