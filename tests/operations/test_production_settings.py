"""Production settings, each read in a fresh process with the environment a host gives it:
`check --deploy` clean, and a server error logged to stdout with its traceback."""

import sys

from tests.operations.running import run_here

PRODUCTION = {
    "DJANGO_SECRET_KEY": "a8Zq-production-like-secret-k3y-with-50-or-more-characters-9xW",
    "DJANGO_ALLOWED_HOSTS": "investplan.example.gov.uk",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://investplan.example.gov.uk",
    "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    "DJANGO_TRUSTED_PROXIES": "1",
    # Named, as a server names it (the checks read the setting; none connects).
    "DATABASE_URL": "postgres://investplan@127.0.0.1:5432/investplan",
}


def run_python(args: list[str], **env):
    settings = {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return run_here([sys.executable, *args], **settings)


def test_it_passes_check_deploy_with_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_fails_check_deploy_when_hsts_is_turned_off():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_HSTS_SECONDS="0"
    )

    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_it_fails_check_deploy_behind_a_proxy_with_no_proxy_trusted():
    result = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], DJANGO_TRUSTED_PROXIES="0"
    )

    assert result.returncode != 0
    assert "investplan.W001" in result.stderr


def test_it_warns_a_command_run_without_database_url_that_it_works_on_sqlite():
    without_database = {**PRODUCTION, "DATABASE_URL": ""}
    result = run_here(
        [sys.executable, "manage.py", "check"],
        **without_database,
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert "investplan.W002" in result.stderr
    assert "DATABASE_URL is not set, so this works on the SQLite file" in result.stderr


REQUEST_A_PAGE = """
import django
django.setup()
from django.test import Client, override_settings
urls = "tests.operations.failing_urls"
with override_settings(ROOT_URLCONF=urls, SITE_URLCONF=urls):
    response = Client(raise_request_exception=False).get("/%s/", secure=True)
print("answered", response.status_code)
print(response.content.decode())
"""
REQUEST_A_FAILING_PAGE = REQUEST_A_PAGE % "fails"


def test_it_logs_a_server_error_with_its_traceback_to_stdout():
    result = run_python(["-c", REQUEST_A_FAILING_PAGE], DJANGO_ALLOWED_HOSTS="testserver")

    assert "answered 500" in result.stdout, result.stderr
    logged = result.stdout.split("answered 500")[0]
    assert "ERROR django.request" in logged
    assert "Internal Server Error: /fails/" in logged
    assert "Traceback (most recent call last):" in logged
    assert "RuntimeError: a server error on purpose" in logged
    assert "Traceback" not in result.stderr


def test_it_answers_a_server_error_with_a_page_that_says_what_to_do():
    result = run_python(["-c", REQUEST_A_FAILING_PAGE], DJANGO_ALLOWED_HOSTS="testserver")

    page = result.stdout.split("answered 500", 1)[1]
    assert "<h1>Something went wrong</h1>" in page
    assert "tell your council's IT team the time it happened" in page
    assert "Rendered by Django" not in page  # the template's comment is not printed


def test_it_logs_a_refused_page_in_one_line_without_a_traceback():
    # The suite's settings (the app's, with static files served unbuilt) so that the
    # forbidden page can print its stylesheet's address without a `collectstatic`.
    result = run_python(
        ["-c", REQUEST_A_PAGE % "refused"],
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="tests.settings",
    )

    assert "answered 403" in result.stdout, result.stderr
    logged = result.stdout.split("answered 403")[0]
    assert "WARNING django.request" in logged
    assert "Forbidden (Permission denied): /refused/" in logged
    assert "Traceback" not in logged
    assert len(logged.strip().splitlines()) == 1


REQUEST_THROUGH_THE_PROXY = """
import django
django.setup()
from django.conf import settings
from django.test import Client, override_settings
# The pages' stylesheet addresses come from collectstatic's manifest, which a checkout
# has not made: plain static addresses here, the proxy's headers are what is tested.
override_settings(STORAGES={
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
client = Client()
direct = client.get("/sign-in/")
proxied = client.get("/sign-in/", headers={"x-forwarded-proto": "https"})
health = client.get("/healthz")
print("direct", direct.status_code, direct.get("Location"))
print("proxied", proxied.status_code, proxied.get("Strict-Transport-Security"))
print("health", health.status_code in (200, 503))
"""


def test_it_trusts_the_proxys_https_header_and_redirects_plain_http_but_the_health_check():
    result = run_python(
        ["-c", REQUEST_THROUGH_THE_PROXY],
        DJANGO_ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite:////nonexistent/no-database-needed.sqlite3",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "direct 301 https://testserver/sign-in/" in lines
    assert "proxied 200 max-age=31536000; includeSubDomains" in lines
    assert "health True" in lines
