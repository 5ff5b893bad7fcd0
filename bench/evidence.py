"""Benchmark of evidence uploads, custody appends and evidence-ledger verification; prints figures.

Measures, on a fresh SQLite database and evidence store in a temporary folder:

1. Upload of a generated file (1 GiB by default) through `POST /api/v1/evidence/{eid}/files`
   (multipart) and `POST /api/v1/evidence/{eid}/files/raw` (the body is the file), served by a
   real gunicorn process, against a plain copy of the same file on the same disk
   (`shutil.copyfile` plus fsync, as the store fsyncs), each upload run `--repeat` times right
   after a copy of its own. Reports the throughputs, the median of the pairs' ratios and the
   server's peak memory growth (VmHWM before and after). Targets: ratio >= 50%, growth < 64 MB.
2. Custody appends per second: `evidence.record_event` (one audited transaction each).
3. Full verification (`evidence.verify_chains`, as `flask jit verify evidence`) of a group with
   100,000 custody events, written straight through the ledger code. Target: < 10 s.

Not a test, and not run by `make test`. From the project root:

    .venv/bin/python bench/evidence.py [--size-mb N] [--events N] [--appends N] [--repeat N]

The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import insert

from config import PROJECT_ROOT, TestingConfig
from jit import create_app, ledger
from jit.extensions import db
from jit.models import (
    AuthorityKind,
    CustodyEvent,
    CustodyType,
    EvidenceItem,
    EvidenceKind,
    JointGroup,
    LedgerHead,
    LedgerNode,
    User,
)
from jit.models.types import utcnow
from jit.services import accounts, cases, evidence, group_documents, groups, ledgers
from jit.services.evidence.chain import _Change, _entry
from tests import factories

PASSWORD = "bench password 2025"  # noqa: S105 - a throw-away bench account
UPLOAD_RATIO_TARGET = 0.5
MEMORY_TARGET_MB = 64
VERIFY_TARGET_S = 10.0
CHUNK = 1024 * 1024


def _world() -> dict:
    """An active group with a Belarusian team headed by the bench user, a case and an item."""
    belarus = factories.create_authority("BY", AuthorityKind.CENTRAL)
    armenia = factories.create_authority("AM", AuthorityKind.CENTRAL)
    head = accounts.create_user_from_command_line(username="bench.head", full_name="Bench Head", password=PASSWORD,
                                               roles=("investigator",), authority_id=belarus.id)
    other = accounts.create_user_from_command_line(username="bench.am", full_name="Bench AM", password=PASSWORD,
                                                roles=("investigator",), authority_id=armenia.id)
    today = utcnow().date()
    group = groups.create_group(head, title="Bench", purpose="Bench", place_of_activity="Минск",
                                starts_on=today, ends_on=today + timedelta(days=90))
    paper = {"reference": "№ 1", "dated": today, "signed_by": "Председатель"}
    group_documents.add_document(head, group.id, kind="creation_request", decision=None, party="BY",
                                 authority_id=belarus.id, **paper)
    groups.transition(head, group.id, to="requested", version=group.version)
    groups.add_team(head, group.id, party="BY", authority_id=belarus.id, national_head_id=head.id)
    groups.add_team(head, group.id, party="AM", authority_id=armenia.id, national_head_id=other.id)
    for party, authority in (("BY", belarus), ("AM", armenia)):
        group_documents.add_document(head, group.id, kind="decision", decision="create", party=party,
                                     authority_id=authority.id, **paper)
        group_documents.add_document(head, group.id, kind="decision", decision="appoint_head", party=party,
                                     authority_id=authority.id, head_id=head.id, **paper)
    groups.transition(head, group.id, to="active", version=group.version)
    case = cases.add_case(head, group.id, party="BY", number="№ 1", opened_on=today, articles="ст. 212",
                          summary="Bench", handling_investigator_id=head.id)
    item = evidence.register(head, group.id, case_id=case.id, title="Образ диска", kind="digital_copy",
                             obtained_at=utcnow(), obtained_place="Минск", obtained_under="Протокол № 1")
    return {"head_id": head.id, "gid": group.id, "case_id": case.id, "eid": item.id}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _hwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def _worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def _upload(port: int, token: str, eid: int, path: Path, *, multipart: bool = True) -> dict:
    """Stream the file with its Content-Length, as a client would: as one multipart part, or as the
    raw body of /files/raw."""
    boundary = "benchboundary7d3"
    head, tail, url = b"", b"", f"/api/v1/evidence/{eid}/files/raw?name={path.name}"
    if multipart:
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{path.name}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        tail, url = f"\r\n--{boundary}--\r\n".encode(), f"/api/v1/evidence/{eid}/files"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.putrequest("POST", url)
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}" if multipart
                         else "application/octet-stream")
    connection.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    connection.endheaders()
    connection.send(head)
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            connection.send(chunk)
    connection.send(tail)
    response = connection.getresponse()
    body = json.loads(response.read())
    if response.status != 201:
        raise RuntimeError(f"upload answered {response.status}: {body}")
    return body


def _token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/api/v1/auth/token", json.dumps({"username": "bench.head", "password": PASSWORD}),
                       {"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())["token"]


def _wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _plain_copy_s(source: Path) -> float:
    os.sync()
    started = time.perf_counter()
    copy = source.with_name("plain-copy.bin")
    shutil.copyfile(source, copy)
    with copy.open("rb+") as handle:
        os.fsync(handle.fileno())
    elapsed = time.perf_counter() - started
    copy.unlink()
    return elapsed


def bench_upload(folder: Path, env: dict, world: dict, size_mb: int, repeat: int) -> bool:
    """Each upload `repeat` times, each run paired with a plain copy just before it; the median of
    the pairs' ratios is kept: the disk and a shared machine are noisy, and a ratio of two single
    runs says little."""
    source = folder / "disk-image.bin"
    block = os.urandom(CHUNK)
    with source.open("wb") as target:
        for n in range(size_mb):
            target.write(n.to_bytes(8, "big") + block[8:])
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "4", "--no-control-socket", "-b",
         f"127.0.0.1:{port}", "wsgi:app"], cwd=PROJECT_ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    copies, uploads, growth = {True: [], False: []}, {True: [], False: []}, {True: 0.0, False: 0.0}
    try:
        _wait_for(port, server)
        token = _token(port)
        small = folder / "warm-up.bin"
        small.write_bytes(b"warm-up" * 1000)
        _upload(port, token, world["eid"], small)
        worker = _worker_pid(server.pid)
        for run in range(repeat):
            for multipart in (True, False):
                # Each upload right after its own copy: the disk's speed drifts, a pair shares the moment.
                copies[multipart].append(_plain_copy_s(source))
                # A different file each time: equal content would only be stored once.
                with source.open("rb+") as handle:
                    handle.write(bytes([run, multipart]))
                before = _hwm_kb(worker)
                os.sync()  # every measure starts with nothing left to write back from the one before
                started = time.perf_counter()
                answer = _upload(port, token, world["eid"], source, multipart=multipart)
                uploads[multipart].append(time.perf_counter() - started)
                growth[multipart] = max(growth[multipart], (_hwm_kb(worker) - before) / 1024)
                assert answer["size"] == source.stat().st_size, answer
    finally:
        server.terminate()
        server.wait(timeout=30)
    size_mb = source.stat().st_size / 2**20
    all_copies = copies[True] + copies[False]
    print(f"plain copy of {size_mb:,.0f} MiB on the same disk (with fsync): median "
          f"{size_mb / statistics.median(all_copies):,.0f} MiB/s (runs {_runs(size_mb, all_copies)})")
    ok = True
    for multipart, times in uploads.items():
        ratio = statistics.median(copy_s / upload_s for copy_s, upload_s in zip(copies[multipart], times, strict=True))
        print(f"HTTP upload, {'multipart POST /files' if multipart else 'raw body POST /files/raw'}: median "
              f"{size_mb / statistics.median(times):,.0f} MiB/s (runs {_runs(size_mb, times)}); median ratio "
              f"to the copy just before it {ratio:.0%} (target >= {UPLOAD_RATIO_TARGET:.0%}); server peak "
              f"memory growth {growth[multipart]:.1f} MB (target < {MEMORY_TARGET_MB} MB)")
        ok = ok and ratio >= UPLOAD_RATIO_TARGET and growth[multipart] < MEMORY_TARGET_MB
    source.unlink()
    return ok


def _runs(size_mb: float, seconds: list[float]) -> str:
    return ", ".join(f"{size_mb / s:,.0f}" for s in seconds) + " MiB/s"


def bench_appends(world: dict, count: int) -> None:
    head = db.session.get(User, world["head_id"])
    started = time.perf_counter()
    for n in range(count):
        evidence.record_event(head, world["eid"], event_type="examined", place="Минск", note_text=f"Осмотр {n}")
    elapsed = time.perf_counter() - started
    print(f"custody appends: {count / elapsed:,.0f} per second ({count} audited transactions, {elapsed:.2f} s)")


def _fill_ledger(world: dict, events: int, items: int = 100) -> int:
    """A new group ledger of `events` custody events over `items` items, written through the ledger
    code in bulk: entries as `evidence` builds them, leaves and perfect subtrees in memory, then
    inserted at once."""
    head = db.session.get(User, world["head_id"])
    gid = world["gid"]
    name = evidence.ledger_name(gid)
    start = ledgers.size(name)
    store = ledger.MemoryNodeStore()
    for index, digest in ledgers.stored_leaves(name, 0, start).items():
        ledger.append_leaf(store, index, digest)
    chain = []
    for n in range(items):
        item = EvidenceItem(group_id=gid, case_id=world["case_id"], number=f"BY-B{n:04d}", kind=EvidenceKind.DOCUMENT,
                            title=f"Документ {n}", description="", obtained_by_id=head.id, obtained_at=utcnow(),
                            obtained_place="Минск", obtained_under="Протокол", party_code="BY",
                            team_id=next(t.id for t in db.session.get(JointGroup, gid).teams
                                         if t.party_code == "BY"), created_by_id=head.id, custodian_id=head.id)
        db.session.add(item)
        chain.append(item)
    db.session.flush()
    at = utcnow().replace(microsecond=0)
    rows = []
    for n in range(events - start):
        item = chain[n % items]
        seq = n // items + 1
        kind = CustodyType.REGISTERED if seq == 1 else CustodyType.EXAMINED
        change = _Change(registered={"number": item.number} if seq == 1 else None)
        entry = _entry(item, seq, kind, head, head if seq > 1 else None, head, at, change)
        leaf = ledger.leaf_hash(ledger.canonical(entry))
        ledger.append_leaf(store, start + n, leaf)
        rows.append({"group_id": gid, "item_id": item.id, "seq": seq, "type": kind.value, "actor_id": head.id,
                     "from_user_id": head.id if seq > 1 else None, "to_user_id": head.id, "at": at,
                     "time_zone": head.time_zone, "place": "", "note": "", "sha256s": [], "refers_to": None,
                     "instruction_id": None, "leaf_index": start + n, "leaf_hash": leaf.hex(), "entry": entry})
    db.session.execute(insert(CustodyEvent), rows)
    db.session.execute(insert(LedgerNode), [
        {"ledger": name, "level": level, "idx": index, "hash": digest.hex()}
        for (level, index), digest in store.nodes.items() if not (level == 0 and index < start)
        and (index + 1) << level > start])
    db.session.get(LedgerHead, name).size = events
    db.session.commit()
    ledgers.sign_checkpoint(name)
    db.session.commit()
    return events


def bench_verify(world: dict, events: int) -> bool:
    # The bench item's own chain lives in this ledger too; the bulk events go to new items.
    total = _fill_ledger(world, events)
    started = time.perf_counter()
    result = evidence.verify_chains(world["gid"])
    elapsed = time.perf_counter() - started
    if not result.ok:
        raise RuntimeError(f"verification failed: {result.problem}")
    print(f"verification of {total:,} custody events (every leaf, chain and checkpoint, "
          f"{result.files_checked} stored files re-hashed): {elapsed:.2f} s (target < {VERIFY_TARGET_S:.0f} s)")
    return elapsed < VERIFY_TARGET_S


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the uploaded file in MiB")
    parser.add_argument("--events", type=int, default=100_000, help="custody events to verify")
    parser.add_argument("--appends", type=int, default=500, help="custody appends to time")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the copy and of each upload (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jit-bench-evidence-", dir=PROJECT_ROOT / "instance"
                                     if (PROJECT_ROOT / "instance").is_dir() else None) as name:
        folder = Path(name)
        settings = {"DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}", "JIT_EVIDENCE_DIR": str(folder / "files"),
                    "JIT_LEDGER_KEY_FILE": str(folder / "key.pem")}
        app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
                                       JIT_EVIDENCE_DIR=settings["JIT_EVIDENCE_DIR"],
                                       JIT_LEDGER_KEY_FILE=settings["JIT_LEDGER_KEY_FILE"]))
        with app.app_context():
            upgrade(directory=str(PROJECT_ROOT / "migrations"))
            world = _world()
        env = {**os.environ, **settings, "JIT_CONFIG": "testing"}
        upload_ok = bench_upload(folder, env, world, args.size_mb, args.repeat)
        with app.app_context():
            bench_appends(world, args.appends)
            verify_ok = bench_verify(world, args.events)
    return 0 if upload_ok and verify_ok else 1


if __name__ == "__main__":
    sys.exit(main())
