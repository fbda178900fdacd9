"""gunicorn's settings (deploy/gunicorn.conf.py), as its master reads them."""

import runpy
import subprocess
import sys

from django.conf import settings

from tests.operations.running import ROOT


def test_it_loads_pygal_in_gunicorns_master_so_each_worker_holds_it_from_the_fork():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, sys; runpy.run_path('deploy/gunicorn.conf.py'); "
            "print('pygal' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip()

    assert loaded == "True"


def test_it_waits_for_the_mail_server_for_less_than_gunicorn_waits_for_a_request():
    gunicorn = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    assert 0 < settings.EMAIL_TIMEOUT < gunicorn["timeout"] / 2
