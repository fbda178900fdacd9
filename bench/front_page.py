"""Benchmark a plan's front page and the home page (issue 19, point 6).

Target: the front page of a 2,000-line plan under 300 ms, in a fresh process with nothing
in memory, on PostgreSQL and SQLite. The plan is the report bench's generated plan (20
workstreams, 30 findings, five funding sources paying for every other line), with two of
its sources ending within the plan and five lines that cannot be costed, so every part of
the page has something to show. Also timed: the council's home page.

Each page is timed as the report bench times a table (`bench/reports.py`): in a process
of its own, Django warmed up on another, one-line plan's same page, then the first request
for the 2,000-line plan, then the median of five more, and the page's query count. The
multi-year summary is timed beside them, as a yardstick on a shared machine.

Run: `.venv/bin/python bench/front_page.py` (a fresh SQLite file in /tmp unless
DATABASE_URL is set; on PostgreSQL, point DATABASE_URL at an empty database).
"""

import random
import time
from datetime import date

# isort: off
from server_time import generated_plans  # first: sets Django up as a server runs

# isort: on
from django.core.management import call_command
from django.db import connection

from figures.services import refigure_plan
from funding.models import FundingSource
from posts.models import PlanLine

reports = generated_plans()


def main():
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    plan = reports.build_plan(random.Random(2025))
    FundingSource.objects.filter(organisation=plan.organisation, name="Grant 0").update(
        end_date=date(2026, 3, 31)
    )
    FundingSource.objects.filter(organisation=plan.organisation, name="Grant 1").update(
        end_date=date(2027, 3, 31)
    )
    count = plan.lines.count()
    PlanLine.objects.bulk_create(
        # No grade and no salary: these lines cannot be costed.
        PlanLine(
            plan=plan, position=count + n, title=f"Analyst {n}", fte=1, start_date=date(2025, 4, 1)
        )
        for n in range(5)
    )
    refigure_plan(plan=plan)
    built = time.perf_counter() - started
    warm = reports.build_plan(random.Random(1), lines_wanted=1, slug="warm")
    print(
        f"{plan.lines.count()} lines, {len(plan.financial_years)} financial years, database "
        f"{connection.vendor} (plan made and its figures stored in {built:.1f} s)"
    )
    for label, warm_address, address in (
        ("front page", f"/plans/{warm.slug}/", f"/plans/{plan.slug}/"),
        ("home page", "/", "/"),
        # For comparison, on the same machine at the same moment: the committee table
        # whose figures the front page's first table repeats.
        (
            "multi-year summary",
            f"/plans/{warm.slug}/reports/multi-year/",
            f"/plans/{plan.slug}/reports/multi-year/",
        ),
    ):
        reports.report(label, reports.in_fresh_process(("warm", warm_address), ("bench", address)))


if __name__ == "__main__":
    main()
