"""Benchmark of the busiest pages of a large group (issue 5); prints figures.

A generated group: 50 members in a Belarusian and a Kazakh national team (each led by a national
head), a group head, two criminal cases per party, 2,000 instructions both ways in every state, and
tasks in every state with one or two assignees, some overdue, some linked to a case or an
instruction, each with its `created` history row. The rows go in by bulk inserts through the models,
into a schema built by the real migrations. Measured through the test client, signed in as a
browser (session cookie, via the login form) or as an API client (bearer token):

- the task board `/groups/{gid}/tasks`, as the group head (the first 500 tasks);
- My work `/my-work`, as the Kazakh national head (their open tasks, and instructions waiting on them);
- `GET /api/v1/groups/{gid}/tasks`, the first page (50), as the group head.

For each: the median wall time of several requests (after one warm-up) and the number of SQL
statements one request executes (a `before_cursor_execute` listener on the engine), at 1,000 and at
10,000 tasks side by side. The statements that keep the audit ledger's Merkle tree are shown apart:
how many nodes an append reads depends on how many events the ledger holds, not on the page. The
page's own count must not grow with the data (no N+1): the exit status is 1 when it does.

Not a test, and not run by `make test`. From the project root:

    .venv/bin/python bench/pages.py [--runs N] [--postgres] [--postgres-url URL]

SQLite always (a fresh file); with `--postgres` also a fresh PostgreSQL database `jit_bench_<random>`,
dropped afterwards (skipped when the server is unreachable).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, insert

from bench.ledger import POSTGRES_ADMIN_URL, check, postgres_database, postgres_unreachable, quiet_migrations
from config import PROJECT_ROOT, TestingConfig
from jit import create_app
from jit.extensions import db
from jit.models import (
    Authority,
    AuthorityKind,
    CriminalCase,
    GroupStatus,
    Instruction,
    InstructionStatus,
    JointGroup,
    MemberRole,
    Membership,
    NationalTeam,
    Role,
    Task,
    TaskAssignment,
    TaskChange,
    TaskPriority,
    TaskStatus,
    User,
    UserRole,
)
from jit.services import passwords

SEED = 2015
SIZES = (1_000, 10_000)
MEMBERS_PER_TEAM = 25
INSTRUCTIONS = 2_000
PASSWORD = "bench-password-2025"  # noqa: S105 - generated accounts of a throw-away database
PARTIES = ("BY", "KZ")
INSERT_CHUNK = 500
# How often each state occurs, roughly as a working group's board looks.
LEDGER_TABLES = re.compile(r"\bledger_(heads|nodes|checkpoints)\b")
TASK_STATES = {TaskStatus.OPEN: 30, TaskStatus.IN_PROGRESS: 25, TaskStatus.BLOCKED: 10, TaskStatus.DONE: 25,
               TaskStatus.CANCELLED: 10}


@dataclass
class World:
    """The generated group: what the requests need to address it."""

    group_id: int
    head_id: int
    head: str
    kz_head: str
    members: dict[str, list[int]]  # party -> user ids, national head first
    team_ids: dict[str, int]
    case_ids: dict[str, list[int]]
    instructions: dict[str, list[int]]  # addressed to the party's team
    tasks: int = 0


@dataclass
class Figure:
    milliseconds: float
    statements: int
    ledger_statements: int
    shown: int


@dataclass
class Run:
    backend: str
    figures: dict[str, dict[int, Figure]] = field(default_factory=dict)  # page -> size -> figure


def _user(username: str, full_name: str, authority: Authority, password_hash: str) -> User:
    return User(username=username, full_name=full_name, password_hash=password_hash, authority=authority,
                role_rows=[UserRole(role=Role.INVESTIGATOR)])


def inserted(model, rows: list[dict]) -> list[int]:
    """Bulk-insert `rows` of `model`; their new ids, in order. In chunks: SQLAlchemy's sorting of
    RETURNING rows grows quadratically with one statement's rows on SQLite."""
    ids = []
    for start in range(0, len(rows), INSERT_CHUNK):
        ids += db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                                  rows[start:start + INSERT_CHUNK]).all()
    return ids


