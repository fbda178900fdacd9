"""Pay scales for a council's admins: spinal points, their salaries by financial year,
and the grades over them."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from figures.costs.financial_year import FinancialYear
from investplan.forms import ROWS_AT_MOST, FinancialYearFormField, RowsFormSet, YearGridForm
from investplan.permissions import organisation_for
from posts.models import Grade, PayScale, SpinalPoint, SpinalSalary
from posts.services import save_pay_scale


class PayScaleForm(forms.ModelForm):
    class Meta:
        model = PayScale
        fields = ["name"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        taken = PayScale.objects.filter(organisation_id=self.instance.organisation_id, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"There is already a pay scale called “{name}”.")
        return name


class AddYearForm(forms.Form):
    year = FinancialYearFormField(
        label="Add a financial year", required=False, help_text="e.g. 2026/27"
    )


@login_required
def pay_scales(request, organisation_slug):
    organisation, _ = organisation_for(request, organisation_slug, needs="can_keep_reference_data")
    form = PayScaleForm(request.POST or None, instance=PayScale(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            scale = form.save()
        except IntegrityError:
            form.add_error("name", "There is already a pay scale of that name.")
        else:
            return redirect("posts:pay-scale", organisation.slug, scale.pk)
    return render(
        request,
        "posts/pay_scales.html",
        {
            "organisation": organisation,
            "scales": PayScale.objects.filter(organisation=organisation),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@login_required
def pay_scale(request, organisation_slug, scale_id):
    organisation, _ = organisation_for(request, organisation_slug, needs="can_keep_reference_data")
    scale = get_object_or_404(PayScale, pk=scale_id, organisation=organisation)
    data = request.POST if request.method == "POST" else None
    Points = forms.inlineformset_factory(
        PayScale,
        SpinalPoint,
        formset=RowsFormSet,
        fields=["code", "ordinal"],
        extra=2,
        can_delete=False,
        **ROWS_AT_MOST,
    )
    Grades = forms.inlineformset_factory(
        PayScale,
        Grade,
        formset=RowsFormSet,
        fields=["code", "bottom_point", "top_point"],
        extra=1,
        can_delete=False,
        **ROWS_AT_MOST,
    )
    points = Points(data, instance=scale, prefix="points")
    grades = Grades(data, instance=scale, prefix="grades")
    for each in [*grades.forms, grades.empty_form]:
        for name in ("bottom_point", "top_point"):
            each.fields[name].queryset = SpinalPoint.objects.filter(pay_scale=scale)
    # A new year's column is shown once asked for, to be filled in and saved.
    asked = {"add-year": request.GET["add-year"]} if "add-year" in request.GET else None
    add_year = AddYearForm(data or asked, prefix="add")
    salaries = SpinalSalary.objects.filter(point__pay_scale=scale)
    years = sorted(set(salaries.values_list("financial_year", flat=True)))
    if add_year.is_valid() and add_year.cleaned_data["year"]:
        years = sorted({*years, add_year.cleaned_data["year"]})
    grid = YearGridForm(
        data,
        rows=[(point.pk, f"Point {point.code}") for point in scale.points.all()],
        years=years,
        values={(row.point_id, row.financial_year): row.salary.amount for row in salaries},
        prefix="salaries",
        what="Salary",
    )
    status = 200
    if data is not None:
        status = 422
        if all(each.is_valid() for each in (points, grades, grid, add_year)):
            try:
                save_pay_scale(
                    user=request.user,
                    organisation=organisation,
                    forms=[points, grades],
                    salaries=grid.amounts(),
                )
            except IntegrityError:
                points._non_form_errors = points.error_class(
                    ["Each point needs its own code and its own place on the spine."]
                )
            else:
                messages.success(request, f"{scale.name} saved.")
                address = reverse("posts:pay-scale", args=[organisation.slug, scale.pk])
                added = add_year.cleaned_data["year"]
                if added and added not in set(salaries.values_list("financial_year", flat=True)):
                    address += "?" + urlencode({"add-year": FinancialYear(added).label})
                return redirect(address)
    return render(
        request,
        "posts/pay_scale.html",
        {
            "organisation": organisation,
            "scale": scale,
            "points": points,
            "grades": grades,
            "grid": grid,
            "add_year": add_year,
            "next_year": FinancialYear(max(years) + 1).label if years else "",
        },
        status=status,
    )
