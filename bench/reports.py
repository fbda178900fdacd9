"""Benchmark the committee tables on a generated plan of 2,000 lines (issues 3 and 17).

Targets (issue 17, point 8): any committee table page under 100 ms in a fresh process,
nothing in memory, on PostgreSQL and SQLite; a long table's page shows its first 150
lines. Also timed: every line on one page, the Excel file; with `--pdf`, the PDF against
what WeasyPrint alone takes to lay out the same HTML.

Each page is timed in a process of its own (`--page`, started by this one), as a server
worker that has never served the plan: Django is warmed up on another, one-line plan's
same page (so URL and template loading are not counted), then the first request for the
2,000-line plan is timed, and then the median of five more. Pages read the plan's stored
figures (decision 0020); nothing is cached between requests.

Run: `.venv/bin/python bench/reports.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set; on PostgreSQL, point DATABASE_URL at an empty database, which is vacuumed and
analysed once the plans are made, as autovacuum keeps a running database). `--employer-ni`
costs the plan with employer NI, pension and levy instead of a flat 29%.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import server_time  # noqa: F401  (first: sets Django up as a server runs)
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from load import vacuum_and_analyse

from figures.services import refigure_plan
from funding.models import Allocation, FundingSource
from investplan.models import (
    Assumptions,
    EmployerNIRate,
    Finding,
    Inspection,
    Membership,
    OnCostMethod,
    Organisation,
    PayAward,
    Plan,
    Team,
    Workstream,
)
from posts.models import Grade, PayScale, PlanLine, SpinalPoint, SpinalSalary
from reports.builders import MULTI_YEAR_GROUPINGS, REPORTS, ReportOptions
from reports.documents import ReportDocument, write_pdf

LINES = 2000
RUNS = 5
WORDS = [
    *[
        "to",
        "address",
        "specific",
        "capacity",
        "issue",
        "identified",
        "in",
        "the",
        "Ofsted",
        "letter",
        "caseloads",
    ],
    *["social", "work", "practice", "improvement", "quality", "assurance", "oversight", "children"],
]


def build_plan(rng: random.Random, lines_wanted: int = LINES, slug: str = "bench") -> Plan:
    """A plan of `lines_wanted` new posts over five years with its figures stored, and a
    head of service `slug` (password "bench-password-1") of its council."""
    organisation = Organisation.objects.create(name=f"Council {slug}", slug=slug)
    plan = Plan.objects.create(
        organisation=organisation,
        name=f"Plan {slug}",
        slug=f"{slug}-2025",
        first_year=2025,
        last_year=2029,
    )
    assumptions = Assumptions.objects.create(plan=plan, increments=True)
    if "--employer-ni" in sys.argv:
        assumptions.on_cost_method = OnCostMethod.COMPUTED
        assumptions.pension_percent = Decimal("19")
        assumptions.save()
        EmployerNIRate.objects.create(
            assumptions=assumptions,
            financial_year=2025,
            percent=Decimal("15"),
            secondary_threshold=Decimal("5000"),
        )
    for year in range(2026, 2030):
        PayAward.objects.create(assumptions=assumptions, financial_year=year, percent=Decimal("3"))
    scale = PayScale.objects.create(organisation=organisation, name="NJC")
    points = []
    for ordinal in range(1, 44):
        point = SpinalPoint.objects.create(pay_scale=scale, code=str(ordinal), ordinal=ordinal)
        SpinalSalary.objects.create(
            point=point, financial_year=2025, salary=Decimal(21000 + 900 * ordinal)
        )
        points.append(point)
    grades = [
        Grade.objects.create(
            pay_scale=scale, code=f"G{i}", bottom_point=points[i * 3], top_point=points[i * 3 + 4]
        )
        for i in range(12)
    ]
    workstreams = [
        Workstream.objects.create(plan=plan, name=f"Workstream {i}", position=i) for i in range(20)
    ]
    teams = [
        Team.objects.create(organisation=organisation, name=f"District {i}") for i in range(10)
    ]
    inspection = Inspection.objects.create(organisation=organisation, kind="ilacs")
    findings = [
        Finding.objects.create(
            inspection=inspection,
            reference=f"para {i}",
            text=" ".join(rng.choices(WORDS, k=18)),
            position=i,
        )
        for i in range(30)
    ]
    sources = [
        FundingSource.objects.create(organisation=organisation, name=f"Grant {i}", kind="grant")
        for i in range(5)
    ]
    lines = []
    for position in range(lines_wanted):
        grade = rng.choice(grades)
        lines.append(
            PlanLine(
                plan=plan,
                position=position,
                kind="new_post",
                title=f"Social Worker {position}",
                grade=grade,
                point=points[grade.bottom_point.ordinal - 1 + rng.randint(0, 2)],
                fte=Decimal(rng.choice(["0.5", "1", "1.5", "2"])),
                fte_in_post=Decimal("0"),
                start_date=date(2025, 4, 1) + timedelta(days=rng.randrange(0, 500)),
                duration_months=rng.choice([None, 12, 24, 36]),
                workstream=rng.choice(workstreams),
                team=rng.choice(teams),
                phase=str(rng.randint(1, 3)),
                justification=" ".join(rng.choices(WORDS, k=20)),
            )
        )
    PlanLine.objects.bulk_create(lines)
    through = PlanLine.findings.through
    through.objects.bulk_create(
        through(planline_id=line.pk, finding_id=rng.choice(findings).pk) for line in lines
    )
    Allocation.objects.bulk_create(
        Allocation(
            line=line, source=rng.choice(sources), percent=Decimal(rng.choice(["50", "100"]))
        )
        for line in lines[::2]
    )
    user = get_user_model().objects.create_user(slug, password="bench-password-1")
    Membership.objects.create(user=user, organisation=organisation, role="head_of_service")
    # Lines made in bulk, as an import makes them: their figures stored as the import does.
    refigure_plan(plan=plan)
    return Plan.objects.select_related("organisation").get(pk=plan.pk)


def timed(function, runs=RUNS):
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings), result


PAGES = [
    *[(slug, f"reports/{slug}/") for slug in REPORTS],
    *[
        (f"multi-year by {by}", f"reports/multi-year/?by={by}")
        for by in MULTI_YEAR_GROUPINGS
        if by != "workstream"
    ],
    # A long table's page shows 150 lines (decision 0024); every line on one page:
    ("resource-requirement, all", "reports/resource-requirement/?page=all"),
    ("resource-requirement xlsx", "reports/resource-requirement/xlsx/"),
    ("resource-requirement docx", "reports/resource-requirement/docx/"),
    ("findings xlsx", "reports/findings/xlsx/"),
    # Issue 19, point 3: the financial implications in words, from the tables above.
    ("financial implications", "reports/financial-implications/"),
]


def time_page(warm: tuple[str, str], timed_page: tuple[str, str]) -> dict:
    """In this (fresh) process: warm Django on one page (a user and an address), then time
    another, first and again."""
    client = Client()
    for username, address in (warm, timed_page):
        assert client.login(username=username, password="bench-password-1")
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(address)
        first = time.perf_counter() - started
        first_cpu = time.process_time() - cpu_started
        assert response.status_code == 200, (address, response.status_code)
    _, median, _ = timed(lambda: client.get(address))
    with CaptureQueriesContext(connection) as queries:
        client.get(address)
    return {
        "first": first,
        "first_cpu": first_cpu,  # this process's CPU time: less moved by a shared machine
        "median": median,
        "bytes": len(response.content),
        "queries": len(queries),
    }


def in_fresh_process(warm: tuple[str, str], timed_page: tuple[str, str]) -> dict:
    """`time_page` in a process of its own, on this process's database."""
    child = subprocess.run(
        [sys.executable, str(Path(__file__)), "--page", *warm, *timed_page],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": os.environ["DATABASE_URL"]},
        check=False,
    )
    if child.returncode:
        print(child.stderr[-3000:])
        raise SystemExit(f"{timed_page[1]}: the page failed")
    return json.loads(child.stdout.strip().splitlines()[-1])


