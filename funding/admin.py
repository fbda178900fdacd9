from django.contrib import admin

from figures.admin import RecostsFigures
from funding.models import Allocation, FundingAvailability, FundingSource


class FundingAvailabilityInline(admin.TabularInline):
    model = FundingAvailability
    extra = 0


@admin.register(FundingSource)
class FundingSourceAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["name", "organisation", "kind", "end_date"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name"]
    inlines = [FundingAvailabilityInline]


@admin.register(Allocation)
class AllocationAdmin(RecostsFigures, admin.ModelAdmin):
    list_display = ["line", "source", "percent", "amount"]
    list_filter = ["source"]


@admin.register(FundingAvailability)
class FundingAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["source", "financial_year", "amount"]
    list_filter = ["source"]
