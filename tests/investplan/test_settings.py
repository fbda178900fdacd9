"""Production (DEBUG off) refuses to start with the default secret key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start_django(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    environment.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_in_production_with_the_default_secret_key():
    result = start_django()

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_it_starts_in_production_with_a_secret_key_set():
    result = start_django(DJANGO_SECRET_KEY="a-real-secret-from-the-environment-1234567890")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_it_starts_locally_with_debug_on():
    result = start_django(DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr
