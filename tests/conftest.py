"""Shared fixtures: one app per test, on SQLite always and on PostgreSQL when it is reachable.

Each backend gets one database per test session, built by the real migrations; after every test
its tables are emptied and the reference rows the migrations loaded are put back, so each test
starts from a freshly migrated database. Redis-backed tests use `redis_url`.

Where PostgreSQL, Redis or Chromium are not reachable, their tests skip with the reason, unless
JIT_REQUIRE_SERVICES=1 (set by .ci/run), where they fail.

`make test` runs the suite in several pytest-xdist workers, each a process with a session of its
own: its own databases, files, Redis database, Socket.IO channel and block of ports (below), so
that nothing one worker does is seen by another.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, insert, inspect, select, text
from sqlalchemy.engine import make_url
from werkzeug.serving import ThreadedWSGIServer

from config import PROJECT_ROOT, TestingConfig
from jit import create_app
from jit.extensions import db, socketio
from jit.models import types as model_types
from tests import factories

REQUIRE_SERVICES = os.environ.get("JIT_REQUIRE_SERVICES") == "1"
POSTGRES_ADMIN_URL = os.environ.get(
    "JIT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MIGRATIONS_DIR = str(PROJECT_ROOT / "migrations")

# "gw0", "gw1", ... in a pytest-xdist worker; empty in a run without workers.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(WORKER.removeprefix("gw")) if WORKER else 0


def worker_redis_url(url: str) -> str:
    """The configured Redis database in a run without workers; worker N of a parallel run takes the
    (N+1)-th database below it, so that its flushes and its rate-limit counters touch no other worker's."""
    if not WORKER:
        return url
    parts = urlsplit(url)
    configured = int(parts.path.lstrip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(configured - 1 - WORKER_INDEX) % 16}"))


