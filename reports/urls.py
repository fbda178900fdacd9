from django.urls import path

from reports import chart_views, front_views, scenario_views, views

app_name = "reports"

urlpatterns = [
    # The plan's own address: its front page (the workspace is at lines/).
    path("<slug:plan_slug>/", front_views.plan_front, name="front"),
    path("<slug:plan_slug>/reports/", views.plan_reports, name="index"),
    # Before the committee tables' address, which would take its name for a table's.
    path(
        "<slug:plan_slug>/reports/financial-implications/",
        views.financial_implications_page,
        name="financial-implications",
    ),
    path(
        "<slug:plan_slug>/reports/financial-implications/docx/",
        views.financial_implications_docx,
        name="financial-implications-docx",
    ),
    path("<slug:plan_slug>/reports/<slug:report_slug>/", views.report, name="report"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/pdf/", views.report_pdf, name="pdf"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<slug:plan_slug>/charts/", chart_views.charts_page, name="charts"),
    path("<slug:plan_slug>/charts/<slug:chart_slug>.svg", chart_views.chart_svg, name="chart"),
    path("<slug:plan_slug>/reports/<slug:report_slug>/docx/", views.report_docx, name="docx"),
    path("<slug:plan_slug>/renders/<int:render_id>/", views.render_progress, name="render"),
    path(
        "<slug:plan_slug>/renders/<int:render_id>/download/",
        views.render_download,
        name="render-download",
    ),
]

# Scenarios, what-ifs, approved baselines and the variance; each prints as PDF, Excel, Word.
for fmt in ("", "pdf", "xlsx", "docx"):
    suffix, name = (f"{fmt}/", f"-{fmt}") if fmt else ("", "")
    urlpatterns += [
        path(
            f"<slug:plan_slug>/compare/{suffix}",
            scenario_views.compare,
            {"fmt": fmt},
            name=f"compare{name}",
        ),
        path(
            f"<slug:plan_slug>/what-if/{suffix}",
            scenario_views.what_if,
            {"fmt": fmt},
            name=f"what-if{name}",
        ),
        path(
            f"<slug:plan_slug>/variance/{suffix}",
            scenario_views.plan_variance,
            {"fmt": fmt},
            name=f"variance{name}",
        ),
        path(
            f"<slug:plan_slug>/baselines/<int:baseline_id>/<slug:key>/{suffix}",
            scenario_views.as_approved,
            {"fmt": fmt},
            name=f"as-approved{name}",
        ),
    ]
urlpatterns += [
    path("<slug:plan_slug>/scenarios/", scenario_views.scenarios, name="scenarios"),
    path("<slug:plan_slug>/baselines/", scenario_views.baselines, name="baselines"),
]
