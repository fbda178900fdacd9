from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("<slug:plan_slug>/reports/", views.plan_reports, name="index"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/", views.report, name="report"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/pdf/", views.report_pdf, name="pdf"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<slug:plan_slug>/renders/<int:render_id>/", views.render_progress, name="render"),
    path(
        "<slug:plan_slug>/renders/<int:render_id>/download/",
        views.render_download,
        name="render-download",
    ),
]
