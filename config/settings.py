"""Settings read from the environment, with defaults that are safe on a laptop.

Production is any run with DEBUG off: it refuses to start with the default secret key.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

INSECURE_DEFAULT_SECRET_KEY = "insecure-local-only-do-not-deploy"


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value before running with "
        "DEBUG off (for local use, DJANGO_DEBUG=1 is enough)."
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "config.apps.InstallationAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "djmoney",
    "django_tasks",
    "django_tasks_db",
    "simple_history",
    "django_htmx",
    "investplan",
    "posts",
    "funding",
    "figures",
    "reports",
]

MIDDLEWARE = [
    # A page outside the admin is resolved without the admin's addresses (SITE_URLCONF).
    "config.middleware.SiteAddresses",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app processes themselves, compressed and cached for ever
    # (their names carry a hash of their content), with no separate file server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The Content-Security-Policy header: see the production block below.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who made a change, for the history of lines, allocations and assumptions.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: saving a line in place answers with its row, not a page.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
SITE_URLCONF = "config.site_urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "investplan.context_processors.organisations",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# The database the environment names; without one (unset or empty, as an environment
# file may leave it), the SQLite file beside the code.
DATABASE_NAMED = bool(os.environ.get("DATABASE_URL"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (`make run`): a transaction takes the write lock when it begins, not at its
    # first write. Begun deferred, two saves of one line both read it, and the second to
    # write fails at once with "database is locked" (SQLite will not wait where waiting
    # could deadlock). Begun immediate, the second waits for the first (up to `timeout`
    # seconds), then reads the line as saved and is refused as changed (409), as on
    # PostgreSQL, where the plan's row lock orders them.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )

# Long PDFs are laid out in the background by `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Off: figures are formatted on purpose (one helper for money, `intcomma` where asked);
# a thousands separator added to every number would also reach ids and anchors
# (line 1000 would become "line-1,000").
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign-in"

# One money type: pounds and pence in GBP.
CURRENCIES = ("GBP",)
DEFAULT_CURRENCY = "GBP"

# Uploads: nothing large is held in memory (import limits come with the importer).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# -- Appendix imports: what one file may hold (issue 18) ---------------------------------
# Real appendices are kilobytes: the widest seen has 12 columns and 36 rows, a workbook
# unpacks to 36 KB in 9 parts. These are generous for any council's appendix and small
# enough that a hostile file is refused in a second, before it is parsed.
IMPORT_LIMITS = {
    "file_bytes": 10 * 1024 * 1024,  # an upload, a file on disk, a request's body
    "columns": 1_000,  # cells across one row, after its trailing blank ones
    "cells": 500_000,  # cells read from one sheet (25,000 rows of 20 columns)
    # Rows with something in them: 2.5 times the largest plan the benchmarks import, and few
    # enough that reading, checking and previewing them stays well inside gunicorn's 60 s
    # (at 100,000 a file took 45 s to be refused and its preview 26 s to print).
    "rows": 25_000,
    "unpacked_bytes": 100 * 1024 * 1024,  # a workbook's parts, all inflated
    "part_bytes": 50 * 1024 * 1024,  # one part (a sheet, the shared strings)
    "parts": 1_000,  # entries in a workbook's zip
    "inflation": 200,  # a part over 1 MB inflating more times than this is a zip bomb
}
# A file over IMPORT_LIMITS["file_bytes"] is refused as its body arrives, never written to disk.
FILE_UPLOAD_HANDLERS = [
    "posts.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_flag("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# -- Signing in, passwords and sessions (issue 18) ------------------------------------------
# Kept together in one block, apart from the production block, so the two merge cleanly.

# Brute force: django-axes counts failed sign-ins by username and, separately, by address;
# either reaching the limit locks that username (from anywhere) or that address (for
# any username) until the cool-off has passed or an administrator unlocks it (the admin's
# "Access attempts", or `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]  # last, as axes asks: it answers lock-outs
AUTHENTICATION_BACKENDS = [
    "investplan.signing_in.SignInThrottle",
    "investplan.signing_in.UsernameInAnyCase",
]
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_SIGN_IN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_SIGN_IN_LOCK_MINUTES", "15")))
# Not reset on success: a success would clear the address's count, and with it the
# failures against other usernames from that address.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "investplan.signing_in.locked_out"
AXES_CLIENT_IP_CALLABLE = "investplan.signing_in.client_address"
AXES_USERNAME_CALLABLE = "investplan.signing_in.username_counted"
# How many reverse proxies stand in front of the app, each adding to X-Forwarded-For:
# set it (usually 1) wherever SECURE_PROXY_SSL_HEADER is set, since the proxy that says
# the request came over https is the one that says where it came from. 0 (the default):
# no proxy, the connection's address is the visitor's, and X-Forwarded-For is ignored.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))

# Password change and reset are Django's own views (templates/registration/). The reset
# link goes by email: printed to the console locally, sent by SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("DJANGO_EMAIL_USE_TLS", False)  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_flag("DJANGO_EMAIL_USE_SSL", False)  # TLS from the start, port 465
# Seconds to wait for the mail server. Without a limit a relay that takes the connection
# and never answers holds the request until gunicorn kills it (a 500 after 60 s).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "investplan@localhost")
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link works for a day

# A session ends after a working day without a request (9 hours): requests move the end
# on, so someone working all day is not signed out, and a computer left signed in
# overnight is. The end is moved at most every five minutes, not on every request
# (SESSION_SAVE_EVERY_REQUEST), to spare a database write per page (investplan.signing_in).
SESSION_COOKIE_AGE = 9 * 60 * 60
SESSION_RENEW_SECONDS = 5 * 60
# Inside the session's middleware (so its change is saved), before axes' (which is last).
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"), "investplan.signing_in.SessionRenewal"
)

# People join a council by an invitation link, which works once, for this many days.
INVITATION_DAYS = int(os.environ.get("DJANGO_INVITATION_DAYS", "7"))

# -- Production: hosting behind a council's reverse proxy (issue 18) --------------------
# Every variable here is in the README's "Hosting" table. The defaults are the safe ones
# with DEBUG off; each can be turned down for a trial on a laptop without TLS.

# Static files: `collectstatic` writes them to STATIC_ROOT with hashed names and gzip and
# brotli copies; whitenoise serves them. With DEBUG on, runserver serves them from the apps.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# One connection per app process, kept between requests and checked before reuse.
CONN_HEALTH_CHECKS = True

# HTTPS. The proxy ends TLS and says so in a header it sets itself (and strips from what
# clients send): name it, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto. Never set
# it when clients reach the app directly, or anyone could claim to be on HTTPS.
_proxy_ssl_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_ssl_header.upper().replace("-", "_"),
        "https",
    )
SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# The health check is asked over plain HTTP from inside the host (compose, monitoring).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_flag("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a promise about the council's whole domain, made by whoever owns it
    # (hstspreload.org), not a default an application can make: opt in with the variable.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Logs: one stream, stdout, which gunicorn, compose and systemd all collect. A server
# error is logged by django.request with its traceback (Django's default mails it to
# ADMINS instead, and with none set it went nowhere).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "{asctime} {levelname} {name} [pid {process}] {message}",
            "style": "{",
        }
    },
    "filters": {
        "traceback_only_for_server_errors": {
            "()": "config.log_records.TracebackOnlyForServerErrors"
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["traceback_only_for_server_errors"],
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own handlers for it (console only with DEBUG on, mail_admins).
        "django": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        # WeasyPrint tells each step of every PDF at INFO; its warnings are enough.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Axes says at INFO that it started, in every process and every command, where a
        # command's own output (rollup --json) is read from stdout.
        "axes": {"level": "WARNING"},
    },
}

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static
# files, nothing inline, no frames, forms post only to us. htmx is told not to add its
# inline indicator style (the htmx-config meta tag in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
