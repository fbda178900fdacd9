"""Benchmark the plan workspace (issue 17, points 7 and 8).

Targets, for a generated plan of 2,000 lines (the report bench's generator, 20
workstreams, figures stored as the services store them):
- the workspace's first page, in a fresh process with nothing in memory, under 150 ms;
- its rows render within 1.5 times a plain template of the same rows;
- the query count of the page does not grow with the lines.

Server time is the time Django's test client takes for the request (no network, no
browser), DEBUG off and Django's test environment not set up, as in production. "Fresh
process" is a new Python process per run that sets Django up, signs in (untimed), closes
the database connection the sign-in opened (a new server process has none, and Django's
test client never closes one), and times its first request for the page, then a second
one. For each request the child also reports its process CPU time and the time Python's
garbage collector spent in full (oldest-generation) collections during it: observed only,
the collector is left as it is.

Run: `.venv/bin/python bench/workspace.py` (a fresh SQLite file in /tmp unless
DATABASE_URL is set; on PostgreSQL, point DATABASE_URL at an empty database).
`--lines N` changes the plan's size.
"""

import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

# isort: off
from server_time import RUNS, generated_plans, in_place_save, timed  # first: sets Django up

# isort: on
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils.html import format_html

from figures.services import refigure_plan
from investplan.models import Membership, Plan
from investplan.permissions import powers_over
from investplan.templatetags.investplan import fte as fte_text
from investplan.templatetags.investplan import pounds
from posts.models import PlanLine
from posts.workspace import build_workspace

LINES = int(sys.argv[sys.argv.index("--lines") + 1]) if "--lines" in sys.argv else 2_000

# The same rows as posts/_line_rows.html writes for a costed line a finance officer may
# edit, every value worked out beforehand: only variables and loops, nothing else.
PLAIN = Template((Path(__file__).parent / "plain_rows.html").read_text())


def plain_rows(rows) -> list[dict]:
    return [
        {
            "pk": row.line.pk,
            "title": row.line.title,
            "flags": format_html('<br><span class="hint">{}</span>', row.line.team_name)
            if row.line.team_id
            else "",
            "grade": row.line.grade_text,
            "fte": fte_text(row.figures.fte),
            "start": f"{row.line.start_date:%-d %b %Y}",
            "duration": row.line.duration_label,
            "address": row.address,
            "full_year": pounds(row.figures.full_year),
            "years": [
                (year.start_year, pounds(amount)) for year, amount in row.figures.years.items()
            ],
            "total": pounds(row.figures.total),
        }
        for row in rows
    ]


def rows_against_plain(plan: Plan, user) -> None:
    """Render every row of the plan both ways, many times; print the ratio of the medians."""
    request = RequestFactory().get("/")
    request.user = user
    token = get_token(request)
    sheet = build_workspace(plan)  # the first page's rows
    rows = [row for group in sheet.groups for row in group.rows]
    for row in rows:
        assert not (row.error or row.outlives or row.outside or row.scaling), "a plain row"
    context = {
        "rows": rows,
        "sheet": sheet,
        "plan": plan,
        "powers": powers_over(user, plan),
        "csrf_token": token,
    }
    ours = get_template("posts/_line_rows.html")
    plain = plain_rows(rows)
    ours_html = ours.render(context)
    plain_html = PLAIN.render(Context({"rows": plain, "csrf_token": token}))
    # The same rows to the character, or the comparison means nothing.
    # The same rows to the character (whitespace between tags aside), or the comparison
    # means nothing.
    ours_text, plain_text = "".join(ours_html.split()), "".join(plain_html.split())
    if ours_text != plain_text:
        at = next(
            i
            for i, pair in enumerate(zip(ours_text, plain_text, strict=False))
            if len(set(pair)) > 1
        )
        raise AssertionError(f"other rows: {ours_text[at - 80 : at + 80]}")
    ours_times, plain_times = [], []
    for _ in range(RUNS * 2):
        started = time.perf_counter()
        ours.render(context)
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        PLAIN.render(Context({"rows": plain, "csrf_token": token}))
        plain_times.append(time.perf_counter() - started)
    ours_median, plain_median = statistics.median(ours_times), statistics.median(plain_times)
    print(
        f"{len(rows)} rows: ours median {ours_median * 1000:.1f} ms, plain template "
        f"{plain_median * 1000:.1f} ms: ratio {ours_median / plain_median:.2f}"
    )


