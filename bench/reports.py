"""Benchmark the committee tables on a generated plan of 2,000 lines (issue 3).

Targets: any HTML table page under 300 ms of server time; the Excel file under 2 s; the
PDF at most 1.2 times what WeasyPrint alone takes to lay out the same HTML; an unchanged
plan's PDF served from the cache under 100 ms.

Run: `.venv/bin/python bench/reports.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set). `--skip-pdf` leaves out the PDF, which takes a minute or more. `--employer-ni`
costs the plan with employer NI, pension and levy instead of a flat 29%.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal

import django_setup  # noqa: F401  (first: sets Django up)
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment

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
from reports.builders import REPORTS, ReportOptions
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


def build_plan(rng: random.Random, lines_wanted: int = LINES) -> Plan:
    organisation = Organisation.objects.create(name="Bench Council", slug="bench")
    plan = Plan.objects.create(
        organisation=organisation,
        name="Bench plan",
        slug="bench-2025",
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
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    Membership.objects.create(user=user, organisation=organisation, role="head_of_service")
    return Plan.objects.select_related("organisation").get(pk=plan.pk)


def timed(function, runs=RUNS):
    timings = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings), result


def main():
    call_command("migrate", verbosity=0)
    # Start up as the server does (config/wsgi.py), gc.freeze() included.
    import config.wsgi  # noqa: F401

    setup_test_environment()
    plan = build_plan(random.Random(2025))
    client = Client()
    client.login(username="bench", password="bench-password-1")
    database = os.environ["DATABASE_URL"].split(":")[0]
    on_costs = "employer NI, pension and levy" if "--employer-ni" in sys.argv else "flat 29%"
    print(
        f"{LINES} lines, {len(plan.financial_years)} financial years, on-costs {on_costs}, "
        f"database {database}"
    )
    from figures.costing import costing_cache

    for slug in REPORTS:
        page = f"/plans/{plan.slug}/reports/{slug}/"

        def cold(page=page):
            costing_cache.clear()  # as after any change to the plan: costed afresh
            return client.get(page)

        cold_best, cold_median, response = timed(cold)
        assert response.status_code == 200
        best, median, response = timed(lambda page=page: client.get(page))
        print(
            f"HTML {slug:22} unchanged plan: best {best * 1000:4.0f} ms, median "
            f"{median * 1000:4.0f} ms | first view after a change: best "
            f"{cold_best * 1000:4.0f} ms, median {cold_median * 1000:4.0f} ms "
            f"({len(response.content):,} bytes)"
        )
    for slug in ("resource-requirement", "findings"):
        best, median, response = timed(
            lambda slug=slug: client.get(f"/plans/{plan.slug}/reports/{slug}/xlsx/")
        )
        assert response.status_code == 200
        print(f"Excel {slug:21} best {best:6.2f} s   median {median:6.2f} s")
    if "--skip-pdf" in sys.argv:
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
    from reports.services import make_pdf, request_pdf

    render = request_pdf(plan=plan, report="multi-year", options=ReportOptions(), background=True)
    make_pdf(render)
    best, median, response = timed(
        lambda: client.get(f"/plans/{plan.slug}/reports/multi-year/pdf/"), runs=20
    )
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    print(f"PDF from the cache: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms")


if __name__ == "__main__":
    main()
