"""Import an appendix into a plan: read, map, read each row, save in one transaction.

A dry run does everything a commit does, inside the same transaction, and then rolls it
back, so the preview shows exactly what committing would do. Any row in error rolls the
whole import back: nothing is saved half-way."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import F, Max
from django.utils import timezone
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_update_with_history

from figures.costing import LinesToCost, PlanCoster
from figures.costs.financial_year import FinancialYear
from figures.costs.money import round_money
from figures.costs.printed import Allocation as CostedAllocation
from figures.services import store_figures
from funding.models import Allocation, FundingAvailability, FundingSource, SourceKind
from investplan.bulk import insert_rows
from investplan.models import (
    Finding,
    Inspection,
    OnCostMethod,
    Organisation,
    Plan,
    Team,
    Workstream,
)
from investplan.permissions import closed_because
from investplan.services import create_plan, free_plan_slug
from posts.appendix.arithmetic import SAMPLE_ROWS, read_by_arithmetic
from posts.appendix.columns import (
    FIELDS,
    HEADER_SEARCH_ROWS,
    ColumnMap,
    is_header,
    is_second_header_row,
    map_columns,
    normalise_header,
)
from posts.appendix.log import RowLog
from posts.appendix.reading import Appendix, Limits, SourceRow, UnreadableFile, is_blank
from posts.appendix.rows import (
    BLANK,
    ERROR,
    IMPORTED,
    SECTION,
    TOTAL,
    Context,
    RowReader,
    RowReading,
    finding_reference,
    is_figure,
)
from posts.appendix.text import clean_text, figure_text, name_key, source_key
from posts.appendix.years import Years, years_found, years_label
from posts.models import (
    AppendixImport,
    ColumnMapping,
    Grade,
    ImportStatus,
    LineKind,
    LineValues,
    PlanLine,
    SpinalPoint,
    SpinalSalary,
)

BATCH = 500
YEAR_SEARCH_ROWS = 1_000  # rows read for the years a file names, when its headers name none
RECONCILED_FIELDS = ("fte", "annual_cost", "total")


class _RollBack(Exception):
    """Raised inside the transaction to undo it: a dry run, or rows in error."""


# The workspace's columns, in its order, then the rest of a line's own: a block pasted
# without a header row is read as these (decision 0017).
WORKSPACE_COLUMNS = (
    ("title", "Post"),
    ("grade", "Grade"),
    ("fte", "FTE"),
    ("start", "Start date"),
    ("duration", "Duration"),
    ("salary", "Salary"),
    ("workstream", "Workstream"),
    ("team", "Where based"),
)


@dataclass(frozen=True, slots=True)
class PayPoint:
    """A spinal point of a grade and its salary in the plan's first year (None if unset)."""

    pk: int
    code: str
    salary: Decimal | None


@dataclass
class LineWords:
    """The names behind a line's ids, for saying what the line is."""

    grade: str = ""
    point: PayPoint | None = None
    workstream: str = ""
    team: str = ""
    funding: tuple[str, ...] = ()


def describe_line(values: dict, words: LineWords) -> str:
    """What a row becomes, in one line, for the row-by-row preview: said from the very
    values the line is saved with, so the preview and the saved line cannot differ."""
    parts = [values["title"]]
    grade = words.grade or values["grade_as_written"]
    if grade:
        parts.append(f"grade {grade}")
    if words.point is not None:
        parts.append(f"point {words.point.code}")
    if values["fte"] is not None:
        parts.append(f"{values['fte'].normalize():f} FTE")
    parts.append(f"from {values['start_date']:%-d %b %Y}")
    if values["one_off"]:
        parts.append("one-off")
    elif values["duration_months"]:
        parts.append(f"{values['duration_months']} months")
    else:
        parts.append("permanent")
    salary = values["annual_salary"]
    if salary is None and words.point is not None:
        salary = words.point.salary
    for figure, label in (
        (salary, "salary"),
        (values["stated_annual_cost"], "stated annual cost"),
        (values["amount"], "amount"),
    ):
        if figure is not None:
            parts.append(f"{label} £{figure_text(figure)}")
    if words.workstream:
        parts.append(f"workstream {words.workstream}")
    if words.team:
        parts.append(f"based in {words.team}")
    if words.funding:
        parts.append("funded by " + ", ".join(words.funding))
    return " · ".join(parts)


