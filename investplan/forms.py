from decimal import Decimal

from django import forms
from django.contrib.auth.forms import SetPasswordMixin

from figures.costs.financial_year import FinancialYear
from investplan.fields import (
    FIRST_YEAR_TAKEN,
    LAST_YEAR_TAKEN,
    FinancialYearFormField,
    PercentField,
    PoundsField,
)
from investplan.models import (
    Assumptions,
    EmployerNIRate,
    Finding,
    Inspection,
    OnCostMethod,
    PayAward,
    Role,
)

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """Every date box of the app: the browser's date picker. A picker reads and sends ISO
    dates (2021-03-31) whatever the page's language, and shows a date in any other form
    as an empty box, which a save then stores as no date. So the value is always written
    as ISO, never in the UK format (31/03/2021) Django writes into a text box. What comes
    back is read as any date field reads it: ISO, or a UK date typed where a browser gives
    a plain text box."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


# -- Forms of the plan and reference-data pages -------------------------------------------


# The most rows a table typed on one page saves: far more than any council keeps (a pay
# spine has about 50 points, a plan a pay award a year), and few enough that a forged row
# count ("ni-TOTAL_FORMS=999999999999") is refused at once, not answered by building
# thousands of empty forms (Django's own limit is 2,000, some seconds of work a request).
MOST_ROWS = 500
ROWS_AT_MOST = {"max_num": MOST_ROWS, "absolute_max": MOST_ROWS}
TOO_MANY_ROWS = {
    "too_many_forms": f"At most {MOST_ROWS:,} rows can be saved on this page at once.",
}


class RowsFormSet(forms.BaseInlineFormSet):
    """Rows of a table typed on one page. Two rows that repeat what must be unique are
    named by the labels the user sees: Django's own words ("Please correct the duplicate
    data for financial_year") spell the field as the code does."""

    default_error_messages = {**forms.BaseInlineFormSet.default_error_messages, **TOO_MANY_ROWS}

    def get_unique_error_message(self, unique_check):
        fields = self.empty_form.fields
        labels = [
            str(fields[name].label).lower()
            for name in unique_check
            if name in fields and name != self.fk.name
        ]
        said = " and ".join(labels) or "values"
        return f"Two rows have the same {said}: give each row its own."

    def get_form_error(self):
        return "This row repeats another."


class PercentInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "size": 7, **(attrs or {})})


class PlanDetailsForm(forms.Form):
    """A plan's name and financial years, as its details page changes them."""

    name = forms.CharField(
        label="Name", max_length=200, error_messages={"required": "Give the plan a name."}
    )
    first_year = FinancialYearFormField(label="First financial year")
    last_year = FinancialYearFormField(label="Last financial year")


class NewPlanForm(PlanDetailsForm):
    """A new plan: its name, years and on-cost basis, and the plan it copies, if any."""

    on_cost_method = forms.ChoiceField(label="On-costs", widget=forms.RadioSelect)
    flat_on_cost_percent = PercentField(
        label="Flat on-cost % (when on-costs are a flat percentage of pay)",
        initial=Decimal("29"),
        widget=PercentInput,
    )
    copy_of = forms.TypedChoiceField(
        label="Start from",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a plan of this council to copy."},
        help_text="A copy has the plan's lines, workstreams, funding and assumptions; "
        "the on-cost basis above replaces its own.",
    )

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_cost_method"].choices = OnCostMethod.choices
        self.fields["on_cost_method"].initial = OnCostMethod.FLAT
        self.fields["copy_of"].choices = [
            ("", "An empty plan"),
            *[(plan.pk, f"A copy of {plan.name}") for plan in plans],
        ]


class ApproveForm(forms.Form):
    """What a head of service records when approving: who approved it, and when."""

    committee = forms.CharField(
        label="Committee that approved the plan",
        max_length=200,
        error_messages={"required": "Name the committee that approved the plan."},
        help_text="As the tables should print it, e.g. Children’s Services Committee.",
    )
    meeting_date = forms.DateField(
        label="Date of the meeting",
        input_formats=[ISO_DATE],
        error_messages={
            "required": "Give the date of the meeting.",
            "invalid": "Enter the meeting date as a date, e.g. 12 March 2026.",
        },
        widget=DateInput,
    )

    def clean_committee(self):
        committee = " ".join(self.cleaned_data["committee"].split())
        if not committee:
            raise forms.ValidationError("Name the committee that approved the plan.")
        return committee

    def clean_meeting_date(self):
        day = self.cleaned_data["meeting_date"]
        if not FIRST_YEAR_TAKEN <= day.year <= LAST_YEAR_TAKEN:
            raise forms.ValidationError(
                f"Enter a meeting date between {FIRST_YEAR_TAKEN} and {LAST_YEAR_TAKEN}."
            )
        return day


def assumptions_forms(plan, data=None):
    """The plan's assumptions and its pay awards and employer NI rates, as forms."""
    assumptions, _ = Assumptions.objects.get_or_create(plan=plan)
    PayAwards = forms.inlineformset_factory(
        Assumptions,
        PayAward,
        formset=RowsFormSet,
        fields=["financial_year", "percent", "agreed"],
        field_classes={"percent": PercentField},
        extra=1,
        can_delete=True,
        widgets={"percent": PercentInput},
        **ROWS_AT_MOST,
    )
    NIRates = forms.inlineformset_factory(
        Assumptions,
        EmployerNIRate,
        form=_NIRateForm,
        formset=RowsFormSet,
        extra=1,
        can_delete=True,
        **ROWS_AT_MOST,
    )
    return (
        _AssumptionsForm(data, instance=assumptions, prefix="assumptions"),
        PayAwards(data, instance=assumptions, prefix="awards"),
        NIRates(data, instance=assumptions, prefix="ni"),
    )


