"""An upload whose client goes away before sending all it declared is refused and keeps nothing: no
file, no custody event, no evidence-ledger entry, nothing left in the store (issue 13, finding 1).

Tried against real servers over a real socket that closes early, since what a short body looks like
to the application depends on the server: gunicorn (as deployed, `make run`) ends the input stream
quietly where the declared length was not reached, Werkzeug's threaded server raises."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import AuditEvent, CustodyEvent, EvidenceFile
from jit.services import ledgers
from tests.conftest import LiveServer, wait_until
from tests.evidence_support import evidence_group, register
from tests.realtime.servers import gunicorn

DECLARED = 10 * 1024 * 1024
SENT = 3 * 1024 * 1024  # more than the body is read in at a time (1 MiB), less than declared


@pytest.fixture
def app(make_app, tmp_path):
    """Files of each test in a store of their own (the test counts stored files)."""
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


@contextmanager
def threaded(app, _tmp_path):
    server = LiveServer(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.stop()
        thread.join(timeout=5)


@contextmanager
def production(app, tmp_path):
    """gunicorn with the threaded worker, as `make run` and docs/deploy.md serve the app, on the
    test's database and store."""
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], None, tmp_path / "gunicorn.log",
                  JIT_EVIDENCE_DIR=app.config["JIT_EVIDENCE_DIR"], SECRET_KEY=app.config["SECRET_KEY"]) as url:
        yield url


SERVERS = {"gunicorn": production, "threaded": threaded}


def _stored_files(app) -> list[str]:
    root = Path(app.config["JIT_EVIDENCE_DIR"])
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def _state(app, gid: int) -> dict:
    with app.app_context():
        state = {
            "files": db.session.scalar(select(func.count(EvidenceFile.id))),
            "attached": db.session.scalar(select(func.count(CustodyEvent.id))
                                          .where(CustodyEvent.type == "file_attached")),
            "ledger": ledgers.size(f"evidence/{gid}"),
            "stored": _stored_files(app),
        }
        db.session.remove()
    return state


def _attempts(app) -> list[tuple[str, str]]:
    """The audited outcomes of file attachments so far, and their codes."""
    with app.app_context():
        rows = db.session.execute(select(AuditEvent.outcome, AuditEvent.details)
                                  .where(AuditEvent.operation == "evidence.file_attach")
                                  .order_by(AuditEvent.id)).all()
        db.session.remove()
    return [(outcome, (details or {}).get("code", "")) for outcome, details in rows]


@contextmanager
def _connection(url: str, request_head: str, body: bytes):
    """A request whose body is `body`, sent over a socket that then closes: the client is gone."""
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(request_head.encode() + body)
        yield


def _exchange(url: str, request_head: str, body: bytes) -> bytes:
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as connection:
        connection.sendall(request_head.encode() + body)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _head(path: str, authorization: str, *headers: str) -> str:
    return "".join(f"{line}\r\n" for line in (f"POST {path} HTTP/1.1", "Host: x", f"Authorization: {authorization}",
                                               "Connection: close", *headers, ""))


@pytest.mark.parametrize("server", SERVERS)
def test_an_upload_cut_off_before_its_end_is_refused_and_keeps_nothing(cast, setting, server, tmp_path):
    """Raw (the finding: stored as evidence from gunicorn), chunked and multipart, on a live server
    whose client goes away mid-body; then a whole raw body on the same server, which is stored."""
    app, gid = cast.app, setting["gid"]
    eid = register(cast, setting).get_json()["id"]
    authorization = cast.headers["kz_member"]["Authorization"]
    before = _state(app, gid)
    incoming = Path(app.config["JIT_EVIDENCE_DIR"]) / "incoming"

    def receiving() -> bool:
        return incoming.is_dir() and any(incoming.iterdir())

    piece = b"c" * 65536
    cut_offs = [
        (_head(f"/api/v1/evidence/{eid}/files/raw?name=disk.E01&place=Almaty", authorization,
               "Content-Type: application/octet-stream", f"Content-Length: {DECLARED}"), b"r" * SENT),
        (_head(f"/api/v1/evidence/{eid}/files/raw?name=disk.E01", authorization,
               "Content-Type: application/octet-stream", "Transfer-Encoding: chunked"),
         (f"{len(piece):x}\r\n".encode() + piece + b"\r\n") * 48),  # no last, empty chunk
        (_head(f"/api/v1/evidence/{eid}/files", authorization, "Content-Type: multipart/form-data; boundary=b",
               f"Content-Length: {DECLARED}"),
         b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n" + b"q" * SENT),
    ]
    with SERVERS[server](app, tmp_path) as url:
        for request_head, body in cut_offs:
            with _connection(url, request_head, body):
                assert wait_until(receiving)  # the file is streaming into the store...
            assert wait_until(lambda: not receiving())  # ...and its temporary file is gone once the client has gone
        # The raw and chunked attempts reached the use case: refused, and audited as such.
        assert wait_until(lambda: len(_attempts(app)) == 2)
        assert _attempts(app) == [("error", "incomplete_upload")] * 2
        assert _state(app, gid) == before
        whole = b"w" * 2048
        answer = _exchange(url, _head(f"/api/v1/evidence/{eid}/files/raw?name=disk.E01", authorization,
                                      "Content-Type: application/octet-stream", f"Content-Length: {len(whole)}"),
                           whole)
        assert answer.startswith(b"HTTP/1.1 201"), answer[:500]
    events = cast.api.get(f"/api/v1/evidence/{eid}/custody", headers=cast.headers["kz_member"]).get_json()["items"]
    assert [event["type"] for event in events] == ["registered", "file_attached"]
    after = _state(app, gid)
    assert (after["files"], after["attached"], after["ledger"]) == (1, 1, before["ledger"] + 1)
    assert len(after["stored"]) == len(before["stored"]) + 1
    verification = cast.api.get(f"/api/v1/groups/{gid}/evidence/verification", headers=cast.headers["kz_member"])
    assert verification.get_json()["ok"] is True