@dataclass
class ImportReport:
    file_name: str
    sheet: str = ""
    columns: ColumnMap | None = None
    rows: RowLog = field(default_factory=RowLog)  # every row's outcome, in sheet order
    warnings: list[str] = field(default_factory=list)
    reconciliation: list[str] = field(default_factory=list)
    stated_totals: dict[str, Decimal] = field(default_factory=dict)
    computed_totals: dict[str, Decimal] = field(default_factory=dict)
    plan: Plan | None = None
    created_plan: bool = False
    new_plan_slug: str = ""  # the new plan's address, kept when a preview rolls it back
    years: Years | None = None  # the plan's, kept when a preview's new plan is rolled back
    years_reason: str = ""  # why a new plan runs those years
    committed: bool = False
    lines_created: int = 0
    lines_updated: int = 0
    sources: int = 0  # rows of a table of funding sources, each a source's year or years

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.rows.counts)

    @property
    def has_errors(self) -> bool:
        return self.rows.has_errors

    @property
    def years_label(self) -> str:
        return years_label(self.years) if self.years else ""

    @property
    def lines(self) -> int:
        """The plan lines the import makes or updates (a dry run's too, before it is undone)."""
        return self.lines_created + self.lines_updated

    def as_json(self, rows: bool = True) -> dict:
        summary = {
            "file": self.file_name,
            "sheet": self.sheet,
            "plan": self.plan.slug if self.plan else None,
            "years": years_label(self.years) if self.years else None,
            "years_reason": self.years_reason,
            "committed": self.committed,
            "counts": self.counts,
            "columns": self.columns.as_json() if self.columns else {},
            # Why a column is read otherwise than its heading's words say.
            "column_reasons": self.columns.reasons if self.columns else [],
            "stated_totals": {name: f"{value}" for name, value in self.stated_totals.items()},
            "computed_totals": {name: f"{value}" for name, value in self.computed_totals.items()},
            "reconciliation": self.reconciliation,
            "warnings": self.warnings,
            "lines_created": self.lines_created,
            "lines_updated": self.lines_updated,
        }
        if rows:  # every row in sheet order; the import's history keeps only the summary
            summary["rows"] = [reading.as_json() for reading in self.rows]
        return summary


def import_appendix(
    *,
    organisation: Organisation,
    plan_slug: str,
    file_name: str,
    data: bytes,
    sheet: str | None = None,
    corrections: dict[int, str] | None = None,
    dry_run: bool = False,
    user=None,
    years: Years | None = None,
    pasted: bool = False,
) -> ImportReport:
    """Import (or, with `dry_run`, preview) `data` into the plan `plan_slug`, creating the
    plan if it does not exist, over `years` (checked by `years.parse_years`), else the years
    the file names. UnreadableFile when the file cannot be read at all.

    `pasted`: `data` is cells copied from a spreadsheet, split at tabs; a block without a
    header row is read in the workspace's column order (`WORKSPACE_COLUMNS`), and a cell
    under no heading is an error rather than left out."""
    appendix = Appendix(
        file_name, data, delimiter="\t" if pasted else None, limits=Limits(**settings.IMPORT_LIMITS)
    )
    report = ImportReport(file_name=file_name)
    try:
        with transaction.atomic():
            hold_plan(organisation, plan_slug)
            importer = _Importer(
                organisation, plan_slug, appendix, report, corrections or {}, user, pasted
            )
            importer.years = years
            importer.run(sheet)
            if report.has_errors or dry_run:
                raise _RollBack
            report.committed = True
            _remember_mapping(organisation, report.columns)
            _record(organisation, report, data, user, ImportStatus.IMPORTED, corrections)
    except _RollBack:
        if report.created_plan:
            report.plan = None  # it was rolled back with everything else
    if not report.committed and not dry_run:
        with transaction.atomic():
            _record(organisation, report, data, user, ImportStatus.FAILED, corrections)
    return report


class PlanBusy(UnreadableFile):
    """Another import into the plan held it longer than SQLite waits for its write lock."""


def hold_plan(organisation: Organisation, plan_slug: str) -> None:
    """One import (or preview, or paste) into a plan at a time, held to the end of the
    transaction: another waits here, then reads the plan as the first left it, so a file
    imported twice at once updates its own lines rather than adding them twice. PostgreSQL
    locks the plan's row, or the council's while the plan is still to be made (NO KEY: rows
    that merely refer to it are not held up). SQLite has one write lock: a write taken
    first, before anything is read, waits for it; past its timeout, the admin is told."""
    if connection.vendor != "postgresql":
        try:
            Organisation.objects.filter(pk=organisation.pk).update(slug=F("slug"))
        except OperationalError:
            raise PlanBusy(
                f"another import into the plan “{plan_slug}” is being saved; try again "
                "when it has finished"
            ) from None
        return
    plans = Plan.objects.select_for_update(no_key=True)
    if plans.filter(organisation=organisation, slug=plan_slug).exists():
        return
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).exists()
    # The plan may have been made while this import waited: it is held too.
    plans.filter(organisation=organisation, slug=plan_slug).exists()


def _record(organisation, report, data, user, status, corrections) -> AppendixImport:
    return AppendixImport.objects.create(
        organisation=organisation,
        plan=report.plan,
        plan_slug=report.plan.slug if report.plan else "",
        uploaded_by=user,
        file_name=report.file_name[:255],
        sheet=report.sheet[:100],
        sha256=hashlib.sha256(data).hexdigest(),
        data=b"",  # the committed file's lines carry its name, sheet and rows
        status=status,
        counts=report.counts,
        report=report.as_json(rows=False),
        corrections={str(column): name for column, name in (corrections or {}).items()},
    )


def _remember_mapping(organisation, columns: ColumnMap | None) -> None:
    if columns is None or not columns.header_rows:  # no header: no words to remember
        return
    for column, name in columns.fields.items():
        if column in columns.inferred:  # read from this file's figures, not its words
            continue
        header = normalise_header(columns.labels.get(column, ""))
        if header and not header.startswith("column "):
            ColumnMapping.objects.update_or_create(
                organisation=organisation, header=header[:200], defaults={"field": name}
            )


