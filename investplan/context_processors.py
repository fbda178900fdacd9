"""What every page's header needs: the councils the user belongs to, the one they are
working in, and what their role there lets them do (so controls they may not use are not
shown)."""

from django.utils.functional import SimpleLazyObject

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
    """The header's councils and powers, read only when a template prints them: a part of
    a page answered to htmx (a row, its totals, a preview) has no header, so it reads no
    memberships (docs/performance.md, issue 18)."""
    chosen = SimpleLazyObject(lambda: current_membership(request))
    return {
        "memberships": SimpleLazyObject(lambda: chosen[1]),
        "current_organisation": SimpleLazyObject(lambda: _of(chosen[0], "organisation")),
        "current_powers": SimpleLazyObject(lambda: chosen[0] and powers_in(chosen[0])),
        "current_role_label": SimpleLazyObject(lambda: _of(chosen[0], "get_role_display")),
    }


def _of(membership, name: str):
    if membership is None:
        return ""
    value = getattr(membership, name)
    return value() if callable(value) else value
