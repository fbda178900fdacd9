"""Keep plan and organisation revisions moving with every change that could alter a
report, so a cached PDF is served only for exactly the facts it was made from; and start a
signed-in session's working day, and the council it works in, at sign-in."""

import time

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from funding.models import Allocation, FundingAvailability, FundingSource
from investplan.models import (
    Assumptions,
    EmployerNIRate,
    Finding,
    Inspection,
    Organisation,
    PayAward,
    Plan,
    Team,
    Workstream,
)
from investplan.permissions import SESSION_KEY, first_council_slug
from investplan.signing_in import RENEWED_AT
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary


def _via(model, key: str, path: str):
    """Reach the owner through the row `key` points at, by a query: on a delete, that row
    may already be gone (None, and nothing to bump)."""
    return lambda instance: (
        model.objects.filter(pk=getattr(instance, key)).values_list(path, flat=True).first()
    )


# For each model: how to reach the plan or the organisation it belongs to.
PLAN_OF = {
    Plan: lambda plan: plan.pk,
    PlanLine: lambda line: line.plan_id,
    Allocation: _via(PlanLine, "line_id", "plan_id"),
    Assumptions: lambda assumptions: assumptions.plan_id,
    PayAward: _via(Assumptions, "assumptions_id", "plan_id"),
    EmployerNIRate: _via(Assumptions, "assumptions_id", "plan_id"),
    Workstream: lambda workstream: workstream.plan_id,
}
ORGANISATION_OF = {
    PayScale: lambda scale: scale.organisation_id,
    SpinalPoint: _via(PayScale, "pay_scale_id", "organisation_id"),
    SpinalSalary: _via(SpinalPoint, "point_id", "pay_scale__organisation_id"),
    Grade: _via(PayScale, "pay_scale_id", "organisation_id"),
    FundingSource: lambda source: source.organisation_id,
    FundingAvailability: _via(FundingSource, "source_id", "organisation_id"),
    Inspection: lambda inspection: inspection.organisation_id,
    Finding: _via(Inspection, "inspection_id", "organisation_id"),
    Team: lambda team: team.organisation_id,
}


def _bump(sender, instance, **kwargs):
    if sender in PLAN_OF:
        plan_id = PLAN_OF[sender](instance)
        if plan_id:
            Plan.bump_revision(plan_id)
    elif sender in ORGANISATION_OF:
        organisation_id = ORGANISATION_OF[sender](instance)
        if organisation_id:
            Organisation.bump_revision(organisation_id)


for model in (*PLAN_OF, *ORGANISATION_OF):
    post_save.connect(_bump, sender=model, dispatch_uid=f"revision-save-{model.__name__}")
    post_delete.connect(_bump, sender=model, dispatch_uid=f"revision-delete-{model.__name__}")


@receiver(m2m_changed, sender=PlanLine.findings.through, dispatch_uid="revision-line-findings")
def _findings_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, PlanLine):
        Plan.bump_revision(instance.plan_id)


@receiver(user_logged_in, dispatch_uid="session-renewed-at-sign-in")
def _renewed_at_sign_in(sender, request, user, **kwargs):
    # Signing in saves the session with a whole day ahead: the first pages after it need
    # not save it again to move its end on (investplan.signing_in.SessionRenewal).
    if request is not None and hasattr(request, "session"):
        request.session[RENEWED_AT] = int(time.time())
        # The council they start in (the first, as the header shows it), said now: the
        # session then changes only when they open another council's page.
        if SESSION_KEY not in request.session:
            first = first_council_slug(user)
            if first is not None:
                request.session[SESSION_KEY] = first