def choose_sheet(appendix: Appendix, sheet: str | None) -> str:
    """The sheet asked for, or the first with a table on it."""
    if sheet:
        return sheet
    for name in appendix.sheet_names:
        for index, row in enumerate(appendix.rows(name)):
            if index > HEADER_SEARCH_ROWS * 3:
                break
            if is_header(row.values):
                return name
    return appendix.sheet_names[0]


# A sheet other than the table's holds funding sources if a heading or header says so:
# "The sources of funding for a full year are:-", "Source of funding | Amount".
_SOURCES_HEADING = re.compile(
    r"\b(sources? of funding|funding sources?)\b|^(funding )?sources?\b|^funders?\b", re.I
)


class _Ahead:
    """Rows one at a time, with a look at those ahead (to test a header's columns against
    the arithmetic of its rows) that does not take them."""

    def __init__(self, rows: Iterator[SourceRow]):
        self._rows = rows
        self._ahead: deque[SourceRow] = deque()

    def __iter__(self):
        return self

    def __next__(self) -> SourceRow:
        return self._ahead.popleft() if self._ahead else next(self._rows)

    def push(self, row: SourceRow) -> None:
        self._ahead.appendleft(row)

    def peek(self, count: int) -> list[SourceRow]:
        while len(self._ahead) < count:
            row = next(self._rows, None)
            if row is None:
                break
            self._ahead.append(row)
        return list(itertools.islice(self._ahead, count))


