"""Every page of the demo, as each role, at the demo's size and at ten times it (issue 16, item 6);
prints figures.

The demo is loaded through its use cases (`jit.demo`, as `make run` does), into a schema built by
the real migrations. Each role's browser (signed in through the login form) opens every page of the
demo's URL map it may open: the home, My work, the groups and each group's pages (overview,
instructions, task board, evidence register, channels, compliance, forms), one instruction, task and
evidence item of the main group, the legal dashboard, register, one request, statistics and rules,
the audit trail, the account and the admin pages; plus the task list of the JSON API. A page the
role may not open (403, 404) is left out. Then `bench/seed.py` grows the same database to ten times
the demo (10 groups, 500 members, 20,000 tasks, 5,000 instructions, 1,000 evidence items, 100,000
messages, 89,000 register requests) and the same pages are opened again; then it grows a tenth more
(eleven times the demo) and they are opened a third time.

The app's objects are frozen out of the garbage collector once it is built, as `wsgi.py` does for a
server. For each page: the server time (median and 95th percentile of `--runs` requests through
the test client, after one warm-up) and the SQL statements one request executes (a `before_cursor_execute`
listener), at each size. The statements that keep the audit ledger's Merkle tree are counted apart
(how many nodes an append reads depends on the ledger's size, not on the page), and so is the
session's `seen_at` write (at most every 10 s, so on some requests only). A page's own count
must not grow with the data (no N+1): it must be the same at ten and at eleven times the demo, where
every list the page shows is as full as the other (from the demo to ten times it, a list the demo
leaves empty fills, and its loader runs once: such a change is printed, not a failure). The exit
status is 1 when a count changes from 10x to 11x, or when a page's p95 at ten times the demo is over
the budget (250 ms; on PostgreSQL, the target).

Not a test, and not run by `make test`. From the project root (niced, it shares the machine):

    nice -n 10 .venv/bin/python bench/pages.py [--runs N] [--postgres] [--no-sqlite] [--postgres-url URL]
                                               [--only TEXT [--exact]] [--keep DIR | --again DIR]

SQLite (a fresh file) unless `--no-sqlite`; with `--postgres` also a fresh PostgreSQL database
`jit_bench_<random>`, dropped afterwards (skipped when the server is unreachable). `--only` keeps the
pages whose path contains TEXT (with `--exact`, the page whose path is TEXT: `--only / --exact`, the
home). Loading and growing take about ten minutes per backend here: `--keep DIR` keeps the grown
databases (the PostgreSQL one as `jit_bench_pages`) and their files in DIR, and `--again DIR`
measures them again as they are, at eleven times the demo, one size only (after a change to a page,
say; migrations written since are applied first).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from bench import seed
from bench.ledger import (
    POSTGRES_ADMIN_URL,
    check,
    libpq_url,
    postgres_database,
    postgres_unreachable,
    quiet_migrations,
)
from config import PROJECT_ROOT, TestingConfig
from jit import create_app, demo
from jit.extensions import db
from jit.models import (
    Authority,
    EvidenceItem,
    Instruction,
    JointGroup,
    LegalRequest,
    NationalTeam,
    Party,
    Task,
    User,
)

SEED = 2015
KEPT_DATABASE = "jit_bench_pages"
BUDGET_MS = 250
# (label, size to grow to first): the demo, ten times it (the budget's size), a tenth more (the
# statement counts' check); a kept run's database is measured as it is.
STEPS = (("demo", None), ("10x", seed.TEN_TIMES_DEMO), ("11x", seed.ELEVEN_TIMES_DEMO))
AGAIN_STEPS = (("as kept", None),)
# Bookkeeping that is not the page's: the audit ledger's Merkle tree, the session's seen-at time.
BOOKKEEPING = re.compile(r"\bledger_(heads|nodes|checkpoints)\b|^UPDATE user_sessions SET seen_at")
# One demo account per role.
ROLES = {"admin": "admin", "group head": "v.sokolov", "national head": "a.nurlanov", "member": "d.seitkali",
         "legal officer": "o.kovalenko"}
# Pages that are files, confirmations needing a chosen object, or the sign-in itself.
NOT_PAGES = re.compile(r"^(api_|static|health\.|auth\.)|(download|_file|export|remove_member|confirm_transition)")
ENGLISH = {"Accept-Language": "en"}


@dataclass
class Figure:
    median_ms: float
    p95_ms: float
    statements: int
    ledger_statements: int


@dataclass
class Run:
    backend: str
    sizes: list[seed.Size] = field(default_factory=list)
    figures: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)  # (role, path) -> by size


def sign_in_browser(app: Flask, username: str):
    """A test client signed in through the login form (CSRF token included), as a browser."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    marker = 'name="csrf_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    response = client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD,
                                           "csrf_token": page[start:page.index('"', start)]})
    check(response.status_code == 302, f"signing in {username} through the form answered {response.status_code}")
    return client


@dataclass
class Statements:
    """SQL statements executed: the page's own, and the bookkeeping (the audit ledger's Merkle tree,
    the session's seen-at time)."""

    page: int = 0
    ledger: int = 0


