from django import forms
from django.conf import settings

from figures.costing import line_cost_error
from investplan.fields import ChoicesByIdField, PoundsField
from investplan.forms import DateInput
from investplan.models import Finding, Team, Workstream
from posts.limits import duration_problem, sentence
from posts.models import MOST_FTE, Grade, LineKind, PlanLine, SpinalPoint

# Every field a finance officer keeps on a line, in the order the line form shows them.
LINE_FIELDS = [
    "kind",
    "title",
    "workstream",
    "team",
    "section",
    "phase",
    "status",
    "grade",
    "point",
    "grade_as_written",
    "annual_salary",
    "from_grade",
    "from_point",
    "fte",
    "headcount",
    "fte_in_post",
    "start_date",
    "end_date",
    "duration_months",
    "expected_start_date",
    "actual_start_date",
    "agency_cover",
    "social_worker",
    "reward_scheme",
    "amount",
    "one_off",
    "stated_annual_cost",
    "justification",
    "findings",
]

# The help beside a line's fields, in the users' words where the model's note is ours.
LINE_HELP = {
    "grade_as_written": "The grade as the appendix writes it, e.g. “tbc”.",
    "agency_cover": "Agency staff cover the post until it is filled.",
    "stated_annual_cost": "A full-year cost stated in the appendix; used instead of the grade "
    "arithmetic, and the difference is shown.",
}


class _CostedLineForm(forms.ModelForm):
    """A line form that also costs the line against its plan once the model's rules hold:
    a grade with no salary for a year the line spans is a message on the grade, not a
    500 (the services check it again on saving)."""

    # False where the form's values go straight to a save service, which costs the line
    # in its own transaction and puts the same message on the same field.
    checks_cost = True

    def add_error(self, field, error):
        """The model's rules, which run after the fields' own checks, see a field those
        refused as blank: an FTE typed out of range would also be "A post needs an FTE".
        A field already refused keeps its own message alone."""
        if field is None and hasattr(error, "error_dict"):
            error = {
                name: messages
                for name, messages in error.error_dict.items()
                if name not in self._errors
            }
            if not error:
                return
        super().add_error(field, error)

    def _post_clean(self):
        super()._post_clean()
        line = self.instance
        if not (self.checks_cost and line.plan_id) or self.errors:
            return
        if line.kind not in LineKind.values:
            return
        message = line_cost_error(line)
        if message:
            self.add_error("grade" if line.is_staff else "amount", message)


class PlanLineForm(_CostedLineForm):
    """The line form, used by the admin and the plan pages. The model's clean() holds the
    rules, so every way in gives the same clear message on the field at fault."""

    class Meta:
        model = PlanLine
        fields = ["plan", "position", *LINE_FIELDS, "stated_cost_fte"]
        field_classes = {"findings": ChoicesByIdField}
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}
        help_texts = LINE_HELP


