"""Write operations on plans. Small, keyword-only, each in one transaction."""

from __future__ import annotations

from django.db import transaction

from investplan.models import Assumptions, EmployerNIRate, PayAward, Plan


@transaction.atomic
def create_plan(
    *, organisation, name: str, slug: str, first_year: int, last_year: int, **details
) -> Plan:
    """A plan and its default assumptions, validated as the admin would."""
    plan = Plan(
        organisation=organisation,
        name=name,
        slug=slug,
        first_year=first_year,
        last_year=last_year,
        **details,
    )
    plan.full_clean()
    plan.save()
    Assumptions.objects.create(plan=plan)
    return plan


@transaction.atomic
def set_assumptions(*, plan: Plan, pay_awards=(), ni_rates=(), **values) -> Assumptions:
    """Replace a plan's assumptions: `values` are Assumptions fields; `pay_awards` are
    (financial_year, percent, agreed); `ni_rates` are (financial_year, percent, threshold)."""
    assumptions, _ = Assumptions.objects.get_or_create(plan=plan)
    for field, value in values.items():
        setattr(assumptions, field, value)
    assumptions.full_clean()
    assumptions.save()
    assumptions.pay_awards.all().delete()
    for financial_year, percent, agreed in pay_awards:
        award = PayAward(
            assumptions=assumptions, financial_year=financial_year, percent=percent, agreed=agreed
        )
        award.full_clean()
        award.save()
    assumptions.ni_rates.all().delete()
    for financial_year, percent, threshold in ni_rates:
        rate = EmployerNIRate(
            assumptions=assumptions,
            financial_year=financial_year,
            percent=percent,
            secondary_threshold=threshold,
        )
        rate.full_clean()
        rate.save()
    return assumptions


@transaction.atomic
def save_formsets(*, user, forms) -> None:
    """Save a page's form and formsets together, each change on record under `user`:
    all of them or, if any fails the database's checks, none."""
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            for instance in form.save(commit=False):
                instance._history_user = user
                instance.save()
            for instance in form.deleted_objects:
                instance._history_user = user
                instance.delete()
        else:
            instance = form.save(commit=False)
            instance._history_user = user
            instance.save()
            form.save_m2m()


@transaction.atomic
def approve_plan(*, plan: Plan, user=None):
    """Approve the plan and keep what committee saw: the baseline, with when and by whom."""
    from investplan.models import PlanStatus
    from reports.services import freeze_baseline

    _set_plan_status(plan, PlanStatus.APPROVED)
    return freeze_baseline(plan=plan, user=user)


def reopen_plan(*, plan: Plan) -> Plan:
    from investplan.models import PlanStatus

    return _set_plan_status(plan, PlanStatus.DRAFT)


@transaction.atomic
def _set_plan_status(plan: Plan, status) -> Plan:
    # A new revision, so cached costings and open edit forms see the plan has moved on.
    Plan.objects.filter(pk=plan.pk).update(status=status)
    Plan.bump_revision(plan.pk)
    plan.status = status
    return plan


@transaction.atomic
def add_person(*, organisation, username: str, role: str, email: str = "", password: str = ""):
    """Give a user a role in the council, making the user first if there is none of that
    name (then a password is needed). A ValidationError names what is wrong."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from investplan.models import Membership

    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        if not password:
            raise ValidationError({"password": f"There is no user “{username}”: give a password."})
        candidate = User(username=username, email=email)
        validate_password(password, candidate)
        user = User.objects.create_user(username=username, email=email, password=password)
    elif Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"username": f"“{username}” already has a role here."})
    return Membership.objects.create(user=user, organisation=organisation, role=role)


@transaction.atomic
def change_role(*, membership, role: str) -> None:
    """Change someone's role; a council always keeps at least one admin."""
    from django.core.exceptions import ValidationError

    from investplan.models import Membership, Role

    if role not in Role.values:
        raise ValidationError(f"“{role}” is not a role.")
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation_id=membership.organisation_id, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError("The council must keep at least one admin.")
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def remove_person(*, membership) -> None:
    from django.core.exceptions import ValidationError

    from investplan.models import Membership, Role

    if membership.role == Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation_id=membership.organisation_id, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError("The council must keep at least one admin.")
    membership.delete()


# -- Scenarios ------------------------------------------------------------------------


def _copied(instance, **changes):
    """A new row with the instance's fields and the given changes (no primary key)."""
    model = type(instance)
    values = {
        field.attname: getattr(instance, field.attname)
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name != "revision"
    }
    return model(**{**values, **changes})


@transaction.atomic
def copy_plan_as_scenario(*, plan: Plan, name: str, user=None) -> Plan:
    """A new draft plan called `name` with everything the plan has: its assumptions and pay
    awards, workstreams, lines with their findings, and funding allocations. The copy is
    changed freely; the plan it came from is untouched."""
    from django.core.exceptions import ValidationError
    from django.utils.text import slugify
    from simple_history.utils import bulk_create_with_history

    from funding.models import Allocation
    from investplan.models import PlanStatus, Workstream
    from posts.models import PlanLine

    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the scenario a name."})
    if Plan.objects.filter(organisation_id=plan.organisation_id, name=name).exists():
        raise ValidationError({"name": f"The council already has a plan called “{name}”."})
    base = slugify(f"{plan.slug}-{name}")[:90] or "scenario"
    slug, number = base, 1
    while Plan.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    copy = _copied(plan, name=name, slug=slug, status=PlanStatus.DRAFT, scenario_of_id=plan.pk)
    copy.full_clean()
    copy.save()
    reason = f"copied from {plan.name}"

    assumptions = Assumptions.objects.filter(plan=plan).first()
    if assumptions is None:
        Assumptions.objects.create(plan=copy)
    else:
        kept = _copied(assumptions, plan_id=copy.pk)
        kept._history_user, kept._change_reason = user, reason
        kept.save()
        bulk_create_with_history(
            [_copied(award, assumptions_id=kept.pk) for award in assumptions.pay_awards.all()],
            PayAward,
            default_user=user,
            default_change_reason=reason,
        )
        EmployerNIRate.objects.bulk_create(
            _copied(rate, assumptions_id=kept.pk) for rate in assumptions.ni_rates.all()
        )

    workstreams = {}
    for workstream in Workstream.objects.filter(plan=plan):
        workstreams[workstream.pk] = Workstream.objects.create(
            plan=copy, name=workstream.name, position=workstream.position
        ).pk

    lines = list(PlanLine.objects.filter(plan=plan).order_by("position", "pk"))
    copies = [
        _copied(line, plan_id=copy.pk, workstream_id=workstreams.get(line.workstream_id))
        for line in lines
    ]
    bulk_create_with_history(
        copies, PlanLine, batch_size=500, default_user=user, default_change_reason=reason
    )
    new_id = {line.pk: copied.pk for line, copied in zip(lines, copies, strict=True)}
    links = PlanLine.findings.through.objects.filter(planline__plan=plan)
    PlanLine.findings.through.objects.bulk_create(
        PlanLine.findings.through(planline_id=new_id[link.planline_id], finding_id=link.finding_id)
        for link in links
    )
    allocations = [
        _copied(allocation, line_id=new_id[allocation.line_id])
        for allocation in Allocation.objects.filter(line__plan=plan)
    ]
    bulk_create_with_history(
        allocations, Allocation, batch_size=500, default_user=user, default_change_reason=reason
    )
    return copy
