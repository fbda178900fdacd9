from django.contrib import admin
from django.template.loader import render_to_string

from figures.admin import RecostsFigures
from figures.costing import cost_line
from figures.costs.engine import CostingError
from funding.forms import AllocationInlineFormSet
from funding.models import Allocation
from posts.forms import PlanLineForm
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary


class SpinalPointInline(admin.TabularInline):
    model = SpinalPoint
    extra = 0


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0


@admin.register(PayScale)
class PayScaleAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    inlines = [SpinalPointInline, GradeInline]


class SpinalSalaryInline(admin.TabularInline):
    model = SpinalSalary
    extra = 0


@admin.register(SpinalSalary)
class SpinalSalaryAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["point", "financial_year", "salary"]
    list_filter = ["point__pay_scale", "financial_year"]


@admin.register(SpinalPoint)
class SpinalPointAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["code", "ordinal", "pay_scale"]
    list_filter = ["pay_scale"]
    inlines = [SpinalSalaryInline]


@admin.register(Grade)
class GradeAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["code", "pay_scale", "bottom_point", "top_point"]
    list_filter = ["pay_scale"]
    search_fields = ["code"]


class AllocationInline(admin.TabularInline):
    model = Allocation
    formset = AllocationInlineFormSet
    extra = 0


@admin.register(PlanLine)
class PlanLineAdmin(RecostsFigures, admin.ModelAdmin):
    form = PlanLineForm
    list_display = ["title", "plan", "kind", "grade_label", "fte", "workstream", "status"]
    list_filter = ["plan", "kind", "status", "workstream"]
    search_fields = ["title", "justification"]
    filter_horizontal = ["findings"]
    inlines = [AllocationInline]
    list_select_related = ["plan", "grade", "from_grade", "workstream"]
    readonly_fields = ["costing"]

    @admin.display(description="Cost and working")
    def costing(self, line):
        """What the line costs and how: each figure with its working."""
        if not line.pk:
            return "Save the line to see its cost."
        try:
            cost = cost_line(line)
        except CostingError as error:
            return str(error)
        return render_to_string("posts/line_costing.html", {"line": line, "cost": cost})
