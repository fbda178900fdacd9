"""Plans, their assumptions and approval; a council's inspection findings and its people."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from investplan.forms import (
    AcceptInvitationForm,
    ApproveForm,
    InspectionForm,
    InvitePersonForm,
    NewPlanForm,
    PlanDetailsForm,
    assumptions_forms,
    findings_formset,
)
from investplan.models import Inspection, Invitation, Membership, Plan, PlanStatus, Role
from investplan.permissions import (
    SESSION_KEY,
    organisation_for,
    plan_for,
    plan_to_edit,
    powers_over,
)
from investplan.services import (
    InvitationRefused,
    accept_invitation,
    accept_invitation_as_new_user,
    approve_plan,
    archive_plan,
    change_plan,
    change_role,
    invite_person,
    open_invitation,
    remove_person,
    reopen_plan,
    save_assumptions,
    save_council_reference,
    send_invitation,
    start_plan,
    unarchive_plan,
    withdraw_invitation,
    years_label,
)
from posts.models import lines_outside_years

# Lines named in a message; the plan's details page lists them all.
LINES_NAMED = 10


def _form_errors(form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form's fields (or above them)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _say_lines_outside(request, plan: Plan) -> None:
    outside = lines_outside_years(plan)
    if not outside:
        return
    names = ", ".join(line.title for line in outside[:LINES_NAMED])
    if len(outside) > LINES_NAMED:
        names += f" and {len(outside) - LINES_NAMED} more"
    count = f"{len(outside)} line{'s' if len(outside) != 1 else ''}"
    verb, costs = ("lie", "cost") if len(outside) != 1 else ("lies", "costs")
    messages.warning(
        request,
        f"{count} {verb} wholly outside {years_label(plan.first_year, plan.last_year)} and "
        f"{costs} nothing in the plan: {names}.",
    )


@login_required
def plan_new(request, organisation_slug):
    """Start a plan: empty, or as a copy of another plan of the council."""
    organisation, _ = organisation_for(request, organisation_slug, needs="can_start_plans")
    plans = Plan.objects.filter(organisation=organisation).order_by("name")
    form = NewPlanForm(request.POST or None, plans=plans)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            values = dict(form.cleaned_data)
            copy_of = values.pop("copy_of")
            try:
                plan = start_plan(
                    organisation=organisation,
                    copy_of=plans.get(pk=copy_of) if copy_of else None,
                    user=request.user,
                    **values,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                how = "a copy of another plan" if copy_of else "an empty plan"
                messages.success(request, f"{plan.name} is started as {how}.")
                _say_lines_outside(request, plan)
                return redirect("posts:workspace", plan.slug)
    return render(
        request,
        "investplan/plan_new.html",
        {"organisation": organisation, "form": form},
        status=status,
    )


@login_required
def plan_details(request, plan_slug):
    """A plan's name and years, the lines outside them, and archiving it."""
    plan = plan_for(request, plan_slug)
    powers = powers_over(request.user, plan)
    initial = {"name": plan.name, "first_year": plan.first_year, "last_year": plan.last_year}
    form = PlanDetailsForm(initial=initial)
    status = 200
    if request.method == "POST":
        plan, powers = plan_to_edit(request, plan_slug)
        form = PlanDetailsForm(request.POST, initial=initial)
        status = 422
        if form.is_valid():
            try:
                plan = change_plan(plan=plan, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{plan.name} now runs {years_label(plan.first_year, plan.last_year)}.",
                )
                _say_lines_outside(request, plan)
                return redirect("plan-details", plan.slug)
    return render(
        request,
        "investplan/plan_details.html",
        {
            "plan": plan,
            "powers": powers,
            "form": form,
            "outside": lines_outside_years(plan),
            "years": years_label(plan.first_year, plan.last_year),
        },
        status=status,
    )


@login_required
@require_POST
def plan_archive(request, plan_slug):
    """Archive a plan (it leaves the lists of plans in use) or unarchive it."""
    plan = plan_for(request, plan_slug)
    if not powers_over(request.user, plan).can_archive:
        raise PermissionDenied("Your role may read this plan but not archive it.")
    if request.POST.get("action") == "unarchive":
        unarchive_plan(plan=plan)
        messages.success(request, f"{plan.name} is back among the plans in use.")
    else:
        archive_plan(plan=plan)
        messages.success(
            request,
            f"{plan.name} is archived: it can still be read and printed, and unarchived here.",
        )
    return redirect("plan-details", plan.slug)


