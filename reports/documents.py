"""A report as a document: the HTML page body, the PDF, the Excel workbook and the Word
document, all from the same rows (`reports.builders`)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef, StrRef
from openpyxl.chart.series import Series as ExcelSeries
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname

from investplan.models import Plan, PlanStatus
from reports.builders import (
    REPORTS,
    ReportContext,
    ReportOptions,
    assumption_lines,
    build_report,
    plan_status_mark,
)
from reports.charts import Chart, chart_of
from reports.rendering import chart_html, table_html
from reports.tables import EVERY_PAGE, Kind, Paging, RowKind, Table
from reports.word import Letterhead, write_tables_docx

# WeasyPrint lays out about fifty table rows a second here; with wrapped justification
# text an A4 landscape page holds about eighteen of them.
ROWS_PER_PAGE = 18
# WeasyPrint's steps as it logs them: the steps before layout, each page as it is laid
# out (not one merely kept from an earlier pass), and the writing of the file.
PREPARATION = re.compile(r"^Step ([234]) - ")
PAGE = re.compile(r"Creating layout - Page (\d+)$")
WRITING = re.compile(r"^Step 6 - ")


@dataclass
class Document:
    """Tables with what they rest on, printed the same way as HTML, PDF and Excel: the
    committee tables, a scenario comparison, a variance, a table as approved."""

    plan: Plan
    title: str
    tables: list[Table]
    assumptions: list[tuple[str, str]]
    produced_at: datetime
    filename_stem: str
    filters: str = ""
    appendix: str = ""
    status_mark: str = ""  # the word across the top of each page, e.g. DRAFT
    status_label: str = ""  # the footer's status, the plan's own unless given
    approval: str = ""  # "Approved by Cabinet on 12 March 2026", on approved tables

    @property
    def body_rows(self) -> int:
        return sum(table.body_rows for table in self.tables)

    @property
    def charts(self) -> list[Chart]:
        """The charts of the document's tables, in the tables' order."""
        return [chart for chart in map(chart_of, self.tables) if chart is not None]

    @cached_property
    def meeting(self) -> str:
        """The committee in the PDF's and Word's header: who approved the tables; for a
        plan not approved, that it is not, and what it goes to or was approved as."""
        if self.approval or self.plan.status == PlanStatus.APPROVED:
            return self.approval
        return unapproved_meeting(self.plan)

    # -- PDF ----------------------------------------------------------------------------

    def print_html(self) -> str:
        return render_to_string(
            "reports/print.html",
            {
                "plan": self.plan,
                "organisation": self.plan.organisation,
                "title": self.title,
                # Each table with its chart above it, drawn into the file (decision 0030).
                "tables": [
                    (_printed_chart(chart_of(table)), table_html(table)) for table in self.tables
                ],
                "assumptions": self.assumptions,
                "appendix": self.appendix,
                "filters": self.filters,
                "produced_at": self.produced_at,
                "status_mark": self.status_mark,
                "status": self.status_label or self.plan.get_status_display(),
                "meeting": self.meeting,
            },
        )

    def pdf(self, on_page=None, on_step=None, on_writing=None) -> bytes:
        return write_pdf(self.print_html(), on_page=on_page, on_step=on_step, on_writing=on_writing)

    # -- Word ---------------------------------------------------------------------------

    def letterhead(self) -> Letterhead:
        """What the Word document says of itself, as the PDF's header and footer say it."""
        return Letterhead(
            council=self.plan.organisation.name,
            title=self.title,
            plan=self.plan.name,
            appendix=self.appendix,
            meeting=self.meeting,
            period=self.plan.period_label,
            filters=self.filters,
            produced_at=self.produced_at,
            produced=timezone.localtime(self.produced_at).strftime("%-d %B %Y, %H:%M"),
            status=self.status_label or self.plan.get_status_display(),
            status_mark=self.status_mark,
        )

    def docx(self) -> bytes:
        return write_tables_docx(self.letterhead(), self.tables, self.assumptions)

    # -- Excel --------------------------------------------------------------------------

    def xlsx(self) -> bytes:
        workbook = Workbook(write_only=True)
        *names, assumptions = sheet_names([table.title for table in self.tables] + ["Assumptions"])
        for table, name in zip(self.tables, names, strict=True):
            _write_table(workbook, table, self, name)
        _write_assumptions(workbook, self, assumptions)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def plan_letterhead(plan: Plan, title: str) -> Letterhead:
    """What a document of the plan as it stands says of itself in Word, as its committee
    tables' files say it: the DRAFT mark of a plan not approved, the committee, the status."""
    return Document(
        plan=plan,
        title=title,
        tables=[],
        assumptions=[],
        produced_at=timezone.now(),
        filename_stem=plan.slug,
        status_mark=plan_status_mark(plan),
        approval=plan.approval,
    ).letterhead()


