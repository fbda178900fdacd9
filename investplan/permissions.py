"""Who may do what: a user's role in the plan's organisation decides, here and nowhere else.

Viewers read. Heads of service also print and approve. Finance officers read, print and
edit the lines, allocations, findings and assumptions of plans not yet approved; they keep
the council's funding sources (amounts a year, end dates); they start plans, copy them into
scenarios, rename them, change their years, and archive and unarchive them. Admins may do
all of that, and also import, keep the other reference data and manage users. An archived
plan is read and printed, never changed or approved, until it is unarchived.

Another council's plan does not exist for a user (404, whatever the URL); a page or action
outside their role is refused (403) and its controls are not shown. A plan's address is
unique within its council only: of the user's councils' plans at one address, the one of
the council they are working in is meant (decision 0047). Views and templates
ask a named power of `Powers`; none of them compares a role (decision 0020, and
tests/investplan/test_powers.py fails if one does)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from investplan.models import Membership, Organisation, Plan, PlanStatus, Role
from investplan.reading import read_slug

PRINTERS = {Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER, Role.ADMIN}
EDITORS = {Role.FINANCE_OFFICER, Role.ADMIN}
APPROVERS = {Role.HEAD_OF_SERVICE, Role.ADMIN}
ADMINS = {Role.ADMIN}

# The session's key for the council the user chose to work in (its slug).
SESSION_KEY = "organisation"


@dataclass(frozen=True)
class Powers:
    """What one user may do in one organisation (and, given a plan, to that plan)."""

    role: str | None
    plan_approved: bool = False
    plan_archived: bool = False

    @property
    def can_read(self) -> bool:
        return self.role is not None

    @property
    def can_print(self) -> bool:
        return self.role in PRINTERS

    @property
    def can_edit(self) -> bool:
        """Edit lines, allocations, findings and assumptions, rename the plan and change
        its years: never once approved, nor while archived."""
        return self.role in EDITORS and not self.plan_approved and not self.plan_archived

    @property
    def can_edit_once_reopened(self) -> bool:
        """The role edits plans, and only the plan's approval stops it (the workspace says
        so, and a head of service or admin may reopen it)."""
        return self.role in EDITORS and self.plan_approved and not self.plan_archived

    @property
    def can_start_plans(self) -> bool:
        """Start a plan in the council, from scratch or as a copy of one of its plans."""
        return self.role in EDITORS

    @property
    def can_copy_scenarios(self) -> bool:
        """Copy a plan, approved or archived too, into a new scenario to change freely."""
        return self.role in EDITORS

    @property
    def can_archive(self) -> bool:
        """Archive a plan, approved or not, and unarchive it."""
        return self.role in EDITORS

    @property
    def can_approve(self) -> bool:
        return self.role in APPROVERS and not self.plan_archived

    @property
    def can_keep_findings(self) -> bool:
        return self.role in EDITORS

    @property
    def can_keep_funding_sources(self) -> bool:
        """Keep the council's funding sources: what each grant has a year and when it
        ends. Finance officers track the grants they cost posts against."""
        return self.role in EDITORS

    @property
    def can_import(self) -> bool:
        """Import appendices into the council's plans, from a file."""
        return self.role in ADMINS

    @property
    def can_keep_reference_data(self) -> bool:
        """Keep the council's pay scales (spinal points, their salaries, the grades) and
        open its reference data page."""
        return self.role in ADMINS

    @property
    def can_manage_users(self) -> bool:
        """Add the council's people, change their roles and remove them."""
        return self.role in ADMINS


def powers_in(membership: Membership) -> Powers:
    """What a membership lets its user do in its council (no plan in view)."""
    return Powers(membership.role)


def role_in(user, organisation_id) -> str | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(user=user, organisation_id=organisation_id)
        .values_list("role", flat=True)
        .first()
    )


def powers_over(user, plan: Plan) -> Powers:
    return Powers(
        role_in(user, plan.organisation_id),
        plan_approved=plan.status == PlanStatus.APPROVED,
        plan_archived=plan.is_archived,
    )


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


def first_council_slug(user) -> str | None:
    """The council a user works in until they choose or open another: the first by name,
    as `current_membership` orders them."""
    return (
        Membership.objects.filter(user=user)
        .order_by("organisation__name")
        .values_list("organisation__slug", flat=True)
        .first()
    )


def plan_for(request, slug: str) -> Plan:
    """The plan at the address, if the user belongs to its council; otherwise it does not
    exist (404). Two of the user's councils may each have a plan there: the one of the
    council they are working in is meant, and if neither is, the address says too little
    to choose by (404)."""
    plans = list(
        Plan.objects.for_user(request.user)
        .select_related("organisation", "assumptions")
        .filter(slug=slug)
    )
    if len(plans) == 1:
        _work_in(request, plans[0].organisation)
        return plans[0]
    if plans:
        working, _ = current_membership(request)
        for plan in plans:
            if working is not None and plan.organisation_id == working.organisation_id:
                return plan
    raise Http404("No such plan")


def _work_in(request, organisation: Organisation) -> None:
    """Opening a page of one of the user's councils (a link to its plan, say) is working
    in it: the header names that council and offers its pages, and the plans listed and
    addresses read next are its own, as if the user had switched to it."""
    # The session says so (not the memberships: a row answered to htmx reads none).
    if request.session.get(SESSION_KEY) != organisation.slug:
        request.session[SESSION_KEY] = organisation.slug


def plan_to_edit(request, slug: str) -> tuple[Plan, Powers]:
    """The plan, if the user may edit it: 404 outside their councils, 403 if their role
    may not edit or the plan is approved."""
    plan = plan_for(request, slug)
    powers = powers_over(request.user, plan)
    if not powers.can_edit:
        if powers.role in EDITORS:
            raise PermissionDenied(f"This plan is {closed_because(plan)}.")
        raise PermissionDenied("Your role may read this plan but not change it.")
    return plan, powers


def closed_because(plan: Plan) -> str:
    """Why no one may change the plan's lines, whatever their role ("" if they may): the
    one rule its pages, the paste and the import keep, as "approved: ..." to follow "This
    plan is" or "the plan “slug” is"."""
    if plan.is_archived:
        return "archived: unarchive it to change it"
    if plan.status == PlanStatus.APPROVED:
        return "approved: its lines can no longer be changed until a head of service reopens it"
    return ""


def organisation_for(
    request,
    slug: str,
    *,
    needs: str = "can_read",
    refusal: str = "Your role in this council may not do this.",
) -> tuple[Organisation, Powers]:
    """The council, if the user belongs to it (else 404) and their role has the power
    `needs` (else 403, saying `refusal`); the user is then working in it."""
    if read_slug(slug) is None:  # posted, or kept in the session: no council's
        raise Http404("No such council")
    organisation = get_object_or_404(
        Organisation.objects.filter(memberships__user=request.user), slug=slug
    )
    powers = Powers(role_in(request.user, organisation.pk))
    if not getattr(powers, needs):
        raise PermissionDenied(refusal)
    _work_in(request, organisation)
    return organisation, powers


def may_use_admin(user) -> bool:
    """The Django admin reads and changes every council's data, so it is for the people
    who run the installation (superusers), not for a council's staff; a council's admins
    manage their council in the app (decision 0025)."""
    return user.is_active and user.is_superuser
