"""Importing appendices in the browser, for a council's admins: upload, preview, correct
the mapping, commit; and the history of imports."""

import hashlib
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from investplan.models import Organisation, Plan
from investplan.permissions import organisation_for
from investplan.reading import read_id
from posts.appendix.columns import FIELDS
from posts.appendix.reading import UnreadableFile
from posts.appendix.years import parse_years, years_label
from posts.forms import AppendixUploadForm
from posts.import_previews import KeptPreview, kept_preview
from posts.importing import import_appendix
from posts.models import AppendixImport, ImportStatus
from posts.services import keep_preview
from posts.uploads import upload_refusal


def _organisation_to_import_into(request, organisation_slug) -> Organisation:
    """The council, if the user belongs to it (else 404) and may import into it (else 403)."""
    organisation, _ = organisation_for(
        request,
        organisation_slug,
        needs="can_import",
        refusal="Only the council's admins import appendices.",
    )
    return organisation


@login_required
def imports(request, organisation_slug):
    organisation = _organisation_to_import_into(request, organisation_slug)
    form = AppendixUploadForm(request.POST or None, request.FILES or None)
    status = 200
    if refused := upload_refusal(request):  # the body was not read past the limit
        form.errors.clear()
        form.add_error("file", refused)
        status = 413
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = AppendixImport(
            organisation=organisation,
            plan_slug=form.cleaned_data["plan"],
            uploaded_by=request.user,
            file_name=upload.name[:255],
            sheet=form.cleaned_data["sheet"][:100],
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            status=ImportStatus.PREVIEWED,
        )
        # Read once, here: a file that cannot be read is refused now, never kept to be
        # read again; one that can is kept with what its preview shows.
        kept = _kept(organisation, preview, None, "")
        if kept.error:
            form.add_error("file", kept.error)
        else:
            keep_preview(preview=preview)
            return redirect("posts:import-preview", organisation.slug, preview.pk)
    history = (
        AppendixImport.objects.filter(organisation=organisation)
        .exclude(status=ImportStatus.PREVIEWED)
        .select_related("uploaded_by", "plan")
        .defer("data")[:50]
    )
    plans = Plan.objects.filter(organisation=organisation).active().order_by("name")
    return render(
        request,
        "posts/imports.html",
        {"organisation": organisation, "form": form, "history": history, "plans": plans},
        status=422 if form.errors and status == 200 else status,
    )


def _preview_of(request, organisation_slug, import_id):
    organisation = _organisation_to_import_into(request, organisation_slug)
    preview = get_object_or_404(
        AppendixImport, pk=import_id, organisation=organisation, status=ImportStatus.PREVIEWED
    )
    return organisation, preview


def _run(organisation, preview, **options):
    """The stored file imported as previewed: its plan, sheet and corrected columns."""
    return import_appendix(
        organisation=organisation,
        plan_slug=preview.plan_slug,
        file_name=preview.file_name,
        data=bytes(preview.data),
        sheet=preview.sheet or None,
        corrections=_corrections_of(preview),
        **options,
    )


def _kept(organisation, preview, years, years_text: str) -> KeptPreview:
    """The preview's dry run, as kept with the file while nothing it depends on moves."""
    return kept_preview(
        organisation,
        preview,
        years_text,
        lambda: _run(organisation, preview, dry_run=True, years=years),
    )


def _corrections_of(preview) -> dict[int, str]:
    # A column kept by an older mapping form that read "²" as a number is passed over.
    read = {read_id(column): name for column, name in preview.corrections.items()}
    return {column: name for column, name in read.items() if column is not None}


def _chosen_years(text: str):
    """The years chosen in the preview (None: the file's own) and what is wrong with them."""
    if not text.strip():
        return None, ""
    try:
        return parse_years(text), ""
    except ValueError as problem:
        return None, str(problem)


def _to_preview(organisation_slug, preview, years_text: str):
    url = reverse("posts:import-preview", args=[organisation_slug, preview.pk])
    return redirect(url + ("?" + urlencode({"years": years_text}) if years_text else ""))


@login_required
def import_preview(request, organisation_slug, import_id):
    organisation, preview = _preview_of(request, organisation_slug, import_id)
    years_text = request.GET.get("years", "").strip()
    years, years_error = _chosen_years(years_text)
    report = _kept(organisation, preview, years, years_text if years else "")
    error = report.error
    if report.error:
        report = None
    if report and report.years and not years_text:
        years_text = years_label(report.years)
    columns = []
    if report and report.columns:
        columns = [
            (column, report.columns.labels[column], report.columns.fields.get(column, "ignore"))
            for column in sorted(report.columns.labels)
        ]
    return render(
        request,
        "posts/import_preview.html",
        {
            "organisation": organisation,
            "preview": preview,
            "report": report,
            "error": error,
            "columns": columns,
            "fields": FIELDS.items(),
            "years": years_text,
            "years_error": years_error,
        },
        status=200 if not (error or years_error) else 422,
    )


@login_required
@require_POST
def import_mapping(request, organisation_slug, import_id):
    """Only a column the admin changed from what the preview showed is a correction (or one
    corrected before and kept): the form sends every column, and a column sent as shown,
    read by its words, a remembered mapping or the arithmetic of its rows, is left to be
    read so, and a reading by arithmetic is never remembered."""
    organisation, preview = _preview_of(request, organisation_slug, import_id)
    before = _corrections_of(preview)
    years_text = request.POST.get("years", "").strip()
    years, _ = _chosen_years(years_text)
    shown = _kept(organisation, preview, years, years_text if years else "").columns
    corrections = {}
    for key, value in request.POST.items():
        column = read_id(key.removeprefix("column-"))
        if not (key.startswith("column-") and column is not None and value in FIELDS):
            continue
        as_shown = shown.fields.get(column, "ignore") if shown else None
        if value != as_shown or column in before:
            corrections[str(column)] = value
    preview.corrections = corrections
    preview.save(update_fields=["corrections"])
    return _to_preview(organisation_slug, preview, years_text)


@login_required
@require_POST
def import_commit(request, organisation_slug, import_id):
    organisation, preview = _preview_of(request, organisation_slug, import_id)
    years_text = request.POST.get("years", "").strip()
    years, years_error = _chosen_years(years_text)
    if years_error:  # the preview says what is wrong with them, beside the field
        return _to_preview(organisation_slug, preview, years_text)
    try:
        report = _run(organisation, preview, user=request.user, years=years)
    except UnreadableFile as problem:
        messages.error(request, str(problem))
        return _to_preview(organisation_slug, preview, years_text)
    if not report.committed:
        messages.error(request, "Nothing was saved: some rows are in error. Correct them first.")
        return _to_preview(organisation_slug, preview, years_text)
    preview.delete()  # the committed import is on record; the previewed copy is not needed
    counts = report.counts
    messages.success(
        request,
        format_html(
            "Imported {}: {} lines added, {} updated; {} totals, {} headings, {} blank rows. "
            '<a href="{}">Open {}</a> ({}).',
            preview.file_name,
            report.lines_created,
            report.lines_updated,
            counts["total"],
            counts["section"],
            counts["blank"],
            reverse("posts:workspace", args=[report.plan.slug]),
            report.plan.name,
            report.plan.period_label,
        ),
    )
    return redirect("posts:imports", organisation_slug)
