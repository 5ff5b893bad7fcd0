"""The server's entry point freezes what the app holds once built out of the cyclic garbage
collector: otherwise every full collection scans the whole app again, a pause of about 100 ms every
few requests at ten times the demo (most of a page's p95, bench/pages.py)."""

from __future__ import annotations

import os
import subprocess
import sys

from config import PROJECT_ROOT

TRACKED = "import gc, wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"


def test_the_app_is_frozen_out_of_the_collector(tmp_path):
    env = {**os.environ, "JIT_CONFIG": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'jit.sqlite3'}"}
    result = subprocess.run([sys.executable, "-c", TRACKED], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    frozen, scanned = map(int, result.stdout.split())
    # A full collection scans what was made since: a small part of the app.
    assert scanned * 10 < frozen
