"""gunicorn's settings for InvestPlan (`make serve`, deploy/compose.yaml).

Sync workers, each its own process with its own database connection: a request is Django
and the cost engine in Python, and work that takes long (big PDFs, recosting big plans)
goes to the task worker, so no request waits on another's I/O for long. Twice the cores
plus one (gunicorn's own rule): while one process waits on PostgreSQL, another has the
core. WEB_CONCURRENCY sets it; each process takes about 80-100 MB (93 MB after the load bench),
more for a while after a large import's preview, until it is replaced (max_requests).
"""

import multiprocessing
import os

# pygal, which draws the charts, is loaded here in gunicorn's master, once, so that every
# worker it starts (and restarts, below) holds it from the fork: no request waits on its
# import, the first chart a worker draws included. The app loads it only where a chart is
# drawn (decision 0030), so no other process pays it (decision 0035).
import pygal  # noqa: F401

bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A request still running after this is killed and logged; long work is the task worker's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Each process is replaced after about a thousand requests, so memory a PDF or a big
# import grew is given back; the jitter keeps them from restarting together.
max_requests = 1000
max_requests_jitter = 100
# Both logs on the one stream the app logs to (see LOGGING in config/settings.py);
# the access log with when, from where, the browser, and the time taken in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = '%(t)s %(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
