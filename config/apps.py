"""The Django admin's app, with the site that opens to superusers only (decision 0025)."""

from django.contrib.admin.apps import AdminConfig


class InstallationAdminConfig(AdminConfig):
    default_site = "config.admin_site.InstallationAdminSite"
