"""Scenarios, what-ifs, approved baselines and the variance: thin views over
`reports.comparisons` and `reports.services`. Each page prints as HTML, PDF, Excel and
Word from the same rows."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from figures.costs.what_if import WhatIf
from investplan.models import Plan
from investplan.permissions import plan_for, powers_over
from investplan.reading import read_slug
from investplan.services import copy_plan_as_scenario
from reports.builders import ReportOptions
from reports.charts import chart_of
from reports.comparisons import (
    COMPARE_BY,
    approved_label,
    scenario_comparison,
    variance,
    what_if_comparison,
)
from reports.documents import Document
from reports.plan_charts import chart_src
from reports.rendering import chart_html, query_string, table_html
from reports.services import approved_document, baseline_keys, kept_approval
from reports.word import CONTENT_TYPE as DOCX

FORMATS = {"", "pdf", "xlsx", "docx"}


def _by(request) -> str:
    by = request.GET.get("by", "workstream")
    return by if by in COMPARE_BY else "workstream"


def _council_plans(plan: Plan):
    """What a plan can be compared with: any plan of its council (its scenarios, the plan it
    was copied from, another year's plan)."""
    return Plan.objects.filter(organisation_id=plan.organisation_id).order_by("name")


def _respond(request, plan, document: Document, fmt: str, page: dict):
    if fmt not in FORMATS:
        raise Http404("No such format")
    powers = powers_over(request.user, plan)
    if fmt and not powers.can_print:
        raise PermissionDenied("Your role may read this plan but not print it.")
    if fmt == "pdf":
        response = HttpResponse(document.pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.filename_stem}.pdf"'
        return response
    if fmt == "xlsx":
        response = HttpResponse(
            document.xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.xlsx"'
        return response
    if fmt == "docx":
        response = HttpResponse(document.docx(), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.docx"'
        return response
    query = query_string(request.GET.dict())
    return render(
        request,
        "reports/document.html",
        {
            "plan": plan,
            "document": document,
            "tables": [
                (_chart(plan, table, request), table_html(table)) for table in document.tables
            ],
            "powers": powers,
            "pdf": request.path + "pdf/" + query,
            "xlsx": request.path + "xlsx/" + query,
            "docx": request.path + "docx/" + query,
            "groupings": COMPARE_BY.items(),
            "by": _by(request),
            **page,
        },
    )


def _chart(plan, table, request) -> str:
    """The chart above a table that has one (the variance summary: the plan against its
    approved baseline), as an image of the chart's route for the same grouping."""
    chart = chart_of(table)
    if chart is None or chart.empty:
        return ""
    return chart_html(chart, chart_src(plan, chart, ReportOptions(by=_by(request))))


@login_required
def scenarios(request, plan_slug):
    """The plan's scenarios, a form to copy it into a new one, and what to compare."""
    plan = plan_for(request, plan_slug)
    powers = powers_over(request.user, plan)
    error = ""
    if request.method == "POST":
        if not powers.can_copy_scenarios:
            raise PermissionDenied("Your role may not make scenarios.")
        try:
            copy = copy_plan_as_scenario(
                plan=plan, name=request.POST.get("name", ""), user=request.user
            )
        except ValidationError as invalid:
            error = "; ".join(invalid.message_dict.get("name", invalid.messages))
        else:
            messages.success(request, f"“{copy.name}” is a copy of {plan.name} to change freely.")
            return redirect("posts:workspace", copy.slug)
    return render(
        request,
        "reports/scenarios.html",
        {
            "plan": plan,
            "plans": _council_plans(plan).exclude(pk=plan.pk),
            "scenarios": plan.scenarios.order_by("name"),
            "powers": powers,
            "error": error,
            "name": request.POST.get("name", ""),
            "groupings": COMPARE_BY.items(),
        },
        status=422 if error else 200,
    )


@login_required
def compare(request, plan_slug, fmt=""):
    plan = plan_for(request, plan_slug)
    other_slug = read_slug(request.GET.get("with")) or ""
    other = get_object_or_404(
        Plan.objects.for_user(request.user), slug=other_slug, organisation=plan.organisation
    )
    by = _by(request)
    document = scenario_comparison(plan, other, by)
    page = {"kind": "compare", "other": other, "plans": _council_plans(plan)}
    return _respond(request, plan, document, fmt, page)


def _percent(request, name: str, errors: dict) -> Decimal | None:
    text = request.GET.get(name, "").strip().rstrip("%").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors[name] = f"“{request.GET[name]}” is not a percentage, like 2 or 3.5"
        return None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        errors[name] = f"“{request.GET[name]}” is not between 0% and 100%"
        return None
    return value


@login_required
def what_if(request, plan_slug, fmt=""):
    plan = plan_for(request, plan_slug)
    errors: dict[str, str] = {}
    change = WhatIf(_percent(request, "pay_award", errors), _percent(request, "on_cost", errors))
    page = {"kind": "what-if", "errors": errors, "values": request.GET}
    if errors or not change.changes_anything:
        if fmt:
            raise Http404("Choose a what-if first")
        return render(
            request,
            "reports/document.html",
            {"plan": plan, "document": None, **page},
            status=422 if errors else 200,
        )
    return _respond(request, plan, what_if_comparison(plan, change, _by(request)), fmt, page)


@login_required
def baselines(request, plan_slug):
    plan = plan_for(request, plan_slug)
    kept = plan.baselines.select_related("approved_by")
    return render(
        request,
        "reports/baselines.html",
        {
            "plan": plan,
            "baselines": [
                (
                    baseline,
                    approved_label(baseline),
                    kept_approval(baseline),
                    # In the order the tables are offered, whatever order the JSON keeps.
                    [
                        (key, baseline.documents[key]["title"])
                        for key in baseline_keys()
                        if key in baseline.documents
                    ],
                )
                for baseline in kept
            ],
        },
    )


@login_required
def as_approved(request, plan_slug, baseline_id, key, fmt=""):
    plan = plan_for(request, plan_slug)
    baseline = get_object_or_404(plan.baselines.select_related("approved_by"), pk=baseline_id)
    if key not in baseline.documents:
        raise Http404("No such table was kept")
    document = approved_document(baseline, key)
    return _respond(request, plan, document, fmt, {"kind": "approved", "baseline": baseline})


@login_required
def plan_variance(request, plan_slug, fmt=""):
    plan = plan_for(request, plan_slug)
    # Not the tables kept with it (megabytes of JSON for a large plan): only its figures.
    baseline = plan.baselines.select_related("approved_by").defer("documents").first()
    if baseline is None:
        return render(
            request,
            "reports/document.html",
            {"plan": plan, "document": None, "kind": "variance", "no_baseline": True},
        )
    document = variance(plan, baseline, _by(request))
    return _respond(request, plan, document, fmt, {"kind": "variance", "baseline": baseline})
