"""Request bodies other than uploads are capped at JIT_MAX_JSON_BYTES, before they are read
(issue 13, finding 4): a declared length over the cap is answered 413 without reading a byte, a body
of unknown length (chunked) is read only up to the cap. Upload endpoints keep JIT_MAX_UPLOAD_BYTES."""

from __future__ import annotations

import io
import json
import socket
from urllib.parse import urlsplit

import pytest

import config
from tests.conftest import csrf_token_in
from tests.evidence_support import evidence_group, register, upload
from tests.groups_support import make_cast

CAP = 16 * 1024  # a small JIT_MAX_JSON_BYTES keeps the bodies of these tests small
# No declared length: the server ends the stream itself (chunked), as gunicorn and Werkzeug tell.
CHUNKED = {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anyone reads it."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        pytest.fail("the body was read although its declared length is over the cap")


class Counted(io.RawIOBase):
    """A body of `size` bytes that counts how many were read."""

    def __init__(self, head: bytes, size: int):
        super().__init__()
        self.data, self.size, self.given = head, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.given)
        for i in range(count):
            offset = self.given + i
            buffer[i] = self.data[offset] if offset < len(self.data) else ord("a")
        self.given += count
        return count


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(JIT_MAX_JSON_BYTES=CAP, JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


def _post(client, path: str, body, content_type: str, **environ):
    """A POST whose body is `body`, read by the app as a server would hand it over (`environ` as the
    server would set it)."""
    return client.post(path, content_type=content_type, environ_overrides={"wsgi.input": body, **environ})


def _too_large_json(response) -> None:
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.get_json()["error"]["code"] == "too_large"


def _too_large_page(response) -> None:
    assert response.status_code == 413, response.get_data(as_text=True)[:300]
    assert response.mimetype == "text/html"
    assert "413" in response.get_data(as_text=True)


def test_the_default_cap_is_about_a_megabyte_and_configurable(monkeypatch):
    monkeypatch.delenv("JIT_MAX_JSON_BYTES", raising=False)
    assert config.TestingConfig().JIT_MAX_JSON_BYTES == 1024 * 1024
    monkeypatch.setenv("JIT_MAX_JSON_BYTES", "2048")
    assert config.TestingConfig().JIT_MAX_JSON_BYTES == 2048
    assert config.TestingConfig().JIT_MAX_UPLOAD_BYTES == 4 * 1024**3  # uploads keep their own limit


def test_a_declared_length_over_the_cap_is_refused_before_reading(client):
    for path in ("/api/v1/auth/token", "/api/v1/groups", "/api/v1/no-such-endpoint"):
        _too_large_json(_post(client, path, Unreadable(), "application/json", CONTENT_LENGTH=str(300 * 1024 * 1024)))
    # Pages too (the sign-in form, a form of a page behind it), in the page's format.
    for path in ("/login", "/groups/new"):
        _too_large_page(_post(client, path, Unreadable(), "application/x-www-form-urlencoded",
                              CONTENT_LENGTH=str(CAP + 1)))


def test_a_chunked_body_is_read_only_up_to_the_cap(client):
    head = b'{"username": "admin", "password": "'
    body = Counted(head, 8 * 1024 * 1024)
    _too_large_json(_post(client, "/api/v1/auth/token", body, "application/json", **CHUNKED))
    assert body.given <= CAP + 64 * 1024
    form = Counted(b"username=admin&password=", 8 * 1024 * 1024)
    _too_large_page(_post(client, "/login", form, "application/x-www-form-urlencoded", **CHUNKED))
    assert form.given <= CAP + 64 * 1024


def test_bodies_under_the_cap_are_read_as_before(client, make_user):
    user = make_user()
    padded = {"username": user.username, "password": user.password, "otp": None}
    text = json.dumps(padded).encode()
    assert len(text) < CAP
    chunked = _post(client, "/api/v1/auth/token", io.BytesIO(text), "application/json", **CHUNKED)
    assert chunked.status_code == 201, chunked.get_json()
    declared = client.post("/api/v1/auth/token", json=padded)
    assert declared.status_code == 201, declared.get_json()


def test_upload_endpoints_keep_the_upload_limit(app):
    cast = make_cast(app)
    setting = evidence_group(cast)
    eid = register(cast, setting).get_json()["id"]
    content = b"u" * (4 * CAP)
    assert upload(cast, eid, content).status_code == 201
    raw = cast.api.post(f"/api/v1/evidence/{eid}/files/raw?name=disk.E01", data=content + b"!",
                        content_type="application/octet-stream", headers=cast.headers["kz_member"])
    assert raw.status_code == 201, raw.get_json()
    # The same body as JSON to an endpoint that takes none of it as a file: refused.
    _too_large_json(cast.api.post(f"/api/v1/groups/{setting['gid']}/evidence", data=b"{" + content,
                                  content_type="application/json", headers=cast.headers["kz_member"]))
    _too_large_json(cast.api.post(f"/api/v1/evidence/{eid}/custody", json={"type": "note", "note": "x" * (2 * CAP)},
                                  headers=cast.headers["kz_member"]))
    # A page's upload form keeps the upload limit too; its other forms get the small cap.
    browser = cast.browser("kz_member")
    page = browser.get(f"/evidence/{eid}")
    token = csrf_token_in(page.get_data(as_text=True))
    stored = browser.post(f"/evidence/{eid}/files", data={"csrf_token": token, "file": (io.BytesIO(content), "b.bin")},
                          content_type="multipart/form-data")
    assert stored.status_code == 302, stored.get_data(as_text=True)[:500]
    _too_large_page(browser.post(f"/evidence/{eid}/custody", data={"csrf_token": token, "note": "x" * (2 * CAP)}))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_live_server_answers_413_without_waiting_for_the_body(app, live_server):
    """Over a real socket: the headers declare 300 MB and no byte of it is sent. A server reading
    the body before answering would wait for it; the answer comes at once."""
    address = urlsplit(live_server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 314572800\r\n\r\n")
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"code":"too_large"' in answer.replace(b" ", b"")
