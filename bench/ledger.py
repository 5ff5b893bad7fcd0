"""Benchmark of the tamper-evident ledgers (`jit.ledger`, `jit.services.ledgers`); prints figures.

Measures:

1. Durable appends per second: `ledgers.append` followed by one `db.session.commit()` per entry,
   on a fresh SQLite file (default journal settings; the app sets busy_timeout and BEGIN IMMEDIATE)
   and on a fresh PostgreSQL database `jit_bench_<random>`, dropped afterwards (skipped when the
   server is unreachable). Entries are shaped like the audit trail's. Target: >= 500/s on SQLite.
2. Proof build time and size over a `MemoryNodeStore` of 10,000 and 1,000,000 leaves: a seeded
   sample of inclusion proofs (at the full size) and consistency proofs (random m < n), each
   verified once. An inclusion proof holds at most ceil(log2 N) hashes; a consistency proof one
   more (when the old tree is not a perfect subtree its root is sent too, RFC 9162 2.1.4.1).
   Inclusion proofs are also timed through `ledgers.inclusion_proof` on the databases of part 1
   (a smaller tree) to show what the `ledger_nodes` store costs.

Not a test, and not run by `make test`. From the project root:

    .venv/bin/python bench/ledger.py [--quick] [--appends N] [--postgres-url URL]

`--quick` is a smoke run: 200 appends per backend and the 10,000-leaf tree only. The exit status
is 1 when a target is missed; a proof that does not verify stops the run with an error.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from config import PROJECT_ROOT, TestingConfig
from jit import create_app, ledger
from jit.extensions import db
from jit.services import ledgers

LEDGER_NAME = "bench"
SEED = 9162
PROOF_SAMPLE = 1_000
APPEND_TARGET = 500  # durable appends per second on SQLite
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
OPERATIONS = ("grant.request", "grant.approve", "grant.revoke", "session.login", "evidence.upload")
OUTCOMES = ("ok", "denied", "error")
NOTES = ("Доступ к стенду выдан", "Заявка отклонена", "Вход с нового адреса", "Загружен отчёт")


def audit_entry(seq: int) -> dict[str, object]:
    """An entry shaped like `jit.services.audit.ledger_entry`, varying with `seq`."""
    return {
        "at": f"2025-11-26T{seq // 3600 % 24:02d}:{seq // 60 % 60:02d}:{seq % 60:02d}+00:00",
        "time_zone": "Europe/Moscow",
        "user_id": seq % 97 + 1,
        "username": f"курсант{seq % 97 + 1}",
        "operation": OPERATIONS[seq % len(OPERATIONS)],
        "object_type": "group",
        "object_id": str(seq % 13 + 1),
        "group_id": seq % 13 + 1,
        "outcome": OUTCOMES[seq % len(OUTCOMES)],
        "source_address": f"10.{seq // 65536 % 256}.{seq // 256 % 256}.{seq % 256}",
        "request_id": f"{seq:032x}",
        "details": {"note": NOTES[seq % len(NOTES)], "seq": seq},
    }


@dataclass
class Timings:
    """Per-call durations in microseconds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.samples, n=100, method="inclusive")[98]

    def __str__(self) -> str:
        return f"median {self.median:7.1f} µs, p99 {self.p99:7.1f} µs"


def timed(call: Callable[[], list[bytes]]) -> tuple[list[bytes], float]:
    """The call's result and its duration in microseconds."""
    start = time.perf_counter_ns()
    result = call()
    return result, (time.perf_counter_ns() - start) / 1_000


def check(condition: bool, problem: str) -> None:
    """Stop the benchmark when a result is wrong (not an assert: it must hold under -O too)."""
    if not condition:
        raise RuntimeError(problem)


def inclusion_bound(tree_size: int) -> int:
    """The most hashes an inclusion proof in a tree of `tree_size` leaves holds."""
    return math.ceil(math.log2(tree_size))


@dataclass
class DatabaseRun:
    """Part 1's figures for one backend: the append rate, and inclusion proofs read from its rows."""

    backend: str
    appends: int
    seconds: float
    proofs: Timings

    @property
    def rate(self) -> float:
        return self.appends / self.seconds