def report(label: str, found: dict) -> None:
    print(
        f"{label:28} fresh process {found['first'] * 1000:5.0f} ms, then median "
        f"{found['median'] * 1000:5.0f} ms; {found['queries']} queries, "
        f"{found['bytes']:,} bytes"
    )


def main():
    if "--page" in sys.argv:
        warm_user, warm_address, user, address = sys.argv[sys.argv.index("--page") + 1 :][:4]
        print(json.dumps(time_page((warm_user, warm_address), (user, address))))
        return
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = build_plan(random.Random(2025))
    built = time.perf_counter() - started
    warm = build_plan(random.Random(1), lines_wanted=1, slug="warm")
    if connection.vendor == "postgresql":
        # As a running database keeps its tables (autovacuum); this machine's has it off,
        # and unanalysed tables are planned for a few rows, not 2,000.
        vacuum_and_analyse(connection)
    database = connection.vendor
    on_costs = "employer NI, pension and levy" if "--employer-ni" in sys.argv else "flat 29%"
    print(
        f"{LINES} lines, {len(plan.financial_years)} financial years, on-costs {on_costs}, "
        f"database {database} (plan made and its figures stored in {built:.1f} s)"
    )
    for label, page in PAGES:
        warm_page = ("warm", f"/plans/{warm.slug}/{page}")
        report(label, in_fresh_process(warm_page, ("bench", f"/plans/{plan.slug}/{page}")))
    if "--pdf" not in sys.argv:
        return
    slug = "resource-requirement"
    document = ReportDocument.build(plan, slug, ReportOptions())
    html = document.print_html()
    started = time.perf_counter()
    pdf_alone = write_pdf(html)
    weasyprint_alone = time.perf_counter() - started
    started = time.perf_counter()
    full = ReportDocument.build(plan, slug, ReportOptions()).pdf()
    ours = time.perf_counter() - started
    print(
        f"PDF {slug}: WeasyPrint alone {weasyprint_alone:.1f} s, ours (rows + HTML + PDF) "
        f"{ours:.1f} s, ratio {ours / weasyprint_alone:.3f}; {len(full):,} bytes "
        f"({len(pdf_alone):,} alone)"
    )


if __name__ == "__main__":
    main()
