from django import forms

from posts.models import PlanLine


class PlanLineForm(forms.ModelForm):
    """The line form, used by the admin and the plan pages. The model's clean() holds the
    rules, so every way in gives the same clear message on the field at fault."""

    class Meta:
        model = PlanLine
        fields = [
            "plan",
            "position",
            "section",
            "kind",
            "title",
            "workstream",
            "team",
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
            "amount",
            "one_off",
            "stated_annual_cost",
            "justification",
            "findings",
        ]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}


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
        from posts.appendix.reading import MAX_FILE_BYTES

        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv", ".txt", ".tsv")):
            raise forms.ValidationError(
                f"“{upload.name}” is not an Excel workbook (.xlsx, .xlsm) or a CSV file"
            )
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"“{upload.name}” is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        return upload
