"""Write operations on plans. Small, keyword-only, each in one transaction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from figures.costs.financial_year import FinancialYear
from figures.models import PlanFigures
from figures.services import copy_figures, recost_council, recost_plans
from funding.models import Allocation
from investplan.models import (
    Assumptions,
    EmployerNIRate,
    Membership,
    PayAward,
    Plan,
    PlanStatus,
    Role,
    Workstream,
)
from investplan.reading import read_text
from posts.models import PlanLine
from reports.services import freeze_baseline

NAME_LIMIT = Plan._meta.get_field("name").max_length


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
    recost_plans(plans=[plan])
    return assumptions


@transaction.atomic
def save_formsets(*, user, forms) -> bool:
    """Save a page's form and formsets together, each change on record under `user`:
    all of them or, if any fails the database's checks, none. What is unchanged is not
    saved, so it adds no record and moves no revision. Whether anything was written."""
    written = False
    for form in forms:
        if hasattr(form, "forms"):  # a formset
            for instance in form.save(commit=False):
                instance._history_user = user
                instance.save()
                written = True
            for instance in form.deleted_objects:
                instance._history_user = user
                instance.delete()
                written = True
        elif form.instance.pk is None or form.has_changed():  # unchanged: nothing written
            instance = form.save(commit=False)
            instance._history_user = user
            instance.save()
            form.save_m2m()
            written = True
    return written


@transaction.atomic
def save_assumptions(*, user, plan: Plan, forms) -> str:
    """The plan's assumptions page saved; every line costed again on them if they moved.
    "unchanged", "recosted", or "later" where the plan is large enough to be recosted by
    the background worker."""
    if not save_formsets(user=user, forms=forms):
        return "unchanged"
    return "later" if recost_plans(plans=[plan]) else "recosted"


@transaction.atomic
def save_council_reference(*, user, organisation, forms) -> bool:
    """A page of the council's reference data saved (pay scales and grades, funding
    sources, inspections and findings); the council's plans costed again if it moved."""
    written = save_formsets(user=user, forms=forms)
    if written:
        recost_council(organisation_id=organisation.pk)
    return written


@transaction.atomic
def approve_plan(*, plan: Plan, user=None, committee: str = "", meeting_date=None):
    """Approve the plan and keep what committee saw: the baseline, with when and by whom,
    and the committee and meeting that approved it (the approve form asks for both)."""

    if plan.is_archived:
        raise ValidationError("An archived plan cannot be approved: unarchive it first.")
    committee = committee.strip()
    Plan.objects.filter(pk=plan.pk).update(committee=committee, meeting_date=meeting_date)
    plan.committee, plan.meeting_date = committee, meeting_date
    _set_plan_status(plan, PlanStatus.APPROVED)
    return freeze_baseline(plan=plan, user=user)


def reopen_plan(*, plan: Plan) -> Plan:
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

    if membership.role == Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(
            organisation_id=membership.organisation_id, role=Role.ADMIN
        )
        if admins.count() <= 1:
            raise ValidationError("The council must keep at least one admin.")
    membership.delete()


# -- Starting, changing and archiving plans ----------------------------------------------


