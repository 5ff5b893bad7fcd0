"""Benchmark of the real-time door (`jit.realtime`, `jit.services.channels`); prints figures.

Measures, against one server process (gunicorn, threaded worker, websocket transport, as deployed):

1. Fan-out: N authenticated websocket clients subscribed to one channel, a sender sending one
   message every 50 ms through the `send` event (stored, numbered and audited before it is
   delivered). Delivery latency p50/p95/p99 (from the sender's emit to each receipt; every client
   is in this process, so one clock) and loss, at N = 20, 50, 100. The same run against a bare
   python-socketio server (same stack, no database, no rights, no audit: the ceiling) gives the
   ratio. Targets at N = 50 (1,000 deliveries/s): p95 <= 50 ms, no loss, delivered throughput at
   least 70% of the bare server's.
2. Idle connections: authenticated sockets connected and left idle in steps, while 20 active
   clients keep measuring fan-out latency; the ramp stops when p95 passes 2x its value at the
   first step (or a connection fails). The server process's resident memory per connection is
   read from /proc at each step.

The platform's server runs on a fresh SQLite file (WAL) under a temporary folder, or with
`--postgres` on a scratch PostgreSQL database, with in-process Socket.IO (no Redis: one process).
Not a test, and not run by `make test`. From the project root:

    .venv/bin/python bench/realtime.py [--quick] [--seconds S] [--sizes 20,50,100]
                                       [--idle-steps 100,200,400,800] [--postgres [--postgres-url URL]]

`--quick`: 2-second runs at N = 20 only and one idle step. The exit status is 1 when a target at
N = 50 is missed.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import socketio
from flask_migrate import upgrade

from bench.ledger import POSTGRES_ADMIN_URL, postgres_database, postgres_unreachable, quiet_migrations
from config import PROJECT_ROOT, TestingConfig
from jit import create_app
from jit.extensions import db
from jit.models import AuthorityKind, User
from jit.services import accounts, channels, groups, tokens
from tests.factories import create_authority
from tests.realtime.servers import free_port, wait_until

INTERVAL = 0.050  # one message every 50 ms
SIZES = (20, 50, 100)
GRACE = 3.0  # seconds to wait for stragglers after the last send
PASSWORD = "bench-password-2025"  # noqa: S105 - the bench accounts' password
ROOM = "bench"


# --- the bare server: python-socketio alone, the same events ----------------------------------

bare = socketio.Server(async_mode="threading")
bare_app = socketio.WSGIApp(bare)


@bare.on("subscribe")
def _bare_subscribe(sid, data):
    bare.enter_room(sid, ROOM)
    return {"ok": True, "last_seq": 0, "missed": []}


@bare.on("send")
def _bare_send(sid, data):
    message = {"channel_id": data["channel_id"], "body": data["body"]}
    bare.emit("message", message, to=ROOM)
    return {"ok": True, "message": message}


# --- set-up ------------------------------------------------------------------------------------

@dataclass
class World:
    database_url: str
    channel_id: int
    tokens: list[str]


def build_world(folder: Path, people: int, url: str) -> World:
    """A group with one national team of `people` members, each with a bearer token, in a new database."""
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, JIT_LEDGER_KEY_FILE=str(folder / "key.pem")))
    with app.app_context():
        with quiet_migrations():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
        authority = create_authority("BY", AuthorityKind.CENTRAL)
        made = [accounts.create_user_from_command_line(
            username=f"bench{n}", full_name=f"Участник {n}", password=PASSWORD, roles=("investigator",),
            authority_id=authority.id) for n in range(people)]
        head = db.session.get(User, made[0].id)
        group = groups.create_group(head, title="Bench", purpose="Bench", place_of_activity="Минск")
        team = groups.add_team(head, group.id, party="BY", authority_id=authority.id, national_head_id=head.id)
        for user in made[1:]:
            groups.add_member(head, group.id, user_id=user.id, team_id=team.id, role="member")
        general = next(c for c in channels.list_channels(head, group.id) if c.kind == "general")
        bearer_tokens = [tokens.issue_token(f"bench{n}", PASSWORD).plain for n in range(people)]
        db.session.remove()  # no transaction (SQLite write lock) left open for the server to wait on
        db.engine.dispose()
    return World(url, general.id, bearer_tokens)


@contextmanager
def server(target: str, log: Path, threads: int, env: dict | None = None):
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "-k", "gthread", "-w", "1", "--threads", str(threads),
               "--no-control-socket", "--graceful-timeout", "3", "--timeout", "120", "-b", f"127.0.0.1:{port}", target]
    with log.open("w") as output:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn
            command, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})}, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_until(lambda: _healthy(url), 30):
            raise RuntimeError(log.read_text())
        yield url, process.pid
    finally:
        process.terminate()
        process.wait(timeout=20)


def _healthy(url: str) -> bool:
    """The worker answers (the platform its /healthz, the bare server a 404)."""
    try:
        return requests.get(f"{url}/healthz", timeout=1).status_code in (200, 404)
    except requests.RequestException:
        return False


def platform_env(world: World, folder: Path) -> dict:
    return {"JIT_CONFIG": "production", "SECRET_KEY": "bench-" + "k" * 40, "JIT_ALLOW_SQLITE_IN_PRODUCTION": "1",
            "DATABASE_URL": world.database_url, "JIT_REQUIRE_2FA": "0", "SOCKETIO_MESSAGE_QUEUE": "",
            "JIT_LEDGER_KEY_FILE": str(folder / "key.pem"), "JIT_MESSAGE_RATE_LIMIT": "100000 per second"}


def worker_rss_kib(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))


# --- measuring ---------------------------------------------------------------------------------

@dataclass
class Receiver:
    client: socketio.Client
    latencies: list[float] = field(default_factory=list)


def connect(url: str, token: str, channel_id: int, on_message=None) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    if on_message is not None:
        client.on("message", on_message)
    client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
    ack = client.call("subscribe", {"channel_id": channel_id}, timeout=30)
    if not ack.get("ok"):
        raise RuntimeError(f"subscribe refused: {ack}")
    return client


@dataclass
class Run:
    receivers: int
    sent: int
    latencies: list[float]
    seconds: float

    @property
    def loss(self) -> float:
        expected = self.sent * self.receivers
        return 1 - len(self.latencies) / expected if expected else 0.0

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")

    def __str__(self) -> str:
        return (f"p50 {self.percentile(50):7.1f} ms  p95 {self.percentile(95):7.1f} ms  "
                f"p99 {self.percentile(99):7.1f} ms  loss {self.loss:6.2%}  {self.throughput:7.0f} deliveries/s")


def fan_out(url: str, tokens: list[str], channel_id: int, receivers: int, seconds: float) -> Run:
    """`receivers` clients subscribed; the sender (tokens[0]) sends every INTERVAL for `seconds`."""
    latencies: list[float] = []
    lock = threading.Lock()

    def heard(message) -> None:
        sent_at = float(message["body"].split()[1])
        with lock:
            latencies.append(time.monotonic() - sent_at)

    clients = [connect(url, token, channel_id, heard) for token in tokens[1:receivers + 1]]
    sender = connect(url, tokens[0], channel_id)
    sent, start = 0, time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            due = start + sent * INTERVAL
            time.sleep(max(0.0, due - time.monotonic()))
            sender.emit("send", {"channel_id": channel_id, "body": f"{sent} {time.monotonic():.6f}",
                                 "client_msg_id": f"m{time.monotonic_ns()}"})
            sent += 1
        wait_until(lambda: len(latencies) >= sent * receivers, GRACE)
        elapsed = time.monotonic() - start
    finally:
        for client in [*clients, sender]:
            client.disconnect()
    return Run(receivers, sent, latencies, elapsed)


def idle_ramp(url: str, pid: int, tokens: list[str], channel_id: int, steps: list[int], seconds: float) -> None:
    idle: list[socketio.Client] = []
    base_rss = worker_rss_kib(pid)
    baseline = None
    print(f"\nidle connections per process (20 active clients measuring; worker RSS {base_rss / 1024:.0f} MiB idle)")
    try:
        for target in steps:
            try:
                while len(idle) < target:
                    client = socketio.Client(reconnection=False)
                    client.connect(url, auth={"token": tokens[len(idle) % len(tokens)]}, transports=["websocket"],
                                   wait_timeout=20)
                    idle.append(client)
            except (socketio.exceptions.ConnectionError, OSError) as error:
                print(f"  {len(idle):5d} idle: connecting more failed ({error}); stop")
                return
            time.sleep(1)
            rss = worker_rss_kib(pid)
            run = fan_out(url, tokens, channel_id, 20, seconds)
            per_connection = (rss - base_rss) / len(idle)
            print(f"  {len(idle):5d} idle: {run}  RSS {rss / 1024:6.0f} MiB ({per_connection:5.0f} KiB/connection)")
            p95 = run.percentile(95)
            baseline = baseline or p95
            if p95 > 2 * baseline or run.loss > 0:
                print(f"  latency degraded (p95 {p95:.1f} ms > 2 x {baseline:.1f} ms, or loss): stop")
                return
    finally:
        for client in idle:
            client.disconnect()


def measure(folder: Path, database_url: str, sizes: tuple[int, ...], seconds: float, steps: list[int]) -> bool:
    world = build_world(folder, max(sizes) + 1, database_url)
    print(f"fan-out: one message every {INTERVAL * 1000:.0f} ms for {seconds:.0f} s, N websocket receivers")
    results = {}
    threads = max(sizes) + 20
    with server("wsgi:app", folder / "platform.log", threads, platform_env(world, folder)) as (url, _):
        for size in sizes:
            results[size] = [fan_out(url, world.tokens, world.channel_id, size, seconds)]
    with server("bench.realtime:bare_app", folder / "bare.log", threads) as (url, _):
        for size in sizes:
            results[size].append(fan_out(url, world.tokens, world.channel_id, size, seconds))
    for size, (platform, ceiling) in results.items():
        print(f"N = {size:3d}  platform  {platform}")
        print(f"         bare      {ceiling}")
        print(f"         ratio     p95 x{platform.percentile(95) / ceiling.percentile(95):.2f}, "
              f"throughput {platform.throughput / ceiling.throughput:.0%} of bare")
    met = True
    if 50 in results:
        platform, ceiling = results[50]
        met = platform.percentile(95) <= 50 and platform.loss == 0 and platform.throughput >= 0.7 * ceiling.throughput
        print(f"targets at N = 50 (p95 <= 50 ms, no loss, >= 70% of bare throughput): {'met' if met else 'MISSED'}")
    if steps:
        with server("wsgi:app", folder / "idle.log", max(steps) + 60, platform_env(world, folder)) as (url, pid):
            idle_ramp(url, pid, world.tokens, world.channel_id, steps, seconds)
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="receivers per fan-out run")
    parser.add_argument("--idle-steps", default="100,200,400,800", help="idle connections per step ('' for none)")
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database instead of SQLite")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL,
                        help=f"PostgreSQL admin URL to create the scratch database from (default {POSTGRES_ADMIN_URL})")
    args = parser.parse_args()
    sizes = (20,) if args.quick else tuple(int(size) for size in args.sizes.split(","))
    seconds = 2.0 if args.quick else args.seconds
    steps = [int(step) for step in args.idle_steps.split(",") if step][: 1 if args.quick else None]
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="jit-bench-") as folder_name:
        folder = Path(folder_name)
        if not args.postgres:
            print("database: SQLite (WAL), a new file")
            return 0 if measure(folder, f"sqlite:///{folder / 'bench.sqlite3'}", sizes, seconds, steps) else 1
        problem = postgres_unreachable(args.postgres_url)
        if problem:
            print(f"PostgreSQL {problem}")
            return 2
        with postgres_database(args.postgres_url) as database_url:
            print("database: PostgreSQL, a new scratch database")
            return 0 if measure(folder, database_url, sizes, seconds, steps) else 1


if __name__ == "__main__":
    sys.exit(main())