REDIS_URL = worker_redis_url(os.environ.get("JIT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
# Redis publish/subscribe ignores the database number: each test process (and the servers it
# starts) publishes its sockets' events on a channel of its own, never heard by another run's
# clients in rooms of the same name (`user:1` exists in every test database).
SOCKETIO_CHANNEL = f"jit-test-{os.getpid()}"


# A test session keeps the calendar day it started on. Tests and their helpers take "today" when
# their module is imported (`groups_support.TODAY`) and compare the platform's dates with it; a run
# going past midnight UTC would otherwise see due dates, terms and "sent in the future" checks move
# by a day under it. The platform's clock in this process runs as the system's until the end of that
# day, then stays there (a test that needs time to pass moves it with the `clock` fixture).
SESSION_DAY_ENDS = datetime.combine(datetime.now(UTC).date(), datetime.max.time(), tzinfo=UTC)


def _session_day_clock() -> datetime:
    return min(datetime.now(UTC), SESSION_DAY_ENDS)


model_types._now = _session_day_clock


def service_unavailable(reason: str):
    """Skip, or fail when the run demands every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason}, and JIT_REQUIRE_SERVICES=1 forbids skipping", pytrace=False)
    pytest.skip(reason)


# What the platform keeps outside the database (the ledger signing key, stored files) goes to a
# temporary folder in tests, never under the project's instance/.
TEST_FILES = tempfile.mkdtemp(prefix=f"jit-test-{WORKER or 'serial'}-")
atexit.register(shutil.rmtree, TEST_FILES, ignore_errors=True)
LEDGER_KEY_FILE = os.path.join(TEST_FILES, "ledger-signing-key.pem")


def make_config(database_url: str, **overrides) -> TestingConfig:
    settings = {"JIT_LEDGER_KEY_FILE": LEDGER_KEY_FILE,
                "JIT_IDENTIFIER_KEY_FILE": os.path.join(TEST_FILES, "identifier-match-key"),
                "JIT_EVIDENCE_DIR": os.path.join(TEST_FILES, "files"),
                "SOCKETIO_CHANNEL": SOCKETIO_CHANNEL, **overrides}
    return TestingConfig(SQLALCHEMY_DATABASE_URI=database_url, **settings)


@dataclass
class Backend:
    """One migrated test database and the rows its migrations loaded."""

    name: str
    url: str
    reference_rows: dict[str, list[dict]] = field(default_factory=dict)
    sequences: list[str] = field(default_factory=list)

    def migrate(self) -> None:
        app = create_app(make_config(self.url))
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            for table in db.metadata.sorted_tables:
                rows = db.session.execute(select(table)).mappings().all()
                if rows:
                    self.reference_rows[table.name] = [dict(row) for row in rows]
            if self.name == "postgresql":
                self.sequences = db.session.execute(text(OWNED_SEQUENCES)).scalars().all()
            db.engine.dispose()

    def reset(self) -> None:
        """Empty every table and put the reference rows back (run inside an app context)."""
        db.session.remove()
        tables = db.metadata.sorted_tables
        with db.engine.begin() as connection:
            if self.name == "postgresql":
                # What TRUNCATE ... RESTART IDENTITY did, at a tenth of its cost on tables of a few
                # rows: DELETE, with the append-only triggers and the foreign keys' checks off for
                # this transaction, and every sequence of the tables back to its start.
                connection.exec_driver_sql("; ".join([
                    "SET LOCAL session_replication_role = replica",
                    *(f'DELETE FROM "{table.name}"' for table in tables),  # noqa: S608 - the models' own table names
                    *(f"ALTER SEQUENCE {sequence} RESTART" for sequence in self.sequences)]))
            else:
                for table in reversed(tables):
                    connection.execute(delete(table))
            for table in tables:
                if table.name in self.reference_rows:
                    connection.execute(insert(table), self.reference_rows[table.name])


# The sequences the tables' identity and serial columns own (those TRUNCATE ... RESTART IDENTITY restarts).
OWNED_SEQUENCES = """
    SELECT format('%I.%I', sequence_namespace.nspname, sequence.relname)
    FROM pg_class AS sequence
    JOIN pg_namespace AS sequence_namespace ON sequence_namespace.oid = sequence.relnamespace
    JOIN pg_depend AS owner ON owner.objid = sequence.oid AND owner.deptype IN ('a', 'i')
    JOIN pg_class AS owning_table ON owning_table.oid = owner.refobjid
    WHERE sequence.relkind = 'S' AND owning_table.relname <> 'alembic_version'
    ORDER BY 1
"""


def postgres_reachable() -> bool:
    try:
        with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def _libpq_url(sqlalchemy_url: str) -> str:
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_postgres_database() -> str:
    """A new, empty PostgreSQL database; returns its SQLAlchemy URL. Its commits do not wait for the
    disk (synchronous_commit off): every session sees them the same, only a crash of the server
    could lose them, and a test database does not outlive the run."""
    name = f"jit_test_{WORKER or 'serial'}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
        connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(_libpq_url(POSTGRES_ADMIN_URL), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Files kept in memory, where the system has them: the app fsyncs every SQLite commit
# (synchronous=FULL) and every request commits its audit event, which on a disk costs a good part of a test's time.
MEMORY_FILES = "/dev/shm"  # noqa: S108 - a private folder is made in it with mkdtemp


@pytest.fixture(scope="session")
def sqlite_backend(tmp_path_factory):
    in_memory = os.path.isdir(MEMORY_FILES)
    folder = tempfile.mkdtemp(prefix="jit-test-db-", dir=MEMORY_FILES) if in_memory else tmp_path_factory.mktemp("db")
    try:
        backend = Backend("sqlite", f"sqlite:///{os.path.join(folder, 'jit-test.sqlite3')}")
        backend.migrate()
        yield backend
    finally:
        if in_memory:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_backend():
    if not postgres_reachable():
        service_unavailable(f"PostgreSQL is not reachable at {make_url(POSTGRES_ADMIN_URL)!r}")
    url = create_postgres_database()
    backend = Backend("postgresql", url)
    try:
        backend.migrate()
        yield backend
    finally:
        drop_postgres_database(url)


BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture(scope="module", params=BACKENDS)
def module_backend(request) -> Backend:
    """The backend of a module whose tests share one app and its data (each backend in turn)."""
    return request.getfixturevalue(f"{request.param}_backend")


@pytest.fixture
def scratch_database_url(request, backend, tmp_path):
    """An empty database of the current backend, for tests that run the migrations themselves."""
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        create_engine(url).dispose()
        drop_postgres_database(url)


@contextlib.contextmanager
def apps_on(backend: Backend):
    """Build apps on `backend` with settings changed; on leaving, the database is reset."""
    built = []

    def build(**overrides):
        built.append(create_app(make_config(backend.url, **overrides)))
        return built[-1]

    try:
        yield build
    finally:
        if built:
            with built[0].app_context():
                backend.reset()
        for app in built:
            with app.app_context():
                db.engine.dispose()


@pytest.fixture
def make_app(backend):
    """Build apps on the current backend with settings changed; the database is reset afterwards."""
    with apps_on(backend) as build:
        yield build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def app_context(app):
    """For tests of services and models; never hold one across socket clients (flask-login's g)."""
    with app.app_context():
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_url():
    try:
        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        connection.ping()
    except redis.RedisError as error:
        service_unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")
    connection.flushdb()
    yield REDIS_URL
    connection.flushdb()


@pytest.fixture
def make_user(app):
    """Create a user in its own app context; returns a detached snapshot with the password."""

    def make(**kwargs) -> factories.UserInfo:
        with app.app_context():
            return factories.create_user(**kwargs)

    return make


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def client_from(app, address: str):
    """A test client whose requests come from `address` (as the server's socket sees it)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in_api(client, user: factories.UserInfo) -> str:
    """A bearer token for `user`, obtained the way an API client would."""
    response = client.post("/api/v1/auth/token", json={"username": user.username, "password": user.password})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def sign_in_page(client, user: factories.UserInfo):
    """Sign in through the login form, as a browser would (CSRF token included)."""
    page = client.get("/login")
    token = csrf_token_in(page.get_data(as_text=True))
    return client.post("/login", data={"username": user.username, "password": user.password, "csrf_token": token})


def csrf_token_in(html: str) -> str:
    marker = 'name="csrf_token" type="hidden" value="'
    start = html.find(marker)
    if start < 0:
        marker = 'name="csrf_token" value="'
        start = html.find(marker)
    assert start >= 0, "no CSRF token on the page"
    start += len(marker)
    return html[start : html.index('"', start)]


class LiveServer(ThreadedWSGIServer):
    """A threaded server that can end its open connections (websockets included) and wait for their
    threads: a request still running when the test's database is reset would deadlock the reset."""

    daemon_threads = True
    block_on_close = True  # keeps a list of the request threads

    def __init__(self, app):
        super().__init__("127.0.0.1", 0, app)
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def stop(self) -> None:
        self.shutdown()
        with self.connections_lock:
            still_open = list(self.connections)
        for connection in still_open:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in list(vars(self).get("_threads", ())):  # none recorded before the first request
            thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def live_server(app):
    """The app on a free loopback port, served by threads for the length of one test."""
    sockets_server = socketio.server  # this app's: the app fixture has just initialised it
    server = LiveServer(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.stop()
    thread.join(timeout=5)
    # A closed page's socket is let go by a disconnect handler, which engine.io runs from its own thread,
    # and for a polling socket only at its ping timeout (45 s): one still running when a later test resets
    # the database deadlocked with it on PostgreSQL. The sockets left are closed here, their handlers run
    # in this thread, and the test ends when every handler has deleted its socket's row.
    for client in list(sockets_server.eio.sockets.values()):
        client.close(wait=False, abort=True)
    assert wait_until(lambda: not _open_socket_rows(app), timeout=10), \
        "a socket's disconnect handler was still running after the test"


def _open_socket_rows(app) -> int:
    """The connection rows left, read in a transaction of its own: on SQLite every transaction takes
    the write lock (BEGIN IMMEDIATE), so one held across the polls would keep out the very disconnect
    handler (in engine.io's thread) that is being waited for, until its busy timeout fails it."""
    with app.app_context():
        try:
            return db.session.scalar(text("SELECT count(*) FROM socket_connections"))
        finally:
            db.session.remove()


def wait_until(condition, timeout: float = 20.0) -> bool:
    """Whether `condition()` comes true within `timeout` seconds (polled); for what another thread or
    process does, which on a loaded machine can take seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class Clock:
    """The platform's notion of now, moved by tests instead of sleeping."""

    def __init__(self):
        self.now = model_types.utcnow().replace(microsecond=0)

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    controlled = Clock()
    monkeypatch.setattr(model_types, "_now", lambda: controlled.now)
    return controlled


def bearer(client, user: factories.UserInfo) -> dict:
    return {"Authorization": f"Bearer {sign_in_api(client, user)}"}


@pytest.fixture
def cast(app):
    """Belarus and Kazakhstan with central authorities, their people, and an outsider (tests/groups_support.py)."""
    from tests.groups_support import make_cast

    return make_cast(app)