class _Importer:
    def __init__(self, organisation, plan_slug, appendix, report, corrections, user, pasted):
        self.user = user
        self.pasted = pasted
        self.organisation = organisation
        self.plan_slug = plan_slug
        self.appendix = appendix
        self.report = report
        self.corrections = corrections
        self.remembered = dict(
            ColumnMapping.objects.filter(organisation=organisation).values_list("header", "field")
        )
        self.pending: list[RowReading] = []  # lines read, not yet saved
        self.coster: PlanCoster | None = None  # made for the first batch saved
        self.unlogged: list[RowReading] = []  # rows read since the last batch was saved
        self.since_total: dict[str, Decimal] = {}
        self.all_rows: dict[str, Decimal] = {}
        self.last_total: RowReading | None = None
        self.years: Years | None = None  # chosen at import, for a new plan
        self.titles: list[str] = []  # the titles above the table
        self.funded: dict[str, Decimal] = {}  # a source's key -> the lines' annual cost it pays

    # -- the sheet --------------------------------------------------------------------

    def run(self, sheet: str | None) -> None:
        report = self.report
        report.sheet = choose_sheet(self.appendix, sheet)
        rows = _Ahead(self.appendix.rows(report.sheet))
        header, leading, first = self._find_header(rows)
        if first is not None:
            rows.push(first)
        if header is None:
            columns = _workspace_columns()
        else:
            columns = self._map(header, rows, self.corrections)
        report.columns = columns
        report.warnings.extend(columns.notes)
        self._open_plan(columns)
        reader = RowReader(columns, self.context)
        self.unlogged.extend(leading)
        for row in rows:
            if not self._has_figures(row.values) and is_header(row.values):
                columns = self._map([(row.number, row.values)], rows, {})
                self.report.warnings.extend(columns.notes)
                reader = RowReader(columns, self.context)
                self.unlogged.append(
                    RowReading(
                        row.number,
                        SECTION,
                        [
                            f"the header of another table: its columns are mapped again "
                            f"({', '.join(columns.as_json())})"
                        ],
                    )
                )
                continue
            beyond = self._beyond_columns(row, columns) if self.pasted else None
            self._take(beyond or reader.read(row))
        self._flush()
        self._read_other_sheets()
        if self.report.lines_created or self.report.lines_updated:
            Plan.bump_revision(self.report.plan.pk)
        self._reconcile_end()

    def _map(self, header, rows: _Ahead, corrections) -> ColumnMap:
        """The header's columns by their words, then tested against the arithmetic of the
        rows under it: where that shows a column to be other than its words say, it is
        read as the figures show, and the reason is kept for the preview."""
        columns = map_columns(header, self.remembered, corrections)
        sample = []
        for row in rows.peek(SAMPLE_ROWS):
            if is_header(row.values) and not self._has_figures(row.values):
                break  # another table's header: its own columns
            sample.append(row)
        inferred, reasons = read_by_arithmetic(columns, sample, corrected=set(corrections))
        if inferred:
            columns = map_columns(header, self.remembered, corrections, inferred)
            columns.reasons = [*reasons, *columns.reasons]
        return columns

    # -- funding sources on another sheet ---------------------------------------------

    def _read_other_sheets(self) -> None:
        """Seed 004 puts its sources of funding under the posts; a workbook may keep them
        on a sheet of their own. Every other sheet is looked at for such a table."""
        if not self.appendix.is_workbook:
            return
        for name in self.appendix.sheet_names:
            if name != self.report.sheet:
                self._read_sources_sheet(name)
                self._flush()

    def _read_sources_sheet(self, sheet: str) -> None:
        reader = RowReader(ColumnMap({}, {}, ()), self.context)
        leading: list[RowReading] = []
        started = ended = has_table = False
        for row in self.appendix.rows(sheet):
            if not started:
                if is_blank(row.values):
                    leading.append(RowReading(row.number, BLANK, sheet=sheet))
                    continue
                text = " ".join(clean_text(value) for value in row.values if value is not None)
                if self._has_figures(row.values) or not _SOURCES_HEADING.search(text):
                    leading.append(
                        RowReading(
                            row.number, SECTION, [f"a title above the table: “{text}”"], sheet=sheet
                        )
                    )
                    has_table = is_header(row.values)
                    if len(leading) >= HEADER_SEARCH_ROWS or has_table:
                        break
                    continue
                started = reader.reading_sources = True
                self.unlogged.extend(leading)
                self._take(
                    RowReading(
                        row.number,
                        SECTION,
                        [f"“{text}”: the rows below are funding sources, not lines"],
                        sheet=sheet,
                    )
                )
                continue
            if ended:
                reading = (
                    RowReading(row.number, BLANK, sheet=sheet)
                    if is_blank(row.values)
                    else RowReading(
                        row.number,
                        SECTION,
                        ["a note under the funding sources, kept with the import"],
                        sheet=sheet,
                    )
                )
            else:
                reading = reader.read(row)
                reading.sheet = sheet
                ended = not reader.reading_sources
            self._take(reading)
        if has_table:
            self.report.warnings.append(
                f"the sheet “{sheet}” was not read: it has a table of its own, which is "
                "imported by naming that sheet"
            )
        elif not started:
            self.report.warnings.append(
                f"the sheet “{sheet}” was not read: it has no table of funding sources"
            )

    def _find_header(
        self, rows: Iterator[SourceRow]
    ) -> tuple[list[tuple[int, tuple]] | None, list[RowReading], SourceRow | None]:
        """The header (one row, or two where units sit under the names), the readings of
        the rows above it, and the first row under it if that was read to check for units.
        A pasted block whose first filled row is no header has none: None, and that row."""
        leading: list[RowReading] = []
        seen = 0
        for row in rows:
            if is_blank(row.values):
                leading.append(RowReading(row.number, BLANK))
                continue
            seen += 1
            if self.pasted and not (is_header(row.values) and not self._has_figures(row.values)):
                return None, leading, row  # no header: the workspace's columns
            if is_header(row.values):
                header = [(row.number, row.values)]
                readings = [RowReading(row.number, SECTION, ["the table's header"])]
                following = next(rows, None)
                if following is not None and is_second_header_row(row.values, following.values):
                    header.append((following.number, following.values))
                    readings.append(
                        RowReading(following.number, SECTION, ["the header's second row"])
                    )
                    following = None
                return header, leading + readings, following
            texts = dict.fromkeys(clean_text(value) for value in row.values if value is not None)
            text = " ".join(texts)
            self.titles.append(text)
            leading.append(RowReading(row.number, SECTION, [f"a title above the table: “{text}”"]))
            if seen >= HEADER_SEARCH_ROWS:
                break
        raise UnreadableFile(
            f"{self.appendix.name}: no table found on “{self.report.sheet}”. A table needs a "
            "header row naming at least three of: "
            + ", ".join(label.lower() for name, label in FIELDS.items() if name != "ignore")
        )

    @staticmethod
    def _beyond_columns(row: SourceRow, columns: ColumnMap) -> RowReading | None:
        """A pasted row with a cell in a column that has no heading: the cell would be
        lost, so the row is in error."""
        for column, value in enumerate(row.values):
            if column not in columns.labels and not is_blank([value]):
                width = max(columns.labels) + 1
                said = "the header names" if columns.header_rows else "the workspace has"
                shown = clean_text(value)
                shown = shown if len(shown) <= 60 else shown[:59] + "…"
                where = get_column_letter(column + 1) if column < 16_384 else f"{column + 1:,}"
                message = (
                    f"{len(row.values):,} cells, but {said} {width} columns: “{shown}” in "
                    f"column {where} is under no heading and would be lost; remove it, or "
                    "paste a header row naming every column"
                )
                return RowReading(row.number, ERROR, [message])
        return None

    @staticmethod
    def _has_figures(values) -> bool:
        # Cells that are numbers first: the cheap test settles almost every line.
        return any(is_figure(value) for value in values if not isinstance(value, str)) or any(
            is_figure(value) for value in values if isinstance(value, str)
        )

    # -- the plan ---------------------------------------------------------------------

    def _open_plan(self, columns: ColumnMap) -> None:
        report = self.report
        plan = Plan.objects.filter(organisation=self.organisation, slug=self.plan_slug).first()
        if plan is None:
            # Addresses are unique within a council (decision 0047): the new plan takes the
            # address asked for, whatever other councils have; the preview names nobody
            # else's plan or council (issue 18).
            found = None if self.years else self._years_named(columns)
            if self.years:
                period = self.years
                report.years_reason = "the years chosen at import"
            elif found:
                period, report.years_reason = found
            else:
                first = FinancialYear.containing(_today())
                period = (first, first + 1)
                report.years_reason = "the file names no financial years: this year and the next"
                report.warnings.append(
                    f"the file names no financial years: the new plan runs {first} to {first + 1}"
                )
            plan = create_plan(
                organisation=self.organisation,
                name=self.plan_slug.replace("-", " ").capitalize(),
                slug=free_plan_slug(organisation=self.organisation, base=self.plan_slug),
                first_year=period[0].start_year,
                last_year=period[1].start_year,
            )
            report.created_plan, report.new_plan_slug = True, plan.slug
        elif closed := closed_because(plan):
            # The rule the plan's pages and the paste keep (read under the plan's lock).
            raise UnreadableFile(f"the plan “{self.plan_slug}” is {closed}")
        else:
            given = "the years chosen are" if self.years else "the file names"
            found = None if self.years else self._years_named(columns)
            period = self.years or (found[0] if found else None)
            if period and period != _years_of(plan):
                report.warnings.append(
                    f"{given} {years_label(period)}; the plan runs "
                    f"{years_label(_years_of(plan))}, which is kept (its years are changed "
                    "on its details page)"
                )
        report.plan, report.years = plan, _years_of(plan)
        assumptions = getattr(plan, "assumptions", None)
        rate = None
        if assumptions is not None and assumptions.on_cost_method == OnCostMethod.FLAT:
            rate = assumptions.flat_on_cost_percent / 100
        self.context = Context(
            plan_start=FinancialYear(plan.first_year).start,
            plan_years=plan.last_year - plan.first_year + 1,
            on_cost_rate=rate,
        )
        self._prepare_lookups(plan)

    def _years_named(self, columns: ColumnMap) -> tuple[Years, str] | None:
        """The years the headers or titles name, else those the sheet's cells name, and
        the words that name them."""
        cells = (
            value
            for row in itertools.islice(self.appendix.rows(self.report.sheet), YEAR_SEARCH_ROWS)
            for value in row.values
            if isinstance(value, str)
        )
        return years_found(headers=columns.labels.values(), titles=self.titles, cells=cells)

    def _prepare_lookups(self, plan: Plan) -> None:
        organisation = self.organisation
        self.grades: dict[str, Grade] = {}
        for grade in Grade.objects.filter(pay_scale__organisation=organisation).select_related(
            "bottom_point", "top_point"
        ):
            self.grades.setdefault(name_key(grade.code), grade)
        self.pay_points: dict[int, list[PayPoint]] = {}  # by grade, read when first needed
        workstreams = list(Workstream.objects.filter(plan=plan).values_list("pk", "name"))
        self.workstreams = {name_key(name): pk for pk, name in workstreams}
        teams = list(Team.objects.filter(organisation=organisation).values_list("pk", "name"))
        self.teams = {name_key(name): pk for pk, name in teams}
        # What each id is called, for saying what a line is in the preview.
        self.names = {"workstream": dict(workstreams), "team": dict(teams)}
        self.sources = {
            source_key(source.name): source
            for source in FundingSource.objects.filter(organisation=organisation)
        }
        self.findings = {
            name_key(finding.text): finding
            for finding in Finding.objects.filter(inspection__organisation=organisation)
        }
        self.inspection = None
        self.source_file = self.report.file_name[:255]
        self.source_sheet = self.report.sheet[:100]
        # Lines an earlier import of this file made, to be updated rather than duplicated.
        self.earlier_lines = PlanLine.objects.filter(
            plan=plan, source_file=self.source_file, source_sheet=self.source_sheet
        )
        # Pasted cells are always new lines; a file imported again updates its own.
        self.imported_before = not self.pasted and self.earlier_lines.exists()
        self.next_position = (
            PlanLine.objects.filter(plan=plan).aggregate(last=Max("position"))["last"] or 0
        ) + 1

    # -- rows -------------------------------------------------------------------------

    def _take(self, reading: RowReading) -> None:
        self.unlogged.append(reading)
        if reading.outcome == TOTAL and reading.of_sources:
            self._reconcile_sources(reading)
        elif reading.source is not None:
            self._save_source(reading)
        elif reading.outcome == TOTAL:
            self._reconcile(reading)
        elif reading.outcome in (IMPORTED, ERROR) and reading.facts is not None:
            self._count(reading)
            if reading.outcome == IMPORTED:
                self.pending.append(reading)
                cost = reading.written.get("annual_cost")
                for share in reading.facts.funding if cost is not None else ():
                    key = source_key(share.source)
                    self.funded[key] = self.funded.get(key, Decimal(0)) + cost * share.percent / 100
        if len(self.pending) >= BATCH or len(self.unlogged) >= 2 * BATCH:
            self._flush()

    def _flush(self) -> None:
        """Save the lines read so far, then log the rows read so far: saving may add
        warnings to them, and once logged they are let go, so memory stays flat."""
        self._save_pending()
        self.report.rows.extend(self.unlogged)
        self.unlogged = []

    def _count(self, reading: RowReading) -> None:
        """Add the row's figures as written to the running sums the totals are checked
        against."""
        for name, value in reading.written.items():
            self.since_total[name] = self.since_total.get(name, Decimal(0)) + value
            self.all_rows[name] = self.all_rows.get(name, Decimal(0)) + value

    def _reconcile(self, reading: RowReading) -> None:
        notes = []
        for name, stated in reading.stated.items():
            if name not in RECONCILED_FIELDS:
                continue
            since = self.since_total.get(name, Decimal(0))
            everything = self.all_rows.get(name, Decimal(0))
            label = FIELDS[name].lower()
            if stated == since:
                notes.append(f"{label} {figure_text(stated)} equals the rows since the last total")
            elif stated == everything:
                notes.append(f"{label} {figure_text(stated)} equals all the rows above")
            else:
                notes.append(
                    f"{label}: stated {figure_text(stated)}, the rows above add up to "
                    f"{figure_text(since)} (difference {figure_text(stated - since)})"
                )
        self.since_total = {}
        if notes:
            line = f"row {reading.number} “{reading.label}”: " + "; ".join(notes)
            reading.messages.extend(notes)
            self.report.reconciliation.append(line)
        self.last_total = reading

    def _reconcile_sources(self, reading: RowReading) -> None:
        """A table of funding sources says what pays for the lines: its total is set
        beside the lines' annual costs as well as beside its own rows."""
        stated = reading.stated.get("annual_cost")
        costs = self.all_rows.get("annual_cost")
        if stated is not None and costs is not None:
            if stated == costs:
                reading.messages.append(f"it equals the lines' annual costs, £{figure_text(costs)}")
            else:
                reading.messages.append(
                    f"the lines' annual costs add up to £{figure_text(costs)} (difference "
                    f"{figure_text(stated - costs, symbol='£')})"
                )
        named = f"“{reading.label}”: "  # the row's own messages may begin with its name
        self.report.reconciliation.append(
            f"row {reading.number} {named}"
            + "; ".join(message.removeprefix(named) for message in reading.messages)
        )

    def _save_source(self, reading: RowReading) -> None:
        """A funding source and what it has: in the year its name gives, or else in every
        year of the plan, as "for a full year" means."""
        found = reading.source
        plan = self.report.plan
        self.report.sources += 1
        years = [found.year] if found.year else list(range(plan.first_year, plan.last_year + 1))
        source = self._source(found.name)
        for year in years:
            FundingAvailability.objects.update_or_create(
                source=source, financial_year=year, defaults={"amount": found.amount}
            )
        span = str(FinancialYear(years[0]))
        if len(years) > 1:
            span += f" to {FinancialYear(years[-1])}"
        written = f" (written “{found.name}”)" if source.name != found.name else ""
        reading.messages.append(
            f"funding source “{source.name}”{written}: £{figure_text(found.amount)} a year "
            f"available, {span}"
        )
        funded = self.funded.get(source_key(found.name))
        if funded is None:
            reading.messages.append("no line in the table is funded from it")
        elif funded == found.amount:
            reading.messages.append(
                f"it equals the lines funded from it, £{figure_text(funded)} a year"
            )
        else:
            difference = found.amount - funded
            reading.messages.append(
                f"the lines funded from it cost £{figure_text(funded)} a year, "
                f"£{figure_text(abs(difference))} {'less' if difference > 0 else 'more'} than "
                "it has"
            )

    def _reconcile_end(self) -> None:
        report = self.report
        last = self.last_total
        if last is not None:
            report.stated_totals = {
                name: value for name, value in last.stated.items() if name in RECONCILED_FIELDS
            }
        report.computed_totals = dict(self.all_rows)
        for name, stated in report.stated_totals.items():
            computed = self.all_rows.get(name, Decimal(0))
            if stated != computed:
                report.warnings.append(
                    f"the stated {FIELDS[name].lower()} {figure_text(stated)} is not the sum of "
                    f"the imported rows, {figure_text(computed)} (difference "
                    f"{figure_text(stated - computed)})"
                )
        if not report.counts[IMPORTED] and not report.has_errors:
            where = "in the pasted cells" if self.pasted else "under the header"
            report.warnings.append(f"no lines were found {where}")

    # -- saving -----------------------------------------------------------------------

    def _save_pending(self) -> None:
        """Save a batch of lines: new ones inserted in bulk, lines an earlier import of
        the same file made updated, then their findings and funding."""
        if not self.pending:
            return
        existing = {}
        if self.imported_before:
            existing = {
                line.source_row: line
                for line in self.earlier_lines.filter(
                    source_row__in=[reading.number for reading in self.pending]
                )
            }
        new_rows, new_numbers, new_lines, changed = [], [], [], []
        lines = {}  # each row's line as saved, by row number: its figures are costed from it
        for reading in self.pending:
            values, words = self._line_values(reading)
            words.funding = tuple(share.source for share in reading.facts.funding)
            reading.summary = describe_line(values, words)
            line = existing.get(reading.number)
            if line is None:
                values["position"] = self.next_position
                self.next_position += 1
                new_rows.append(values)
                new_numbers.append(reading.number)
                line = LineValues.of(values)  # costed as inserted: no model per row
                new_lines.append(line)
            else:
                for name, value in values.items():
                    setattr(line, name, value)
                changed.append(line)
            lines[reading.number] = line
            self._say_if_outside_the_years(reading, line)
        new_ids = insert_rows(PlanLine, new_rows, ids=True)
        for line, pk in zip(new_lines, new_ids, strict=True):
            line.pk = pk
        history_ids = self._history(PlanLine, new_rows, new_ids, new_numbers)
        history_of_line = dict(zip(new_ids, history_ids, strict=True))
        line_ids = dict(zip(new_numbers, new_ids, strict=True))
        if changed:
            bulk_update_with_history(
                changed,
                PlanLine,
                _LINE_FIELDS,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=f"imported again from {self.source_file}",
            )
            ids = [line.pk for line in changed]
            PlanLine.findings.through.objects.filter(planline_id__in=ids).delete()
            Allocation.objects.filter(line_id__in=ids).delete()
            line_ids.update((line.source_row, line.pk) for line in changed)
        links, allocations, allocation_rows = [], [], []
        to_cost = LinesToCost(list(lines.values()), {}, {})
        for reading in self.pending:
            facts, line_id = reading.facts, line_ids[reading.number]
            if facts.finding:
                finding_id = self._finding(facts.finding).pk
                links.append({"planline_id": line_id, "finding_id": finding_id})
                to_cost.findings[line_id] = [finding_id]
            for position, share in enumerate(facts.funding):
                source = self._source(share.source)
                allocations.append(
                    {
                        "line_id": line_id,
                        "source_id": source.pk,
                        "percent": share.percent,
                        "position": position,
                    }
                )
                allocation_rows.append(reading.number)
                to_cost.allocations.setdefault(line_id, []).append(
                    CostedAllocation(source.pk, share.percent, None, source.end_date)
                )
            reading.facts = None  # saved: the row's outcome is all that is kept
        link_ids = insert_rows(PlanLine.findings.through, links, ids=True)
        # A new line's first history record holds the findings it was imported with.
        insert_rows(
            PlanLine.history.model._meta.get_field("historicalplanline_findings").related_model,
            [
                {**link, "id": link_id, "history_id": history_of_line[link["planline_id"]]}
                for link, link_id in zip(links, link_ids, strict=True)
                if link["planline_id"] in history_of_line
            ],
        )
        self._history(
            Allocation, allocations, insert_rows(Allocation, allocations, ids=True), allocation_rows
        )
        # The batch's figures, in the import's transaction, as any other change of lines:
        # costed from the lines and allocations as they were just saved, by one coster
        # for the whole import (its assumptions and pay scales read once).
        if self.coster is None:
            self.coster = PlanCoster(self.report.plan)
        replacing = [line.pk for line in changed]
        store_figures(plan=self.report.plan, read=to_cost, coster=self.coster, replacing=replacing)
        self.report.lines_created += len(new_rows)
        self.report.lines_updated += len(changed)
        self.pending = []

    def _history(self, model, rows: list[dict], ids: list, numbers: list[int]) -> list[int]:
        """What bulk inserts leave out: the history records a save makes, so an imported
        line's history starts with the import (who, when, which row of which file)."""
        when = timezone.now()
        user_id = self.user.pk if self.user is not None else None
        return insert_rows(
            model.history.model,
            ids=True,
            rows=[
                {
                    **row,
                    "id": pk,
                    "history_date": when,
                    "history_type": "+",
                    "history_user_id": user_id,
                    "history_change_reason": f"imported from {self.source_file} row {number}",
                }
                for row, pk, number in zip(rows, ids, numbers, strict=True)
            ],
        )

    def _line_values(self, reading: RowReading) -> tuple[dict, LineWords]:
        """The plan line a row describes, as column values (field attnames), with the
        names behind its ids. Money is rounded half up to the penny here, as it is kept."""
        facts = reading.facts
        staff = facts.kind != LineKind.NON_STAFF
        grade = self.grades.get(name_key(facts.grade)) if facts.grade_known and staff else None
        if facts.grade_known and grade is None and staff:
            reading.warnings.append(
                f"grade “{facts.grade}” is not on the council's pay scales; the line is "
                "costed from its stated figures"
            )
        salary = _two_places(facts.salary) if staff else None
        point = None
        if grade is not None:
            grade, point = self._pay_point(grade, salary, reading)
            if point is not None:
                salary = None  # the grade's point pays it
        workstream_id, team_id = self._workstream(facts.workstream), self._team(facts.team)
        start = facts.start or self.context.plan_start
        fte = _two_places(facts.fte)
        words = LineWords(
            grade=grade.code if grade else "",
            point=point,
            workstream=self.names["workstream"].get(workstream_id, ""),
            team=self.names["team"].get(team_id, ""),
        )
        return {
            "plan_id": self.report.plan.pk,
            "kind": facts.kind,
            "section": facts.section[:200],
            "title": facts.title or "(untitled)",
            "workstream_id": workstream_id,
            "team_id": team_id,
            "phase": facts.phase,
            "justification": facts.justification,
            "grade_id": grade.pk if grade else None,
            "point_id": point.pk if point else None,
            "grade_as_written": facts.grade,
            "from_grade_id": self._from_grade(reading),
            "annual_salary": salary,
            "fte": fte,
            "fte_in_post": _two_places(facts.fte_in_post),
            "start_date": start,
            "end_date": None,
            "duration_months": facts.duration_months,
            "amount": _two_places(facts.amount),
            "one_off": facts.one_off,
            "stated_annual_cost": _two_places(facts.stated_annual_cost),
            # The source states the cost for the row's FTE (decision 0016).
            "stated_cost_fte": fte if facts.stated_annual_cost is not None else None,
            "source_file": self.source_file,
            "source_sheet": self.source_sheet,
            "source_row": reading.number,
        }, words

    def _say_if_outside_the_years(self, reading: RowReading, line: PlanLine | LineValues) -> None:
        """A line wholly outside the plan's years costs nothing in it (decision 0016): the
        preview says so before it is added, not the workspace after."""
        plan = self.report.plan
        if line.is_outside_years(plan.first_year, plan.last_year):
            reading.warnings.append(
                f"it starts {line.start_date:%-d %b %Y}, wholly outside the plan's years "
                f"({years_label(_years_of(plan))}): it costs nothing in the plan"
            )

    def _pay_point(self, grade: Grade, salary, reading) -> tuple[Grade | None, PayPoint | None]:
        """Where a line on a known grade starts: the grade's point paying the stated salary
        in the plan's first year, or its bottom point when no salary is stated. A salary
        no point pays is kept as stated: the line is costed from it, with the grade as
        written only, and the preview says so."""
        points = self._points_of(grade)
        if salary is None:
            return grade, points[0] if points else None
        for point in points:
            if point.salary == salary:
                return grade, point
        paid = [point.salary for point in points if point.salary is not None]
        year = FinancialYear(self.report.plan.first_year)
        range_words = (
            f" (its points pay £{figure_text(min(paid))} to £{figure_text(max(paid))})"
            if paid
            else ""
        )
        reading.warnings.append(
            f"salary £{figure_text(salary)} is not a point of grade {grade.code} in "
            f"{year}{range_words}: the line is costed from the salary as stated, with the "
            "grade kept as written"
        )
        return None, None

    def _points_of(self, grade: Grade) -> list[PayPoint]:
        found = self.pay_points.get(grade.pk)
        if found is None:
            year = self.report.plan.first_year
            points = SpinalPoint.objects.filter(
                pay_scale_id=grade.pay_scale_id,
                ordinal__gte=grade.bottom_point.ordinal,
                ordinal__lte=grade.top_point.ordinal,
            ).order_by("ordinal")
            pay = dict(
                SpinalSalary.objects.filter(point__in=points, financial_year=year).values_list(
                    "point_id", "salary"
                )
            )
            found = self.pay_points[grade.pk] = [
                PayPoint(point.pk, point.code, pay.get(point.pk)) for point in points
            ]
        return found

    def _from_grade(self, reading: RowReading) -> int | None:
        """An uplift's grade before, where the council's pay scales have it ("PO6"); else
        the stated difference costs it, and the comment keeps the words ("from SW")."""
        facts = reading.facts
        if facts.kind != LineKind.UPLIFT:
            return None
        grade = self.grades.get(name_key(facts.from_grade)) if facts.from_grade else None
        if grade is None and facts.stated_annual_cost is None:
            reading.warnings.append(
                "an uplift with no stated difference and no grade it moves from on the "
                "council's pay scales: it cannot be costed until one is given"
            )
        return grade.pk if grade else None

    def _workstream(self, name: str) -> int | None:
        if not name:
            return None
        key = name_key(name)
        found = self.workstreams.get(key)
        if found is None:
            found = self.workstreams[key] = Workstream.objects.create(
                plan=self.report.plan, name=name, position=len(self.workstreams) + 1
            ).pk
            self.names["workstream"][found] = name
        return found

    def _team(self, name: str) -> int | None:
        if not name:
            return None
        key = name_key(name)
        found = self.teams.get(key)
        if found is None:
            found = self.teams[key] = Team.objects.create(
                organisation=self.organisation, name=name
            ).pk
            self.names["team"][found] = name
        return found

    def _source(self, name: str) -> FundingSource:
        key = source_key(name)
        found = self.sources.get(key)
        if found is None:
            found = self.sources[key] = FundingSource.objects.create(
                organisation=self.organisation, name=name, kind=_source_kind(name)
            )
        return found

    def _finding(self, text: str) -> Finding:
        key = name_key(text)
        found = self.findings.get(key)
        if found is None:
            if self.inspection is None:
                self.inspection = Inspection.objects.filter(
                    organisation=self.organisation
                ).first() or Inspection.objects.create(organisation=self.organisation, kind="ilacs")
            found = self.findings[key] = Finding.objects.create(
                inspection=self.inspection,
                reference=finding_reference(text),
                text=text,
                position=len(self.findings) + 1,
            )
        return found