@contextmanager
def quiet_migrations() -> Iterator[None]:
    """Alembic logs every migration at INFO; keep the benchmark's output to its figures."""
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def run_database(backend: str, url: str, appends: int, key_file: Path, rng: random.Random) -> DatabaseRun:
    """Migrate an empty database, time `appends` committed appends, then time inclusion proofs from it."""
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, JIT_LEDGER_KEY_FILE=str(key_file)))
    with app.app_context():
        with quiet_migrations():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
        entries = [audit_entry(seq) for seq in range(appends)]
        start = time.perf_counter()
        for entry in entries:
            ledgers.append(LEDGER_NAME, entry)
            db.session.commit()
        seconds = time.perf_counter() - start

        leaves = [ledger.leaf_hash(ledger.canonical(entry)) for entry in entries]
        root = ledger.merkle_root(leaves)
        check(ledgers.size(LEDGER_NAME) == appends, f"{backend}: the ledger does not hold {appends} leaves")
        check(ledgers.root(LEDGER_NAME) == root, f"{backend}: the stored root differs from the entries' root")
        durations = []
        for index in (rng.randrange(appends) for _ in range(min(PROOF_SAMPLE, appends))):
            proof, micros = timed(lambda index=index: ledgers.inclusion_proof(LEDGER_NAME, index, appends))
            check(ledger.verify_inclusion(leaves[index], index, appends, proof, root),
                  f"{backend}: inclusion proof of leaf {index} does not verify")
            durations.append(micros)
        db.session.rollback()
        db.engine.dispose()
    return DatabaseRun(backend, appends, seconds, Timings(durations))


