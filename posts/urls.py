from django.urls import path

from posts import line_views, paste_views, reference_views, views

app_name = "posts"

urlpatterns = [
    # Importing appendices, for a council's admins.
    path("organisations/<slug:organisation_slug>/imports/", views.imports, name="imports"),
    path(
        "organisations/<slug:organisation_slug>/imports/<int:import_id>/",
        views.import_preview,
        name="import-preview",
    ),
    path(
        "organisations/<slug:organisation_slug>/imports/<int:import_id>/mapping/",
        views.import_mapping,
        name="import-mapping",
    ),
    path(
        "organisations/<slug:organisation_slug>/imports/<int:import_id>/commit/",
        views.import_commit,
        name="import-commit",
    ),
    # The plan workspace.
    path("plans/<slug:plan_slug>/lines/", line_views.workspace, name="workspace"),
    path("plans/<slug:plan_slug>/rows/", line_views.workspace_more, name="workspace-more"),
    path("plans/<slug:plan_slug>/history/", line_views.plan_history, name="plan-history"),
    path("plans/<slug:plan_slug>/lines/new/", line_views.line_page, name="line-new"),
    path("plans/<slug:plan_slug>/lines/<int:line_id>/", line_views.line_page, name="line"),
    path("plans/<slug:plan_slug>/lines/<int:line_id>/row/", line_views.line_row, name="line-row"),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/in-place/",
        line_views.line_in_place,
        name="line-in-place",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/preview/",
        line_views.line_preview,
        name="line-preview",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/working/",
        line_views.line_working,
        name="line-working",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/duplicate/",
        line_views.line_duplicate,
        name="line-duplicate",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/delete/",
        line_views.line_delete,
        name="line-delete",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/restore/",
        line_views.line_restore,
        name="line-restore",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/history/",
        line_views.line_history,
        name="line-history",
    ),
    path(
        "plans/<slug:plan_slug>/lines/<int:line_id>/revert/",
        line_views.line_revert,
        name="line-revert",
    ),
]

urlpatterns += [
    path("plans/<slug:plan_slug>/paste/", paste_views.paste, name="paste"),
    path(
        "organisations/<slug:organisation_slug>/pay-scales/",
        reference_views.pay_scales,
        name="pay-scales",
    ),
    path(
        "organisations/<slug:organisation_slug>/pay-scales/<int:scale_id>/",
        reference_views.pay_scale,
        name="pay-scale",
    ),
]
