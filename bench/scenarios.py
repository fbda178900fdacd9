"""Benchmark comparing two scenarios (issue 6, point 7).

Target: comparing two scenarios of 2,000 lines each renders in under 500 ms of server time.

A generated plan of 2,000 lines (the report bench's generator) is copied into a scenario
with copy_plan_as_scenario, a quarter of the scenario's lines are changed, and the
comparison page is requested through Django's test client as a signed-in head of service,
with DEBUG off and Django's test environment not set up (templates render as in
production). Three cases where this process has costed neither plan (its costing cache
cleared before each request):
- "nothing cached, nothing stored": the stored line costs deleted too, so every line of
  both plans goes through the engine: the first view after a change to every line's cost
  (a new pay award, a spine change); the worst case.
- "fresh process, costs stored": the line costs are read from the database, as in a server
  worker that has not served these plans yet, or any worker after a restart.
- "both plans unchanged": the same process asked again.
Also timed: the comparison as PDF and as Excel, the what-if page on the same plan and the
variance against an approved baseline.

Run: `.venv/bin/python bench/scenarios.py` (a fresh SQLite file in /tmp unless DATABASE_URL
is set; on PostgreSQL, point DATABASE_URL at an empty database).
"""

import random
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
from investplan.services import approve_plan, copy_plan_as_scenario, reopen_plan
from posts.models import PlanLine, StoredLineCost


def report(label, best, median, response=None):
    size = f" ({len(response.content):,} bytes)" if response is not None else ""
    print(f"{label}: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms{size}")


def main():
    call_command("migrate", verbosity=0)
    import config.wsgi  # noqa: F401  (start up as the server does)

    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=2000)
    started = time.perf_counter()
    scenario = copy_plan_as_scenario(plan=plan, name="Efficient structure")
    print(f"copy 2,000 lines into a scenario: {(time.perf_counter() - started) * 1000:.0f} ms")
    changed = PlanLine.objects.filter(plan=scenario).order_by("position")[::4]
    PlanLine.objects.filter(pk__in=[line.pk for line in changed]).update(fte=Decimal("0.5"))
    scenario.bump_revision(scenario.pk)
    Membership.objects.filter(user__username="bench").update(role="head_of_service")
    client = Client()
    client.login(username="bench", password="bench-password-1")
    database = connection.vendor
    print(f"2,000 lines in each plan, {len(plan.financial_years)} financial years, {database}")

    for by in ("workstream", "team", "funding"):
        address = f"/plans/{plan.slug}/compare/?with={scenario.slug}&by={by}"

        def forget_everything():
            costing_cache.clear()
            StoredLineCost.objects.all().delete()

        best, median, response = timed(
            lambda address=address: client.get(address), before=forget_everything
        )
        assert response.status_code == 200, response.status_code
        report(f"compare by {by}, nothing cached, nothing stored", best, median, response)

        def fresh_process(address=address):
            costing_cache.clear()
            return client.get(address)

        best, median, response = timed(fresh_process)
        assert StoredLineCost.objects.count() == 4000
        report(f"compare by {by}, fresh process, costs stored", best, median)
        best, median, response = timed(lambda address=address: client.get(address))
        report(f"compare by {by}, both plans unchanged", best, median)

    # The same comparison printed: the PDF (WeasyPrint lays the page out) and the workbook.
    for fmt in ("pdf", "xlsx"):
        printed = f"/plans/{plan.slug}/compare/{fmt}/?with={scenario.slug}&by=workstream"
        best, median, response = timed(lambda printed=printed: client.get(printed))
        assert response.status_code == 200, response.status_code
        report(f"compare by workstream as {fmt}, both plans unchanged", best, median, response)

    # The usual case: a finance officer changes a line of the scenario in the workspace
    # (its page open, so its costing is cached and carried forward with that line costed
    # afresh), then compares.
    address = f"/plans/{plan.slug}/compare/?with={scenario.slug}&by=workstream"
    workspace = f"/plans/{scenario.slug}/"
    line = PlanLine.objects.filter(plan=scenario).order_by("position")[1000]
    ftes = iter([Decimal("1.5"), Decimal("2"), Decimal("0.5"), Decimal("1")] * RUNS)
    Membership.objects.filter(user__username="bench").update(role="finance_officer")
    client.get(workspace)
    client.get(address)

    def change_a_line():
        save, data = in_place_save(line.pk, next(ftes))
        response = client.post(save, data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content[:300]

    best, median, response = timed(lambda: client.get(address), before=change_a_line)
    assert response.status_code == 200
    report(
        "compare by workstream, after a line of the scenario is changed in the workspace",
        best,
        median,
    )
    Membership.objects.filter(user__username="bench").update(role="head_of_service")

    what_if = f"/plans/{plan.slug}/what-if/?pay_award=4&by=workstream"
    best, median, response = timed(lambda: client.get(what_if))
    assert response.status_code == 200
    report("what-if (4% award), plan unchanged", best, median)

    started = time.perf_counter()
    approve_plan(plan=plan)
    print(f"approve, keeping every table: {(time.perf_counter() - started) * 1000:.0f} ms")
    reopen_plan(plan=plan)
    variance = f"/plans/{plan.slug}/variance/?by=workstream"
    best, median, response = timed(lambda: client.get(variance))
    assert response.status_code == 200
    report("variance against the baseline, plan unchanged", best, median)

    for label, address in (
        ("compare", f"/plans/{plan.slug}/compare/?with={scenario.slug}"),
        ("variance", variance),
    ):
        counts = []
        for stored, cached in ((False, False), (True, False), (True, True)):
            if not cached:
                costing_cache.clear()
            if not stored:
                StoredLineCost.objects.all().delete()
            with CaptureQueriesContext(connection) as captured:
                client.get(address)
            counts.append(len(captured))
        print(
            f"queries, {label}: {counts[0]} with nothing stored, {counts[1]} in a fresh process,"
            f" {counts[2]} unchanged"
        )


if __name__ == "__main__":
    main()