def unapproved_meeting(plan: Plan) -> str:
    """What the header of a plan not approved says of its committee. The committee and
    meeting kept on the plan are those of its last approval once it has one, so a plan
    reopened since says it is a draft and not what was approved ("Draft (reopened): not
    the plan as approved by Cabinet on 12 March 2026"); a plan never approved names the
    committee it goes to ("Draft for Cabinet")."""
    status = plan.get_status_display()
    day = f"{plan.meeting_date:%-d %B %Y}" if plan.meeting_date else ""
    approved_at = plan.baselines.values_list("approved_at", flat=True).first()
    if approved_at is not None:
        if plan.committee:
            by = f"by {plan.committee}" + (f" on {day}" if day else "")
        else:
            by = f"on {timezone.localtime(approved_at):%-d %B %Y}"
        return f"{status} (reopened): not the plan as approved {by}"
    if plan.committee:
        return f"{status} for {plan.committee}" + (f", {day}" if day else "")
    return ""


@dataclass
class ReportDocument(Document):
    """One of the committee tables of a plan as it stands."""

    slug: str = ""
    options: ReportOptions | None = None
    context: ReportContext | None = None

    @classmethod
    def build(
        cls,
        plan: Plan,
        slug: str,
        options: ReportOptions | None = None,
        paging: Paging = EVERY_PAGE,
    ) -> ReportDocument:
        """The table as printed, or (with `paging`) the page of each long table of lines a
        reader asked for."""
        options = options or ReportOptions()
        context = ReportContext.build(plan, options, paging)
        return cls(
            plan=plan,
            title=REPORTS[slug].title,
            tables=build_report(slug, context),
            assumptions=assumption_lines(context),
            produced_at=context.produced_at,
            filename_stem=f"{plan.slug}-{slug}",
            filters=options.describe_filters(plan),
            appendix=options.appendix,
            status_mark=plan_status_mark(plan),
            approval=plan.approval,
            slug=slug,
            options=options,
            context=context,
        )


def _printed_chart(chart: Chart | None) -> str:
    if chart is None or chart.empty:
        return ""
    data = base64.b64encode(chart.svg().encode()).decode("ascii")
    return chart_html(chart, f"data:image/svg+xml;base64,{data}")


def write_pdf(html: str, on_page=None, on_step=None, on_writing=None) -> bytes:
    """HTML to a tagged PDF/UA-1 document. As it goes, `on_step(n)` hears the steps before
    layout (1 to 3: the styles read, applied, the boxes made), `on_page(n)` each page as it
    is laid out, and `on_writing()` the start of writing the file."""
    # WeasyPrint (with fontTools and Pillow, about 280 modules and 31,000 objects) is
    # loaded only where a PDF is laid out, mostly in the background worker: every app
    # process is that much lighter, and each full garbage collection walks that much less.
    import weasyprint

    logger = logging.getLogger("weasyprint.progress")
    listening = on_page or on_step or on_writing
    handler = _Progress(on_page, on_step, on_writing) if listening else None
    if handler:
        logger.addHandler(handler)
        previous_level = logger.level
        logger.setLevel(logging.INFO)
    try:
        return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            pdf_variant="pdf/ua-1"
        )
    finally:
        if handler:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)


class _Progress(logging.Handler):
    def __init__(self, on_page, on_step, on_writing):
        super().__init__(logging.INFO)
        self.on_page, self.on_step, self.on_writing = on_page, on_step, on_writing

    def emit(self, record):
        message = record.getMessage()
        if (match := PAGE.search(message)) and self.on_page:
            self.on_page(int(match.group(1)))
        elif (match := PREPARATION.search(message)) and self.on_step:
            self.on_step(int(match.group(1)) - 1)
        elif WRITING.search(message) and self.on_writing:
            self.on_writing()


