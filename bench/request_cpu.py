"""CPU time of each request the load bench makes (issue 18, point 6), one at a time, in a
process set up as a server worker is: DEBUG off, Django's test environment not set up.

The load bench (bench/locustfile.py) asks for the demo plan's and a 2,000-line plan's
workspace and resource-requirement table, the Edit row of a line of the big plan, and
saves it in place. On two saturated cores what bounds its throughput is the CPU each of
those takes, database included when the database is on the same machine, so this
measures `time.process_time()` of this process (the app's share; PostgreSQL's own CPU is
another process's) for each, warm (each request made twice first, untimed), best and
median of `--runs`, with its query count and the Python function calls of one more
(cProfile's count: the same under any load, where CPU time on a shared machine is not).
"Outside the view" is what the middleware costs: the whole request's CPU less the view's
(`BaseHandler._get_response` timed by wrapping it, here in the bench only); "session
writes", how many of the runs wrote the session row.

    .venv/bin/python bench/request_cpu.py prepare   # the demo, a 2,000-line plan, a person
    .venv/bin/python bench/request_cpu.py [--runs 30] [--profile NAME]

A fresh SQLite file in /tmp unless DATABASE_URL is set (point it at an empty database the
first time; `prepare` is needed once per database). `--profile NAME` prints cProfile's
heaviest functions (by CPU time) for one request (a name in `requests`) over the runs,
`--queries NAME` the SQL of one of its runs.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from load import vacuum_and_analyse

HERE = Path(__file__).resolve().parent
PERSON, PASSWORD = "cpu-bench", "cpu-bench-password-1"
STATE = Path(os.environ.get("REQUEST_CPU_STATE", "/tmp/investplan-request-cpu.json"))


def argument(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def prepare() -> None:
    """The load bench's data (bench/load.py prepare), on either database: the demo, a
    2,000-line plan "load-2025", and one finance officer of both councils."""
    sys.path.insert(0, str(HERE))
    import django_setup  # noqa: F401  (sets Django up, DEBUG on: the demo needs it)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from server_time import generated_plans

    from figures.services import refigure_plan
    from investplan.models import Membership, Organisation, Role
    from posts.models import PlanLine

    call_command("migrate", verbosity=0)
    call_command("load_demo")
    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=2_000, slug="load")
    refigure_plan(plan=plan)
    person = get_user_model().objects.create_user(PERSON, password=PASSWORD)
    for organisation in Organisation.objects.filter(slug__in=["load", "middlesbrough"]):
        Membership.objects.create(user=person, organisation=organisation, role=Role.FINANCE_OFFICER)
    if connection.vendor == "postgresql":
        vacuum_and_analyse(connection)  # as the load bench's database is
    lines = PlanLine.objects.filter(plan=plan).order_by("position")
    STATE.write_text(
        json.dumps(
            {
                "database": os.environ["DATABASE_URL"],
                "line": lines.values_list("pk", flat=True)[1000],
            }
        )
    )
    print(f"{plan.slug}: {lines.count()} lines; {PERSON}; state in {STATE}")


def measure() -> None:
    """In this process, as a server worker: every request of the load bench, warm."""
    import cProfile
    import pstats
    import re

    sys.path.insert(0, str(HERE))
    import server_time  # noqa: F401  (first: DEBUG off, as a server runs)
    from django.core.handlers.base import BaseHandler
    from django.db import connection
    from django.test import Client
    from django.urls import get_resolver
    from server_time import in_place_save

    state = json.loads(STATE.read_text())
    line = state["line"]
    get_resolver().url_patterns  # noqa: B018  (imports every view, as a server's start does)

    in_view = {"cpu": 0.0}
    original = BaseHandler._get_response

    def timed_view(self, request):
        started = time.process_time()
        try:
            return original(self, request)
        finally:
            in_view["cpu"] += time.process_time() - started

    BaseHandler._get_response = timed_view

    client = Client()
    assert client.login(username=PERSON, password=PASSWORD)
    htmx = {"HTTP_HX_REQUEST": "true"}
    edit = f"/plans/load-2025/lines/{line}/in-place/"
    ftes = iter(["0.5", "1", "1.5", "2"] * 1000)

    def save():
        address, form = in_place_save(line, next(ftes))
        return lambda: client.post(address, form, **htmx)

    requests = {
        "workspace, 2,000 lines": lambda: client.get("/plans/load-2025/lines/"),
        "workspace, demo": lambda: client.get("/plans/middlesbrough-2020/lines/"),
        "committee table, 2,000 lines": lambda: client.get(
            "/plans/load-2025/reports/resource-requirement/"
        ),
        "committee table, demo": lambda: client.get(
            "/plans/middlesbrough-2020/reports/resource-requirement/"
        ),
        "edit row": lambda: client.get(edit, **htmx),
        "save in place": None,  # its form (the line's version) is read, untimed, before each
    }
    runs = int(argument("--runs", "30"))
    profile_name = argument("--profile", "")
    session_table = "django_session"
    results = {}
    for name, request in requests.items():
        cpu, view, queries, session_writes = [], [], [], 0
        profiler = cProfile.Profile(time.process_time) if name == profile_name else None
        for run in range(runs + 2):
            call = save() if request is None else request
            executed = []
            in_view["cpu"] = 0.0
            if profiler and run >= 2:
                profiler.enable()
            started = time.process_time()
            with connection.execute_wrapper(
                lambda execute, sql, *args, seen=executed: seen.append(sql) or execute(sql, *args)
            ):
                response = call()
            elapsed = time.process_time() - started
            if profiler and run >= 2:
                profiler.disable()
            assert response.status_code == 200, (name, response.status_code)
            if run < 2:
                continue
            if name == argument("--queries", "") and run == 2:
                print("\n".join(executed))
            cpu.append(elapsed)
            view.append(in_view["cpu"])
            queries.append(len(executed))
            session_writes += any(
                re.match(r"\s*(UPDATE|INSERT)", sql) and session_table in sql for sql in executed
            )
        # Python function calls of one more request: a count, the same under any load,
        # where CPU time on a shared machine is not.
        counter = cProfile.Profile()
        call = save() if request is None else request
        counter.enable()
        call()
        counter.disable()
        results[name] = {
            "calls": pstats.Stats(counter).total_calls,
            "best": min(cpu),
            "median": statistics.median(cpu),
            "outside_view": statistics.median(a - b for a, b in zip(cpu, view, strict=True)),
            "queries": statistics.median(queries),
            "session_writes": session_writes,
            "bytes": len(response.content),
        }
        if profiler:
            stats = pstats.Stats(profiler).sort_stats("cumulative")
            stats.print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
    print(json.dumps({"runs": runs, "database": connection.vendor, "results": results}))


def main() -> None:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *sys.argv[1:]],
        check=True,
        capture_output=not {"--profile", "--queries"} & set(sys.argv),
        text=True,
        env={**os.environ, "DATABASE_URL": json.loads(STATE.read_text())["database"]},
    ).stdout
    if output is None:
        return
    found = json.loads(output.strip().splitlines()[-1])
    print(
        f"{found['database']}, warm, {found['runs']} runs each, load average "
        f"{os.getloadavg()[0]:.1f}; CPU ms of this process (the database's own not counted "
        "on PostgreSQL)"
    )
    print(
        f"{'request':30} {'best':>6} {'median':>7} {'outside view':>13} {'queries':>8} "
        f"{'session writes':>15} {'bytes':>9} {'Python calls':>13}"
    )
    for name, result in found["results"].items():
        print(
            f"{name:30} {result['best'] * 1000:6.1f} {result['median'] * 1000:7.1f} "
            f"{result['outside_view'] * 1000:13.1f} {result['queries']:8.0f} "
            f"{result['session_writes']:15} {result['bytes']:9,} {result['calls']:13,}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["prepare"]:
        prepare()
    elif "--child" in sys.argv:
        measure()
    else:
        main()