def libpq_url(url: str) -> str:
    """The URL psycopg takes, from a libpq or a SQLAlchemy one."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_unreachable(admin_url: str) -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it can."""
    try:
        with psycopg.connect(libpq_url(admin_url), connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        shown = make_url(admin_url).render_as_string(hide_password=True)
        return f"not reachable at {shown} ({' '.join(str(error).split())})"


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database; yields its SQLAlchemy URL and drops it WITH (FORCE) on exit."""
    name = f"jit_bench_{secrets.token_hex(6)}"
    with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(drivername="postgresql+psycopg", database=name).render_as_string(
            hide_password=False)
    finally:
        with psycopg.connect(libpq_url(admin_url), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench_appends(appends: int, postgres_url: str, rng: random.Random) -> list[DatabaseRun]:
    """Part 1 on SQLite, then on PostgreSQL when it is reachable; the runs keep part 2's database proof times."""
    print(f"1. Durable appends: ledgers.append + one db.session.commit() each, {appends:,} per backend")
    runs = []
    with tempfile.TemporaryDirectory(prefix="jit-bench-") as directory:
        key_file = Path(directory) / "ledger-signing-key.pem"
        sqlite_url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        runs.append(run_database("SQLite", sqlite_url, appends, key_file, rng))
        print_appends(runs[-1])
        problem = postgres_unreachable(postgres_url)
        if problem:
            print(f"   PostgreSQL  skipped: {problem}")
        else:
            with postgres_database(postgres_url) as url:
                runs.append(run_database("PostgreSQL", url, appends, key_file, rng))
                print_appends(runs[-1])
    return runs


def print_appends(run: DatabaseRun) -> None:
    target = f"  (target >= {APPEND_TARGET}/s: {'met' if run.rate >= APPEND_TARGET else 'NOT met'})"
    print(f"   {run.backend:<11} {run.appends:,} appends in {run.seconds:6.2f} s = {run.rate:7.0f} appends/s"
          f"{target if run.backend == 'SQLite' else ''}")


def build_tree(size: int) -> ledger.MemoryNodeStore:
    """A tree of `size` leaves, appended one by one as the database ledger does."""
    store = ledger.MemoryNodeStore()
    for index in range(size):
        # The proofs' cost does not depend on what the leaves hash, so cheap leaves keep the build short.
        ledger.append_leaf(store, index, ledger.leaf_hash(index.to_bytes(8, "big")))
    return store


def bench_tree(size: int, rng: random.Random) -> bool:
    """Time and size a sample of inclusion and consistency proofs; True when both stay within bound."""
    note = " (takes ~7 s)" if size >= 1_000_000 else ""
    print(f"   building a MemoryNodeStore of {size:,} leaves{note} ...", end=" ", flush=True)
    start = time.perf_counter()
    store = build_tree(size)
    print(f"{time.perf_counter() - start:.1f} s")
    root = ledger.root_hash(store, size)

    durations, longest = [], 0
    for index in (rng.randrange(size) for _ in range(PROOF_SAMPLE)):
        proof, micros = timed(lambda index=index: ledger.inclusion_proof(store, index, size))
        check(ledger.verify_inclusion(store.get(0, index), index, size, proof, root),
              f"inclusion proof of leaf {index} in {size} does not verify")
        durations.append(micros)
        longest = max(longest, len(proof))
    inclusion_ok = print_proofs("inclusion", Timings(durations), longest, inclusion_bound(size))

    durations, longest = [], 0
    for _ in range(PROOF_SAMPLE):
        first = rng.randrange(1, size)
        second = rng.randrange(first + 1, size + 1)
        proof, micros = timed(lambda first=first, second=second: ledger.consistency_proof(store, first, second))
        check(ledger.verify_consistency(first, second, ledger.root_hash(store, first),
                                        ledger.root_hash(store, second), proof),
              f"consistency proof from {first} to {second} does not verify")
        durations.append(micros)
        longest = max(longest, len(proof))
    consistency_ok = print_proofs("consistency", Timings(durations), longest, inclusion_bound(size) + 1)
    return inclusion_ok and consistency_ok


def print_proofs(kind: str, timings: Timings, longest: int, bound: int) -> bool:
    ok = longest <= bound
    bound_text = "32·⌈log₂ N⌉" if kind == "inclusion" else "32·(⌈log₂ N⌉+1)"
    print(f"     {kind:<11} build {timings}; largest {longest * ledger.HASH_SIZE:4d} B"
          f" ({longest} hashes), bound {bound_text} = {bound * ledger.HASH_SIZE} B: {'OK' if ok else 'NOT OK'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 appends per backend, 10,000-leaf tree only")
    parser.add_argument("--appends", type=int, help="appends per database backend (default 2,000; 200 with --quick)")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL,
                        help=f"PostgreSQL admin URL to create the scratch database from (default {POSTGRES_ADMIN_URL})")
    args = parser.parse_args()
    if args.appends is not None and args.appends < 2:
        parser.error("--appends must be at least 2 (a p99 needs two proofs)")
    appends = args.appends or (200 if args.quick else 2_000)
    sizes = (10_000,) if args.quick else (10_000, 1_000_000)

    # Sampling for a benchmark, not security: a seeded generator keeps runs comparable.
    rng = random.Random(SEED)  # noqa: S311
    print(f"jit ledger benchmark ({'quick' if args.quick else 'full'} run, seed {SEED}, "
          f"{PROOF_SAMPLE:,} sampled proofs of each kind)\n")
    runs = bench_appends(appends, args.postgres_url, rng)

    print(f"\n2. Proofs over a MemoryNodeStore ({PROOF_SAMPLE:,} of each kind, each verified; a hash is 32 bytes)")
    bounds_met = {size: bench_tree(size, rng) for size in sizes}
    print(f"   database-backed store (ledgers.inclusion_proof, ledger_nodes rows), the {appends:,}-leaf trees"
          " of part 1 - smaller than the trees above:")
    for run in runs:
        print(f"     {run.backend:<11} inclusion, {len(run.proofs.samples):,} proofs at size {run.appends:,}:"
              f" {run.proofs}")

    sqlite_rate = runs[0].rate
    appends_met = sqlite_rate >= APPEND_TARGET
    sizes_met = all(bounds_met.values())
    print(f"\nSummary: SQLite durable appends {sqlite_rate:.0f}/s vs target {APPEND_TARGET}/s: "
          f"{'met' if appends_met else 'NOT met'}; proof sizes within bound at "
          f"{', '.join(f'{size:,}' for size in sizes)} leaves: {'met' if sizes_met else 'NOT met'}.")
    return 0 if appends_met and sizes_met else 1


if __name__ == "__main__":
    sys.exit(main())
