"""Shared by the benches that time pages as a server serves them: DEBUG off, Django's test
environment not set up (it instruments every template render), the test client's host
allowed. Import it before anything from the project."""

import importlib.util
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
# The test client asks over plain HTTP, as a proxy that ends TLS does: no redirect to HTTPS.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

import django_setup  # noqa: F401  (sets Django up)

RUNS = 7
HERE = Path(__file__).resolve().parent


def generated_plans():
    """The plan generator of the report bench, for plans of any size."""
    spec = importlib.util.spec_from_file_location("report_bench", HERE / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def timed(function, runs=RUNS, before=None):
    """The best and median of `runs` calls, in seconds, and the last call's result;
    `before`, if given, is called ahead of each call, untimed."""
    timings, result = [], None
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return min(timings), statistics.median(timings), result


def in_place_save(line_id: int, fte) -> tuple[str, dict]:
    """The address and form of saving one line's FTE in place, as the workspace's Edit row
    posts them (with the HX-Request header)."""
    from posts.models import PlanLine
    from posts.services import line_version

    line = PlanLine.objects.select_related("plan").get(pk=line_id)
    return f"/plans/{line.plan.slug}/lines/{line.pk}/in-place/", {
        "title": line.title,
        "grade": line.grade_id,
        "fte": str(fte),
        "start_date": str(line.start_date),
        "duration_months": line.duration_months or "",
        "version": line_version(line) or "",
    }