def build_group(rng: random.Random) -> World:
    """The group, its people, cases and instructions (the tasks come later, in steps)."""
    today = datetime.now(UTC).date()
    password_hash = passwords.hash_password(PASSWORD)  # one hash for every account: hashing is slow on purpose
    authorities = {party: Authority(party_code=party, kind=AuthorityKind.CENTRAL, name_en=f"{party} central",
                                    name_ru=f"Центральный орган {party}", listed_on=today - timedelta(days=3000))
                   for party in PARTIES}
    head = _user("bench.head", "Руководитель Группы", authorities["BY"], password_hash)
    people = {party: [_user(f"bench.{party.lower()}{number:02d}", f"Участник {party} {number:02d}",
                            authorities[party], password_hash) for number in range(MEMBERS_PER_TEAM)]
              for party in PARTIES}
    db.session.add_all([head, *people["BY"], *people["KZ"]])
    group = JointGroup(code="JIG-BENCH-001", title="Группа для замеров", purpose="Замеры страниц",
                       place_of_activity="Минск, Астана", starts_on=today - timedelta(days=90),
                       ends_on=today + timedelta(days=270), status=GroupStatus.ACTIVE, head=head, created_by=head)
    teams = {party: NationalTeam(group=group, party_code=party, authority=authorities[party]) for party in PARTIES}
    cases = {party: [CriminalCase(group=group, party_code=party, number=f"№ {party}-{number}", articles="ст. 212",
                                  opened_on=today - timedelta(days=200), summary="Хищения с использованием ИКТ",
                                  handling_investigator=people[party][1]) for number in (1, 2)]
             for party in PARTIES}
    db.session.add_all([group, *teams.values(), *cases["BY"], *cases["KZ"]])
    db.session.flush()
    for party, members in people.items():
        db.session.add_all([Membership(group_id=group.id, team=teams[party], user=user, authorised_by=head,
                                       role=MemberRole.NATIONAL_HEAD if number == 0 else MemberRole.MEMBER,
                                       starts_on=today - timedelta(days=90)) for number, user in enumerate(members)])

    statuses = list(InstructionStatus)
    rows, addressed = [], []
    for number in range(INSTRUCTIONS):
        source, target = PARTIES if number % 2 else PARTIES[::-1]
        status = statuses[number % len(statuses)]
        rows.append({
            "group_id": group.id, "from_team_id": teams[source].id, "to_team_id": teams[target].id,
            "case_id": rng.choice(cases[source]).id, "actions": ["Допрос свидетеля", "Выемка документов"],
            "body": f"Поручение № {number + 1}", "due_on": today + timedelta(days=rng.randint(-30, 60)),
            "status": status, "refusal_reason": "Нет оснований" if status == InstructionStatus.REFUSED else None,
            "created_by_id": people[source][0].id,
            "sent_at": None if status == InstructionStatus.DRAFT else datetime.now(UTC)})
        addressed.append(target)
    ids = inserted(Instruction, rows)
    db.session.commit()
    return World(group_id=group.id, head_id=head.id, head=head.username, kz_head=people["KZ"][0].username,
                 members={party: [user.id for user in people[party]] for party in PARTIES},
                 team_ids={party: team.id for party, team in teams.items()},
                 case_ids={party: [case.id for case in cases[party]] for party in PARTIES},
                 instructions={party: [iid for iid, to in zip(ids, addressed, strict=True) if to == party]
                               for party in PARTIES})