@login_required
def plans_archived(request, organisation_slug):
    organisation, powers = organisation_for(request, organisation_slug)
    plans = Plan.objects.filter(organisation=organisation).archived().order_by("name")
    return render(
        request,
        "investplan/plans_archived.html",
        {"organisation": organisation, "plans": plans, "powers": powers},
    )


@login_required
@require_POST
def switch_organisation(request):
    """Work in another of the user's councils."""
    organisation, _ = organisation_for(request, request.POST.get("organisation", ""))
    request.session[SESSION_KEY] = organisation.slug
    messages.success(request, f"You are working in {organisation.name}.")
    return redirect("home")


@login_required
def assumptions(request, plan_slug):
    """What the plan's costs rest on. Everyone may read them; finance officers change them
    while the plan is not approved."""
    plan = plan_for(request, plan_slug)
    powers = powers_over(request.user, plan)
    if request.method == "POST":
        plan, powers = plan_to_edit(request, plan_slug)
    forms = assumptions_forms(plan, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if all(form.is_valid() for form in forms):
            try:
                saved = save_assumptions(user=request.user, plan=plan, forms=forms)
            except IntegrityError:
                forms[1].non_form_errors().append("Give each financial year one pay award.")
            else:
                messages.success(
                    request,
                    "Assumptions saved. Every line is being costed again on them: the figures "
                    "follow within a minute."
                    if saved == "later"
                    else "Assumptions saved. Every figure is costed on them.",
                )
                return redirect("assumptions", plan.slug)
    form, awards, rates = forms
    return render(
        request,
        "investplan/assumptions.html",
        {"plan": plan, "powers": powers, "form": form, "awards": awards, "rates": rates},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_status(request, plan_slug):
    """A head of service approves a plan, recording the committee and the meeting that
    approved it (its lines are then fixed), or reopens it. Asked for by GET (a bookmark,
    the address typed), it goes to the plan's lines, where the buttons are, and says so."""
    plan = plan_for(request, plan_slug)
    if request.method == "GET":
        messages.info(
            request,
            f"{plan.name} is "
            + ("a draft" if plan.status == PlanStatus.DRAFT else plan.get_status_display().lower())
            + ". A head of service "
            + ("reopens" if plan.status == PlanStatus.APPROVED else "approves")
            + " it with the button on this page.",
        )
        return redirect("posts:workspace", plan.slug)
    if not powers_over(request.user, plan).can_approve:
        raise PermissionDenied("Only a head of service approves a plan, and not while archived.")
    if request.POST.get("action") == "reopen":
        reopen_plan(plan=plan)
        messages.success(request, f"{plan.name} is reopened for changes.")
        return redirect("posts:workspace", plan.slug)
    form = ApproveForm(request.POST)
    if plan.status == PlanStatus.APPROVED:
        form.add_error(None, f"{plan.name} is already approved: reopen it to approve it again.")
    if not form.is_valid():
        return render(
            request,
            "investplan/approve.html",
            {"plan": plan, "approve_form": form},
            status=422,
        )
    baseline = approve_plan(plan=plan, user=request.user, **form.cleaned_data)
    messages.success(
        request,
        f"{plan.name} is approved by {plan.committee} on {plan.meeting_date:%-d %B %Y}; its "
        f"lines are now fixed, and its tables are kept as approved on "
        f"{timezone.localtime(baseline.approved_at):%-d %B %Y}.",
    )
    return redirect("posts:workspace", plan.slug)


@login_required
def findings(request, organisation_slug, inspection_id=None):
    """A council's inspections and their findings, which lines are linked to."""
    organisation, powers = organisation_for(request, organisation_slug)
    inspection = None
    if inspection_id is not None:
        inspection = get_object_or_404(Inspection, pk=inspection_id, organisation=organisation)
    if request.method == "POST" and not powers.can_keep_findings:
        raise PermissionDenied("Your role may read findings but not record them.")
    data = request.POST if request.method == "POST" else None
    form = InspectionForm(data, instance=inspection or Inspection(organisation=organisation))
    form.instance.organisation = organisation
    findings = findings_formset(form.instance, data) if inspection else None
    status = 200
    if data is not None:
        status = 422
        forms = [form, findings] if findings is not None else [form]
        if all(each.is_valid() for each in forms):
            save_council_reference(user=request.user, organisation=organisation, forms=forms)
            messages.success(request, "Inspection saved.")
            return redirect("inspection", organisation.slug, form.instance.pk)
    inspections = Inspection.objects.filter(organisation=organisation).prefetch_related("findings")
    return render(
        request,
        "investplan/findings.html",
        {
            "organisation": organisation,
            "powers": powers,
            "inspections": inspections,
            "inspection": inspection,
            "form": form,
            "findings": findings,
        },
        status=status,
    )


@login_required
def users(request, organisation_slug):
    """An admin's list of the council's people and their roles, and the invitations out."""
    organisation, _ = organisation_for(request, organisation_slug, needs="can_manage_users")
    form = InvitePersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                invitation, token = invite_person(
                    organisation=organisation, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                link = request.build_absolute_uri(reverse("invitation", args=[token]))
                # The link is shown once, to pass on if the email does not arrive.
                if send_invitation(invitation=invitation, link=link):
                    messages.success(
                        request,
                        f"Invitation sent to {invitation.email}. Their link, which works "
                        f"once: {link}",
                    )
                else:
                    messages.warning(
                        request,
                        f"The email to {invitation.email} could not be sent: pass them this "
                        f"link yourself, which works once: {link}",
                    )
                return redirect("users", organisation.slug)
    people = Membership.objects.filter(organisation=organisation).select_related("user")
    invitations = Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, expires_at__gt=timezone.now()
    )
    return render(
        request,
        "investplan/users.html",
        {
            "organisation": organisation,
            "people": people,
            "invitations": invitations,
            "form": form,
            "roles": Role.choices,
        },
        status=status,
    )


@login_required
@require_POST
def invitation_withdraw(request, organisation_slug, invitation_id):
    organisation, _ = organisation_for(request, organisation_slug, needs="can_manage_users")
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    withdraw_invitation(invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} is withdrawn.")
    return redirect("users", organisation.slug)


def invitation(request, token):
    """Where an invitation's link leads: a new account, or the signed-in person's own,
    joins the council invited to, and no other."""
    form = None
    try:
        invited = open_invitation(token)
        if not request.user.is_authenticated:
            form = AcceptInvitationForm(request.POST or None)
        if request.method == "POST" and (form is None or form.is_valid()):
            if form is None:
                joined = accept_invitation(token=token, user=request.user)
            else:
                joined = accept_invitation_as_new_user(
                    token=token, password=form.cleaned_data["password1"]
                )
                login(request, joined.user, backend="investplan.signing_in.UsernameInAnyCase")
            request.session[SESSION_KEY] = joined.organisation.slug
            messages.success(
                request,
                f"You have joined {joined.organisation.name} as "
                f"{joined.get_role_display().lower()}.",
            )
            return redirect("home")
    except InvitationRefused as refusal:
        return render(
            request,
            "investplan/invitation_refused.html",
            {"refusal": str(refusal)},
            status=410 if refusal.gone else 404,
        )
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        _form_errors(form, error)
    return render(
        request,
        "investplan/invitation.html",
        {"invitation": invited, "form": form},
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def membership(request, organisation_slug, membership_id):
    organisation, _ = organisation_for(request, organisation_slug, needs="can_manage_users")
    member = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        if request.POST.get("action") == "remove":
            remove_person(membership=member)
            messages.success(request, f"{member.user.get_username()} removed.")
        else:
            change_role(membership=member, role=request.POST.get("role", ""))
            messages.success(
                request, f"{member.user.get_username()} is now {member.get_role_display()}."
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("users", organisation.slug)


@login_required
def reference(request, organisation_slug):
    """An admin's way in to the council's reference data."""
    organisation, _ = organisation_for(request, organisation_slug, needs="can_keep_reference_data")
    return render(
        request,
        "investplan/reference.html",
        {"organisation": organisation, "plans": Plan.objects.filter(organisation=organisation)},
    )
