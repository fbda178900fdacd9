"""Every address of the site walked as an attacker would (issue 18, item 5): each route of
the URLconf, as each role and signed out, by GET and POST, with its ids those of the
user's council, of another council and hostile, and with hostile query strings and form
values. No answer is a server error, and none shows anything of the other council.

Each request runs in a savepoint rolled back after it, so every request meets the same
plans (a delete or an archive does not hide the rest of the walk)."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from investplan import health
from investplan.models import Finding, Inspection, Role
from investplan.services import approve_plan, invite_person
from posts.models import AppendixImport, ImportStatus
from reports.builders import REPORTS
from reports.models import RenderedReport, RenderStatus
from reports.plan_charts import CHARTS
from reports.services import baseline_keys
from tests.factories import (
    AllocationFactory,
    FundingSourceFactory,
    MembershipFactory,
    OrganisationFactory,
    PayScaleFactory,
    PlanFactory,
    PlanLineFactory,
    WorkstreamFactory,
    make_grade,
)
from tests.posts.appendix_files import SEED_001, csv_bytes

pytestmark = pytest.mark.django_db

# Written only into the other council's data: no page a user of ours sees may hold it.
THEIRS = "Zanzibar"
ROLES = [Role.VIEWER, Role.HEAD_OF_SERVICE, Role.FINANCE_OFFICER, Role.ADMIN, None]

HOSTILE = [
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic three, which int() reads
    "１２",  # full-width digits
    "9" * 5000,  # past int()'s 4,300 digits
    "9" * 25,  # past any id column
    "-1",
    "0",
    "1e999",
    "NaN",
    "a\x00b",
    "\x00",
    "x" * 20_000,
    '<script>alert("x")</script>',
    "=CMD()",
    "' OR 1=1 --",
    "../../etc/passwd",
    "",
    " ",
    "none",
    "2025-02-30",
]
REPEATED = ["1", "²"]  # a key given twice, as an array

# What views read from the query string, beside what a page's forms name.
QUERY_KEYS = [
    "workstream", "status", "phase", "sort", "dir", "by", "appendix", "q", "show", "open",
    "upto", "group", "from", "page", "years", "with", "pay_award", "on_cost", "add-year",
    "next", "version", "to_version", "action", "organisation", "role",
]  # fmt: skip


@dataclass(frozen=True)
class Council:
    organisation: object
    plan: object
    approved: object
    line: object
    membership: object
    ids: dict


def council(name: str, slug: str) -> Council:
    organisation = OrganisationFactory(name=f"{name} Council", slug=slug)
    plan = PlanFactory(
        organisation=organisation, name=f"{name} plan", slug=f"{slug}-plan",
        first_year=2025, last_year=2026,
    )  # fmt: skip
    workstream = WorkstreamFactory(plan=plan, name=f"{name} workstream")
    scale = PayScaleFactory(organisation=organisation, name=f"{name} pay scale")
    grade = make_grade(scale, f"{name[:3]}G", ["32000", "34000"], year=2025)
    line = PlanLineFactory(
        plan=plan, workstream=workstream, title=f"{name} social worker",
        start_date=date(2025, 4, 1), grade=grade, annual_salary=None,
    )  # fmt: skip
    source = FundingSourceFactory(organisation=organisation, name=f"{name} grant")
    AllocationFactory(line=line, source=source, percent=Decimal("50"))
    inspection = Inspection.objects.create(organisation=organisation, kind="ilacs")
    Finding.objects.create(inspection=inspection, reference="para 1", text=f"{name} finding")
    approved = PlanFactory(
        organisation=organisation, name=f"{name} approved plan", slug=f"{slug}-approved",
        first_year=2025, last_year=2026,
    )  # fmt: skip
    PlanLineFactory(plan=approved, title=f"{name} team manager", start_date=date(2025, 4, 1))
    approve_plan(plan=approved, committee=f"{name} cabinet")
    membership = MembershipFactory(
        organisation=organisation, role=Role.VIEWER, user__username=f"{slug}-someone"
    )
    preview = AppendixImport.objects.create(
        organisation=organisation, plan_slug=f"{slug}-import", file_name=f"{name}.csv",
        sha256="0" * 64, data=csv_bytes(SEED_001), status=ImportStatus.PREVIEWED,
    )  # fmt: skip
    render = RenderedReport.objects.create(
        plan=plan, report="resource-requirement", options_key="0" * 64,
        plan_revision=plan.revision, organisation_revision=organisation.revision,
        status=RenderStatus.DONE, content=b"%PDF-1.4", filename=f"{name}.pdf",
    )  # fmt: skip
    invitation, token = invite_person(
        organisation=organisation, email=f"invitee@{slug}.example.gov.uk",
        name=f"{name} invitee", role=Role.VIEWER, invited_by=membership.user,
    )  # fmt: skip
    ids = {
        "invitation_id": invitation.pk,
        "token": token,
        "uidb64": urlsafe_base64_encode(force_bytes(membership.user_id)),
        "line_id": line.pk, "import_id": preview.pk, "inspection_id": inspection.pk,
        "membership_id": membership.pk, "scale_id": scale.pk, "render_id": render.pk,
        "baseline_id": approved.baselines.get().pk,
        "object_id": line.pk, "id": membership.user_id, "content_type_id": 1,
    }  # fmt: skip
    return Council(organisation, plan, approved, line, membership, ids)


@pytest.fixture(autouse=True)
def health_asks_once(monkeypatch):
    """`/healthz` polls for a heartbeat it has asked for, every 0.2 s for 3 s. No task
    worker runs in the tests, so it answers 503 whatever it waits, and each request here
    is rolled back (the next asks again): one poll goes the same way as fifteen."""
    monkeypatch.setattr(health, "ANSWER_WITHIN_SECONDS", 0.2)


@pytest.fixture
def world():
    ours = council("Ourtown", "ourtown")
    theirs = council(THEIRS, "elsewhere")
    users = {
        role: MembershipFactory(organisation=ours.organisation, role=role).user for role in ROLES
        if role
    }  # fmt: skip
    return ours, theirs, users


# -- the routes --------------------------------------------------------------------------


# A path parameter: <int:line_id> in a route, (?P<app_label>auth|posts) in a regex.
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # the whole route, as its patterns write it
    name: str

    @property
    def params(self) -> list[str]:
        return [a or b for a, b in PARAMETER.findall(self.pattern)]

    def address(self, values: dict[str, str]) -> str:
        def value(match):
            return quote(str(values[match.group(1) or match.group(2)]), safe="")

        path = PARAMETER.sub(value, self.pattern)
        return "/" + path.replace("^", "").replace("$", "")


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                found.append(Route(route, pattern.name or route))

    walk(get_resolver().url_patterns)
    return found


def home_values(ours: Council) -> dict[str, str]:
    """Every path parameter filled with something of the user's own council."""
    return {
        "plan_slug": ours.plan.slug,
        "organisation_slug": ours.organisation.slug,
        "report_slug": "resource-requirement",
        "chart_slug": "cost-by-year",
        "key": next(iter(baseline_keys())),
        "app_label": "posts",
        "url": "no/such/page",
        **{name: str(value) for name, value in ours.ids.items()},
    }