def first_view_in_a_fresh_process(plan_slug: str, warm_slug: str = "") -> dict:
    """Run in a child process: time the page's first request, then a second. The
    URLconf is imported and the middleware loaded first, as a server does on starting;
    with `warm_slug`, another (one-line) plan's workspace is served first, untimed, as
    the report benches do, so Django compiling its templates and URL patterns is not
    counted, while nothing of the timed plan is in memory."""
    get_resolver().url_patterns  # noqa: B018  (imports every view, as a server's start does)
    client = Client()
    # A server's start loads the middleware too: gunicorn's worker imports config.wsgi,
    # whose WSGIHandler loads it (whitenoise indexing the collected static files among
    # it) before the first request; the test client would load it in the first request.
    client.handler.load_middleware()
    client.force_login(Membership.objects.select_related("user").get(user__username="bench").user)
    if warm_slug:
        assert client.get(f"/plans/{warm_slug}/lines/").status_code == 200
    connection.close()  # the first request connects, as a new server process's does
    address = f"/plans/{plan_slug}/lines/"
    full_collections = []  # seconds, of the collections that have begun and ended
    collecting = {}

    def watch(phase, info):
        if phase == "start":
            collecting["since"] = time.perf_counter()
        elif info["generation"] == 2:
            full_collections.append(time.perf_counter() - collecting["since"])

    gc.callbacks.append(watch)
    queries = []
    timings = {}
    for request in ("first", "second"):
        full_collections.clear()
        started, cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(
            lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)
        ):
            response = client.get(address)
        timings[request] = time.perf_counter() - started
        timings[f"{request}_cpu"] = time.process_time() - cpu
        timings[f"{request}_gc"] = sum(full_collections)
        assert response.status_code == 200
        if request == "first":
            timings["bytes"], timings["queries"] = len(response.content), len(queries)
    gc.callbacks.remove(watch)
    return timings


def fresh_processes(plan_slug: str, runs: int = RUNS, warm_slug: str = "") -> list[dict]:
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child", plan_slug, *([warm_slug] if warm_slug else [])],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ,
        ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    return results


def _spread(results: list[dict], request: str) -> str:
    """Best and median of a request's time, with the median CPU time and the full garbage
    collections in it (the runs that had one, and the median of those)."""
    wall = [result[request] for result in results]
    cpu = [result[f"{request}_cpu"] for result in results]
    collections = [result[f"{request}_gc"] for result in results if result[f"{request}_gc"]]
    text = (
        f"best {min(wall) * 1000:.0f} ms, median {statistics.median(wall) * 1000:.0f} ms "
        f"(CPU median {statistics.median(cpu) * 1000:.0f} ms; a full garbage collection in "
        f"{len(collections)} of {len(results)} runs"
    )
    if collections:
        text += f", median {statistics.median(collections) * 1000:.0f} ms"
    return text + ")"


def main():
    call_command("migrate", verbosity=0)
    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=LINES)
    started = time.perf_counter()
    refigure_plan(plan=plan)
    figured = time.perf_counter() - started
    Membership.objects.filter(user__username="bench").update(role="finance_officer")
    user = Membership.objects.get(user__username="bench").user
    print(
        f"{LINES} lines, {len(plan.financial_years)} financial years, database "
        f"{connection.vendor} (figures stored in {figured:.1f} s)"
    )

    warm = Plan.objects.create(
        organisation=plan.organisation,
        name="Warm-up plan",
        slug="warm-up",
        first_year=plan.first_year,
        last_year=plan.last_year,
    )
    PlanLine.objects.create(
        plan=warm,
        kind="new_post",
        title="Social Worker",
        fte=1,
        start_date=date(2025, 4, 1),
        annual_salary=30000,
    )
    refigure_plan(plan=warm)
    for label, warm_slug in (("cold", ""), ("Django warmed on another plan", warm.slug)):
        results = fresh_processes(plan.slug, warm_slug=warm_slug)
        print(
            f"workspace first page, fresh process ({label}): "
            f"{_spread(results, 'first')}; its second request {_spread(results, 'second')} "
            f"({results[0]['bytes']:,} bytes, {results[0]['queries']} queries)"
        )

    rows_against_plain(plan, user)

    client = Client()
    client.force_login(user)
    address = f"/plans/{plan.slug}/lines/"
    best, median, _ = timed(lambda: client.get(address))
    print(f"workspace first page, warm: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms")

    # Show more: the next 200 rows of the biggest workstream.
    sheet = build_workspace(plan)
    biggest = max(sheet.groups, key=lambda group: group.lines)
    more = biggest.more_rows
    best, median, response = timed(lambda: client.get(more, HTTP_HX_REQUEST="true"))
    assert response.status_code == 200
    print(
        f"show more ({biggest.next_rows} rows of {biggest.name}'s {biggest.lines}): "
        f"best {best * 1000:.0f} ms, median {median * 1000:.0f} ms"
    )

    # Saving one line in place, with its figures, answering its row, subtotal and totals.
    line = PlanLine.objects.filter(plan=plan).order_by("position")[LINES // 2]
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
        f"save one line in place, its figures, row, subtotal and totals: best "
        f"{min(timings) * 1000:.0f} ms, median {statistics.median(timings) * 1000:.0f} ms"
    )

    # Query counts: the same page with a tenth of the lines.
    counts = {LINES: fresh_processes(plan.slug, runs=1)[0]["queries"]}
    keep = list(
        PlanLine.objects.filter(plan=plan).order_by("position").values_list("pk", flat=True)
    )
    PlanLine.objects.filter(pk__in=keep[LINES // 10 :]).delete()
    counts[LINES // 10] = fresh_processes(plan.slug, runs=1)[0]["queries"]
    print(
        "queries for the first page: "
        + ", ".join(f"{count} with {lines} lines" for lines, count in sorted(counts.items()))
    )


if __name__ == "__main__":
    if "--child" in sys.argv:
        arguments = sys.argv[sys.argv.index("--child") + 1 :]
        print(json.dumps(first_view_in_a_fresh_process(*arguments[:2])))
    else:
        main()
