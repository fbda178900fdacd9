"""Making PDFs: served from the cache when the plan is unchanged, made at once when small,
and made in the background (django-tasks, database backend) when long."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from investplan.models import Plan
from reports.builders import MULTI_YEAR_GROUPINGS, REPORTS, ReportOptions
from reports.comparisons import approved_label, figures_as_json
from reports.documents import ROWS_PER_PAGE, Document, ReportDocument, options_key
from reports.models import (
    PREPARATION_STEPS,
    ApprovedBaseline,
    RenderedReport,
    RenderStatus,
    steps_expected,
)
from reports.tables import table_as_json, table_from_json

# About three seconds of layout; longer documents go to the worker.
INLINE_ROW_LIMIT = 150


def cached_pdf(*, plan: Plan, report: str, options: ReportOptions) -> RenderedReport | None:
    return (
        RenderedReport.objects.current(
            plan=plan, report=report, options_key=options_key(report, options)
        )
        .filter(status=RenderStatus.DONE)
        .only("id", "content", "filename", "status")
        .first()
    )


@transaction.atomic
def request_pdf(
    *, plan: Plan, report: str, options: ReportOptions, user=None, background: bool | None = None
) -> RenderedReport:
    """The current PDF if one is made or being made; otherwise start one."""
    key = options_key(report, options)
    existing = (
        RenderedReport.objects.current(plan=plan, report=report, options_key=key)
        .exclude(status=RenderStatus.FAILED)
        .first()
    )
    if existing:
        return existing
    document = ReportDocument.build(plan, report, options)
    render = RenderedReport.objects.create(
        plan=plan,
        report=report,
        options_key=key,
        options=options.as_query(),
        plan_revision=plan.revision,
        organisation_revision=plan.organisation.revision,
        pages_expected=steps_expected(max(1, -(-(document.body_rows + 8) // ROWS_PER_PAGE))),
        filename=f"{document.filename_stem}.pdf",
        requested_by=user if user and user.is_authenticated else None,
    )
    if background is None:
        background = document.body_rows > INLINE_ROW_LIMIT
    if background:
        from reports.tasks import render_pdf_task

        transaction.on_commit(lambda: render_pdf_task.enqueue(render.pk))
    else:
        make_pdf(render, document)
    return render


def make_pdf(render: RenderedReport, document: ReportDocument | None = None) -> RenderedReport:
    """Lay out the PDF, recording each step as it goes (the preparation, every page, the
    writing) so the reader sees progress from the start; a document longer than expected
    expects more pages as it goes."""
    rows = RenderedReport.objects.filter(pk=render.pk)
    rows.update(status=RenderStatus.RUNNING, pages_done=0)
    if document is None:
        options = ReportOptions.from_query(render.options)
        document = ReportDocument.build(render.plan, render.report, options)
    preparing = len(PREPARATION_STEPS)

    def on_step(step: int) -> None:
        rows.update(pages_done=step)

    def on_page(page: int) -> None:
        done = preparing + page
        rows.update(pages_done=done, pages_expected=Greatest("pages_expected", done + 2))

    def on_writing() -> None:
        rows.update(pages_done=F("pages_expected") - 1)

    try:
        content = document.pdf(on_page=on_page, on_step=on_step, on_writing=on_writing)
    except Exception as error:  # a failed render says why, and is not served
        RenderedReport.objects.filter(pk=render.pk).update(
            status=RenderStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    render.content = content
    render.status = RenderStatus.DONE
    render.finished_at = timezone.now()
    render.save(update_fields=["content", "status", "finished_at"])
    rows.update(pages_done=F("pages_expected"))
    return render


# -- Approved baselines ---------------------------------------------------------------


def baseline_keys() -> dict[str, tuple[str, ReportOptions]]:
    """Every table kept with an approval: each report as first shown, and the multi-year
    summary in each grouping."""
    keys = {slug: (slug, ReportOptions()) for slug in REPORTS}
    for by in MULTI_YEAR_GROUPINGS:
        if by != ReportOptions().by:
            keys[f"multi-year-{by}"] = ("multi-year", ReportOptions(by=by))
    return keys


@transaction.atomic
def freeze_baseline(*, plan: Plan, user=None) -> ApprovedBaseline:
    """Keep what committee saw: every table's printed rows and assumptions, and the plan's
    figures by workstream, team and funding source for the variance."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    documents = {}
    for key, (slug, options) in baseline_keys().items():
        document = ReportDocument.build(plan, slug, options)
        title = document.title
        if key != slug:
            title += f" by {MULTI_YEAR_GROUPINGS[options.by].lower()}"
        documents[key] = {
            "title": title,
            "tables": [table_as_json(table) for table in document.tables],
            "assumptions": [list(pair) for pair in document.assumptions],
            "produced_at": document.produced_at.isoformat(),
            "approval": document.approval,
        }
    return ApprovedBaseline.objects.create(
        plan=plan,
        approved_at=timezone.now(),
        approved_by=user if user and user.is_authenticated else None,
        plan_revision=plan.revision,
        documents=documents,
        figures=figures_as_json(plan),
    )


def kept_approval(baseline: ApprovedBaseline) -> str:
    """The committee and meeting that approved the baseline, as its tables print it."""
    return next(iter(baseline.documents.values()), {}).get("approval", "")


def approved_document(baseline: ApprovedBaseline, key: str) -> Document:
    """A table exactly as it was approved, to print again."""
    kept = baseline.documents[key]
    return Document(
        plan=baseline.plan,
        title=kept["title"],
        tables=[table_from_json(table) for table in kept["tables"]],
        assumptions=[tuple(pair) for pair in kept["assumptions"]],
        produced_at=baseline.approved_at,
        filename_stem=f"{baseline.plan.slug}-{key}-as-approved-{baseline.approved_at:%Y-%m-%d}",
        status_label=approved_label(baseline),
        approval=kept.get("approval", ""),
    )