def options_key(slug: str, options: ReportOptions) -> str:
    text = json.dumps({"report": slug, **options.as_query()}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# -- Excel helpers ----------------------------------------------------------------------

MONEY_FORMAT = '"£"#,##0;-"£"#,##0'
FTE_FORMAT = "0.00"
FORMULA_STARTS = ("=", "+", "-", "@")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _text_cell(sheet, value: str, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Text that looks like a formula is kept as text, never run by Excel.
        cell.data_type = "s"
        cell.quotePrefix = True
    if bold:
        cell.font = BOLD
    return cell


SHEET_NAME_LENGTH = 31  # Excel's limit


def sheet_names(titles: list[str]) -> list[str]:
    """A name for each sheet, from its title, as Excel allows them: at most 31 characters,
    shortened at a word boundary (never mid-word unless one word is longer than that),
    none of the characters Excel forbids, no apostrophe at either end, and no two alike
    (Excel compares names without regard to case): a repeat gets " (2)", " (3)" and so on."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        plain = re.sub(r"[\[\]:*?\\]", " ", title.replace("/", "-"))  # 2021/22 as 2021-22
        words = " ".join(plain.split()).strip("'") or "Table"
        name, number = _shortened(words, SHEET_NAME_LENGTH), 1
        while name.casefold() in taken or name.casefold() == "history":
            number += 1
            suffix = f" ({number})"
            name = _shortened(words, SHEET_NAME_LENGTH - len(suffix)) + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


# Words a long name can lose first, and words a shortened name must not end on, so that
# "Lines that outlive their funding" becomes "Lines that outlive funding", not "... their".
_FILLERS = {"the", "their", "its", "a", "an"}
_JOINING = _FILLERS | {"by", "of", "and", "or", "to", "for", "in", "with", "from", "on", "that"}


def _shortened(words: str, length: int) -> str:
    if len(words) <= length:
        return words
    kept = [word for word in words.split(" ") if word.casefold() not in _FILLERS]
    words = " ".join(kept) or words
    if len(words) <= length:
        return words
    head = words[: length + 1]
    cut = head.rsplit(" ", 1)[0].rstrip(" ,;–-'") if " " in head else ""
    parts = cut.split(" ")
    while len(parts) > 1 and parts[-1].casefold().rstrip(",;") in _JOINING:
        parts.pop()
    cut = " ".join(parts).rstrip(" ,;–-'")
    return cut or words[:length].rstrip("'") or "Table"


def _write_table(workbook: Workbook, table: Table, document: Document, name: str) -> None:
    sheet = workbook.create_sheet(name)
    columns = table.columns
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
    sheet.freeze_panes = "A3"
    last_row = 2 + len(table.rows)
    last_column = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A2:{last_column}{max(last_row, 3)}"
    sheet.append([_text_cell(sheet, f"{document.plan.name}: {table.title}", bold=True)])
    sheet.append([_text_cell(sheet, column.label, bold=True) for column in columns])

    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    group_start = None
    subtotal_rows: list[int] = []
    for offset, row in enumerate(table.rows):
        excel_row = 3 + offset
        if row.kind == RowKind.HEADING:
            sheet.append([_text_cell(sheet, row.cells.get(columns[0].key, ""), bold=True)])
            group_start = excel_row + 1
            continue
        cells = []
        for column, letter in zip(columns, letters, strict=True):
            value = row.cells.get(column.key)
            if column.summed and row.kind == RowKind.SUBTOTAL:
                cell = WriteOnlyCell(
                    sheet, value=f"=SUM({letter}{group_start}:{letter}{excel_row - 1})"
                )
            elif column.summed and row.kind == RowKind.TOTAL:
                cell = WriteOnlyCell(sheet, value=_total_formula(letter, subtotal_rows, excel_row))
            elif column.numeric:
                cell = WriteOnlyCell(sheet, value=value)
            else:
                cell = _text_cell(sheet, "" if value is None else str(value))
                if column.wide:
                    cell.alignment = WRAP
            if column.kind == Kind.MONEY:
                cell.number_format = MONEY_FORMAT
            elif column.kind == Kind.FTE:
                cell.number_format = FTE_FORMAT
            if row.kind != RowKind.LINE:
                cell.font = BOLD
            cells.append(cell)
        sheet.append(cells)
        if row.kind == RowKind.SUBTOTAL:
            subtotal_rows.append(excel_row)
    for note in table.notes:
        sheet.append([])
        sheet.append([_text_cell(sheet, note)])
    chart = chart_of(table)
    if chart is not None and not chart.empty:
        sheet.add_chart(excel_chart(chart, name), f"{get_column_letter(len(columns) + 2)}2")


def excel_chart(chart: Chart, sheet_name: str) -> BarChart:
    """The chart as Excel draws it, over the table's own cells in its sheet (row 3 is the
    table's first row, as `_write_table` writes it): Excel's figures are the sheet's."""
    table = chart.table
    letters = {
        column.key: get_column_letter(index) for index, column in enumerate(table.columns, 1)
    }
    sheet = quote_sheetname(sheet_name)
    rows = [3 + index for index in chart.rows]

    def cells(cells: list[str]) -> str:
        """One reference to the cells: a range where they run on, else a list of them."""
        if len(cells) > 1 and _runs_on(cells):
            return f"{sheet}!{cells[0]}:{cells[-1]}"
        joined = ",".join(f"{sheet}!{cell}" for cell in cells)
        return f"({joined})" if len(cells) > 1 else joined

    first = letters[table.columns[0].key]
    if chart.series_in_rows:
        categories = cells([f"${letters[key]}$2" for key in chart.columns])
        series = [
            (f"{sheet}!${first}${row}", cells([f"${letters[key]}${row}" for key in chart.columns]))
            for row in rows
        ]
    else:
        categories = cells([f"${first}${row}" for row in rows])
        series = [
            (f"{sheet}!${letters[key]}$2", cells([f"${letters[key]}${row}" for row in rows]))
            for key in chart.columns
        ]
    drawn = BarChart()
    drawn.type = "bar" if chart.horizontal else "col"
    drawn.grouping = "stacked" if chart.stacked else "clustered"
    if chart.stacked:
        drawn.overlap = 100
    drawn.title = chart.title
    drawn.x_axis.title = chart.x_title
    drawn.y_axis.title = chart.y_title
    drawn.y_axis.numFmt = MONEY_FORMAT if chart.kind == Kind.MONEY else FTE_FORMAT
    # Excel and LibreOffice hide axes unless told to show them.
    drawn.x_axis.delete = False
    drawn.y_axis.delete = False
    drawn.legend.position = "b"
    for label, values in series:
        one = ExcelSeries()
        one.tx = SeriesLabel(strRef=StrRef(f=label))
        one.val = NumDataSource(numRef=NumRef(f=values))
        one.cat = AxDataSource(strRef=StrRef(f=categories))
        drawn.series.append(one)
    drawn.width, drawn.height = 24, 12 + len(series) // 4  # centimetres
    return drawn


def _runs_on(cells: list[str]) -> bool:
    """Whether absolute cells like $C$3, $C$4 (or $C$3, $D$3) run on without a gap."""
    parsed = [re.fullmatch(r"\$([A-Z]+)\$(\d+)", cell).groups() for cell in cells]
    columns = {column for column, _ in parsed}
    numbers = [int(row) for _, row in parsed]
    if len(columns) == 1:
        return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    from_letters = [column_index_from_string(column) for column, _ in parsed]
    return len(set(numbers)) == 1 and from_letters == list(
        range(from_letters[0], from_letters[0] + len(from_letters))
    )


def _total_formula(letter: str, subtotal_rows: list[int], row: int) -> str:
    if not subtotal_rows:
        return f"=SUM({letter}3:{letter}{row - 1})"
    cells = [f"{letter}{subtotal}" for subtotal in subtotal_rows]
    # SUM takes at most 255 arguments: nest it for very long tables.
    chunks = [",".join(cells[i : i + 200]) for i in range(0, len(cells), 200)]
    if len(chunks) == 1:
        return f"=SUM({chunks[0]})"
    return "=SUM(" + ",".join(f"SUM({chunk})" for chunk in chunks) + ")"


def _write_assumptions(workbook: Workbook, document: Document, name: str) -> None:
    sheet = workbook.create_sheet(name)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 110
    plan = document.plan
    sheet.append([_text_cell(sheet, f"{plan.name}: assumptions", bold=True)])
    rows = [
        ("Council", plan.organisation.name),
        ("Plan", plan.name),
        ("Status", document.status_label or plan.get_status_display()),
        *([("Approved", document.approval)] if document.approval else []),
        ("Produced", timezone.localtime(document.produced_at).strftime("%-d %B %Y %H:%M")),
    ]
    if document.filters:
        rows.append(("Filters", document.filters))
    rows.extend(document.assumptions)
    for label, text in rows:
        text_cell = _text_cell(sheet, text)
        text_cell.alignment = WRAP
        sheet.append([_text_cell(sheet, label, bold=True), text_cell])
