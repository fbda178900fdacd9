"""Keep plan and organisation revisions moving with every change that could alter a
report, so a cached PDF is served only for exactly the facts it was made from."""

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
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary

# For each model: how to reach the plan or the organisation it belongs to.
PLAN_OF = {
    Plan: lambda plan: plan.pk,
    PlanLine: lambda line: line.plan_id,
    Allocation: lambda allocation: (
        PlanLine.objects.filter(pk=allocation.line_id).values_list("plan_id", flat=True).first()
    ),
    Assumptions: lambda assumptions: assumptions.plan_id,
    PayAward: lambda award: (
        Assumptions.objects.filter(pk=award.assumptions_id)
        .values_list("plan_id", flat=True)
        .first()
    ),
    EmployerNIRate: lambda rate: (
        Assumptions.objects.filter(pk=rate.assumptions_id).values_list("plan_id", flat=True).first()
    ),
    Workstream: lambda workstream: workstream.plan_id,
}
ORGANISATION_OF = {
    PayScale: lambda scale: scale.organisation_id,
    SpinalPoint: lambda point: (
        PayScale.objects.filter(pk=point.pay_scale_id)
        .values_list("organisation_id", flat=True)
        .first()
    ),
    SpinalSalary: lambda salary: (
        SpinalPoint.objects.filter(pk=salary.point_id)
        .values_list("pay_scale__organisation_id", flat=True)
        .first()
    ),
    Grade: lambda grade: (
        PayScale.objects.filter(pk=grade.pay_scale_id)
        .values_list("organisation_id", flat=True)
        .first()
    ),
    FundingSource: lambda source: source.organisation_id,
    FundingAvailability: lambda available: (
        FundingSource.objects.filter(pk=available.source_id)
        .values_list("organisation_id", flat=True)
        .first()
    ),
    Inspection: lambda inspection: inspection.organisation_id,
    Finding: lambda finding: (
        Inspection.objects.filter(pk=finding.inspection_id)
        .values_list("organisation_id", flat=True)
        .first()
    ),
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
