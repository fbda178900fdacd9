"""Running the project in a fresh process, with an environment of the test's choosing."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def clean_environment(**env) -> dict:
    """This process's environment without the project's settings, and `env` added."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    return {**kept, **env}


def run_here(args: list[str], **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
