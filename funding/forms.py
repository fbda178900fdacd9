from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from funding.models import check_allocation_total


class AllocationInlineFormSet(forms.BaseInlineFormSet):
    """Checks a line's allocations together: each row alone can look fine while the rows
    come to more than 100%."""

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
