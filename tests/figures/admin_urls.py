"""The admin alone: the pages' own address book imports views being rewritten on other
branches, and the admin tests here need none of them."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
