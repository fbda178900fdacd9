from django.urls import path

from funding import views

app_name = "funding"

urlpatterns = [
    path("plans/<slug:plan_slug>/lines/<int:line_id>/funding/", views.line_funding, name="line"),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/funding/remainder/",
        views.line_funding_remainder,
        name="remainder",
    ),
    path(
        "organisations/<slug:organisation_slug>/funding-sources/",
        views.funding_sources,
        name="sources",
    ),
]