def add_tasks(world: World, total: int, rng: random.Random) -> None:
    """Tasks up to `total`: set by the group head for anyone, or by a national head for their team."""
    today = datetime.now(UTC).date()
    states, weights = list(TASK_STATES), list(TASK_STATES.values())
    # Assignees are drawn from the members under the national heads.
    pools = {party: world.members[party][1:] for party in PARTIES}
    everyone = pools["BY"] + pools["KZ"]
    rows, assignees = [], []
    for number in range(world.tasks, total):
        party = rng.choice((None, *PARTIES))
        pool = pools[party] if party else everyone
        status = rng.choices(states, weights)[0]
        linked = rng.random() < 0.3
        rows.append({
            "group_id": world.group_id, "team_id": world.team_ids[party] if party else None,
            "title": f"Задача № {number + 1}", "description": "Провести мероприятия и доложить",
            "status": status, "blocked_reason": "Ждём ответа банка" if status == TaskStatus.BLOCKED else None,
            "priority": rng.choice(list(TaskPriority)),
            "due_on": today + timedelta(days=rng.randint(-45, 90)) if rng.random() < 0.9 else None,
            "instruction_id": rng.choice(world.instructions[party]) if party and linked else None,
            "case_id": rng.choice(world.case_ids[party or rng.choice(PARTIES)]) if rng.random() < 0.5 else None,
            "created_by_id": world.members[party][0] if party else world.head_id})
        assignees.append(sorted(rng.sample(pool, rng.choice((1, 1, 2)))))
    ids = inserted(Task, rows)
    db.session.execute(insert(TaskAssignment), [{"task_id": task_id, "user_id": user_id}
                                                for task_id, chosen in zip(ids, assignees, strict=True)
                                                for user_id in chosen])
    db.session.execute(insert(TaskChange), [
        {"task_id": task_id, "actor_id": row["created_by_id"], "field": "created", "old": {},
         "new": {"status": row["status"].value, "title": row["title"], "assignee_ids": chosen}}
        for task_id, row, chosen in zip(ids, rows, assignees, strict=True)])
    # The Kazakh national head has work too, so that My work grows with the data.
    kz_head = world.members["KZ"][0]
    db.session.execute(insert(TaskAssignment), [{"task_id": task_id, "user_id": kz_head}
                                                for task_id, row in zip(ids, rows, strict=True)
                                                if row["team_id"] == world.team_ids["KZ"] and rng.random() < 0.1])
    db.session.commit()
    world.tasks = total


def sign_in_browser(app: Flask, username: str):
    """A test client signed in through the login form (CSRF token included), as a browser."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    marker = 'name="csrf_token" type="hidden" value="'
    start = page.index(marker) + len(marker)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": page[start:page.index('"', start)]})
    check(response.status_code == 302, f"signing in {username} through the form answered {response.status_code}")
    return client


def bearer(app: Flask, username: str) -> dict[str, str]:
    response = app.test_client().post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    check(response.status_code == 201, f"a token for {username}: {response.status_code}")
    return {"Authorization": f"Bearer {response.get_json()['token']}"}


@dataclass
class Statements:
    """SQL statements executed: the page's own, and the audit ledger's Merkle-tree upkeep (how many
    tree nodes an append reads depends on the ledger's size, not on the page)."""

    page: int = 0
    ledger: int = 0


@contextmanager
def counting_statements(app: Flask) -> Iterator[list[Statements]]:
    """Counts the SQL statements executed while open into the last item of the list it yields."""
    with app.app_context():
        engine = db.engine
    counts = [Statements()]

    def count(connection, cursor, statement, *_):
        if LEDGER_TABLES.search(statement):
            counts[-1].ledger += 1
        else:
            counts[-1].page += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(app: Flask, client, path: str, headers: dict, runs: int, shown) -> Figure:
    """Median time and statement counts of `runs` requests, after a warm-up."""
    durations = []
    with counting_statements(app) as counts:
        for _ in range(runs + 1):
            counts.append(Statements())
            start = time.perf_counter()
            response = client.get(path, headers=headers)
            durations.append((time.perf_counter() - start) * 1000)
            check(response.status_code == 200, f"GET {path} answered {response.status_code}")
    timed = counts[2:]  # after the empty first item and the warm-up
    pages = {count.page for count in timed}
    check(len(pages) == 1, f"GET {path} ran a varying number of statements: {sorted(pages)}")
    return Figure(statistics.median(durations[1:]), pages.pop(), statistics.median_low(c.ledger for c in timed),
                  shown(response))


def _on_board(response) -> int:
    return response.get_data(as_text=True).count('<article class="card')


def _on_my_work(response) -> int:
    return response.get_data(as_text=True).count("<tr class=")


def _on_api(response) -> int:
    return len(response.get_json()["items"])


def run_backend(backend: str, url: str, directory: Path, runs: int) -> Run:
    # Generated data for a benchmark, not security: the same seed gives every backend the same group.
    rng = random.Random(SEED)  # noqa: S311
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url,
                                   JIT_LEDGER_KEY_FILE=str(directory / f"{backend}-ledger-key.pem"),
                                   JIT_EVIDENCE_DIR=str(directory / "files")))
    with app.app_context():
        with quiet_migrations():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
        world = build_group(rng)
    head, kz_head = sign_in_browser(app, world.head), sign_in_browser(app, world.kz_head)
    token = bearer(app, world.head)
    english = {"Accept-Language": "en"}
    pages = {
        f"task board   GET /groups/{world.group_id}/tasks": (head, f"/groups/{world.group_id}/tasks", english,
                                                              _on_board),
        "my work      GET /my-work": (kz_head, "/my-work", english, _on_my_work),
        f"API list     GET /api/v1/groups/{world.group_id}/tasks": (
            app.test_client(), f"/api/v1/groups/{world.group_id}/tasks", token, _on_api),
    }
    run = Run(backend)
    for size in SIZES:
        print(f"   {backend}: generating {size:,} tasks ...", end=" ", flush=True)
        start = time.perf_counter()
        with app.app_context():
            add_tasks(world, size, rng)
        print(f"{time.perf_counter() - start:.1f} s; measuring", flush=True)
        for name, (client, path, headers, shown) in pages.items():
            run.figures.setdefault(name, {})[size] = measure(app, client, path, headers, runs, shown)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return run


