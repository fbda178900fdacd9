from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from funding.models import Allocation, FundingSource, check_allocation_total
from investplan.fields import PercentField, PoundsField
from investplan.forms import ROWS_AT_MOST, TOO_MANY_ROWS, DateInput, RowsFormSet
from posts.models import PlanLine


class SourcesFormSet(forms.BaseModelFormSet):
    """A council's funding sources, typed as rows of one table."""

    default_error_messages = {**forms.BaseModelFormSet.default_error_messages, **TOO_MANY_ROWS}


class AllocationInlineFormSet(RowsFormSet):
    """Checks a line's allocations together: each row alone can look fine while the rows
    come to more than 100%."""

    def get_unique_error_message(self, unique_check):
        return "Each source can fund a line once: put its shares together in one row."

    def clean(self):
        super().clean()
        total = Decimal("0")
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            percent = form.cleaned_data.get("percent")
            if percent is not None:
                total += percent
        try:
            check_allocation_total(total)
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    @property
    def initial_forms(self):
        forms = super().initial_forms
        if getattr(self, "_saving", False):
            # Deletions and decreases first, so no moment of the save is over 100%.
            return sorted(forms, key=self._change_in_percent)
        return forms

    @staticmethod
    def _change_in_percent(form) -> Decimal:
        data = getattr(form, "cleaned_data", None) or {}
        before = form.initial.get("percent") or Decimal("0")
        if data.get("DELETE"):
            return Decimal("-1000")
        return (data.get("percent") or Decimal("0")) - before

    def save(self, commit=True):
        self._saving = True
        try:
            return super().save(commit)
        finally:
            self._saving = False

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Rows are checked together above; the per-row sum check would read stale rows.
        form.instance._checked_as_a_set = True
        return form


class AllocationForm(forms.ModelForm):
    """A share of a line paid by one source: a percentage of its cost, or pounds a year."""

    amount = PoundsField(
        label="Or a fixed amount a year (£)",
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
    )

    class Meta:
        model = Allocation
        fields = ["source", "percent", "amount"]
        labels = {"percent": "Percentage of the line's cost"}
        field_classes = {"percent": PercentField}
        widgets = {"percent": forms.TextInput(attrs={"inputmode": "decimal", "size": 7})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["percent"].error_messages.update(
            min_value="A percentage of the line's cost must be above 0%%.",
            max_value="A percentage of the line's cost is at most 100%%.",
        )
        if self.instance.pk and self.instance.amount is not None:
            self.initial["amount"] = self.instance.amount.amount


def allocation_formset(line, data=None):
    Allocations = forms.inlineformset_factory(
        PlanLine,
        Allocation,
        form=AllocationForm,
        formset=AllocationInlineFormSet,
        extra=2,
        can_delete=True,
        **ROWS_AT_MOST,
    )
    formset = Allocations(data, instance=line, prefix="allocations")
    sources = FundingSource.objects.filter(organisation_id=line.plan.organisation_id)
    for form in [*formset.forms, formset.empty_form]:
        form.fields["source"].queryset = sources
        form.fields["source"].empty_label = "Choose a source"
    return formset


class FundingSourceForm(forms.ModelForm):
    class Meta:
        model = FundingSource
        fields = ["name", "kind", "end_date"]
        widgets = {"end_date": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The empty choice in words, as the line's grade says "No grade", not dashes.
        kinds = [choice for choice in self.fields["kind"].choices if choice[0]]
        self.fields["kind"].choices = [("", "Choose a kind"), *kinds]
