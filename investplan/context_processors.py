"""What every page's header needs: the councils the user belongs to, the one they are
working in, and what their role there lets them do (so controls they may not use are not
shown)."""

from django.utils.functional import SimpleLazyObject

from investplan.permissions import current_membership, powers_in


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
