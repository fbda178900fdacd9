"""Write operations on plans. Small, keyword-only, each in one transaction."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
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
    Invitation,
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

logger = logging.getLogger(__name__)

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
    # A new revision, so printed PDFs and open edit forms see the plan has moved on.
    Plan.objects.filter(pk=plan.pk).update(status=status)
    Plan.bump_revision(plan.pk)
    plan.status = status
    return plan


# -- People join a council by invitation ------------------------------------------------


class InvitationRefused(Exception):
    """An invitation link that cannot be used, and what its holder is told. `gone` is an
    invitation that existed (used, withdrawn or expired) rather than a link never made."""

    def __init__(self, message: str, *, gone: bool = True):
        super().__init__(message)
        self.gone = gone


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_person(
    *, organisation, email: str, name: str, role: str, invited_by
) -> tuple[Invitation, str]:
    """An invitation to join the council in `role`, and the token its link carries (shown
    once: only its hash is kept). Nothing is said of people outside the council."""
    if role not in Role.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    email = email.strip()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": f"Someone with the address {email} is already here."})
    open_here = Invitation.objects.filter(
        organisation=organisation,
        email__iexact=email,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if open_here.exists():
        raise ValidationError(
            {"email": f"{email} already has an invitation: withdraw it to send another."}
        )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        name=" ".join(name.split()),
        role=role,
        token_hash=_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_DAYS),
    )
    return invitation, token


def send_invitation(*, invitation: Invitation, link: str) -> bool:
    """Email the invitation's link to the person invited; False if it could not be sent
    (the admin is then given the link to pass on)."""
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "An admin"
    greeting = f"Dear {invitation.name},\n\n" if invitation.name else ""
    body = (
        f"{greeting}{inviter} has invited you to InvestPlan, to join "
        f"{invitation.organisation.name} as {invitation.get_role_display().lower()}.\n\n"
        f"To accept, open this link before {invitation.expires_at:%-d %B %Y} (it works once):"
        f"\n\n{link}\n\nIf you were not expecting this, ignore this email."
    )
    subject = f"Join {invitation.organisation.name} on InvestPlan"
    try:
        return send_mail(subject, body, None, [invitation.email]) == 1
    except OSError:  # refused, unreachable, or silent past EMAIL_TIMEOUT (smtplib's errors too)
        # For the IT team, as Django logs a password reset's email that failed.
        logger.exception("Failed to send the invitation email to %s", invitation.email)
        return False


def open_invitation(token: str, *, for_update: bool = False) -> Invitation:
    """The invitation the token opens, or InvitationRefused saying why not."""
    invitations = Invitation.objects.select_related("organisation")
    if for_update:
        invitations = invitations.select_for_update()
    invitation = invitations.filter(token_hash=_token_hash(token)).first()
    if invitation is None:
        raise InvitationRefused(
            "This invitation link is not valid: check it was copied whole, or ask your "
            "council's admin to invite you again.",
            gone=False,
        )
    if invitation.accepted_at is not None:
        raise InvitationRefused(
            "This invitation has already been used. If it was you, sign in; if not, ask "
            "your council's admin to invite you again."
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%-d %B %Y}"
            ": ask your council's admin to invite you again."
        )
    return invitation


def _join(invitation: Invitation, user) -> Membership:
    membership = Membership.objects.create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def accept_invitation(*, token: str, user) -> Membership:
    """A signed-in person joins the invitation's council, and only that one."""
    invitation = open_invitation(token, for_update=True)
    if Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
        raise ValidationError(f"You already belong to {invitation.organisation.name}.")
    return _join(invitation, user)


@transaction.atomic
def accept_invitation_as_new_user(*, token: str, password: str) -> Membership:
    """A new account, protected by its holder, joining the invitation's council. Its
    username is the address the invitation went to (decision 0043): an account already
    using it is its holder's, who signs in and accepts with it."""
    invitation = open_invitation(token, for_update=True)
    User = get_user_model()
    username = invitation.email.lower()
    taken = ValidationError(
        "An InvestPlan account already uses this email address: sign in with it, then open "
        "this link again to join."
    )
    if User.objects.filter(username__iexact=username).exists():
        raise taken
    try:
        validate_password(password, User(username=username, email=invitation.email))
    except ValidationError as refused:
        raise ValidationError({"password1": refused.error_list}) from None
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username,
                email=invitation.email,
                password=password,
                first_name=invitation.name[:150],
            )
    except IntegrityError:  # made since the check above
        raise taken from None
    return _join(invitation, user)


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation) -> None:
    invitation.delete()


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


def free_plan_slug(*, organisation, base: str) -> str:
    """The first address from `base` free in the council. Addresses are unique within a
    council only, so another council's plans are not looked at: what address a plan gets
    says nothing of them (decision 0047)."""
    base = base[:90].strip("-") or "plan"
    slug, number = base, 1
    while Plan.objects.filter(organisation=organisation, slug=slug).exists():
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
        slug=free_plan_slug(organisation=organisation, base=slugify(name)),
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
    slug = free_plan_slug(
        organisation=plan.organisation, base=slugify(f"{plan.slug}-{name}")[:90] or "scenario"
    )
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
