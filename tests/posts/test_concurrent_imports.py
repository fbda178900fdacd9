"""One import into a plan at a time (issue 18): two at once, in two threads with their own
connections as two app processes have, duplicate nothing and end without a crash; an
approval saved while an import starts is seen by it. Run on SQLite and on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from investplan.models import Plan, PlanStatus, Workstream
from investplan.services import approve_plan
from posts.importing import PlanBusy, import_appendix
from posts.models import PlanLine
from tests.factories import OrganisationFactory, PlanFactory
from tests.posts.appendix_files import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 300
# Lines in three workstreams, so each import also makes the plan's workstreams.
APPENDIX = csv_bytes(
    [["Post", "Grade", "FTE", "Salary", "Cost", "Workstream"]]
    + [[f"Post {n}", "K", 1, 30000, 38700, f"Workstream {n % 3}"] for n in range(ROWS)]
)


def in_threads(*calls):
    """Run the calls at once, each in a thread of its own; what each returned or raised."""
    outcomes = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index, call):
        try:
            start.wait()
            outcomes[index] = call()
        except Exception as error:  # the test says which, and why it is wrong
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def importing(organisation, slug):
    return lambda: import_appendix(
        organisation=organisation, plan_slug=slug, file_name="appendix.csv", data=APPENDIX
    )


def settled(outcome) -> bool:
    """Imported, or told another import was being saved: never a crash."""
    return isinstance(outcome, PlanBusy) or getattr(outcome, "committed", False)


def test_it_imports_one_file_twice_at_once_into_a_plan_without_duplicating_a_line():
    plan = PlanFactory(slug="twice")
    outcomes = in_threads(*[importing(plan.organisation, "twice")] * 2)
    assert all(settled(outcome) for outcome in outcomes), outcomes
    assert PlanLine.objects.filter(plan=plan).count() == ROWS


def test_it_makes_one_new_plan_and_its_workstreams_when_two_imports_make_them_at_once():
    organisation = OrganisationFactory()
    outcomes = in_threads(*[importing(organisation, "new-at-once")] * 2)
    assert all(settled(outcome) for outcome in outcomes), outcomes
    plan = Plan.objects.get(slug="new-at-once")
    assert PlanLine.objects.filter(plan=plan).count() == ROWS
    assert Workstream.objects.filter(plan=plan).count() == 3


def _waiting_on_a_lock(pid) -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        found = cursor.fetchone()
    return bool(found) and found[0] == "Lock"


def test_it_refuses_an_import_that_starts_while_the_plan_is_being_approved():
    plan = PlanFactory(slug="approving")
    approving, imported = threading.Event(), threading.Event()
    importer_pid, importer_began = [], []

    def import_waiting() -> bool:
        # PostgreSQL says when the import waits on a lock. SQLite does not; there every
        # transaction begins IMMEDIATE, taking the write lock this one holds, so an import
        # that sent its BEGIN a moment ago is waiting for it.
        if connection.vendor == "sqlite":
            return bool(importer_began) and time.monotonic() - importer_began[0] > 0.1
        return any(map(_waiting_on_a_lock, importer_pid))

    def approve():
        with transaction.atomic():
            approve_plan(plan=plan, committee="Cabinet")
            approving.set()
            # Held open until the import has read the plan or is waiting for it.
            for _ in range(200):
                if imported.wait(0.05) or import_waiting():
                    break
        return "approved"

    def noting_begin(execute, sql, params, many, context):
        if sql.startswith("BEGIN") and not importer_began:
            importer_began.append(time.monotonic())
        return execute(sql, params, many, context)

    def import_():
        approving.wait()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_backend_pid()")
                importer_pid.append(cursor.fetchone()[0])
        try:
            with connection.execute_wrapper(noting_begin):
                return importing(plan.organisation, "approving")()
        finally:
            imported.set()

    approved, outcome = in_threads(approve, import_)
    assert approved == "approved"
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.APPROVED
    assert isinstance(outcome, PlanBusy) or "is approved: its lines can no longer" in str(outcome)
    assert not PlanLine.objects.filter(plan=plan).exists()