def other_values(name: str, ours: Council, theirs: Council) -> list[str]:
    """What else each path parameter is tried with: the other council's, then hostile (a
    value the route's converter refuses is a 404 before any view, so one of those will do)."""
    if name == "plan_slug":
        return [ours.approved.slug, theirs.plan.slug, "no-such-plan"]
    if name == "organisation_slug":
        return [theirs.organisation.slug, "no-such-council"]
    if name == "report_slug":
        return [*REPORTS, "no-such-report"]
    if name == "chart_slug":
        return [*CHARTS, "no-such-chart"]
    if name == "key":
        return [*baseline_keys(), "no-such-table"]
    if name == "token":
        # Holding another council's invitation link is being invited there: its page
        # names that council, rightly. Only made-up links here.
        return ["not-a-token", "²", "x" * 300]
    if name == "uidb64":
        return [str(theirs.ids[name]), "²", "x" * 300]
    if name in theirs.ids:
        return [str(theirs.ids[name]), "0", "9" * 25, "²"]
    return []


def addresses(route: Route, ours: Council, theirs: Council) -> tuple[str, list[str]]:
    """The route at home, and with one parameter changed at a time (and all theirs). The
    admin site sends everyone but staff to its sign-in before reading its address, so it
    is walked at home only; a PDF of each table is laid out once, by the HTML page."""
    home = home_values(ours)
    if route.pattern.startswith("admin/"):
        return route.address(home), []
    others = []
    for name in route.params:
        for value in other_values(name, ours, theirs):
            laid_out = PDF.search(route.pattern) and name in {"report_slug", "key"}
            if laid_out and not value.startswith("no-such"):
                continue
            others.append(route.address({**home, name: value}))
    if route.params:
        all_theirs = {
            **home,
            "plan_slug": theirs.plan.slug,
            "organisation_slug": theirs.organisation.slug,
            **{name: str(value) for name, value in theirs.ids.items() if name != "token"},
        }
        others.append(route.address(all_theirs))
    return route.address(home), list(dict.fromkeys(others))


# -- asking ------------------------------------------------------------------------------


class FormNames(HTMLParser):
    """The names a page's forms send."""

    def __init__(self):
        super().__init__()
        self.names: list[str] = []

    def handle_starttag(self, tag, attrs):
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea", "button"} and name:
            self.names.append(name)


def form_names(response) -> list[str]:
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = FormNames()
    parser.feed(response.content.decode(errors="replace"))
    return list(dict.fromkeys(parser.names))


