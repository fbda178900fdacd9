"""Benchmark comparing two plans (issue 6, point 7; issue 17, point 8).

Target (issue 17): comparing two plans of 2,000 lines each under 100 ms, in a fresh
process with nothing in memory, on PostgreSQL and SQLite.

A generated plan of 2,000 lines (the report bench's generator) is copied into a scenario
with copy_plan_as_scenario, and a quarter of the scenario's lines are changed. Each page
is timed in a process of its own, as a server worker that has never served either plan
(`bench/reports.py --page`: Django warmed up on a one-line plan's page first, then the
first request timed, then the median of five more): the comparison by each grouping, the
what-if (the one page that costs a whole plan, in memory) and the variance against an
approved baseline. The pages read the plans' stored figures (decision 0020).

Run: `.venv/bin/python bench/scenarios.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set; on PostgreSQL, point DATABASE_URL at an empty database).
"""

import random
import time
from decimal import Decimal

# isort: off
from server_time import generated_plans  # first: sets Django up

# isort: on
from django.core.management import call_command
from django.db import connection

from figures.services import refigure_lines
from investplan.services import approve_plan, copy_plan_as_scenario, reopen_plan
from posts.models import PlanLine


def main():
    call_command("migrate", verbosity=0)
    bench = generated_plans()
    plan = bench.build_plan(random.Random(2025), lines_wanted=2000)
    warm = bench.build_plan(random.Random(1), lines_wanted=1, slug="warm")
    warm_scenario = copy_plan_as_scenario(plan=warm, name="Warm scenario")
    started = time.perf_counter()
    scenario = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    print(f"copy 2,000 lines into a scenario: {(time.perf_counter() - started) * 1000:.0f} ms")
    changed = [line.pk for line in PlanLine.objects.filter(plan=scenario).order_by("position")]
    changed = changed[::4]
    PlanLine.objects.filter(pk__in=changed).update(fte=Decimal("0.5"))
    # Changed in bulk here: their figures stored again, as a save through the services does.
    refigure_lines(plan=scenario, line_ids=changed)
    print(
        f"2,000 lines in each plan, {len(plan.financial_years)} financial years, "
        f"{connection.vendor}"
    )

    for by in ("workstream", "team", "funding"):
        found = bench.in_fresh_process(
            ("warm", f"/plans/{warm.slug}/compare/?with={warm_scenario.slug}&by={by}"),
            ("bench", f"/plans/{plan.slug}/compare/?with={scenario.slug}&by={by}"),
        )
        bench.report(f"compare by {by}", found)
    for fmt in ("pdf", "xlsx"):
        found = bench.in_fresh_process(
            ("warm", f"/plans/{warm.slug}/compare/{fmt}/?with={warm_scenario.slug}"),
            ("bench", f"/plans/{plan.slug}/compare/{fmt}/?with={scenario.slug}"),
        )
        bench.report(f"compare as {fmt}", found)
    found = bench.in_fresh_process(
        ("warm", f"/plans/{warm.slug}/what-if/?pay_award=4&by=workstream"),
        ("bench", f"/plans/{plan.slug}/what-if/?pay_award=4&by=workstream"),
    )
    bench.report("what-if (4% award)", found)

    for approving in (warm, plan):
        started = time.perf_counter()
        approve_plan(plan=approving)
        spent = time.perf_counter() - started
        reopen_plan(plan=approving)
    print(f"approve, keeping every table: {spent * 1000:.0f} ms")
    for by in ("workstream", "funding"):
        found = bench.in_fresh_process(
            ("warm", f"/plans/{warm.slug}/variance/?by={by}"),
            ("bench", f"/plans/{plan.slug}/variance/?by={by}"),
        )
        bench.report(f"variance by {by}", found)


if __name__ == "__main__":
    main()
