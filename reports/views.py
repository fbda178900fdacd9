from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from investplan.permissions import plan_for, powers_over
from posts.models import LineStatus, PlanLine
from reports.builders import MULTI_YEAR_GROUPINGS, REPORTS, SORTABLE, ReportOptions
from reports.charts import chart_of
from reports.documents import ReportDocument, plan_letterhead
from reports.implications import (
    FUNDING,
    MULTI_YEAR,
    VARIANCE,
    financial_implications,
    numbered,
)
from reports.models import RenderedReport, RenderStatus
from reports.plan_charts import chart_src
from reports.rendering import chart_html, query_string, table_html
from reports.services import cached_pdf, request_pdf
from reports.tables import Paging, Table, window
from reports.word import CONTENT_TYPE as DOCX
from reports.word import write_prose_docx

# A table of more lines than this shows them this many at a time (decision 0024).
PAGE_LINES = 150


def _report_or_404(slug: str):
    if slug not in REPORTS:
        raise Http404("No such report")
    return REPORTS[slug]


@login_required
def plan_reports(request, plan_slug):
    plan = plan_for(request, plan_slug)
    return redirect("reports:report", plan.slug, "resource-requirement")


@login_required
def report(request, plan_slug, report_slug):
    plan = plan_for(request, plan_slug)
    definition = _report_or_404(report_slug)
    options = ReportOptions.from_query(request.GET)
    page = request.GET.get("page", "")
    paging = Paging(None if page == "all" else _page_number(page), PAGE_LINES)
    document = ReportDocument.build(plan, report_slug, options, paging)
    base = reverse("reports:report", args=[plan.slug, report_slug])

    def sort_link(key, descending):
        return base + query_string(options.as_query(sort=key, descending=descending))

    sortable = (
        frozenset(SORTABLE)
        if report_slug in {"resource-requirement", "recruitment"}
        else frozenset()
    )

    def page_link(number):
        return base + query_string({**options.as_query(), "page": str(number)})

    tables = []
    for table in document.tables:
        rows, lines = _page_of(table, paging, page_link)
        html = table_html(table, sort_link, options.sort, options.descending, sortable, rows)
        chart = chart_of(table)
        drawn = (
            chart_html(chart, chart_src(plan, chart, options))
            if chart is not None and not chart.empty
            else ""
        )
        tables.append((html, lines, drawn))
    return render(
        request,
        "reports/report.html",
        {
            "plan": plan,
            "report": definition,
            "reports": REPORTS.values(),
            "tables": tables,
            "assumptions": document.assumptions,
            "options": options,
            "filters": options.describe_filters(plan),
            "query": query_string(options.as_query()),
            # The filter's choices, as the tables read the plan's workstreams.
            "workstreams": [(pk, name) for pk, (name, _) in document.context.workstreams.items()],
            "statuses": LineStatus.choices,
            "phases": sorted(
                set(
                    PlanLine.objects.filter(plan=plan)
                    .exclude(phase="")
                    .values_list("phase", flat=True)
                    .order_by()
                    .distinct()
                )
            ),
            "groupings": MULTI_YEAR_GROUPINGS.items(),
            "powers": powers_over(request.user, plan),
            "page_lines": PAGE_LINES,
        },
    )


@login_required
def financial_implications_page(request, plan_slug):
    """The draft financial implications in words, each figure linked to the table row it
    is printed in."""
    plan = plan_for(request, plan_slug)
    implications = financial_implications(plan)
    addresses = {
        MULTI_YEAR: reverse("reports:report", args=[plan.slug, MULTI_YEAR]),
        FUNDING: reverse("reports:report", args=[plan.slug, FUNDING]),
        VARIANCE: reverse("reports:variance", args=[plan.slug]),
    }
    sections = [
        (
            numbered(number, section.heading),
            [
                [
                    (part, "", "")
                    if isinstance(part, str)
                    else (part.text, f"{addresses[part.report]}#{part.table}", part.describe)
                    for part in paragraph.parts
                ]
                for paragraph in section.paragraphs
            ],
        )
        for number, section in enumerate(implications.sections, start=1)
    ]
    tables = [
        (table.title, f"{addresses[report]}#{table.slug}") for report, table in implications.tables
    ]
    return render(
        request,
        "reports/financial_implications.html",
        {
            "plan": plan,
            "reports": REPORTS.values(),
            "sections": sections,
            "tables": tables,
            "powers": powers_over(request.user, plan),
        },
    )


