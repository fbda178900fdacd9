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


def approve_plan(*, plan: Plan) -> Plan:
    from investplan.models import PlanStatus

    return _set_plan_status(plan, PlanStatus.APPROVED)


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
