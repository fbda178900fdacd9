"""Benchmark the appendix importer on a generated 10,000-row appendix (issue 4).

Target: read, validate and save (on PostgreSQL) in at most three times what openpyxl takes
just to read the values in read-only mode, with memory that does not grow with the file.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/investplan_bench .venv/bin/python
bench/import_appendix.py` (the database is made afresh). Without DATABASE_URL it uses a
SQLite file in /tmp. It runs with DEBUG off, as production does: with DEBUG on, Django
keeps every statement it sends, which is not what a council's server does.

Memory is the peak traced by tracemalloc while importing 5,000, 10,000 and 20,000 rows,
set beside the peak of openpyxl reading the same file alone: openpyxl keeps the workbook's
table of shared strings (each distinct text once), which grows with the file whoever reads
it; the importer's own share is the difference.
"""

import io
import os
import random
import statistics
import sys
import time
import tracemalloc

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)

import django_setup  # noqa: F401  (first: sets Django up)
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from investplan.models import Organisation
from posts.importing import import_appendix
from posts.models import PlanLine

HEADER = [
    "Post / Role:", "Grade:", "FTE", "Estimated Duration:", "Salary:", "Cost:",
    "Total Cost (Apr 2025 to Mar 2028):", "Workstream:", "Where Based:", "Comments:", "Phase:",
    "Ofsted Comment", "Funding",
]  # fmt: skip
RUNS = 3


def appendix(rows: int, rng: random.Random) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Resource Requirement for Improvement"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([None, None, None, None, "£s:", "£s:", "£s:"])
    for index in range(rows):
        if index % 500 == 0:
            sheet.append([f"Section {index // 500 + 1}"])
        salary = rng.randrange(21000, 60000)
        fte = rng.choice([0.5, 1, 1.5, 2])
        cost = round(salary * fte * 1.29)
        years = rng.choice([1, 2, 3])
        sheet.append(
            [
                f"Social Worker {index}",
                rng.choice("DFHKLMNO"),
                fte,
                f"{years} year{'s' if years > 1 else ''}",
                salary,
                f"£{cost:,}",
                cost * years,
                f"Workstream {rng.randrange(20)}",
                f"District {rng.randrange(10)}",
                "Specific capacity issue identified in the Ofsted letter.",
                rng.randrange(1, 4),
                "As above" if index % 3 else f"(para {rng.randrange(1, 60)}) Finding text",
                rng.choice(["Met from Improvement Grant", "Requires additional funding", None]),
            ]
        )
    sheet.append(["Total:"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_alone(data: bytes) -> int:
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return count


def main():
    call_command("migrate", verbosity=0)
    organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    rng = random.Random(2025)
    database = os.environ["DATABASE_URL"].split(":")[0]
    for rows in (10_000,):
        data = appendix(rows, rng)
        reads, imports = [], []
        for run in range(RUNS):
            started = time.perf_counter()
            read_alone(data)
            reads.append(time.perf_counter() - started)
            started = time.perf_counter()
            report = import_appendix(
                organisation=organisation,
                plan_slug=f"bench-{run}",
                file_name="bench.xlsx",
                data=data,
            )
            imports.append(time.perf_counter() - started)
            assert report.committed and report.counts["imported"] == rows, report.counts
        assert PlanLine.objects.filter(plan__slug="bench-0").count() == rows
        print(
            f"{rows:,} rows ({len(data) / 1024:,.0f} KB), {database}: openpyxl read-only "
            f"values best {min(reads):.2f} s, median {statistics.median(reads):.2f} s; import "
            f"best {min(imports):.2f} s, median {statistics.median(imports):.2f} s; ratio "
            f"{min(imports) / min(reads):.2f} (best), "
            f"{statistics.median(imports) / statistics.median(reads):.2f} (median)"
        )
    if "--speed-only" in sys.argv:
        return
    # Memory: dry runs, so the database does not grow between them.
    for rows in (5_000, 10_000, 20_000):
        data = appendix(rows, rng)
        tracemalloc.start()
        read_alone(data)
        _, reading = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tracemalloc.start()
        report = import_appendix(
            organisation=organisation,
            plan_slug="memory",
            file_name="m.xlsx",
            data=data,
            dry_run=True,
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        megabytes = 1024 * 1024
        print(
            f"memory, {rows:,} rows ({len(data) / 1024:,.0f} KB file): import peak "
            f"{peak / megabytes:.1f} MB, openpyxl reading alone {reading / megabytes:.1f} MB, "
            f"the importer's own {(peak - reading) / megabytes:.1f} MB "
            f"({report.counts['imported']:,} imported)"
        )


if __name__ == "__main__":
    main()
