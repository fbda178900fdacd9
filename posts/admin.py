from django.contrib import admin

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
class PayScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    inlines = [SpinalPointInline, GradeInline]


class SpinalSalaryInline(admin.TabularInline):
    model = SpinalSalary
    extra = 0


@admin.register(SpinalPoint)
class SpinalPointAdmin(admin.ModelAdmin):
    list_display = ["code", "ordinal", "pay_scale"]
    list_filter = ["pay_scale"]
    inlines = [SpinalSalaryInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ["code", "pay_scale", "bottom_point", "top_point"]
    list_filter = ["pay_scale"]
    search_fields = ["code"]


class AllocationInline(admin.TabularInline):
    model = Allocation
    formset = AllocationInlineFormSet
    extra = 0


@admin.register(PlanLine)
class PlanLineAdmin(admin.ModelAdmin):
    form = PlanLineForm
    list_display = ["title", "plan", "kind", "grade_label", "fte", "workstream", "status"]
    list_filter = ["plan", "kind", "status", "workstream"]
    search_fields = ["title", "justification"]
    filter_horizontal = ["findings"]
    inlines = [AllocationInline]
    list_select_related = ["plan", "grade", "from_grade", "workstream"]
