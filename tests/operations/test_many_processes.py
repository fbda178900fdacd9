"""Many processes, one truth (issue 18, point 4): two gunicorns (two processes each) and a
task worker on one PostgreSQL database. What is saved through one is what the other
serves on its next request, figures included; nothing is cached in a process."""

import re
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from urllib import error, parse, request

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum

from figures.models import LineFigures, LineYearFigure
from investplan.templatetags.investplan import pounds
from posts.models import PlanLine
from tests.e2e.conftest import PASSWORD
from tests.operations.running import ROOT, clean_environment

pytestmark = [
    pytest.mark.processes,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="several processes on one database is how PostgreSQL is used; SQLite is "
        "for one person on a laptop (make run)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database pytest made, for the processes to share with the test."""
    db = connection.settings_dict
    password = f":{parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{parse.quote(db['USER'])}{password}@{db['HOST'] or '127.0.0.1'}"
        f":{db['PORT'] or 5432}/{db['NAME']}"
    )


def environment(**extra) -> dict:
    return clean_environment(
        # The suite's settings (quick password hashing, static files found in the apps, so
        # no collectstatic) on DEBUG off, as production runs.
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=database_url(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_COOKIES="0",
        **extra,
    )


class Site:
    """One app process group, asked as a browser asks: its own cookies, no redirects
    followed."""

    def __init__(self, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.cookies = CookieJar()

        class Stay(request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = request.build_opener(request.HTTPCookieProcessor(self.cookies), Stay)

    def ask(self, address: str, form: dict | None = None) -> tuple[int, str]:
        data = parse.urlencode(form, doseq=True).encode() if form is not None else None
        try:
            with self.opener.open(self.url + address, data=data, timeout=60) as answer:
                return answer.status, answer.read().decode()
        except error.HTTPError as answer:
            return answer.code, answer.read().decode()

    def form_on(self, address: str) -> dict:
        status, page = self.ask(address)
        assert status == 200, (address, status)
        return form_fields(page)

    def sign_in(self, username: str) -> None:
        form = self.form_on("/sign-in/")
        status, _ = self.ask("/sign-in/", {**form, "username": username, "password": PASSWORD})
        assert status == 302


class FormFields(HTMLParser):
    """The fields of a page's forms as the browser would post them (the last of a name
    wins, as the forms here have each once)."""

    def __init__(self):
        super().__init__()
        self.fields, self.select, self.textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.setdefault(name, []).append(attrs.get("value", "on"))
            elif attrs.get("type") not in {"submit", "button"}:
                self.fields[name] = [attrs.get("value", "")]
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select].append(attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = [""]

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] = [self.fields[self.textarea][0] + data]

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def form_fields(page: str) -> dict:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


def start(args: list[str], **extra) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment(**extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_until_healthy(site: Site, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 180  # Django starting on a loaded machine
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{site.url} stopped"
        try:
            status, body = site.ask("/healthz")
        except OSError:
            status = None
        if status == 200:
            return
        time.sleep(0.5)
    pytest.fail(f"{site.url} did not answer /healthz with 200: {status} {body}")


@pytest.fixture(scope="module")
def sites(django_db_setup):
    """Site A and site B, two gunicorns of two processes each, and one task worker, on
    the test database; started once for these tests (each test makes its own data)."""
    processes = [start(["manage.py", "db_worker", "--no-startup-delay"])]
    found = []
    try:
        for _ in range(2):
            port = free_port()
            gunicorn = start(
                ["-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "config.wsgi"],
                HOST="127.0.0.1",
                PORT=str(port),
                WEB_CONCURRENCY="2",
            )
            processes.append(gunicorn)
            found.append(Site(port))
        for site, process in zip(found, processes[1:], strict=True):
            wait_until_healthy(site, process)
        yield found
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)


@pytest.fixture
def signed_in(sites, council_plan):
    """Sites A and B, each with the plan's finance officer signed in."""
    for site in sites:
        site.sign_in("fiona")
    return sites


def line_row(page: str, line: PlanLine) -> str:
    found = re.search(rf'<tr[^>]*id="line-{line.pk}".*?</tr>', page, re.S)
    assert found, f"no row for line {line.pk}"
    return found.group(0)


def plan_totals(page: str) -> str:
    found = re.search(r'<tr[^>]*id="plan-totals".*?</tr>', page, re.S)
    assert found
    return found.group(0)


def stored_total(plan):
    """The plan's cost over its years, added up from the figures stored in the database."""
    total = LineYearFigure.objects.filter(plan=plan).aggregate(total=Sum("cost_in_pounds"))
    return getattr(total["total"], "amount", total["total"])


def save_fte(site: Site, plan, line, fte: str, form: dict | None = None) -> int:
    address = f"/plans/{plan.slug}/lines/{line.pk}/"
    form = form or site.form_on(address)
    status, _ = site.ask(address, {**form, "fte": fte})
    return status


def test_it_serves_through_one_process_what_was_saved_through_another(signed_in, council_plan):
    a, b = signed_in
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    status, before = b.ask(f"/plans/{plan.slug}/lines/")  # B has served the plan before the change
    assert status == 200
    assert pounds(stored_total(plan)) in plan_totals(before)

    assert save_fte(a, plan, social_worker, "0.5") == 302

    status, after = b.ask(f"/plans/{plan.slug}/lines/")
    assert status == 200
    figures = LineFigures.objects.get(line=social_worker)
    assert str(figures.fte) in ("0.5", "0.50", "0.500")
    row = line_row(after, social_worker)
    assert ">0.5<" in row
    assert pounds(figures.full_year_in_pounds.amount) in row
    assert pounds(stored_total(plan)) in plan_totals(after)
    assert stored_total(plan) != 0
    assert plan_totals(after) != plan_totals(before)


def test_it_prints_in_the_committee_table_of_one_process_what_was_saved_through_another(
    signed_in, council_plan
):
    a, b = signed_in
    plan, manager = council_plan["plan"], council_plan["lines"][1]
    report = f"/plans/{plan.slug}/reports/resource-requirement/"
    _, before = a.ask(report)
    total_before = pounds(stored_total(plan))
    assert total_before in before

    assert save_fte(b, plan, manager, "2") == 302

    status, after = a.ask(report)
    assert status == 200
    total_after = pounds(stored_total(plan))
    assert total_after != total_before
    assert total_after in after


def test_it_refuses_through_one_process_a_save_from_a_version_another_has_moved_past(
    signed_in, council_plan
):
    a, b = signed_in
    plan, social_worker = council_plan["plan"], council_plan["lines"][0]
    stale = b.form_on(f"/plans/{plan.slug}/lines/{social_worker.pk}/")

    assert save_fte(a, plan, social_worker, "0.5") == 302
    assert save_fte(b, plan, social_worker, "3", form=stale) == 409

    assert str(PlanLine.objects.get(pk=social_worker.pk).fte).rstrip("0") == "0.5"