def print_run(run: Run) -> bool:
    """The backend's table; True when no page's statement count grows with the data."""
    width = max(len(name) for name in run.figures)
    heading = "".join(f"  {f'{size:,} tasks':>28}" for size in SIZES)
    print(f"\n{run.backend}: group of {2 * MEMBERS_PER_TEAM} members in 2 teams, {INSTRUCTIONS:,} instructions")
    print(f"{'':<{width}}{heading}   statements")
    print(f"{'page':<{width}}" + "".join(f"  {'median ms':>10} {'queries':>10} {'rows':>6}" for _ in SIZES))
    constant = True
    for name, by_size in run.figures.items():
        counts = {figure.statements for figure in by_size.values()}
        constant &= len(counts) == 1
        cells = "".join(f"  {f.milliseconds:10.1f} {f'{f.statements} +{f.ledger_statements}':>10} {f.shown:6d}"
                        for f in by_size.values())
        print(f"{name:<{width}}{cells}   {'constant' if len(counts) == 1 else 'GROW'}")
    return constant


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page and size (default 7)")
    parser.add_argument("--postgres", action="store_true", help="also run on a scratch PostgreSQL database")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL,
                        help=f"PostgreSQL admin URL to create the scratch database from (default {POSTGRES_ADMIN_URL})")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    print(f"jit pages benchmark (seed {SEED}; median of {args.runs} requests after a warm-up)\n"
          "'queries' is the page's SQL statements + the audit ledger's (those depend on the ledger's size);"
          " 'rows' is what the page shows")
    runs = []
    with tempfile.TemporaryDirectory(prefix="jit-bench-") as name:
        directory = Path(name)
        runs.append(run_backend("SQLite", f"sqlite:///{directory / 'pages.sqlite3'}", directory, args.runs))
        if args.postgres:
            problem = postgres_unreachable(args.postgres_url)
            if problem:
                print(f"   PostgreSQL skipped: {problem}")
            else:
                with postgres_database(args.postgres_url) as url:
                    runs.append(run_backend("PostgreSQL", url, directory, args.runs))
    constant = all([print_run(run) for run in runs])
    print(f"\nSummary: statements per request {'do not grow' if constant else 'GROW'} with the number of tasks.")
    return 0 if constant else 1


if __name__ == "__main__":
    sys.exit(main())
