"""`/healthz`: the database reached and the task worker running tasks, without sign-in."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from investplan import health

pytestmark = pytest.mark.django_db


def beat_run(seconds_ago: int) -> None:
    """A heartbeat as the worker leaves it, run `seconds_ago`."""
    result = health.heartbeat.enqueue()
    when = timezone.now() - timedelta(seconds=seconds_ago)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.SUCCESSFUL, started_at=when, finished_at=when
    )


def test_it_answers_ok_as_json_without_sign_in_when_the_worker_ran_a_heartbeat(client):
    beat_run(seconds_ago=5)

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "ok"}


def test_it_answers_503_naming_the_worker_when_a_heartbeat_has_waited_unrun(client):
    waiting = health.heartbeat.enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["database"] == "ok"
    assert body["worker"].startswith("no task run: a heartbeat has waited 300 s")


def test_it_answers_503_when_no_worker_runs_the_heartbeat_it_asks_for(client, monkeypatch):
    monkeypatch.setattr(health, "ANSWER_WITHIN_SECONDS", 0.3)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert "no heartbeat run within 0.3 s" in response.json()["worker"]
    assert (
        DBTaskResult.objects.filter(
            task_path=health.HEARTBEAT_PATH, status=TaskResultStatus.READY
        ).count()
        == 1
    )


def test_it_asks_for_the_next_heartbeat_before_the_last_goes_stale(client):
    beat_run(seconds_ago=int(health.FRESH.total_seconds() * 0.75))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert (
        DBTaskResult.objects.filter(
            task_path=health.HEARTBEAT_PATH, status=TaskResultStatus.READY
        ).count()
        == 1
    )


def test_it_answers_503_naming_the_database_when_it_is_not_reached(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "connection", type("Down", (), {"cursor": unreachable})())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": "not reached",
        "worker": "not checked: the database was not reached",
    }


def test_it_clears_heartbeats_older_than_an_hour_when_the_worker_runs_one():
    beat_run(seconds_ago=2 * 3600)
    DBTaskResult.objects.filter(task_path=health.HEARTBEAT_PATH).update(
        enqueued_at=timezone.now() - timedelta(hours=2)
    )
    beat_run(seconds_ago=10)

    assert health.heartbeat.call() == "alive"

    assert DBTaskResult.objects.filter(task_path=health.HEARTBEAT_PATH).count() == 1


def test_it_says_the_same_from_the_command_and_fails_it_when_the_worker_is_not_running():
    waiting = health.heartbeat.enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=5)
    )

    with pytest.raises(CommandError, match="worker: no task run: a heartbeat has waited"):
        call_command("health", stdout=io.StringIO())


def test_it_prints_ok_from_the_command_when_the_worker_ran_a_heartbeat():
    beat_run(seconds_ago=5)
    out = io.StringIO()

    call_command("health", stdout=out)

    assert json.loads(out.getvalue()) == {"status": "ok", "database": "ok", "worker": "ok"}
