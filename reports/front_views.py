"""The council's plans (the home page) and a plan's front page: thin views over
`reports.front_page`."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from investplan.models import Plan
from investplan.permissions import current_membership, plan_for, powers_over
from reports import charts
from reports.front_page import front_page, plan_summaries
from reports.plan_charts import chart_block
from reports.rendering import table_html

# What the workspace read from the plan's own address before the front page took it: an
# old link or bookmark with any of them opens the workspace as it did.
WORKSPACE_KEYS = frozenset(["q", "workstream", "status", "sort", "dir", "show", "open", "upto"])


@login_required
@require_GET
def home(request):
    """The plans in use of the council the user is working in, with their totals and
    status."""
    membership, _ = current_membership(request)
    summaries, archived = [], 0
    if membership is not None:
        council_plans = Plan.objects.filter(organisation=membership.organisation)
        summaries = plan_summaries(council_plans.active())
        archived = council_plans.archived().count()
    return render(
        request,
        "home.html",
        {"summaries": summaries, "archived": archived, "membership": membership},
    )


@login_required
@require_GET
def plan_front(request, plan_slug):
    """A plan's front page: its totals, how it is funded, what is missing, recruitment and
    approval, each linking to the table behind it."""
    plan = plan_for(request, plan_slug)
    if WORKSPACE_KEYS.intersection(request.GET):
        query = urlencode(list(request.GET.lists()), doseq=True)
        return redirect(reverse("posts:workspace", args=[plan.slug]) + "?" + query)
    front = front_page(plan)
    return render(
        request,
        "reports/front.html",
        {
            "plan": plan,
            "front": front,
            "powers": powers_over(request.user, plan),
            "costs": table_html(front.costs),
            # The funding cliff, with the table it is drawn from.
            "funding": chart_block(plan, charts.funding_cliff(front.funding)),
            "pressure": table_html(front.pressure) if front.pressure.rows else "",
        },
    )