class AppendixUploadForm(forms.Form):
    """An appendix to preview: the file, the plan it goes into, and optionally the sheet."""

    file = forms.FileField(
        label="Appendix file",
        help_text="An Excel workbook (.xlsx, .xlsm) or CSV file, up to 10 MB.",
    )
    plan = forms.SlugField(
        label="Plan",
        help_text="The short name of the plan (as in its address). A new name makes a new plan.",
    )
    sheet = forms.CharField(
        label="Sheet", required=False, help_text="Leave blank to take the first sheet with a table."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt", ".tsv")):
            raise forms.ValidationError(
                f"“{upload.name}” is not an Excel workbook (.xlsx, .xlsm) or a CSV file"
            )
        if upload.size > settings.IMPORT_LIMITS["file_bytes"]:
            raise forms.ValidationError(
                f"“{upload.name}” is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{settings.IMPORT_LIMITS['file_bytes'] // 1024 // 1024} MB"
            )
        return upload


# -- The plan workspace's forms ----------------------------------------------------------

MONEY_FIELDS = ("annual_salary", "amount", "stated_annual_cost")


def _pounds_field(model_field) -> PoundsField:
    """Money typed as pounds and pence: the currency is always GBP, so no currency box."""
    return PoundsField(
        label=f"{str(model_field.verbose_name).capitalize()} (£)",
        help_text=LINE_HELP.get(model_field.name, model_field.help_text),
        required=False,
        max_digits=model_field.max_digits,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )


FTE_DIGITS = {
    "max_digits": f"FTE must be between 0.01 and {MOST_FTE:,}: check it.",
    "max_whole_digits": f"FTE must be between 0.01 and {MOST_FTE:,}: check it.",
    "max_decimal_places": "FTE has at most two decimal places, e.g. 0.75.",
}


def _within_duration(months) -> None:
    if problem := duration_problem(months):
        raise forms.ValidationError(sentence(problem), code="max_value")


class _ScopedLineForm(_CostedLineForm):
    """A line form whose choices are the plan's own: its workstreams, and its council's
    teams, grades, points and findings. `version` is the line's version as the editor read
    it, so a save over someone else's change is refused (see posts.services)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        for name in MONEY_FIELDS:
            if name in self.fields:
                self.fields[name] = _pounds_field(PlanLine._meta.get_field(name))
                value = getattr(self.instance, name)
                self.initial[name] = value.amount if value is not None else None
        scoped = {
            "workstream": Workstream.objects.filter(plan=plan),
            "team": Team.objects.filter(organisation_id=plan.organisation_id),
            "grade": Grade.objects.filter(pay_scale__organisation_id=plan.organisation_id),
            "from_grade": Grade.objects.filter(pay_scale__organisation_id=plan.organisation_id),
            "point": SpinalPoint.objects.filter(pay_scale__organisation_id=plan.organisation_id),
            "from_point": SpinalPoint.objects.filter(
                pay_scale__organisation_id=plan.organisation_id
            ),
            "findings": Finding.objects.filter(
                inspection__organisation_id=plan.organisation_id
            ).select_related("inspection"),
        }
        if self.is_bound:
            # What the line's rules read of a grade chosen (`PlanLine.clean`, `Grade.spans`):
            # its pay scale and its bottom and top points, read with it, not a query each.
            for name in ("grade", "from_grade"):
                scoped[name] = scoped[name].select_related("pay_scale", "bottom_point", "top_point")
        for name, queryset in scoped.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        for name in ("grade", "from_grade"):
            if name in self.fields:
                self.fields[name].empty_label = "No grade"
        for name in ("start_date", "end_date", "expected_start_date", "actual_start_date"):
            if name in self.fields:
                self.fields[name].widget = DateInput()
        if "duration_months" in self.fields:
            # One message for a duration too long, however long: the line's own, not also
            # the database's largest number.
            self.fields["duration_months"].max_value = None
            self.fields["duration_months"].validators = [_within_duration]
        if "fte" in self.fields:
            self.fields["fte"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})
            # A number too long for the column says what an FTE may be, not how many
            # digits the database keeps (the line's own checks say the rest).
            self.fields["fte"].error_messages.update(FTE_DIGITS)
        stated_for = self.instance.stated_cost_fte
        if "stated_annual_cost" in self.fields and stated_for is not None:
            self.fields["stated_annual_cost"].help_text = (
                f"Stated for {stated_for.normalize():f} FTE: at another FTE it is scaled pro "
                "rata. A cost typed here is the cost at the FTE above."
            )

    def line_fields(self) -> dict:
        """The cleaned values of the line's own fields, for the save service."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"version", "findings"}
        }


class PlanLineEditForm(_ScopedLineForm):
    """Every field of a line, on its own page."""

    class Meta:
        model = PlanLine
        fields = LINE_FIELDS
        field_classes = {"findings": ChoicesByIdField}
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.CheckboxSelectMultiple,
        }
        help_texts = LINE_HELP


class LineInPlaceForm(_ScopedLineForm):
    """The few fields edited in the row itself: the post, its grade (or a non-staff
    line's amount), FTE, start and duration. The rest is on the line's own page."""

    class Meta:
        model = PlanLine
        fields = ["title", "grade", "fte", "start_date", "duration_months", "amount"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        line = self.instance
        drop = ["amount"] if line.is_staff else ["grade", "fte"]
        if line.end_date:
            drop.append("duration_months")  # an end date is changed on the line's page
        for name in drop:
            del self.fields[name]
        if "grade" in self.fields:
            self.fields["grade"].required = False

    @property
    def grade_choices(self) -> list:
        """The grade's choices as a list, read in one query: a template's loop over the
        field's own choices (or `list` of them) counts them in another first."""
        return list(iter(self.fields["grade"].choices))

    def clean(self):
        cleaned = super().clean()
        grade = cleaned.get("grade")
        line = self.instance
        # A new grade starts at its bottom point unless the old point is on it too.
        self.point_reset = grade is not None and line.point_id and not grade.spans(line.point)
        if self.point_reset:
            line.point = None
        return cleaned

    def line_fields(self) -> dict:
        fields = super().line_fields()
        if getattr(self, "point_reset", False):
            fields["point"] = None
        return fields
