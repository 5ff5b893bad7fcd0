"""Benchmark of notifications (issue 17, "Benchmark"); prints figures.

A group of 200 members (one national team), every member but the sender connected by websocket to one
server process (gunicorn, threaded worker, as deployed), listening for `notification`:

1. Mentions: the head posts `--messages` messages in the general channel through the API, each
   mentioning the same 50 members (50 notices stored in the request's transaction, pushed after commit).
2. Assignments: the head sets 1,000 tasks through the API, each assigned to one member in turn.

Delivery is timed from the commit of the sending request's transaction (the bench's server stamps it
in the first `after_commit` listener and returns it in a header) to the notice's arrival on the
member's socket (p50/p95; one machine, one clock). The sending request's cost is its round trip
(p50/p95), measured with the same members listening on a server with notifications on and on one
with them off (`notifications.tell` a no-op: nothing stored, nothing pushed). Targets: p95 delivery
under 200 ms; the sending request at most 20% slower (p50) with notifications on.

The platform runs on a fresh SQLite file (WAL) under a temporary folder, or with `--postgres` on a
scratch PostgreSQL database, with in-process Socket.IO (no Redis: one process). The group is made
active directly in the database (its legal path is not what is measured). Not a test, and not run
by `make test`. From the project root (niced, it shares the machine):

    nice -n 10 .venv/bin/python bench/notifications.py [--tasks N] [--messages N] [--postgres [--postgres-url URL]]

The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
import socketio
from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.ledger import POSTGRES_ADMIN_URL, postgres_database, postgres_unreachable
from bench.realtime import World, build_world, platform_env, server
from config import TestingConfig
from jit import create_app
from jit.extensions import db
from jit.models import GroupStatus, JointGroup
from jit.services import notifications
from tests.realtime.servers import wait_until

MEMBERS = 200
MENTIONED = 50
GRACE = 10.0  # seconds to wait for the last notices
DELIVERY_TARGET_MS = 200
COST_TARGET = 1.20


COMMITTED_HEADER = "X-Bench-Committed-At"


def platform(notices: str = "on"):
    """The platform as deployed (wsgi.py), stamping each request's last commit in a response header;
    with `notices="off"`, notifications switched off (`gunicorn 'bench.notifications:platform("off")'`)."""
    from wsgi import app

    def stamp(session) -> None:
        if has_request_context():
            g.bench_committed_at = time.time()

    # First among the listeners: before notify.py's sends the queued events.
    event.listen(Session, "after_commit", stamp, insert=True)

    @app.after_request
    def committed_at(response):
        if "bench_committed_at" in g:
            response.headers[COMMITTED_HEADER] = repr(g.bench_committed_at)
        return response

    if notices == "off":
        notifications.tell = lambda *args, **kwargs: []
    return app


def activate(world: World, folder: Path) -> int:
    """Make the bench group active with its creator as head; its id."""
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=world.database_url,
                                   JIT_LEDGER_KEY_FILE=str(folder / "key.pem")))
    with app.app_context():
        group = db.session.scalars(db.select(JointGroup)).one()
        group.status, group.head_id = GroupStatus.ACTIVE, group.created_by_id
        group.starts_on, group.ends_on = date.today() - timedelta(days=1), date.today() + timedelta(days=365)
        db.session.commit()
        group_id = group.id
        db.session.remove()
        db.engine.dispose()
    return group_id


@dataclass
class Listeners:
    clients: list[socketio.Client] = field(default_factory=list)
    arrivals: list[tuple[tuple[str, int], float]] = field(default_factory=list)  # (object, when)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def heard(self, notice: dict) -> None:
        arrived = time.time()
        with self.lock:
            self.arrivals.append(((notice["object"]["type"], notice["object"]["id"]), arrived))

    def latencies(self, committed: dict[tuple[str, int], float]) -> list[float]:
        """Commit -> arrival of each notice about these objects."""
        with self.lock:
            return [arrived - committed[about] for about, arrived in self.arrivals if about in committed]


def listen(url: str, world: World) -> Listeners:
    listeners = Listeners()
    for token in world.tokens[1:]:
        client = socketio.Client(reconnection=False)
        client.on("notification", listeners.heard)
        client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=20)
        listeners.clients.append(client)
    return listeners


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000 if ordered else float("nan")


def spread(values: list[float]) -> str:
    return f"p50 {percentile(values, 50):7.1f} ms  p95 {percentile(values, 95):7.1f} ms"


@dataclass
class Requests:
    mentions: list[float] = field(default_factory=list)  # round trips
    tasks: list[float] = field(default_factory=list)
    committed: dict[str, dict[tuple[str, int], float]] = field(
        default_factory=lambda: {"message": {}, "task": {}})  # when each created object's request committed


def _timed(session: requests.Session, url: str, body: dict, timings: Requests, kind: str) -> float:
    start = time.perf_counter()
    response = session.post(url, json=body, timeout=60)
    elapsed = time.perf_counter() - start
    if response.status_code != 201:
        raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")
    timings.committed[kind][(kind, response.json()["id"])] = float(response.headers[COMMITTED_HEADER])
    return elapsed


def send(url: str, world: World, group_id: int, member_ids: list[int], usernames: list[str], tasks: int,
         messages: int) -> Requests:
    """Post the mentions, then set the tasks, one request after another."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {world.tokens[0]}"
    timings = Requests()
    mention = " ".join(f"@{name}" for name in usernames[:MENTIONED])
    for number in range(messages):
        timings.mentions.append(_timed(session, f"{url}/api/v1/channels/{world.channel_id}/messages",
                                       {"body": f"{mention} сводка {number}", "client_msg_id": f"b{time.time_ns()}"},
                                       timings, "message"))
    for number in range(tasks):
        assignee = member_ids[number % len(member_ids)]
        timings.tasks.append(_timed(session, f"{url}/api/v1/groups/{group_id}/tasks",
                                    {"title": f"Задача {number}", "assignee_ids": [assignee]}, timings, "task"))
    return timings


