"""Funding: a line's allocations to sources, with the remainder shown as it is typed; a
council's funding sources, with what each has each year and when it ends (admins)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.forms import modelformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from figures.costing import cost_line
from figures.costs.engine import CostingError
from funding.forms import FundingSourceForm, SourcesFormSet, allocation_formset
from funding.models import FundingAvailability, FundingSource
from funding.services import remainder_of, save_allocations, set_availability
from investplan.forms import ROWS_AT_MOST, YearGridForm
from investplan.models import Plan
from investplan.permissions import organisation_for, plan_for, plan_to_edit, powers_over
from investplan.services import save_council_reference
from posts.models import PlanLine


def _line(plan, line_id):
    line = get_object_or_404(PlanLine, pk=line_id, plan=plan)
    line.plan = plan
    return line


def _annual_cost(line) -> Decimal | None:
    try:
        return cost_line(line).full_year_effect
    except CostingError:
        return None


def _shares(formset):
    """(percent, amount) of each allocation as typed, ignoring rows being deleted."""
    shares = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data and not data.get("DELETE") and data.get("source"):
            shares.append((data.get("percent"), data.get("amount")))
    return shares


@login_required
def line_funding(request, plan_slug, line_id):
    plan = plan_for(request, plan_slug)
    powers = powers_over(request.user, plan)
    if request.method == "POST":
        plan, powers = plan_to_edit(request, plan_slug)
    line = _line(plan, line_id)
    formset = allocation_formset(line, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if formset.is_valid():
            try:
                save_allocations(line=line, formset=formset, user=request.user)
            except IntegrityError:
                formset._non_form_errors = formset.error_class(
                    ["Each source can fund a line once: put its shares together in one row."]
                )
            else:
                messages.success(request, f"Funding of “{line.title}” saved.")
                return redirect("funding:line", plan.slug, line.pk)
    annual = _annual_cost(line)
    shares = (
        _shares(formset)
        if formset.is_bound
        else [(a.percent, a.amount.amount if a.amount else None) for a in line.allocations.all()]
    )
    return render(
        request,
        "funding/line_funding.html",
        {
            "plan": plan,
            "line": line,
            "powers": powers,
            "formset": formset,
            "remainder": remainder_of(annual, shares) if annual is not None else None,
        },
        status=status,
    )


@login_required
@require_POST
def line_funding_remainder(request, plan_slug, line_id):
    """The remainder for the allocations typed so far; nothing is saved."""
    plan, _ = plan_to_edit(request, plan_slug)
    line = _line(plan, line_id)
    formset = allocation_formset(line, request.POST)
    formset.is_valid()  # to read what was typed; errors are shown when it is saved
    annual = _annual_cost(line)
    remainder = remainder_of(annual, _shares(formset)) if annual is not None else None
    return render(request, "funding/_remainder.html", {"remainder": remainder, "line": line})


@login_required
def funding_sources(request, organisation_slug):
    """A council's funding sources: name, kind, end date, and what each has each year."""
    organisation, _ = organisation_for(request, organisation_slug, needs="can_keep_funding_sources")
    Sources = modelformset_factory(
        FundingSource,
        form=FundingSourceForm,
        formset=SourcesFormSet,
        extra=1,
        can_delete=False,
        **ROWS_AT_MOST,
    )
    queryset = FundingSource.objects.filter(organisation=organisation)
    data = request.POST if request.method == "POST" else None
    sources = Sources(data, queryset=queryset, prefix="sources")
    for form in sources.forms:
        form.instance.organisation = organisation
    plans = Plan.objects.filter(organisation=organisation)
    years = sorted(
        {year for plan in plans for year in range(plan.first_year, plan.last_year + 1)}
        | set(
            FundingAvailability.objects.filter(source__organisation=organisation).values_list(
                "financial_year", flat=True
            )
        )
    )
    values = {
        (row.source_id, row.financial_year): row.amount.amount
        for row in FundingAvailability.objects.filter(source__organisation=organisation)
    }
    grid = YearGridForm(
        data,
        rows=[(source.pk, source.name) for source in queryset],
        years=years,
        values=values,
        prefix="available",
        what="Money",
    )
    status = 200
    if data is not None:
        status = 422
        if sources.is_valid() and grid.is_valid():
            try:
                save_council_reference(
                    user=request.user, organisation=organisation, forms=[sources]
                )
                set_availability(amounts=grid.amounts())
            except IntegrityError:
                sources._non_form_errors = sources.error_class(
                    ["Each funding source needs its own name."]
                )
            else:
                messages.success(request, "Funding sources saved.")
                return redirect("funding:sources", organisation.slug)
    return render(
        request,
        "funding/sources.html",
        {"organisation": organisation, "sources": sources, "grid": grid},
        status=status,
    )
