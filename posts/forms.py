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
