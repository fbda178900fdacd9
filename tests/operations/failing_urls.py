"""The site's addresses, one more that fails and one that refuses, for the logging tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.site_urls import urlpatterns as site


def fail(request):
    raise RuntimeError("a server error on purpose")


def refuse(request):
    raise PermissionDenied("not yours")


urlpatterns = [*site, path("fails/", fail), path("refused/", refuse)]
