"""What every page's header needs: the councils the user belongs to, the one they are
working in, and what their role there lets them do (so controls they may not use are not
shown)."""

from investplan.models import Membership
from investplan.permissions import powers_in

SESSION_KEY = "organisation"


def current_membership(request):
    """The membership the user is working in: the one they chose, else their first."""
    if not request.user.is_authenticated:
        return None, []
    if not hasattr(request, "_memberships"):
        request._memberships = list(
            Membership.objects.filter(user=request.user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
    memberships = request._memberships
    chosen = request.session.get(SESSION_KEY)
    for membership in memberships:
        if membership.organisation.slug == chosen:
            return membership, memberships
    return (memberships[0] if memberships else None), memberships


def organisations(request):
    membership, memberships = current_membership(request)
    if membership is None:
        return {"memberships": memberships}
    return {
        "memberships": memberships,
        "current_organisation": membership.organisation,
        "current_powers": powers_in(membership),
        "current_role_label": membership.get_role_display(),
    }
