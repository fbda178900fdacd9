"""Who may do what: a user's role in the plan's organisation decides."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from investplan.models import Membership, Plan, Role

PRINTERS = {Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER, Role.ADMIN}


def role_in(user, organisation_id) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def plan_for(user, slug: str) -> Plan:
    """The plan, if the user belongs to its council; otherwise it does not exist (404)."""
    return get_object_or_404(
        Plan.objects.for_user(user).select_related("organisation", "assumptions"), slug=slug
    )


def can_print(user, plan: Plan) -> bool:
    return role_in(user, plan.organisation_id) in PRINTERS
