"""Boxes for money and percentages, read as finance officers type them: "£46,355.50",
"250,000", "29.5%". One message a box, in the users' words. Money is read by
`parse_money` (investplan/reading.py), as the paste and the import read it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from figures.costs.financial_year import FinancialYear
from investplan.reading import parse_money, read_id

FIRST_YEAR_TAKEN, LAST_YEAR_TAKEN = 1990, 2100
NOT_POUNDS = "Give the amount in pounds, e.g. £46,355.50"
PENCE = "Give pence to two places at most, e.g. £46,355.50"
NOT_A_PERCENTAGE = "Give a percentage between 0 and 100, e.g. 29.5"


class PoundsField(forms.DecimalField):
    """Pounds and pence: £, commas and spaces allowed, pence to two places, at most the
    pounds the field keeps (12 whole digits: £999,999,999,999.99)."""

    def __init__(self, *, max_digits=14, min_value=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(max_digits=max_digits, decimal_places=2, **kwargs)
        self.validators = []  # the limits below, said once, in words
        self.least = min_value
        self.most = Decimal(10) ** (max_digits - 2) - Decimal("0.01")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value)
        except ValueError:
            text = str(value).replace("£", "").replace(",", "").replace(" ", "")
            if _is_number(text):
                raise ValidationError(self._too_much(), code="max_value") from None
            raise ValidationError(NOT_POUNDS, code="invalid") from None
        if amount is None:
            return None
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(PENCE, code="max_decimal_places")
        if abs(amount) > self.most:
            raise ValidationError(self._too_much(), code="max_value")
        if self.least is not None and amount < self.least:
            raise ValidationError(f"An amount cannot be below £{self.least:,}.", code="min_value")
        return amount

    def _too_much(self) -> str:
        return f"Give an amount of at most £{self.most:,}"

    def validate(self, value):
        forms.Field.validate(self, value)


class PercentField(forms.DecimalField):
    """A percentage from 0 to 100, "29.5" or "29.5%", to the places the field keeps."""

    default_error_messages = {
        "invalid": NOT_A_PERCENTAGE,
        "min_value": NOT_A_PERCENTAGE,
        "max_value": NOT_A_PERCENTAGE,
    }

    def __init__(self, *, max_digits=6, decimal_places=3, **kwargs):
        kwargs.pop("min_value", None), kwargs.pop("max_value", None)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 7}))
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)
        self.validators = []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip().removesuffix("%").strip()
        if not _is_number(text):
            raise self._refused("invalid")
        percent = Decimal(text)
        if percent < 0:
            raise self._refused("min_value")
        if percent > 100:
            raise self._refused("max_value")
        if percent != round(percent, self.decimal_places):
            raise ValidationError(
                f"Give a percentage to {self.decimal_places} decimal places at most, e.g. 29.5",
                code="max_decimal_places",
            )
        return percent

    def _refused(self, code: str) -> ValidationError:
        return ValidationError(
            self.error_messages[code],
            code=code,
            params={"limit_value": 0 if code == "min_value" else 100},
        )

    def validate(self, value):
        forms.Field.validate(self, value)


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


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
            year = FinancialYear.parse(str(value)).start_year
        except ValueError:
            raise forms.ValidationError(
                f"Enter a financial year like 2025/26 (you entered “{value}”).",
                code="invalid",
            ) from None
        if not FIRST_YEAR_TAKEN <= year <= LAST_YEAR_TAKEN:
            raise forms.ValidationError(
                f"Enter a financial year between {FinancialYear(FIRST_YEAR_TAKEN)} and "
                f"{FinancialYear(LAST_YEAR_TAKEN)} (you entered “{value}”).",
                code="out_of_range",
            )
        return year

    def widget_attrs(self, widget):
        return {}


class ChoicesByIdField(forms.ModelMultipleChoiceField):
    """Several choices sent by id (a line's findings). A value that is no id is refused as
    no such choice before the database sees it: "9" * 25 reads as a number, but no
    database can compare it with an id column (SQLite raises OverflowError)."""

    def _check_values(self, value):
        for pk in value:
            if read_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(pk)[:20]},
                )
        return super()._check_values(value)