# True-cost amounts, typed in pounds; blank is none.
TRUE_COST_MONEY = ("agency_premium", "recruitment_payment", "retention_payment")

# The help beside the assumptions, in the users' words: the model's own help text is the
# developers' note of where a figure came from.
ASSUMPTIONS_HELP = {
    "flat_on_cost_percent": "Used when on-costs are a flat percentage of pay, e.g. 29%.",
    "agency_share_percent": "The share of social-worker FTE filled by agency staff at any "
    "time, e.g. 15%.",
    "agency_premium": "What an agency worker costs a year beyond an employee, e.g. £30,000.",
}


class _AssumptionsForm(forms.ModelForm):
    class Meta:
        model = Assumptions
        fields = [
            "on_cost_method",
            "flat_on_cost_percent",
            "pension_percent",
            "levy_percent",
            "increments",
            "vacancy_factor_percent",
            "agency_share_percent",
            *TRUE_COST_MONEY,
        ]
        widgets = {
            "on_cost_method": forms.RadioSelect,
            "flat_on_cost_percent": PercentInput,
            "pension_percent": PercentInput,
            "levy_percent": PercentInput,
            "vacancy_factor_percent": PercentInput,
            "agency_share_percent": PercentInput,
        }
        help_texts = ASSUMPTIONS_HELP
        field_classes = dict.fromkeys(
            (
                "flat_on_cost_percent",
                "pension_percent",
                "levy_percent",
                "vacancy_factor_percent",
                "agency_share_percent",
            ),
            PercentField,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TRUE_COST_MONEY:
            model_field = self._meta.model._meta.get_field(name)
            label = str(model_field.verbose_name)
            self.fields[name] = PoundsField(
                label=f"{label[:1].upper()}{label[1:]} (£)",
                help_text=ASSUMPTIONS_HELP.get(name, model_field.help_text),
                required=False,
                min_value=0,
                max_digits=model_field.max_digits,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
            )
            self.initial[name] = getattr(self.instance, name).amount
        for name in ("vacancy_factor_percent", "agency_share_percent"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        # A blank percentage or amount is none: nothing is added for it.
        for name in (*TRUE_COST_MONEY, "vacancy_factor_percent", "agency_share_percent"):
            if name in cleaned and cleaned[name] is None:
                cleaned[name] = Decimal("0")
        return cleaned


class _NIRateForm(forms.ModelForm):
    secondary_threshold = PoundsField(
        label="Secondary threshold a year (£)", max_digits=12, min_value=0
    )

    class Meta:
        model = EmployerNIRate
        fields = ["financial_year", "percent", "secondary_threshold"]
        widgets = {"percent": PercentInput}
        field_classes = {"percent": PercentField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["secondary_threshold"] = self.instance.secondary_threshold.amount


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = ["kind", "date", "overall_judgement"]
        widgets = {"date": DateInput}


def findings_formset(inspection, data=None):
    Findings = forms.inlineformset_factory(
        Inspection,
        Finding,
        formset=RowsFormSet,
        fields=["reference", "text", "judgement_area", "position"],
        extra=3,
        can_delete=True,
        widgets={"text": forms.Textarea(attrs={"rows": 2})},
        **ROWS_AT_MOST,
    )
    return Findings(data, instance=inspection, prefix="findings")


class InvitePersonForm(forms.Form):
    """Invite someone to the council in a role: their username is the email address; they choose a
    password when they accept, or accept with the account they have."""

    email = forms.EmailField(help_text="The invitation's link is sent here.")
    name = forms.CharField(max_length=200, required=False, help_text="As the email greets them.")
    role = forms.ChoiceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = Role.choices


class AcceptInvitationForm(SetPasswordMixin, forms.Form):
    """A new account for the person invited: the password they choose. Its username is the
    address the invitation went to, so choosing one cannot test which usernames exist
    (decision 0043)."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def clean(self):
        self.validate_passwords()
        return super().clean()


class YearGridForm(forms.Form):
    """Amounts by row and financial year, typed as a grid: the salary of each spinal point,
    what each funding source has. A blank cell is no amount for that year."""

    def __init__(self, data=None, *, rows, years, values, prefix, what="Amount"):
        super().__init__(data, prefix=prefix)
        self.rows, self.years = list(rows), list(years)
        for row_id, label in self.rows:
            for year in self.years:
                name = f"r{row_id}-y{year}"
                self.fields[name] = PoundsField(
                    label=f"{what} for {label}, {FinancialYear(year).label} (£)",
                    required=False,
                    min_value=0,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 9}),
                )
                value = values.get((row_id, year))
                if value is not None:
                    self.initial[name] = value

    def amounts(self) -> dict:
        return {
            (row_id, year): self.cleaned_data.get(f"r{row_id}-y{year}")
            for row_id, _ in self.rows
            for year in self.years
        }

    def grid(self):
        """(row label, [bound field per year]) for the template."""
        return [
            (label, [self[f"r{row_id}-y{year}"] for year in self.years])
            for row_id, label in self.rows
        ]

    @property
    def year_labels(self) -> list[str]:
        return [FinancialYear(year).label for year in self.years]
