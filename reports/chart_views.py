"""The plan's charts page and each chart as an SVG image: thin views over
`reports.plan_charts`."""

from csp.decorators import csp
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from investplan.permissions import plan_for, powers_over
from reports.builders import ReportOptions
from reports.plan_charts import (
    CHARTS,
    WHOLE_PLAN,
    chart_block,
    filter_notice,
    plan_chart,
    plan_charts,
)


@login_required
@require_GET
def charts_page(request, plan_slug):
    plan = plan_for(request, plan_slug)
    options = ReportOptions.from_query(request.GET)
    charts = plan_charts(plan, options)
    shown = [
        (
            slug,
            CHARTS[slug][0],
            chart_block(plan, chart, options) if chart else None,
            options.filtered and slug in WHOLE_PLAN,
        )
        for slug, chart in charts
    ]
    return render(
        request,
        "reports/charts.html",
        {
            "plan": plan,
            "charts": shown,
            "filters": filter_notice(plan, options, [slug for slug, chart in charts if chart]),
            "powers": powers_over(request.user, plan),
            "kind": "charts",
        },
    )


# The image's own policy: nothing loads, no script runs; its <style> styles only itself.
@login_required
@require_GET
@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"]})
def chart_svg(request, plan_slug, chart_slug):
    plan = plan_for(request, plan_slug)
    if chart_slug not in CHARTS:
        raise Http404("No such chart")
    chart = plan_chart(plan, chart_slug, ReportOptions.from_query(request.GET))
    if chart is None:
        raise Http404("This plan has no approved baseline to chart against")
    response = HttpResponse(chart.svg(), content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    return response
