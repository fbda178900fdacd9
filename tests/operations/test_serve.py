"""`make serve` (deploy/serve.sh) starts nothing without a PostgreSQL DATABASE_URL."""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def serve(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(env)
    return subprocess.run(
        ["deploy/serve.sh"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_it_refuses_to_serve_without_database_url_and_says_what_to_set():
    result = serve()

    assert result.returncode == 2
    assert "make serve needs DATABASE_URL" in result.stderr
    assert "postgres://" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("url", ["sqlite:///db.sqlite3", "mysql://u@h/investplan"])
def test_it_refuses_to_serve_from_anything_but_postgresql(url):
    result = serve(DATABASE_URL=url)

    assert result.returncode == 2
    assert "PostgreSQL only" in result.stderr
