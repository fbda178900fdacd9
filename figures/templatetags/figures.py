from django import template

from figures.models import PlanFigures

register = template.Library()


@register.inclusion_tag("figures/recalculating.html")
def figures_notice(plan):
    """Says so while a large plan's figures are being worked out again after a change to
    its assumptions or its council's reference data (one query)."""
    pending = plan is not None and getattr(plan, "pk", None) is not None
    if pending:
        state = PlanFigures.objects.filter(plan_id=plan.pk).first()
        pending = state is not None and state.recalculating
    return {"recalculating": pending}