@contextmanager
def counting_statements(app: Flask) -> Iterator[list[Statements]]:
    """Counts the SQL statements executed while open into the last item of the list it yields."""
    with app.app_context():
        engine = db.engine
    counts = [Statements()]

    def count(connection, cursor, statement, *_):
        if BOOKKEEPING.search(statement):
            counts[-1].ledger += 1
        else:
            counts[-1].page += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _only(ids: dict, names) -> dict:
    return {name: value for name, value in ids.items() if name in names}


def demo_paths(app: Flask) -> list[str]:
    """Every page of the URL map, its ids taken from the demo's main group (and each group for the group pages)."""
    with app.app_context():
        main = db.session.scalar(select(JointGroup).where(JointGroup.head.has(User.username == "v.sokolov")))
        first = {model: db.session.scalar(select(model.id).where(model.group_id == main.id).order_by(model.id))
                 for model in (Instruction, Task, EvidenceItem)}
        ids = {"iid": first[Instruction], "tid": first[Task], "eid": first[EvidenceItem],
               "rid": db.session.scalar(select(LegalRequest.id).order_by(LegalRequest.id.desc())),
               "team_id": db.session.scalar(select(NationalTeam.id).where(NationalTeam.group_id == main.id)),
               "authority_id": db.session.scalar(select(Authority.id).order_by(Authority.id)),
               "code": db.session.scalar(select(Party.code).order_by(Party.code)),
               "user_id": db.session.scalar(select(User.id).where(User.username == "d.seitkali"))}
        group_ids = list(db.session.scalars(select(JointGroup.id).order_by(JointGroup.id)))
    paths = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in rule.methods or NOT_PAGES.search(rule.endpoint):
            continue
        if "gid" in rule.arguments:
            paths += [rule.build({**_only(ids, rule.arguments), "gid": gid})[1] for gid in group_ids
                      if rule.arguments <= {*ids, "gid"}]
        elif rule.arguments <= set(ids):
            paths.append(rule.build(_only(ids, rule.arguments))[1])
    return paths + [f"/api/v1/groups/{group_id}/tasks" for group_id in group_ids]


def measure(app: Flask, client, path: str, runs: int) -> Figure | None:
    """Median and p95 time and statement counts of `runs` requests after a warm-up; None unless 200."""
    durations = []
    with counting_statements(app) as counts:
        for _ in range(runs + 1):
            counts.append(Statements())
            start = time.perf_counter()
            response = client.get(path, headers=ENGLISH)
            durations.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                return None
    timed, durations = counts[2:], durations[1:]  # after the empty first item and the warm-up
    p95 = statistics.quantiles(durations, n=20, method="inclusive")[18] if len(durations) > 1 else durations[0]
    return Figure(statistics.median(durations), p95, max(c.page for c in timed),
                  statistics.median_low(c.ledger for c in timed))


@contextmanager
def kept_database(admin_url: str, *, fresh: bool) -> Iterator[str]:
    """The PostgreSQL database a --keep run leaves (made anew when `fresh`), not dropped afterwards."""
    if fresh:
        with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{KEPT_DATABASE}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{KEPT_DATABASE}"')
    yield make_url(admin_url).set(drivername="postgresql+psycopg", database=KEPT_DATABASE).render_as_string(
        hide_password=False)


def run_backend(backend: str, url: str, directory: Path, runs: int, only: Callable[[str], bool], *,
                again: bool = False) -> Run:
    """Load the demo, measure, grow to ten and then eleven times it, measuring at each size; `again`:
    measure a kept run's database as it is (grown already)."""
    # Generated data for a benchmark, not security: the same seed gives every backend the same data.
    rng = random.Random(SEED)  # noqa: S311
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url,
                                   JIT_LEDGER_KEY_FILE=str(directory / f"{backend}-ledger-key.pem"),
                                   JIT_EVIDENCE_DIR=str(directory / f"{backend}-files"),
                                   # The seeder registers a thousand evidence items in a few seconds.
                                   JIT_CUSTODY_RATE_LIMIT="100000 per minute"))
    gc.collect()
    gc.freeze()  # as wsgi.py does for a server, once its app is built
    with app.app_context():
        with quiet_migrations():  # a kept database takes the migrations written since
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
        if not again:
            print(f"   {backend}: loading the demo ...", end=" ", flush=True)
            start = time.perf_counter()
            demo.load_demo()
            print(f"{time.perf_counter() - start:.1f} s", flush=True)
    paths = [path for path in demo_paths(app) if only(path)]
    browsers = {role: sign_in_browser(app, username) for role, username in ROLES.items()}
    run = Run(backend)
    for step, target in AGAIN_STEPS if again else STEPS:
        if target is not None:
            print(f"   {backend}: growing to {step} ...", end=" ", flush=True)
            start = time.perf_counter()
            with app.app_context():
                seed.grow(target, rng)
                # A server's autovacuum analyses a table soon after such growth; measured at once, the
                # planner would still see the demo's row counts and choose plans for them.
                db.session.execute(text("ANALYZE"))
                db.session.commit()
            print(f"{time.perf_counter() - start:.1f} s", flush=True)
        with app.app_context():
            run.sizes.append(seed.current())
        print(f"   {backend}: measuring at {step} ...", flush=True)
        for role, browser in browsers.items():
            for path in paths:
                if len(run.sizes) == 1 or (role, path) in run.figures:
                    figure = measure(app, browser, path, runs)
                    if figure is not None:
                        run.figures.setdefault((role, path), []).append(figure)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return run


