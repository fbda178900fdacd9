"""The Django admin changes facts that figures rest on without going through the pages'
services, so each admin that can move a figure recosts what it touched, in the admin's own
transaction."""

from __future__ import annotations

from django.db import transaction

from figures.services import recost_council, recost_plans, refigure_lines
from funding.models import Allocation, FundingSource
from investplan.models import Assumptions, EmployerNIRate, Finding, Inspection, PayAward, Plan
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary


def _what_moves(obj) -> tuple[str, int, int | None] | None:
    """("line", plan id, line id), ("plan", plan id, None) or ("council", its id, None)."""
    if isinstance(obj, PlanLine):
        return "line", obj.plan_id, obj.pk
    if isinstance(obj, Allocation):
        return "line", obj.line.plan_id, obj.line_id
    if isinstance(obj, Plan):
        return "plan", obj.pk, None
    if isinstance(obj, Assumptions):
        return "plan", obj.plan_id, None
    if isinstance(obj, PayAward | EmployerNIRate):
        return "plan", obj.assumptions.plan_id, None
    if isinstance(obj, PayScale | FundingSource | Inspection):
        return "council", obj.organisation_id, None
    if isinstance(obj, SpinalPoint | Grade):
        return "council", obj.pay_scale.organisation_id, None
    if isinstance(obj, SpinalSalary):
        return "council", obj.point.pay_scale.organisation_id, None
    if isinstance(obj, Finding):
        return "council", obj.inspection.organisation_id, None
    return None


def _recost(moves) -> None:
    for scope, owner, line_id in {move for move in moves if move is not None}:
        if scope == "line":
            plan = Plan.objects.filter(pk=owner).first()
            if plan is not None:
                refigure_lines(plan=plan, line_ids=[line_id])
        elif scope == "plan":
            recost_plans(plans=Plan.objects.filter(pk=owner))
        else:
            recost_council(organisation_id=owner)


class RecostsFigures:
    """A ModelAdmin mixin: after a save (inlines included) or a delete, the figures it
    moved are worked out again."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        _recost([_what_moves(form.instance)])

    def delete_model(self, request, obj):
        moves = [_what_moves(obj)]
        super().delete_model(request, obj)
        _recost(moves)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            moves = [_what_moves(obj) for obj in queryset]
            super().delete_queryset(request, queryset)
            _recost(moves)