_LINE_FIELDS = [
    "kind", "section", "title", "workstream", "team", "phase", "justification", "grade",
    "point", "grade_as_written", "from_grade", "annual_salary", "fte", "fte_in_post", "start_date",
    "end_date", "duration_months", "amount", "one_off", "stated_annual_cost",
    "stated_cost_fte",
]  # fmt: skip


def _workspace_columns() -> ColumnMap:
    """The columns of a pasted block without a header row: the workspace's order."""
    return ColumnMap(
        labels={column: label for column, (_, label) in enumerate(WORKSPACE_COLUMNS)},
        fields={column: name for column, (name, _) in enumerate(WORKSPACE_COLUMNS)},
        header_rows=(),
    )


def _two_places(amount: Decimal | None) -> Decimal | None:
    """Money to the penny and FTE to a hundredth (1.5 as 1.50), as their columns keep
    them: a line's figures are costed from the values saved, not read back."""
    return round_money(amount) if amount is not None else None


def _source_kind(name: str) -> str:
    lowered = name.lower()
    if "base budget" in lowered or "core budget" in lowered or "mainstream" in lowered:
        return SourceKind.BASE_BUDGET
    if "reserve" in lowered:
        return SourceKind.RESERVES
    if any(word in lowered for word in ("health", "nhs", "ccg", "icb", "police", "partner")):
        return SourceKind.PARTNER
    return SourceKind.GRANT


def _years_of(plan: Plan) -> Years:
    return FinancialYear(plan.first_year), FinancialYear(plan.last_year)


def _today():
    return timezone.localdate()


__all__ = ["ImportReport", "UnreadableFile", "choose_sheet", "import_appendix"]
