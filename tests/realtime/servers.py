"""Real server processes for the scale-out tests: gunicorn with the threaded worker, as deployed
(RECIPES.md "Socket.IO across several processes"), on a free loopback port."""

from __future__ import annotations

import itertools
import os
import random
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from config import PROJECT_ROOT
from tests.conftest import LEDGER_KEY_FILE, SOCKETIO_CHANNEL, WORKER_INDEX, wait_until

# Several processes, or one process after another, share one server database: these tests run on
# PostgreSQL only (skipped with the reason, or failed under JIT_REQUIRE_SERVICES=1, when it is not
# reachable), overriding the conftest's choice of backends.
ON_POSTGRESQL = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                        indirect=True)


# A port the kernel picks (bind to port 0) lies in its range for outgoing connections (32768-60999
# on Linux): any process may take it between the probe and the server's own bind, or while a
# restarted server is down. Each worker picks from a block of its own below that range instead,
# moving on at every call, so that a stopped server's port is not handed out again at once.
FIRST_PORT, PORTS_PER_WORKER = 20_000, 500
_next_port = itertools.count(random.randrange(PORTS_PER_WORKER))


def free_port() -> int:
    block = FIRST_PORT + WORKER_INDEX * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = block + next(_next_port) % PORTS_PER_WORKER
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:  # held by some other program
                continue
            return port
    raise RuntimeError(f"no free port in {block}-{block + PORTS_PER_WORKER - 1}")


@contextmanager
def gunicorn(database_url: str, queue_url: str | None, log: Path, *, threads: int = 20, port: int | None = None,
             **env):
    """One production-style process on `database_url`, sharing `queue_url` (None: no queue, sockets in
    process), on `port` (a free one if not given; a restart passes the same port again); yields its
    base URL once /healthz says the database and the queue are reachable, and stops the process on
    leaving."""
    port = port or free_port()
    environment = {
        **os.environ,
        "JIT_CONFIG": "production",
        "SECRET_KEY": "scale-out-test-key-" + "x" * 20,
        "JIT_ALLOW_SQLITE_IN_PRODUCTION": "1",
        "DATABASE_URL": database_url,
        "SOCKETIO_MESSAGE_QUEUE": queue_url or "",
        "SOCKETIO_CHANNEL": SOCKETIO_CHANNEL,
        "JIT_REQUIRE_2FA": "0",
        "JIT_LEDGER_KEY_FILE": LEDGER_KEY_FILE,
        **env,
    }
    binary = str(Path(sys.executable).with_name("gunicorn"))
    with log.open("w") as output:
        process = subprocess.Popen(
            [binary, "-w", "1", "--threads", str(threads), "--no-control-socket", "--graceful-timeout", "3",
             "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            health = requests.get(f"{url}/healthz", timeout=1).json()
            return health["status"] == "ok" and health["message_queue"] == ("ok" if queue_url else "in-process")
        except (requests.RequestException, ValueError):
            return False

    try:
        assert wait_until(up, 30), log.read_text()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
