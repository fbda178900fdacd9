from django.urls import path

from posts import views

app_name = "posts"

urlpatterns = [
    path("<slug:organisation_slug>/imports/", views.imports, name="imports"),
    path(
        "<slug:organisation_slug>/imports/<int:import_id>/",
        views.import_preview,
        name="import-preview",
    ),
    path(
        "<slug:organisation_slug>/imports/<int:import_id>/mapping/",
        views.import_mapping,
        name="import-mapping",
    ),
    path(
        "<slug:organisation_slug>/imports/<int:import_id>/commit/",
        views.import_commit,
        name="import-commit",
    ),
]
