"""The four charts of a plan, each with the committee table it is drawn from: cost by
financial year by workstream, the funding cliff, recruitment and the plan against its
approved baseline. For the plan's pages, its front page and the chart images."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from investplan.models import Plan
from reports import charts
from reports.builders import (
    ReportContext,
    ReportOptions,
    funded_against_unfunded,
    multi_year_table,
    recruitment_table,
)
from reports.charts import Chart
from reports.comparisons import COMPARE_BY, variance
from reports.rendering import chart_html, query_string, table_html
from reports.tables import OUTLINE

# Each chart reads its own table alone, not the others of its report; with `notes`
# False (its image, which prints no table), without the notes that cost a query.


def cost_by_year(context: ReportContext, notes: bool) -> Chart | None:
    return charts.cost_by_year(multi_year_table(context, notes=notes))


def funding_cliff_of(context: ReportContext, notes: bool) -> Chart | None:
    return charts.funding_cliff(funded_against_unfunded(context))


def recruitment_of(context: ReportContext, notes: bool) -> Chart | None:
    """The recruitment chart is of the workstreams' subtotals: its table is read for no
    line, only every heading, subtotal and the total (its outline), summed by the
    database."""
    return charts.recruitment(recruitment_table(replace(context, paging=OUTLINE)))


def against_baseline(context: ReportContext, notes: bool) -> Chart | None:
    """None where the plan has no approved baseline."""
    plan = context.plan
    baseline = plan.baselines.select_related("approved_by").defer("documents").first()
    if baseline is None:
        return None
    by = context.options.by if context.options.by in COMPARE_BY else "workstream"
    return charts.plan_against_baseline(variance(plan, baseline, by).tables[0])


CHARTS: dict[str, tuple[str, Callable[[ReportContext, bool], Chart | None]]] = {
    "cost-by-year": ("Cost by financial year", cost_by_year),
    "funding-cliff": ("The funding cliff", funding_cliff_of),
    "recruitment": ("Recruitment", recruitment_of),
    "plan-against-baseline": ("Against the approved baseline", against_baseline),
}


# The charts that show the whole plan whatever lines a reader filters to: the approved
# baseline is kept by workstream, team and source for the whole plan, not line by line.
WHOLE_PLAN = frozenset({"plan-against-baseline"})


def filter_notice(plan: Plan, options: ReportOptions, shown: list[str]) -> str:
    """What a page of the plan's charts (their slugs `shown`) says of a filter: which
    charts it applies to and which show the whole plan ("" when nothing is filtered)."""
    if not options.filtered:
        return ""
    filtered = [_named(slug) for slug in shown if slug not in WHOLE_PLAN]
    whole = [_named(slug) for slug in shown if slug in WHOLE_PLAN]
    notice = options.describe_filters(plan)
    if filtered:
        notice += f" The charts of {_listed(filtered)} show only those lines."
    if whole:
        notice += (
            f" The chart {_listed(whole)} shows the whole plan: the approved baseline is "
            "kept for the whole plan, not line by line."
        )
    return notice


def _named(slug: str) -> str:
    heading = CHARTS[slug][0]
    return heading[0].lower() + heading[1:]


def _listed(names: list[str]) -> str:
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def plan_chart(plan: Plan, slug: str, options: ReportOptions | None = None) -> Chart | None:
    """One of the plan's charts to draw as its image, from its table as the options
    filter it, read without its notes (None: no such chart, or no baseline to chart
    against)."""
    return CHARTS[slug][1](ReportContext.build(plan, options), False)


def plan_charts(plan: Plan, options: ReportOptions | None = None) -> list[tuple[str, Chart | None]]:
    """Every chart of the plan, by slug, each with its table and notes, read from one
    context."""
    context = ReportContext.build(plan, options)
    return [(slug, build(context, True)) for slug, (_, build) in CHARTS.items()]


def chart_src(plan: Plan, chart: Chart, options: ReportOptions | None = None) -> str:
    query = query_string(options.as_query()) if options else ""
    return reverse("reports:chart", args=[plan.slug, chart.slug]) + query


def chart_block(plan: Plan, chart: Chart, options: ReportOptions | None = None) -> SafeString:
    """The chart as an image of its SVG route, and the table it is drawn from under it."""
    if chart.empty:
        return table_html(chart.table)
    return mark_safe(chart_html(chart, chart_src(plan, chart, options)) + table_html(chart.table))