def _plan_name(organisation_id, name: str, *, exclude_pk=None) -> str:
    """The name, trimmed, if the council has no other plan of that name (in any case)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Give the plan a name."})
    others = Plan.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    if others.exists():
        raise ValidationError({"name": f"The council already has a plan called “{name}”."})
    return name


def _free_slug(base: str) -> str:
    """The first free address from `base`: plan addresses are unique across councils, so
    a name taken elsewhere gets a number rather than telling whose it is."""
    base = base[:90].strip("-") or "plan"
    slug, number = base, 1
    while Plan.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def start_plan(
    *,
    organisation,
    name: str,
    first_year: int,
    last_year: int,
    on_cost_method: str,
    flat_on_cost_percent,
    copy_of: Plan | None = None,
    user=None,
) -> Plan:
    """A new draft plan of the council: empty, or with everything `copy_of` has (its
    assumptions, workstreams, lines with their findings, and funding allocations), on the
    years and on-cost basis given. A ValidationError names the field at fault."""
    name = _plan_name(organisation.pk, name)
    if copy_of is not None and copy_of.organisation_id != organisation.pk:
        raise ValidationError({"copy_of": "Choose a plan of this council to copy."})
    plan = Plan(
        organisation=organisation,
        name=name,
        slug=_free_slug(slugify(name)),
        first_year=first_year,
        last_year=last_year,
    )
    plan.full_clean(exclude=["slug"])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # another new plan took the address since it was looked for
        raise ValidationError(
            {"name": "Another plan was started under this name just now: start it again."}
        ) from None
    if copy_of is None:
        assumptions = Assumptions(plan=plan)
    else:
        _copy_contents(copy_of, plan, user=user, reason=f"copied from {copy_of.name}")
        assumptions = Assumptions.objects.get(plan=plan)
    assumptions.on_cost_method = on_cost_method
    assumptions.flat_on_cost_percent = flat_on_cost_percent
    assumptions.full_clean()
    assumptions._history_user = user
    assumptions.save()
    if copy_of is not None:  # on the years and on-costs chosen
        recost_plans(plans=[plan])
    return plan


@transaction.atomic
def change_plan(*, plan: Plan, name: str, first_year: int, last_year: int) -> Plan:
    """Rename the plan (its address stays, so links keep working) and change its years.
    Lines outside the new years stay, costing nothing, and are listed for the user."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    years_moved = (plan.first_year, plan.last_year) != (first_year, last_year)
    plan.name = _plan_name(plan.organisation_id, name, exclude_pk=plan.pk)
    plan.first_year, plan.last_year = first_year, last_year
    plan.full_clean()
    plan.save(update_fields=["name", "first_year", "last_year"])
    # The tables print the name and cost the years: printed PDFs move on.
    Plan.bump_revision(plan.pk)
    plan.refresh_from_db(fields=["revision"])
    if years_moved:
        recost_plans(plans=[plan])
    return plan


@transaction.atomic
def archive_plan(*, plan: Plan) -> Plan:
    """Take the plan off the lists of plans in use; it is still read and printed."""
    Plan.objects.filter(pk=plan.pk, archived_at__isnull=True).update(archived_at=timezone.now())
    plan.refresh_from_db(fields=["archived_at"])
    return plan


@transaction.atomic
def unarchive_plan(*, plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(archived_at=None)
    plan.archived_at = None
    return plan


def years_label(first_year: int, last_year: int) -> str:
    first, last = FinancialYear(first_year), FinancialYear(last_year)
    return str(first) if first == last else f"{first} to {last}"


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
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the scenario a name."})
    if read_text(name, NAME_LIMIT + 1) != name or len(name) > NAME_LIMIT:
        raise ValidationError(
            {"name": f"Give the scenario a name of one line, up to {NAME_LIMIT} characters."}
        )
    if Plan.objects.filter(organisation_id=plan.organisation_id, name=name).exists():
        raise ValidationError({"name": f"The council already has a plan called “{name}”."})
    slug = _free_slug(slugify(f"{plan.slug}-{name}")[:90] or "scenario")
    copy = _copied(
        plan,
        name=name,
        slug=slug,
        status=PlanStatus.DRAFT,
        scenario_of_id=plan.pk,
        archived_at=None,
        committee="",
        meeting_date=None,
    )
    copy.full_clean()
    copy.save()
    copied = _copy_contents(plan, copy, user=user, reason=f"copied from {plan.name}")
    state = PlanFigures.objects.filter(plan=plan).first()
    if state is not None and state.recalculating:
        recost_plans(plans=[copy])  # the plan's own figures are being worked out again
    else:
        copy_figures(plan=copy, copied=copied)  # same facts, same assumptions: same figures
    return copy


def _copy_contents(plan: Plan, copy: Plan, *, user, reason: str) -> dict[int, int]:
    """Copy into `copy` the plan's assumptions and pay awards, workstreams, lines with
    their findings, and funding allocations."""
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
    return new_id
