"""Is this installation fine? `/healthz`, for the proxy, compose and the council's monitoring:
the database is reached and the task worker (`manage.py db_worker`) runs tasks.

The worker leaves no trace of its own while idle, so it is asked: a heartbeat task is queued
and the worker's running of it, a row in django-tasks-db's own table, is the proof of life.
No council data is read or said.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# A heartbeat run this recently: the worker is alive. After half of it a new one is asked
# for, so that a check every minute or less always finds a fresh one.
FRESH = timedelta(seconds=120)
# A heartbeat waiting longer than this without being run: the worker is not running tasks.
# (Its idle loop looks for work every second; a long PDF can keep it busy for a while.)
WAITED_TOO_LONG = timedelta(seconds=60)
# How long a check waits for the answer to a heartbeat it has just asked for.
ANSWER_WITHIN_SECONDS = 3.0
KEPT = timedelta(hours=1)  # older heartbeats are deleted by the next one


@task()
def heartbeat() -> str:
    """Run by the worker: the proof that it runs tasks. Clears away old heartbeats."""
    DBTaskResult.objects.filter(
        task_path=HEARTBEAT_PATH, enqueued_at__lt=timezone.now() - KEPT
    ).exclude(status=TaskResultStatus.READY).delete()
    return "alive"


HEARTBEAT_PATH = heartbeat.module_path


def _heartbeats():
    return DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)


def _last_beat():
    return (
        _heartbeats()
        .filter(status=TaskResultStatus.SUCCESSFUL)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def database_problem() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database was not reached")
        return "not reached"
    return None


def worker_problem() -> str | None:
    now = timezone.now()
    last = _last_beat()
    if last is not None and now - last < FRESH:
        if (
            now - last > FRESH / 2
            and not _heartbeats().filter(status=TaskResultStatus.READY).exists()
        ):
            heartbeat.enqueue()
        return None
    waiting = (
        _heartbeats()
        .filter(status=TaskResultStatus.READY)
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    if waiting is not None and now - waiting > WAITED_TOO_LONG:
        return (
            f"no task run: a heartbeat has waited {int((now - waiting).total_seconds())} s "
            "(is manage.py db_worker running?)"
        )
    if waiting is None:
        heartbeat.enqueue()
    deadline = time.monotonic() + ANSWER_WITHIN_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.2)
        beat = _last_beat()
        if beat is not None and beat > now - FRESH:
            return None
    return f"no heartbeat run within {ANSWER_WITHIN_SECONDS:g} s (is manage.py db_worker running?)"


def problems() -> dict[str, str]:
    """What is wrong, by part ("database", "worker"); empty when all is fine."""
    found = {}
    database = database_problem()
    if database:
        found["database"] = database
        found["worker"] = "not checked: the database was not reached"
        return found
    worker = worker_problem()
    if worker:
        found["worker"] = worker
    return found


def report() -> dict[str, str]:
    """{"status": "ok", "database": "ok", "worker": "ok"}, or what is wrong in place of ok."""
    found = problems()
    return {
        "status": "failing" if found else "ok",
        "database": found.get("database", "ok"),
        "worker": found.get("worker", "ok"),
    }


@never_cache
@require_GET
def healthz(request):
    """200 and the report when fine; 503 naming each part that is not."""
    body = report()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
