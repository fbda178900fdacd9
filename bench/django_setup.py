"""Set Django up for a benchmark: the project on the path, DEBUG on, and a fresh SQLite file
in /tmp unless DATABASE_URL says otherwise. Import it before anything from the project."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3")

import django  # noqa: E402

django.setup()