def run(target: str, log: Path, world: World, group_id: int, member_ids: list[int], usernames: list[str],
        tasks: int, messages: int, env: dict, *, notices: bool) -> tuple[Requests, Listeners]:
    """One server, every member but the sender listening (also with notifications off: the same load),
    the mentions and tasks sent; with `notices`, waits for every notice."""
    with server(target, log, MEMBERS + 20, env) as (url, _):
        listeners = listen(url, world)
        try:
            timings = send(url, world, group_id, member_ids, usernames, tasks, messages)
            expected = messages * MENTIONED + tasks if notices else 0
            wait_until(lambda: len(listeners.arrivals) >= expected, GRACE)
        finally:
            for client in listeners.clients:
                client.disconnect()
    return timings, listeners


def member_ids_and_names(world: World, folder: Path) -> tuple[list[int], list[str]]:
    from jit.models import User

    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=world.database_url,
                                   JIT_LEDGER_KEY_FILE=str(folder / "key.pem")))
    with app.app_context():
        people = db.session.execute(db.select(User.id, User.username).order_by(User.id)).all()[1:]
        db.session.remove()
        db.engine.dispose()
    return [person.id for person in people], [person.username for person in people]


def measure(folder: Path, database_url: str, tasks: int, messages: int) -> bool:
    world = build_world(folder, MEMBERS, database_url)
    group_id = activate(world, folder)
    member_ids, usernames = member_ids_and_names(world, folder)
    env = platform_env(world, folder)
    print(f"group of {MEMBERS} members, {MEMBERS - 1} listening; {messages} messages mentioning {MENTIONED}; "
          f"{tasks} task assignments")
    # Off first: the "on" run then works on the larger database, which can only count against it.
    off, _ = run('bench.notifications:platform("off")', folder / "off.log", world, group_id, member_ids, usernames,
                 tasks, messages, env, notices=False)
    on, listeners = run('bench.notifications:platform("on")', folder / "on.log", world, group_id, member_ids,
                        usernames, tasks, messages, env, notices=True)
    mentions, assignments = listeners.latencies(on.committed["message"]), listeners.latencies(on.committed["task"])
    latencies = mentions + assignments
    print("commit -> notification on the socket:")
    print(f"  mentions      {len(mentions):5d} of {messages * MENTIONED}  {spread(mentions)}")
    print(f"  assignments   {len(assignments):5d} of {tasks}  {spread(assignments)}")
    print("sending request (round trip):")
    ratios = []
    for what, with_notices, without in (("message mentioning 50", on.mentions, off.mentions),
                                        ("task assignment", on.tasks, off.tasks)):
        ratio = percentile(with_notices, 50) / percentile(without, 50)
        ratios.append(ratio)
        print(f"  {what:22s} on  {spread(with_notices)}\n  {'':22s} off {spread(without)}   "
              f"p50 x{ratio:.2f}")
    expected = messages * MENTIONED + tasks
    met = percentile(latencies, 95) < DELIVERY_TARGET_MS and len(latencies) == expected and max(ratios) <= COST_TARGET
    print(f"all notices: {len(latencies)} of {expected} delivered, {spread(latencies)}")
    print(f"targets (p95 delivery < {DELIVERY_TARGET_MS} ms, none lost, request <= +20%): "
          f"{'met' if met else 'MISSED'}")
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--postgres", action="store_true", help="a scratch PostgreSQL database instead of SQLite")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL,
                        help=f"PostgreSQL admin URL to create the scratch database from (default {POSTGRES_ADMIN_URL})")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="jit-bench-") as folder_name:
        folder = Path(folder_name)
        if not args.postgres:
            print("database: SQLite (WAL), a new file")
            return 0 if measure(folder, f"sqlite:///{folder / 'bench.sqlite3'}", args.tasks, args.messages) else 1
        problem = postgres_unreachable(args.postgres_url)
        if problem:
            print(f"PostgreSQL {problem}")
            return 2
        with postgres_database(args.postgres_url) as database_url:
            print("database: PostgreSQL, a new scratch database")
            return 0 if measure(folder, database_url, args.tasks, args.messages) else 1


if __name__ == "__main__":
    sys.exit(main())
