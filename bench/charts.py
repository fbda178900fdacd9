"""Benchmark the four charts on a generated plan of 2,000 lines (issue 19, point 6:
a chart under 50 ms).

Each chart is timed in a process of its own (`--chart`, started by this one), as a server
worker that has never drawn one: Django is set up, then the chart's table is built from
the stored figures and the chart drawn (pygal imported on that first draw), and then the
median of nine more of each, in wall time and in the process's CPU time (what other
processes on a loaded machine do not inflate as much), with the queries of one. "Draw" is
the SVG from the table already built; "table and draw" is what the chart's image route
does.

Run: `.venv/bin/python bench/charts.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set; on PostgreSQL, point DATABASE_URL at an empty database). A database this bench
filled before is used again as it is.
"""

import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import server_time  # noqa: F401  (first: sets Django up as a server runs)
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from figures.services import refigure_plan
from funding.models import FundingSource
from investplan.models import Plan
from investplan.services import approve_plan
from reports.plan_charts import CHARTS, plan_chart

RUNS = 9


def _bench_reports():
    """bench/reports.py's plan maker (not importable as `reports`: that is the app)."""
    spec = importlib.util.spec_from_file_location(
        "bench_reports", Path(__file__).with_name("reports.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def time_chart(slug: str) -> dict:
    plan = Plan.objects.get(slug="bench-2025")

    def table_and_draw():
        return plan_chart(plan, slug).svg()

    started = time.perf_counter()
    chart = plan_chart(plan, slug)
    built = time.perf_counter() - started
    started = time.perf_counter()
    svg = chart.svg()
    first_draw = time.perf_counter() - started
    draws, both, draws_cpu, both_cpu = [], [], [], []
    for _ in range(RUNS):
        started, cpu = time.perf_counter(), time.process_time()
        chart.svg()
        draws.append(time.perf_counter() - started)
        draws_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        table_and_draw()
        both.append(time.perf_counter() - started)
        both_cpu.append(time.process_time() - cpu)
    with CaptureQueriesContext(connection) as queries:
        table_and_draw()
    return {
        "first_table": built,
        "first_draw": first_draw,
        "draw": statistics.median(draws),
        "table_and_draw": statistics.median(both),
        "draw_cpu": statistics.median(draws_cpu),
        "table_and_draw_cpu": statistics.median(both_cpu),
        "queries": len(queries.captured_queries),
        "bytes": len(svg),
        "series": len(chart.series),
        "categories": len(chart.categories),
    }


def main():
    if "--chart" in sys.argv:
        print(json.dumps(time_chart(sys.argv[sys.argv.index("--chart") + 1])))
        return
    call_command("migrate", verbosity=0)
    bench = _bench_reports()
    plan = Plan.objects.filter(slug="bench-2025").first()
    if plan is None:
        plan = bench.build_plan(random.Random(2025))
        # Two grants end mid-plan, so the funding cliff has ends to mark.
        for name, ends in (("Grant 0", date(2027, 3, 31)), ("Grant 1", date(2028, 9, 30))):
            FundingSource.objects.filter(organisation=plan.organisation, name=name).update(
                end_date=ends
            )
        refigure_plan(plan=plan)
        approve_plan(plan=plan, user=None)
    print(
        f"{plan.lines.count()} lines, {len(plan.financial_years)} financial years, "
        f"database {connection.vendor}, load average {os.getloadavg()[0]:.2f}"
    )
    for slug in CHARTS:
        child = subprocess.run(
            [sys.executable, str(Path(__file__)), "--chart", slug],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            print(child.stderr[-3000:])
            raise SystemExit(f"{slug}: failed")
        found = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{slug:22} fresh process: table {found['first_table'] * 1000:4.0f} ms, "
            f"draw {found['first_draw'] * 1000:4.0f} ms; then median draw "
            f"{found['draw'] * 1000:4.0f} ms (CPU {found['draw_cpu'] * 1000:4.0f}), "
            f"table and draw {found['table_and_draw'] * 1000:4.0f} ms "
            f"(CPU {found['table_and_draw_cpu'] * 1000:4.0f}), {found['queries']} queries; "
            f"{found['series']} series x {found['categories']} categories, "
            f"{found['bytes']:,} bytes"
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
