"""Why the importer inserts lines with `investplan.bulk.insert_rows` (decision 0007): 10,000
plan lines inserted with Django's `bulk_create` against `insert_rows` (COPY on PostgreSQL),
each in a transaction that is rolled back. Both times include building what is inserted.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/investplan_bench .venv/bin/python
bench/bulk_insert.py`; without DATABASE_URL, a SQLite file in /tmp (both paths are then
`bulk_create`).
"""

import datetime
import os
import statistics
import time
from decimal import Decimal

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)

import django_setup  # noqa: F401  (first: sets Django up)
from django.core.management import call_command
from django.db import connection, transaction

from investplan.bulk import insert_rows
from investplan.models import Organisation
from investplan.services import create_plan
from posts.models import PlanLine

LINES = 10_000
RUNS = 3


def line(plan_id: int, number: int) -> dict:
    return {
        "plan_id": plan_id,
        "position": number,
        "section": "District Teams",
        "title": f"Social Worker {number}",
        "phase": "2",
        "justification": "Specific capacity issue identified in the Ofsted letter.",
        "grade_as_written": "K",
        "annual_salary": Decimal("40000"),
        "fte": Decimal("1.5"),
        "start_date": datetime.date(2025, 4, 1),
        "duration_months": 24,
        "stated_annual_cost": Decimal("77400"),
        "source_file": "bench.xlsx",
        "source_sheet": "Appendix 2",
        "source_row": number,
    }


def timed(insert) -> float:
    with transaction.atomic():
        started = time.perf_counter()
        insert()
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def main():
    call_command("migrate", verbosity=0)
    organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    plan = create_plan(
        organisation=organisation, name="Bulk", slug=f"bulk-{time.time_ns()}",
        first_year=2025, last_year=2026,
    )  # fmt: skip

    def with_bulk_create():
        lines = [PlanLine(**line(plan.pk, number)) for number in range(LINES)]
        PlanLine.objects.bulk_create(lines, batch_size=500)

    def with_insert_rows():
        insert_rows(PlanLine, [line(plan.pk, number) for number in range(LINES)], ids=True)

    for name, insert in (("bulk_create", with_bulk_create), ("insert_rows", with_insert_rows)):
        times = [timed(insert) for _ in range(RUNS)]
        print(
            f"{LINES:,} lines, {connection.vendor}, {name}: best {min(times):.2f} s, "
            f"median {statistics.median(times):.2f} s"
        )


if __name__ == "__main__":
    main()
