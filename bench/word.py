"""Benchmark the committee tables in Word on a generated plan of 2,000 lines (issue 19,
point 6: a table's .docx under 2 s for 2,000 lines).

For each table: the download as a server worker answers it in a fresh process that has
never served the plan (`bench/reports.py --page`: Django warmed up on a one-line plan's
same address, then the first request timed, then the median of five more); and, in this
process, the best and median of the rows alone (`ReportDocument.build`) and of writing
them as Word (`Document.docx`, also as this process's CPU time, which a shared machine's
load moves less than the clock), with the file's size.

Run: `.venv/bin/python bench/word.py` (a fresh SQLite file in /tmp unless DATABASE_URL is
set; on PostgreSQL, point DATABASE_URL at an empty database).
"""

import random
import sys
import time

from django.core.management import call_command
from django.db import connection
from server_time import RUNS, generated_plans, timed  # first: sets Django up

from reports.builders import ReportOptions
from reports.documents import ReportDocument
from reports.rendering import query_string

TABLES = [
    ("resource-requirement", {}),
    ("multi-year", {"by": "funding"}),
    ("findings", {}),
    ("funding", {}),
]


def main():
    call_command("migrate", verbosity=0)
    bench = generated_plans()
    started = time.perf_counter()
    plan = bench.build_plan(random.Random(2025), lines_wanted=bench.LINES)
    built = time.perf_counter() - started
    warm = bench.build_plan(random.Random(1), lines_wanted=1, slug="warm")
    print(
        f"{bench.LINES} lines, {len(plan.financial_years)} financial years, database "
        f"{connection.vendor} (plan made and its figures stored in {built:.1f} s)"
    )
    for slug, asked in TABLES:
        query = query_string(asked)
        address = f"reports/{slug}/docx/{query}"
        found = bench.in_fresh_process(
            ("warm", f"/plans/{warm.slug}/{address}"), ("bench", f"/plans/{plan.slug}/{address}")
        )
        options = ReportOptions.from_query(asked)
        rows_best, rows_median, document = timed(
            lambda slug=slug, options=options: ReportDocument.build(plan, slug, options), RUNS
        )
        word_best, word_median, content = timed(document.docx, RUNS)
        cpu_started = time.process_time()
        for _ in range(RUNS):
            document.docx()
        word_cpu = (time.process_time() - cpu_started) / RUNS
        print(
            f"{slug + query:32} download: fresh process {found['first'] * 1000:5.0f} ms "
            f"(CPU {found['first_cpu'] * 1000:4.0f}), "
            f"then median {found['median'] * 1000:5.0f} ms, {found['queries']} queries; "
            f"rows {rows_median * 1000:4.0f} ms (best {rows_best * 1000:4.0f}), Word "
            f"{word_median * 1000:4.0f} ms (best {word_best * 1000:4.0f}, "
            f"CPU {word_cpu * 1000:4.0f}); "
            f"{document.body_rows:,} rows, {len(content):,} bytes"
        )


if __name__ == "__main__":
    sys.exit(main())
