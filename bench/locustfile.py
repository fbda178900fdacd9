"""The people of the load bench (bench/load.py runs it): finance officers reading the
workspaces and committee tables of the demo plan and a 2,000-line plan, and saving lines
of the big plan in place, as the workspace's Edit row does.

Each simulated person saves only lines of their own (position modulo the number of
people), so that what the database holds at the end is known: the last FTE each line was
acknowledged with. Those acknowledgements are written to LOAD_SAVES for `load.py check`.
"""

import json
import os
import re
import time

from locust import HttpUser, between, events, task

BIG = os.environ.get("LOAD_BIG_PLAN", "load-2025")
DEMO = os.environ.get("LOAD_DEMO_PLAN", "middlesbrough-2020")
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-bench-password-1")
PEOPLE = int(os.environ.get("LOAD_PEOPLE", "40"))
LINE_IDS = json.loads(os.environ.get("LOAD_LINE_IDS", "[]"))  # the big plan's, by position
SAVES = os.environ.get("LOAD_SAVES", "/tmp/investplan-load/saves.json")

acknowledged: dict[int, list[str]] = {}  # line id: the FTEs its saves were answered 200 with
refused: dict[str, int] = {}  # status: count, for saves not answered 200
started = {"at": time.time()}
FTES = ["0.5", "1", "1.5", "2"]
_next_person = iter(range(10_000))

FIELD = re.compile(r'<input[^>]*\bname="(?P<name>[^"]+)"[^>]*>')
VALUE = re.compile(r'\bvalue="(?P<value>[^"]*)"')
SELECTED = re.compile(
    r'<select[^>]*\bname="(?P<name>[^"]+)".*?(?:<option[^>]*value="(?P<value>[^"]*)"[^>]*'
    r"\bselected\b.*?)?</select>",
    re.S,
)


def edit_form(row: str) -> dict:
    """The fields of the Edit row as the browser posts them."""
    fields = {}
    for field in FIELD.finditer(row):
        tag = field.group(0)
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = VALUE.search(tag)
        fields[field.group("name")] = value.group("value") if value else ""
    for select in SELECTED.finditer(row):
        fields[select.group("name")] = select.group("value") or ""
    return fields


class FinanceOfficer(HttpUser):
    # A person reads what came back before the next click.
    wait_time = between(1, 3)

    def on_start(self):
        self.number = next(_next_person) % PEOPLE
        self.own = LINE_IDS[self.number :: PEOPLE]
        self.turn = 0
        page = self.client.get("/sign-in/", name="sign in").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        self.client.post(
            "/sign-in/",
            {
                "csrfmiddlewaretoken": token,
                "username": f"load-{self.number:02d}",
                "password": PASSWORD,
            },
            name="sign in",
        )

    @task(3)
    def big_workspace(self):
        self.client.get(f"/plans/{BIG}/lines/", name="page: workspace, 2,000 lines")

    @task(2)
    def demo_workspace(self):
        self.client.get(f"/plans/{DEMO}/lines/", name="page: workspace, demo")

    @task(2)
    def big_committee_table(self):
        self.client.get(
            f"/plans/{BIG}/reports/resource-requirement/",
            name="page: committee table, 2,000 lines",
        )

    @task(1)
    def demo_committee_table(self):
        self.client.get(
            f"/plans/{DEMO}/reports/resource-requirement/", name="page: committee table, demo"
        )

    @task(2)
    def save_a_line(self):
        line = self.own[self.turn % len(self.own)]
        self.turn += 1
        address = f"/plans/{BIG}/lines/{line}/in-place/"
        headers = {"HX-Request": "true", "X-CSRFToken": self.client.cookies.get("csrftoken")}
        row = self.client.get(address, headers=headers, name="page: edit row").text
        form = edit_form(row)
        # Always a change, so that each acknowledged save is one change in the history.
        held = float(form.get("fte") or 0)
        fte = next(value for value in FTES[self.turn % 4 :] + FTES if float(value) != held)
        form["fte"] = fte
        with self.client.post(
            address, form, headers=headers, name="save: line in place", catch_response=True
        ) as answer:
            if answer.status_code == 200:
                acknowledged.setdefault(line, []).append(fte)
                answer.success()
            else:
                refused[str(answer.status_code)] = refused.get(str(answer.status_code), 0) + 1
                answer.failure(f"save answered {answer.status_code}")


@events.test_start.add_listener
def _started(**kwargs):
    started["at"] = time.time()


@events.quitting.add_listener
def _write_saves(**kwargs):
    os.makedirs(os.path.dirname(SAVES), exist_ok=True)
    with open(SAVES, "w") as out:
        json.dump({"started": started["at"], "saves": acknowledged, "refused": refused}, out)
