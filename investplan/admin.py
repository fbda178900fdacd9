from django.contrib import admin

from figures.admin import RecostsFigures
from investplan.forms import ASSUMPTIONS_HELP
from investplan.models import (
    Assumptions,
    EmployerNIRate,
    Finding,
    Inspection,
    Membership,
    Organisation,
    PayAward,
    Plan,
    Team,
    Workstream,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]


class WorkstreamInline(admin.TabularInline):
    model = Workstream
    extra = 0


class AssumptionsInline(admin.StackedInline):
    model = Assumptions
    can_delete = False


@admin.register(Plan)
class PlanAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["name", "organisation", "first_year", "last_year", "status"]
    list_filter = ["organisation", "status"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AssumptionsInline, WorkstreamInline]


class PayAwardInline(admin.TabularInline):
    model = PayAward
    extra = 0


class EmployerNIRateInline(admin.TabularInline):
    model = EmployerNIRate
    extra = 0


@admin.register(Assumptions)
class AssumptionsAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["plan", "on_cost_method", "flat_on_cost_percent", "increments"]
    inlines = [PayAwardInline, EmployerNIRateInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ASSUMPTIONS_HELP:
            kwargs["help_text"] = ASSUMPTIONS_HELP[db_field.name]
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Workstream)
class WorkstreamAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "position"]
    list_filter = ["plan"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class FindingInline(admin.StackedInline):
    model = Finding
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["__str__", "organisation", "kind", "date", "overall_judgement"]
    list_filter = ["organisation", "kind"]
    inlines = [FindingInline]


@admin.register(Finding)
class FindingAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["reference", "text", "judgement_area", "inspection"]
    list_filter = ["inspection__organisation"]
    search_fields = ["reference", "text"]


@admin.register(PayAward)
class PayAwardAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["assumptions", "financial_year", "percent", "agreed"]


@admin.register(EmployerNIRate)
class EmployerNIRateAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["assumptions", "financial_year", "percent", "secondary_threshold"]
