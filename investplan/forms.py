from django import forms

from investplan.costs.financial_year import FinancialYear


class FinancialYearFormField(forms.IntegerField):
    """Typed and shown as councils write it, `2020/21`; stored as 2020."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        kwargs.pop("max_value", None)
        kwargs.pop("min_value", None)
        kwargs.pop("step_size", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("placeholder", "2025/26")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def prepare_value(self, value):
        if isinstance(value, int):
            return FinancialYear(value).label
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return FinancialYear.parse(str(value)).start_year
        except ValueError:
            raise forms.ValidationError(
                f"Enter a financial year like 2025/26 (you entered “{value}”).",
                code="invalid",
            ) from None

    def widget_attrs(self, widget):
        return {}
