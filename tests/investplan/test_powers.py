"""Who may do what is decided in one place (issue 17, point 6): every role's answer to
every power, on open, approved and archived plans; the controls each role is shown; and
no view or template deciding by a role of its own."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from investplan.models import PlanStatus, Role
from investplan.permissions import Powers, powers_over
from tests.factories import MembershipFactory, PlanFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ("investplan", "posts", "reports", "funding")

OPEN, APPROVED, ARCHIVED, APPROVED_AND_ARCHIVED = "open", "approved", "archived", "both"
ANY_PLAN = (OPEN, APPROVED, ARCHIVED, APPROVED_AND_ARCHIVED)
ROLES = (Role.VIEWER, Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER, Role.ADMIN)
Y, N = True, False

# The expected answers, written out rather than worked out, so a change to who may do
# what shows here as a changed row.
#   power                     plans                                   viewer head  fin. admin
TABLE = [
    ("can_read", ANY_PLAN, Y, Y, Y, Y),
    ("can_print", ANY_PLAN, N, Y, Y, Y),
    ("can_edit", (OPEN,), N, N, Y, Y),
    ("can_edit", (APPROVED, ARCHIVED, APPROVED_AND_ARCHIVED), N, N, N, N),
    ("can_edit_once_reopened", (APPROVED,), N, N, Y, Y),
    ("can_edit_once_reopened", (OPEN, ARCHIVED, APPROVED_AND_ARCHIVED), N, N, N, N),
    ("can_approve", (OPEN, APPROVED), N, Y, N, Y),
    ("can_approve", (ARCHIVED, APPROVED_AND_ARCHIVED), N, N, N, N),
    ("can_start_plans", ANY_PLAN, N, N, Y, Y),
    ("can_copy_scenarios", ANY_PLAN, N, N, Y, Y),
    ("can_archive", ANY_PLAN, N, N, Y, Y),
    ("can_keep_findings", ANY_PLAN, N, N, Y, Y),
    ("can_keep_funding_sources", ANY_PLAN, N, N, Y, Y),
    ("can_import", ANY_PLAN, N, N, N, Y),
    ("can_keep_reference_data", ANY_PLAN, N, N, N, Y),
    ("can_manage_users", ANY_PLAN, N, N, N, Y),
]

CASES = [
    (power, plan, role, answer)
    for power, plans, *answers in TABLE
    for plan in plans
    for role, answer in zip(ROLES, answers, strict=True)
]


def powers_of(role, plan: str) -> Powers:
    return Powers(
        role,
        plan_approved=plan in (APPROVED, APPROVED_AND_ARCHIVED),
        plan_archived=plan in (ARCHIVED, APPROVED_AND_ARCHIVED),
    )


def named_powers() -> set[str]:
    return {name for name in vars(Powers) if name.startswith("can_")}


@pytest.mark.parametrize(("power", "plan", "role", "answer"), CASES)
def test_it_answers_each_power_for_each_role_and_plan(power, plan, role, answer):
    assert getattr(powers_of(role, plan), power) is answer


def test_it_has_a_row_for_every_power_role_and_plan():
    covered = {(power, plan, role) for power, plan, role, _ in CASES}

    assert len(covered) == len(CASES)  # no power, plan and role answered twice
    assert covered == {
        (power, plan, role) for power in named_powers() for plan in ANY_PLAN for role in ROLES
    }


@pytest.mark.parametrize("plan", ANY_PLAN)
def test_it_gives_someone_outside_the_council_no_power(plan):
    outsider = powers_of(None, plan)

    assert [name for name in sorted(named_powers()) if getattr(outsider, name)] == []


@pytest.mark.django_db
@pytest.mark.parametrize("plan_state", ANY_PLAN)
def test_it_reads_a_plans_approval_and_archiving_for_its_powers(plan_state):
    facts = {}
    if plan_state in (APPROVED, APPROVED_AND_ARCHIVED):
        facts["status"] = PlanStatus.APPROVED
    if plan_state in (ARCHIVED, APPROVED_AND_ARCHIVED):
        facts["archived_at"] = timezone.now()
    plan = PlanFactory(**facts)
    user = MembershipFactory(organisation=plan.organisation, role=Role.FINANCE_OFFICER).user

    assert powers_over(user, plan) == powers_of(Role.FINANCE_OFFICER, plan_state)


# The controls each role is shown, page by page, as the powers above allow.
CONTROLS = [
    # (page, words or address on it, roles shown it)
    ("home", "Start a plan", {Role.FINANCE_OFFICER, Role.ADMIN}),
    ("home", "Import an appendix", {Role.ADMIN}),
    ("home", "Funding sources</a>", {Role.FINANCE_OFFICER, Role.ADMIN}),
    ("home", "Reference data</a>", {Role.ADMIN}),
    ("home", "Imports</a>", {Role.ADMIN}),
    ("home", "Users</a>", {Role.ADMIN}),
    (
        "approved workspace",
        "its lines can no longer be changed",
        {Role.FINANCE_OFFICER, Role.ADMIN},
    ),
    ("approved workspace", "Reopen the plan", {Role.HEAD_OF_SERVICE, Role.ADMIN}),
    ("scenarios", "Copy into a scenario", {Role.FINANCE_OFFICER, Role.ADMIN}),
    ("report", "Download PDF", {Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER, Role.ADMIN}),
]


def page_address(page: str, plan) -> str:
    return {
        "home": reverse("home"),
        "approved workspace": reverse("posts:workspace", args=[plan.slug]),
        "scenarios": reverse("reports:scenarios", args=[plan.slug]),
        "report": reverse("reports:report", args=[plan.slug, "resource-requirement"]),
    }[page]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_it_shows_each_role_the_controls_its_powers_allow(client, role):
    plan = PlanFactory(status=PlanStatus.APPROVED)
    client.force_login(MembershipFactory(organisation=plan.organisation, role=role).user)
    pages = {page: client.get(page_address(page, plan)) for page in {p for p, _, _ in CONTROLS}}

    shown = {(page, words) for page, words, _ in CONTROLS if words in pages[page].content.decode()}

    assert all(response.status_code == 200 for response in pages.values())
    assert shown == {(page, words) for page, words, roles in CONTROLS if role in roles}


# What deciding by role looks like, outside investplan/permissions.py.
ROLE_VALUES = "|".join(Role.values)
ROLE_NAMES = "|".join(Role.names)
DECIDING_IN_PYTHON = [
    re.compile(rf"\bRole\.({ROLE_NAMES})\b"),  # Role.ADMIN
    re.compile(rf"""["']({ROLE_VALUES})["']"""),  # "admin"
    re.compile(r"\.role\b"),  # membership.role, powers.role
    re.compile(r"\brole_in\("),
    re.compile(r"\b(PRINTERS|EDITORS|APPROVERS|ADMINS)\b"),
    re.compile(r"\bis_(staff|superuser)\b"),
]
DECIDING_IN_TEMPLATES = [
    re.compile(r"\bpowers\.role\b"),  # powers.role in "finance_officer admin"
    re.compile(rf"""["'][^"']*\b({ROLE_VALUES})\b[^"']*["']"""),  # == "admin"
]
TEMPLATE_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def roles_decided_in_python(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if any(pattern.search(line.split("#")[0]) for pattern in DECIDING_IN_PYTHON)
    ]