def print_run(run: Run) -> bool:
    """The backend's table; True when no page's statement count grows and every p95 is in the budget."""
    labels = [label for label, _ in (AGAIN_STEPS if len(run.sizes) == 1 else STEPS)]
    for label, size in zip(labels, run.sizes, strict=True):
        print(f"\n{run.backend} {label}: {size.groups} groups, {size.members:,} users, {size.tasks:,} tasks, "
              f"{size.instructions:,} instructions, {size.evidence:,} evidence items, {size.messages:,} messages, "
              f"{size.requests:,} register requests")
    width = max(len(f"{role:<14}{path}") for role, path in run.figures) + 1
    print(f"\n{'role / page':<{width}}" + "".join(f"{f'{label}: median   p95  queries':>30}" for label in labels))
    fine = True
    for (role, path), figures in run.figures.items():
        cells = "".join(f"{f.median_ms:16.1f}{f.p95_ms:7.1f}{f'{f.statements}+{f.ledger_statements}':>7}"
                        for f in figures)
        # Counts are compared at 10x and 11x (from the demo's to 10x's a list that was empty may have
        # filled, which costs its loader once: printed, not a failure); 10x and 11x have
        # the same data shape, so any change there depends on the data.
        lost = len(figures) < len(run.sizes)
        ten, eleven = (figures[1].statements, figures[2].statements) if len(figures) == 3 else (0, 0)
        slow = not lost and figures[labels.index("10x") if "10x" in labels else 0].p95_ms > BUDGET_MS
        fine &= ten == eleven and not slow and not lost
        flags = " ".join(flag for flag, on in (("GROWS", eleven > ten), ("SHRINKS", eleven < ten), ("SLOW", slow),
                                               ("LOST", lost)) if on)
        print(f"{f'{role:<14}{path}':<{width}}{cells}  {flags}")
    return fine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page, role and size (default 5)")
    parser.add_argument("--postgres", action="store_true", help="also run on a scratch PostgreSQL database")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL,
                        help=f"PostgreSQL admin URL to create the scratch database from (default {POSTGRES_ADMIN_URL})")
    parser.add_argument("--no-sqlite", action="store_true", help="leave SQLite out")
    parser.add_argument("--only", default="", help="only the pages whose path contains this")
    parser.add_argument("--exact", action="store_true", help="--only names the whole path")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="keep the grown databases and their files in DIR (the PostgreSQL one as "
                             f"{KEPT_DATABASE}), to measure them again with --again")
    parser.add_argument("--again", type=Path, metavar="DIR",
                        help="measure the databases a --keep run left in DIR, as they are (eleven times the demo)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if args.keep and args.again:
        parser.error("--keep makes a run to measure again, --again measures one: not both")
    print(f"jit pages benchmark (seed {SEED}; median and p95 of {args.runs} requests after a warm-up, in ms;\n"
          "'queries' is the page's SQL statements + the bookkeeping's: the audit ledger's, which depend on the\n"
          "ledger's size, and the session's seen-at write, every 10 s at most)")

    def only(path: str) -> bool:
        return path == args.only if args.exact else args.only in path

    runs = []
    kept = args.again or args.keep
    with contextlib.nullcontext(str(kept)) if kept else tempfile.TemporaryDirectory(prefix="jit-bench-") as name:
        directory = Path(name)
        directory.mkdir(parents=True, exist_ok=True)
        sqlite_file = directory / "pages.sqlite3"
        if args.keep:
            sqlite_file.unlink(missing_ok=True)
        if not args.no_sqlite:
            runs.append(run_backend("SQLite", f"sqlite:///{sqlite_file}", directory, args.runs, only,
                                    again=bool(args.again)))
        if args.postgres:
            problem = postgres_unreachable(args.postgres_url)
            if problem:
                print(f"   PostgreSQL skipped: {problem}")
            else:
                with kept_database(args.postgres_url, fresh=bool(args.keep)) if kept else postgres_database(
                        args.postgres_url) as url:
                    runs.append(run_backend("PostgreSQL", url, directory, args.runs, only,
                                            again=bool(args.again)))
    fine = all([print_run(run) for run in runs])
    print(f"\nSummary: {'every page within' if fine else 'NOT every page within'} {BUDGET_MS} ms (p95) at ten "
          "times the demo, with statement counts the same at ten and at eleven times it.")
    return 0 if fine else 1


if __name__ == "__main__":
    sys.exit(main())
