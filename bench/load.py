"""Load (issue 18, point 6): 40 finance officers for two minutes against `make serve` on
PostgreSQL, from loopback, with locust (bench/locustfile.py): reading the workspaces and
committee tables of the demo plan and of a 2,000-line plan, and saving lines in place.

Targets: 0 errors, 0 lost updates, p95 under 500 ms for pages and 300 ms for saves.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/investplan_load   # an empty one
    .venv/bin/python bench/load.py prepare     # migrate, the demo, a 2,000-line plan, 40 people
    DJANGO_SECRET_KEY=... DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_SECURE_COOKIES=0 make serve
    .venv/bin/python bench/load.py run [--host http://127.0.0.1:8000] [--users 40] [--seconds 120]
    .venv/bin/python bench/load.py check       # lost updates: the database against the saves

`prepare` and `check` set Django up (bench/django_setup.py); `run` only speaks HTTP.
"""

import csv
import json
import os
import random
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("LOAD_OUT", "/tmp/investplan-load"))
PASSWORD = "load-bench-password-1"
PEOPLE = 40


def argument(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def prepare() -> None:
    import django_setup  # noqa: F401  (sets Django up)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from server_time import generated_plans

    from figures.services import refigure_plan
    from investplan.models import Membership, Organisation, Role
    from posts.models import PlanLine

    assert connection.vendor == "postgresql", "the load bench is for PostgreSQL"
    call_command("migrate", verbosity=0)
    call_command("load_demo")
    plan = generated_plans().build_plan(random.Random(2025), lines_wanted=2_000, slug="load")
    refigure_plan(plan=plan)
    people = []
    for number in range(PEOPLE):
        person = get_user_model().objects.create_user(f"load-{number:02d}", password=PASSWORD)
        people.append(person)
        for organisation in Organisation.objects.filter(slug__in=["load", "middlesbrough"]):
            Membership.objects.create(
                user=person, organisation=organisation, role=Role.FINANCE_OFFICER
            )
    lines = list(
        PlanLine.objects.filter(plan=plan).order_by("position").values_list("pk", flat=True)
    )
    vacuum_and_analyse(connection)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "lines.json").write_text(json.dumps(lines))
    print(f"{plan.slug}: {len(lines)} lines; {PEOPLE} finance officers load-00 to load-39")


def vacuum_and_analyse(connection) -> None:
    """The tables as a running database keeps them: their dead rows cleared and their
    statistics gathered. Costing the 2,000 lines leaves a dead row for each figure row,
    and a PostgreSQL with autovacuum off (as this machine's is) never clears them or
    gathers statistics, and the workspace's sums are planned for 9 rows, not 2,000
    (docs/performance.md, issue 18, branch i18-load)."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def gunicorn_workers() -> int:
    found = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return sum("gunicorn" in line and "config.wsgi" in line for line in found.splitlines()) - 1


def run() -> None:
    host = argument("--host", "http://127.0.0.1:8000")
    assert host.startswith(("http://127.0.0.1", "http://localhost")), "from loopback only"
    users, seconds = argument("--users", str(PEOPLE)), argument("--seconds", "120")
    env = {
        **os.environ,
        "LOAD_LINE_IDS": (OUT / "lines.json").read_text(),
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_PEOPLE": str(PEOPLE),
        "LOAD_SAVES": str(OUT / "saves.json"),
    }
    workers = gunicorn_workers()
    load_before = os.getloadavg()
    subprocess.run(
        [
            *(sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py")),
            # Two people a second start (signing in is a deliberately slow password hash).
            *("--headless", "--users", users, "--spawn-rate", "2", "--run-time", f"{seconds}s"),
            *("--host", host, "--csv", str(OUT / "stats"), "--only-summary"),
            *("--stop-timeout", "30"),
        ],
        env=env,
        check=False,
    )
    load_after = os.getloadavg()
    print(f"\n{users} users for {seconds} s against {host}; gunicorn worker processes: {workers}")
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min)")
    print(f"{'request':46} {'count':>6} {'fail':>5} {'median':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    with open(OUT / "stats_stats.csv") as stats:
        for row in csv.DictReader(stats):
            print(
                f"{row['Type']:5} {row['Name']:40} "
                f"{row['Request Count']:>6} {row['Failure Count']:>5} "
                f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} "
                f"{float(row['Max Response Time']):>7.0f}"
            )
    saves = json.loads((OUT / "saves.json").read_text())
    print(
        f"saves acknowledged: {sum(map(len, saves['saves'].values()))}; "
        f"not: {saves['refused'] or 'none'}"
    )


def check() -> None:
    import django_setup  # noqa: F401  (sets Django up)

    from posts.models import PlanLine

    saves = json.loads((OUT / "saves.json").read_text())
    since = datetime.fromtimestamp(saves["started"], tz=UTC)
    history = PlanLine.history.model
    lost, unrecorded = [], []
    for line_id, ftes in saves["saves"].items():
        held = PlanLine.objects.get(pk=int(line_id)).fte
        if held != Decimal(ftes[-1]):
            lost.append(f"line {line_id}: acknowledged {ftes[-1]}, holds {held}")
        changes = history.objects.filter(
            id=int(line_id), history_type="~", history_date__gte=since
        ).count()
        if changes != len(ftes):
            unrecorded.append(f"line {line_id}: {len(ftes)} saves, {changes} changes in history")
    print(
        f"{len(saves['saves'])} lines saved {sum(map(len, saves['saves'].values()))} times: "
        f"{len(lost)} lost updates, {len(unrecorded)} lines whose history differs"
    )
    for problem in lost + unrecorded:
        print("  " + problem)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    {"prepare": prepare, "run": run, "check": check}[sys.argv[1]]()