def roles_decided_in_template(text: str) -> list[str]:
    return [
        tag
        for tag in TEMPLATE_TAG.findall(text)
        # A template's name ("admin/base_site.html") is not a role.
        if not tag.startswith(("{% extends ", "{% include "))
        and any(pattern.search(tag) for pattern in DECIDING_IN_TEMPLATES)
    ]


def view_modules() -> list[Path]:
    """Views, the context processor and template tags: what answers a request."""
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.name in {"views.py", "context_processors.py"}
        or path.name.endswith("_views.py")
        or "templatetags" in path.parts
    )


def test_it_finds_the_ways_roles_were_decided_before_powers_had_names():
    # Each of these stood in a view or a template before issue 17.
    assert roles_decided_in_python("    if role_in(request.user, org.pk) != Role.ADMIN:")
    assert roles_decided_in_python("    may_copy = role_in(user, plan.organisation_id) in EDITORS")
    assert roles_decided_in_python('    if membership.role == "finance_officer":')
    assert roles_decided_in_template(
        '{% elif powers.role in "finance_officer admin" and not powers.can_edit %}'
    )
    assert roles_decided_in_template("{% if membership.role == 'admin' %}")
    assert not roles_decided_in_template("<p>Only the council's admins import.</p>")
    assert not roles_decided_in_python('    role=request.POST.get("role", "")')


def test_it_finds_every_view_module_it_reads():
    names = {str(path.relative_to(ROOT)) for path in view_modules()}

    assert {
        "investplan/views.py",
        "investplan/context_processors.py",
        "posts/views.py",
        "posts/line_views.py",
        "reports/scenario_views.py",
        "funding/views.py",
    } <= names


def test_it_decides_no_role_in_a_view():
    decided = {
        str(path.relative_to(ROOT)): found
        for path in view_modules()
        if (found := roles_decided_in_python(path.read_text()))
    }

    assert decided == {}


def test_it_decides_no_role_in_a_template():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    decided = {
        str(path.relative_to(ROOT)): found
        for path in templates
        if (found := roles_decided_in_template(path.read_text()))
    }

    assert len(templates) > 40
    assert decided == {}
