"""A process killed mid-upload leaves its temporary file in the store's incoming folder: start-up
removes it, without touching the files other live processes are receiving, and `flask jit verify
evidence` reports it (issue 13, finding 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import PROJECT_ROOT
from jit import create_app
from jit.storage import LEFTOVER_AGE_SECONDS, ContentStore
from tests.conftest import make_config

# A process receiving an upload: it writes part of a file into the store, says so, and waits to be
# killed (or is left running, a live writer).
WRITER = """
import sys, time
from jit.storage import ContentStore
incoming = ContentStore(sys.argv[1]).incoming(limit=10**9)
incoming.write(b"partial upload " * 1000)
incoming.seek(0, 2)  # everything written so far is in the file
print(incoming.temporary, flush=True)
time.sleep(600)
"""


@pytest.fixture
def writers():
    started: list[subprocess.Popen] = []

    def start(root: Path) -> tuple[subprocess.Popen, Path]:
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(root)], cwd=PROJECT_ROOT,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        return process, Path(process.stdout.readline().strip())

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        process.stdout.close()


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_start_up_removes_what_killed_uploads_left_and_nothing_being_written(tmp_path, writers):
    root = tmp_path / "store"
    killed, killed_file = writers(root)
    alive, alive_file = writers(root)
    os.kill(killed.pid, signal.SIGKILL)  # no chance to clean up
    killed.wait(timeout=10)
    assert killed_file.exists()  # what the finding saw: the partial file stays
    in_this_process = ContentStore(root).incoming(limit=10**6)
    in_this_process.write(b"still arriving")
    in_this_process.seek(0, 2)
    recent = root / "incoming" / "tmp-just-killed"  # a writer killed a moment ago
    recent.write_bytes(b"x")
    for path in (killed_file, alive_file, in_this_process.temporary):
        _age(path, LEFTOVER_AGE_SECONDS + 60)  # a stalled upload: unchanged for long, its writer alive
    try:
        create_app(make_config("sqlite://", JIT_EVIDENCE_DIR=str(root)))
        assert not killed_file.exists()
        assert alive_file.exists() and in_this_process.temporary.exists()  # live writers keep theirs
        assert recent.exists()  # too recent to be sure: removed at a later start
        # The live writers carry on and finish as if nothing happened.
        stored = in_this_process.commit()
        assert ContentStore(root).rehash(stored.sha256) == stored.sha256
    finally:
        in_this_process.close()
    alive.kill()
    alive.wait(timeout=10)
    _age(recent, LEFTOVER_AGE_SECONDS + 1)
    _age(alive_file, LEFTOVER_AGE_SECONDS + 1)
    create_app(make_config("sqlite://", JIT_EVIDENCE_DIR=str(root)))
    assert sorted((root / "incoming").iterdir()) == []


def test_verify_evidence_reports_leftovers(make_app, tmp_path, writers):
    root = tmp_path / "store"
    app = make_app(JIT_EVIDENCE_DIR=str(root))
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["jit", "verify", "evidence"])
    assert clean.exit_code == 0, clean.output
    assert "no leftovers of interrupted uploads" in clean.output
    killed, leftover = writers(root)
    _alive, being_written = writers(root)  # still receiving its file
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait(timeout=10)
    report = runner.invoke(args=["jit", "verify", "evidence"])
    assert report.exit_code == 0, report.output  # not evidence, and no ledger is broken by it
    assert "1 leftover temporary file(s) of interrupted uploads" in report.output
    assert f"{leftover.name} (15000 bytes)" in report.output
    assert being_written.name not in report.output