@login_required
def financial_implications_docx(request, plan_slug):
    """The draft financial implications as a Word document, to paste into the report."""
    plan = _printable_plan(request, plan_slug)
    content = write_prose_docx(
        letterhead=plan_letterhead(plan, "Financial implications"),
        sections=financial_implications(plan).numbered_prose(),
    )
    response = HttpResponse(content, content_type=DOCX)
    filename = f"{plan.slug}-financial-implications.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _page_number(page: str) -> int:
    """The page asked for: the first for anything but a page number."""
    return max(int(page) if page.isdecimal() and len(page) < 7 else 1, 1)


def _page_of(table: Table, paging: Paging, page_link):
    """The rows of `table` to print (None: all of them) and what the page says of them:
    which lines it shows and the links to the others. A table of lines is read a page at
    a time (its `window`); any other long table is built whole and a window of it kept."""
    count = table.window.lines if table.window else table.line_rows
    if count <= PAGE_LINES:
        return None, None
    if paging.number is None:
        return None, {
            "label": f"All {count:,} lines",
            "title": table.title,
            "by_page": page_link(1),
        }
    shown = table.window or paging.window(count)
    number, pages = shown.first // PAGE_LINES + 1, -(-count // PAGE_LINES)
    first = shown.first
    lines = {
        "label": f"Lines {first + 1:,}–{min(first + PAGE_LINES, count):,} of {count:,}",
        "title": table.title,
        "previous": page_link(number - 1) if number > 1 else "",
        "next": page_link(number + 1) if number < pages else "",
        "all": page_link("all"),
    }
    return (None if table.window else window(table, first, PAGE_LINES)), lines


def _printable_plan(request, plan_slug):
    plan = plan_for(request, plan_slug)
    if not powers_over(request.user, plan).can_print:
        raise PermissionDenied("Your role may read this plan but not print it.")
    return plan


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(bytes(content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def report_pdf(request, plan_slug, report_slug):
    plan = _printable_plan(request, plan_slug)
    _report_or_404(report_slug)
    options = ReportOptions.from_query(request.GET)
    cached = cached_pdf(plan=plan, report=report_slug, options=options)
    if cached:
        return _pdf_response(cached.content, cached.filename)
    render_row = request_pdf(plan=plan, report=report_slug, options=options, user=request.user)
    if render_row.status == RenderStatus.DONE:
        return _pdf_response(render_row.content, render_row.filename)
    return redirect("reports:render", plan.slug, render_row.pk)


@login_required
def render_progress(request, plan_slug, render_id):
    plan = _printable_plan(request, plan_slug)
    render_row = get_object_or_404(RenderedReport.objects.defer("content"), pk=render_id, plan=plan)
    return render(
        request,
        "reports/render_progress.html",
        {"render": render_row, "report": REPORTS[render_row.report]},
    )


@login_required
def render_download(request, plan_slug, render_id):
    plan = _printable_plan(request, plan_slug)
    render_row = get_object_or_404(
        RenderedReport, pk=render_id, plan=plan, status=RenderStatus.DONE
    )
    return _pdf_response(render_row.content, render_row.filename)


@login_required
def report_xlsx(request, plan_slug, report_slug):
    plan = _printable_plan(request, plan_slug)
    _report_or_404(report_slug)
    document = ReportDocument.build(plan, report_slug, ReportOptions.from_query(request.GET))
    response = HttpResponse(
        document.xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.xlsx"'
    return response


@login_required
def report_docx(request, plan_slug, report_slug):
    plan = _printable_plan(request, plan_slug)
    _report_or_404(report_slug)
    document = ReportDocument.build(plan, report_slug, ReportOptions.from_query(request.GET))
    response = HttpResponse(document.docx(), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.docx"'
    return response
