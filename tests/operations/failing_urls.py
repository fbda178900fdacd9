"""The site's addresses and one more that fails, for the logging test."""

from django.urls import path

from config.site_urls import urlpatterns as site


def fail(request):
    raise RuntimeError("a server error on purpose")


urlpatterns = [*site, path("fails/", fail)]
