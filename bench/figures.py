"""Benchmark writing the stored figures (issue 17, point 8), on 2,000-line plans.

Targets: recosting a 2,000-line plan after an assumptions change under 1.5 s; saving a
line with its figures under 100 ms. Each case runs in a fresh process (nothing in memory,
as after a deploy or in another worker): the first call is timed, then RUNS more in the
same process.

Run: `.venv/bin/python bench/figures.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set; on PostgreSQL, point DATABASE_URL at an empty database). `--employer-ni` costs the
plans with employer NI, pension and levy instead of a flat 29%.
"""

import os
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from server_time import RUNS, generated_plans  # first: sets Django up

from figures.models import FundingPart, LineYearFigure
from figures.services import refigure_plan
from investplan.models import Plan
from investplan.services import copy_plan_as_scenario, set_assumptions
from posts.models import PlanLine
from posts.services import line_version, update_plan_line

CASES = ("recost after an assumptions change", "save one line", "copy as a scenario")


def build() -> None:
    call_command("migrate", verbosity=0)
    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=2000)
    started = time.perf_counter()
    refigure_plan(plan=plan)
    elapsed = time.perf_counter() - started
    print(
        f"2,000 lines, {len(plan.financial_years)} financial years, database "
        f"{connection.vendor}; {LineYearFigure.objects.count():,} year figures and "
        f"{FundingPart.objects.count():,} funding parts stored in {elapsed:.2f} s"
    )


def measure(case: str) -> list[float]:
    plan = Plan.objects.select_related("organisation").get(slug="bench-2025")
    timings = []
    if case == CASES[0]:
        percents = iter(["30", "29", "31", "28"] * RUNS)
        for _ in range(RUNS + 1):
            percent = Decimal(next(percents))
            started = time.perf_counter()
            set_assumptions(
                plan=plan,
                flat_on_cost_percent=percent,
                increments=True,
                pay_awards=[(year, Decimal("3"), False) for year in range(2026, 2030)],
            )
            timings.append(time.perf_counter() - started)
    elif case == CASES[1]:
        line = PlanLine.objects.filter(plan=plan).order_by("position")[1000]
        ftes = iter([Decimal("1.5"), Decimal("2"), Decimal("0.5"), Decimal("1")] * RUNS)
        for _ in range(RUNS + 1):
            seen = line_version(PlanLine.objects.get(pk=line.pk))
            started = time.perf_counter()
            update_plan_line(line_id=line.pk, seen_version=seen, fte=next(ftes))
            timings.append(time.perf_counter() - started)
    else:
        for run in range(RUNS + 1):
            started = time.perf_counter()
            copy_plan_as_scenario(plan=plan, name=f"Scenario {run}")
            timings.append(time.perf_counter() - started)
    return timings


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--measure":
        timings = measure(sys.argv[2])
        print(" ".join(f"{seconds:.4f}" for seconds in timings))
        return
    build()
    environment = {**os.environ}
    for case in CASES:
        output = subprocess.run(
            [sys.executable, str(Path(__file__)), "--measure", case, *sys.argv[1:]],
            env=environment,
            capture_output=True,
            text=True,
        )
        if output.returncode:
            raise SystemExit(f"{case} failed:\n{output.stderr}")
        output = output.stdout.split()
        first, *rest = (float(value) * 1000 for value in output)
        rest.sort()
        print(
            f"{case}: fresh process {first:.0f} ms; then best {rest[0]:.0f} ms, "
            f"median {rest[len(rest) // 2]:.0f} ms"
        )


if __name__ == "__main__":
    main()
