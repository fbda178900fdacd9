"""Benchmark the plan workspace (issue 5, point 10).

Targets: the workspace of a 500-line plan renders in under 500 ms of server time, with a
query count that does not grow with the lines; saving one line in place and returning its
row, its group's subtotal and the plan totals takes under 150 ms.

Server time is the time the Django test client takes for the request in this process (no
network, no browser). Runs with DEBUG off, as production does.

Run: `.venv/bin/python bench/workspace.py` (a fresh SQLite file in /tmp unless
DATABASE_URL is set; on PostgreSQL, point DATABASE_URL at an empty database).
"""

import random
import statistics
import time
from decimal import Decimal

# isort: off
from server_time import RUNS, generated_plans, in_place_save, timed  # first: sets Django up

# isort: on
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from figures.costing import costing_cache
from investplan.models import Membership
from posts.models import PlanLine


def queries(client, address, cold=False) -> int:
    if cold:
        costing_cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def main():
    call_command("migrate", verbosity=0)
    import config.wsgi  # noqa: F401  (start up as the server does)

    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=500)
    Membership.objects.filter(user__username="bench").update(role="finance_officer")
    client = Client()
    client.login(username="bench", password="bench-password-1")
    address = f"/plans/{plan.slug}/"
    database = connection.vendor
    print(f"500 lines, {len(plan.financial_years)} financial years, database {database}")

    def cold():
        costing_cache.clear()  # as after a change made elsewhere: the plan costed afresh
        return client.get(address)

    best, median, response = timed(cold)
    assert response.status_code == 200
    print(
        f"workspace, first view after a change: best {best * 1000:.0f} ms, "
        f"median {median * 1000:.0f} ms ({len(response.content):,} bytes)"
    )
    best, median, _ = timed(lambda: client.get(address))
    print(f"workspace, unchanged plan: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")

    # Saving one line in place, as the finance officer does with the page open.
    client.get(address)  # the page is open: its costing is cached
    line = PlanLine.objects.filter(plan=plan).order_by("position")[250]
    ftes = iter([Decimal("1.5"), Decimal("2"), Decimal("0.5"), Decimal("1")] * RUNS)

    def save_once():
        save, data = in_place_save(line.pk, next(ftes))
        started = time.perf_counter()
        response = client.post(save, data, HTTP_HX_REQUEST="true")
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:500]
        assert b'id="plan-totals" hx-swap-oob="true"' in response.content
        return elapsed

    timings = [save_once() for _ in range(RUNS)]
    print(
        f"save one line, return its row, subtotal and totals: best {min(timings) * 1000:.0f} ms,"
        f" median {statistics.median(timings) * 1000:.0f} ms"
    )

    def save_cold():
        costing_cache.clear()  # nobody had the plan open: the whole plan is costed
        return save_once()

    timings = [save_cold() for _ in range(RUNS)]
    print(
        f"save one line with nothing cached: best {min(timings) * 1000:.0f} ms, median "
        f"{statistics.median(timings) * 1000:.0f} ms"
    )

    # Query counts: the same page with 100 lines and with 500.
    keep = list(
        PlanLine.objects.filter(plan=plan).order_by("position").values_list("pk", flat=True)
    )
    counts = {500: (queries(client, address, cold=True), queries(client, address))}
    PlanLine.objects.filter(pk__in=keep[100:]).delete()
    counts[100] = (queries(client, address, cold=True), queries(client, address))
    for lines, (cold, warm) in sorted(counts.items()):
        print(f"queries with {lines} lines: {cold} after a change, {warm} unchanged")


if __name__ == "__main__":
    main()