class Walk:
    """A client as one user; every answer checked, every problem kept to report at once."""

    def __init__(self, user):
        self.client = Client(raise_request_exception=False)
        self.session = None
        if user:
            self.client.force_login(user)
            self.session = self.client.cookies[django_settings.SESSION_COOKIE_NAME].value
        self.problems: list[str] = []

    def ask(self, method: str, address: str, data=None, content_type=None):
        # Signed in again before each request: the walk posts to sign-out too.
        self.client.cookies.pop(django_settings.SESSION_COOKIE_NAME, None)
        if self.session:
            self.client.cookies[django_settings.SESSION_COOKIE_NAME] = self.session
        with transaction.atomic():
            try:
                extra = {"content_type": content_type} if content_type else {}
                response = getattr(self.client, method)(address, data, **extra)
            finally:
                transaction.set_rollback(True)
        self.check(method, address, data, response)
        return response

    def check(self, method, address, data, response):
        said = f"{method.upper()} {address[:120]} {str(data)[:120] if data else ''}"
        # The health check answers 503 by design while no task worker runs (as in tests).
        unhealthy = address.startswith("/healthz") and response.status_code == 503
        if response.status_code >= 500 and not unhealthy:
            self.problems.append(f"{response.status_code} for {said}: {raised(response)}")
        body = b"".join(response) if response.streaming else response.content
        if THEIRS.encode() in body:
            self.problems.append(f"another council's data in {said}")


def raised(response) -> str:
    """The error and the last line of the project's own code it passed through."""
    if not getattr(response, "exc_info", None):
        return ""
    error, trace = response.exc_info[1], traceback.extract_tb(response.exc_info[2])
    ours = [frame for frame in trace if "site-packages" not in frame.filename]
    where = f"{ours[-1].filename}:{ours[-1].lineno}" if ours else ""
    return f"{error!r:.300} at {where}"


def hostile_rounds(keys: list[str], rounds: int, start: int):
    """`rounds` requests' worth of values: in each, every key has a different hostile
    value, and from round to round each key moves on to the next values."""
    values = [*HOSTILE, REPEATED]
    for round_ in range(rounds):
        yield {
            key: values[(start + round_ * 7 + position) % len(values)]
            for position, key in enumerate(keys)
        }


def walk_route(walk: Walk, route: Route, ours: Council, theirs: Council, rounds: int):
    home, others = addresses(route, ours, theirs)
    page = walk.ask("get", home)
    names = form_names(page)
    walk.ask("post", home, {})
    for address in others:
        walk.ask("get", address)
        walk.ask("post", address, {name: "1" for name in names})
    keys = list(dict.fromkeys([*QUERY_KEYS, *names]))
    # Each route starts the values at its own place, so across routes a key meets them all.
    start = sum(map(ord, route.pattern))
    for number, values in enumerate(hostile_rounds(keys, rounds, start)):
        walk.ask("get", home, values)
        walk.ask("post", home, {name: values[name] for name in names} or values)
        if number == 0:
            walk.ask("post", home, '{"version": [1], "fte": {"a": 1}}', "application/json")


# Rounds of hostile values by role: most for the roles that reach the most code. The
# signed-out are sent to sign in whatever they send; the admin site (for staff, none of
# these) the same, so it is walked only signed out and as a viewer.
ROUNDS = {Role.VIEWER: 1, Role.HEAD_OF_SERVICE: 1, Role.FINANCE_OFFICER: 3, Role.ADMIN: 3}
PDF = re.compile(r"pdf/$")


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "signed-out")
def test_it_answers_every_route_without_a_server_error_or_another_councils_data(world, role):
    ours, theirs, users = world
    walk = Walk(users.get(role))
    for route in routes():
        if route.pattern.startswith("admin/") and role not in {None, Role.VIEWER}:
            continue
        # A PDF is laid out for every request: one round is enough to reach its options.
        rounds = min(ROUNDS.get(role, 0), 1 if PDF.search(route.pattern) else 3)
        walk_route(walk, route, ours, theirs, rounds)

    assert not walk.problems, "\n".join(walk.problems)


# -- and values hypothesis makes up -------------------------------------------------------

READ_BY_PAGES = [
    "posts:workspace",
    "reports:report",
    "posts:line-new",
    "reports:what-if",
    "reports:chart",
]


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.sampled_from(READ_BY_PAGES),
    query=st.fixed_dictionaries(
        {},
        optional={
            key: st.one_of(
                st.sampled_from(HOSTILE),
                st.text(max_size=30),
                st.from_regex(r"\d{1,30}", fullmatch=True),  # \d: Unicode digits too
            )
            for key in QUERY_KEYS
        },
    ),
)
def test_it_reads_any_query_string_on_the_pages_that_filter(world, name, query):
    ours, _, users = world
    walk = Walk(users[Role.FINANCE_OFFICER])
    route = next(route for route in routes() if route.name == name.split(":")[-1])

    walk.ask("get", route.address(home_values(ours)), query)

    assert not walk.problems, "\n".join(walk.problems)
