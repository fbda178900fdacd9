"""The Django admin, open to the installation's superusers only (decision 0025)."""

from django.contrib.admin import AdminSite

from investplan.permissions import may_use_admin


class InstallationAdminSite(AdminSite):
    site_header = "InvestPlan installation admin"

    def has_permission(self, request):
        return may_use_admin(request.user)
