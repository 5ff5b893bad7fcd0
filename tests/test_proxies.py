"""X-Forwarded-For is believed only from as many proxies as JIT_TRUSTED_PROXIES says (issue 13, finding 11)."""

from __future__ import annotations

from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent

ATTEMPT = {"username": "someone", "password": "whatever it is"}


def _sign_in_attempt(client, forwarded_for: str, request_id: str):
    return client.post("/api/v1/auth/token", json=ATTEMPT,
                       headers={"X-Forwarded-For": forwarded_for, "X-Request-ID": request_id})


def _source_address(app, request_id: str) -> str:
    with app.app_context():
        return db.session.scalar(select(AuditEvent.source_address).where(AuditEvent.request_id == request_id))


def test_without_trusted_proxies_the_header_is_ignored(make_app):
    app = make_app(JIT_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [_sign_in_attempt(client, f"203.0.113.{n}", f"no-proxy-000{n}").status_code for n in range(3)]
    assert statuses == [401, 401, 429]  # one address, whatever the header claims
    assert _source_address(app, "no-proxy-0000") == "127.0.0.1"


def test_behind_one_trusted_proxy_each_client_has_its_own_address(make_app):
    app = make_app(JIT_TRUSTED_PROXIES=1, JIT_LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()  # every request comes from the proxy, 127.0.0.1
    assert [_sign_in_attempt(client, f"203.0.113.{n}", f"proxied-000{n}").status_code for n in range(3)] == [401] * 3
    assert _source_address(app, "proxied-0001") == "203.0.113.1"
    # The proxy appends the address it saw: what the client wrote further left is not believed.
    forged = [_sign_in_attempt(client, f"10.9.9.{n}, 203.0.113.7", f"forged-000{n}").status_code for n in range(3)]
    assert forged == [401, 401, 429]
    assert _source_address(app, "forged-0000") == "203.0.113.7"
    # The scheme the client used, for Secure cookies and HSTS behind a TLS-terminating proxy.
    assert (app.wsgi_app.x_for, app.wsgi_app.x_proto) == (1, 1)
