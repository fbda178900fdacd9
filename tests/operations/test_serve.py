"""`make serve` (deploy/serve.sh) starts nothing without a PostgreSQL DATABASE_URL and a
secret key, and says what to set."""

import pytest

from tests.operations.running import run_here


def serve(**env):
    return run_here(["deploy/serve.sh"], **env)


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


def test_it_refuses_to_serve_without_a_secret_key_and_says_how_to_make_one():
    result = serve(DATABASE_URL="postgres://investplan@127.0.0.1:5432/investplan")

    assert result.returncode == 2
    assert "make serve needs DJANGO_SECRET_KEY" in result.stderr
    assert "secrets.token_urlsafe" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
