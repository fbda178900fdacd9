#!/usr/bin/env bash
# `make serve`: InvestPlan as production runs it. DEBUG off, PostgreSQL from DATABASE_URL,
# migrations and static files brought up to date, then gunicorn's processes and the task
# worker side by side; when either stops, the other is stopped too.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

case "${DATABASE_URL:-}" in
  postgres://* | postgresql://*) ;;
  "")
    echo "make serve needs DATABASE_URL, the PostgreSQL database to serve from, e.g." >&2
    echo "  DATABASE_URL=postgres://investplan:PASSWORD@127.0.0.1:5432/investplan make serve" >&2
    echo "(make run is the way to try InvestPlan on SQLite, with DEBUG on.)" >&2
    exit 2 ;;
  *)
    echo "make serve runs on PostgreSQL only; DATABASE_URL is not a postgres:// address." >&2
    exit 2 ;;
esac
if [[ -z "${DJANGO_SECRET_KEY:-}" ]]; then
  echo "make serve needs DJANGO_SECRET_KEY, a long random value kept secret, e.g. from" >&2
  echo "  $PY -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2
  exit 2
fi
export DJANGO_DEBUG=0
# gunicorn reads WEB_CONCURRENCY itself and fails on an empty one: unset means the default.
if [[ -z "${WEB_CONCURRENCY:-}" ]]; then unset WEB_CONCURRENCY; fi

# The app's own bytecode, so each new worker process reads its modules, not compiles them.
"$PY" -m compileall -q config investplan posts funding figures reports
"$PY" manage.py migrate --no-input
"$PY" manage.py collectstatic --no-input --verbosity 0
# Plans whose figures wait to be worked out (as after an upgrade) are costed now.
"$PY" manage.py recost --waiting

"$PY" manage.py db_worker & worker=$!
"$PY" -m gunicorn --config deploy/gunicorn.conf.py config.wsgi & web=$!
trap 'kill -TERM "$web" "$worker" 2>/dev/null || true; wait' EXIT INT TERM
# Whichever stops first (a crash, or a signal), the trap stops the other.
wait -n "$web" "$worker"
