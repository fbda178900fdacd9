"""gunicorn's settings (deploy/gunicorn.conf.py), as its master reads them."""

import subprocess
import sys

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
