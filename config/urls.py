"""Every address: the site's pages' (`config.site_urls`) and the admin's, for the
installation's superusers (decision 0025). A request under /admin is resolved here; every
other one by the site's addresses alone (`config.middleware.SiteAddresses`)."""

from django.contrib import admin
from django.urls import path

from config.site_urls import urlpatterns as site

urlpatterns = [*site, path("admin/", admin.site.urls)]
