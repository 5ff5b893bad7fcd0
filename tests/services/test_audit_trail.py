"""The audit trail: what each call leaves, that it cannot be skipped, and that tampering shows."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from jit import ledger
from jit.extensions import db
from jit.models import AuditEvent, Authority
from jit.services import ledgers
from tests.conftest import bearer, client_from, sign_in_page


def _events(app, **filters) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).filter_by(**filters).order_by(AuditEvent.leaf_index)).all()
        db.session.expunge_all()
        return events


def test_an_api_call_leaves_who_what_when_where_and_outcome(app, client, make_user):
    user = make_user(time_zone="Asia/Almaty")
    headers = {**bearer(client, user), "X-Request-ID": "req-0123456789"}
    assert client.get("/api/v1/parties", headers=headers).status_code == 200
    [event] = _events(app, operation="party.list")
    assert (event.user_id, event.username, event.time_zone) == (user.id, user.username, "Asia/Almaty")
    assert (event.object_type, event.outcome) == ("party", "ok")
    assert event.source_address == "127.0.0.1"
    assert event.request_id == "req-0123456789"
    assert event.occurred_at.tzinfo is not None


def test_a_refused_change_is_audited_as_denied_and_changes_nothing(app, client, make_user):
    investigator = make_user()
    response = client.patch("/api/v1/parties/KZ", json={"chisinau_in_force_on": "2004-01-01"},
                            headers=bearer(client, investigator))
    assert response.status_code == 403
    [event] = _events(app, operation="party.update")
    assert (event.outcome, event.user_id, event.details["code"]) == ("denied", investigator.id, "forbidden")
    admin = make_user(roles=("admin",))
    party = client.get("/api/v1/parties", headers=bearer(client, admin)).get_json()["items"]
    assert next(p for p in party if p["code"] == "KZ")["chisinau_in_force_on"] is None


def test_a_request_refused_at_the_door_is_audited_too(app, client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/parties?limit=9999", headers={}).status_code == 401
    operations = [(event.operation, event.outcome, event.details["status"]) for event in _events(app)]
    assert operations == [("http.api_auth.me", "denied", 401), ("http.api_registry.list_parties", "denied", 401)]


def test_validation_refused_before_any_service_is_audited(app, client, make_user):
    headers = bearer(client, make_user(roles=("admin",)))
    assert client.post("/api/v1/authorities", json={"party": "BY"}, headers=headers).status_code == 422
    [event] = _events(app, operation="http.api_registry.create_authority")
    assert (event.outcome, event.details["status"]) == ("error", 422)


def test_a_failed_audit_write_fails_the_operation(app, client, make_user, monkeypatch):
    headers = bearer(client, make_user(roles=("admin",)))
    body = {"party": "BY", "name_en": "Test", "name_ru": "Тест", "kind": "competent", "listed_on": "2020-01-01"}

    def broken_append(name, entry):
        raise RuntimeError("ledger storage unavailable")

    monkeypatch.setattr(ledgers, "append", broken_append)
    response = client.post("/api/v1/authorities", json=body, headers=headers)
    monkeypatch.undo()
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    with app.app_context():
        assert db.session.scalar(select(Authority).where(Authority.name_en == "Test")) is None


def test_user_text_is_stored_as_data_and_shown_escaped(app, client, make_user):
    hostile = "<script>alert(1)</script>\nFAKE LINE ok"
    client.post("/api/v1/auth/token", json={"username": hostile, "password": "whatever-it-is"})
    [event] = _events(app, operation="auth.token_issue")
    assert event.details["attempted_username"] == hostile[:64]
    admin_client = app.test_client()
    from tests.conftest import sign_in_page
    sign_in_page(admin_client, make_user(roles=("admin",)))
    page = admin_client.get("/audit/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_audit_api_admins_see_all_others_their_own(app, client, make_user):
    admin, investigator = make_user(roles=("admin",)), make_user()
    admin_headers, own_headers = bearer(client, admin), bearer(client, investigator)
    client.get("/api/v1/parties", headers=admin_headers)
    client.get("/api/v1/parties", headers=own_headers)
    everything = client.get("/api/v1/audit", query_string={"operation": "party."}, headers=admin_headers).get_json()
    assert {item["user_id"] for item in everything["items"]} == {admin.id, investigator.id}
    own = client.get("/api/v1/audit", headers=own_headers).get_json()["items"]
    assert own and {item["user_id"] for item in own} == {investigator.id}
    newest_first = [item["leaf_index"] for item in own]
    assert newest_first == sorted(newest_first, reverse=True)
    bad = client.get("/api/v1/audit", query_string={"after": "2030-01-02T00:00:00+00:00",
                                                    "before": "2030-01-01T00:00:00+00:00"}, headers=own_headers)
    assert (bad.status_code, list(bad.get_json()["error"]["fields"])) == (422, ["before"])


def test_ledger_proofs_verify_with_independent_code(app, client, make_user):
    headers = bearer(client, make_user(roles=("admin",)))
    first = client.get("/api/v1/audit/ledger/checkpoint", headers=headers).get_json()
    for _ in range(5):
        client.get("/api/v1/parties", headers=headers)
    second = client.get("/api/v1/audit/ledger/checkpoint", headers=headers).get_json()
    assert second["tree_size"] > first["tree_size"]
    for checkpoint in (first, second):
        message = (f"jit-ledger-checkpoint/v1\naudit\n{checkpoint['tree_size']}\n{checkpoint['root_hash']}\n"
                   f"{checkpoint['signed_at']}\n").encode()
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint["public_key"])).verify(
            bytes.fromhex(checkpoint["signature"]), message)

    size = second["tree_size"]
    proof = client.get("/api/v1/audit/ledger/inclusion", query_string={"leaf_index": 2, "tree_size": size},
                       headers=headers).get_json()
    with app.app_context():
        stored = db.session.scalar(select(AuditEvent).where(AuditEvent.leaf_index == 2))
        from jit.services.audit import ledger_entry
        recomputed_leaf = ledger.leaf_hash(ledger.canonical(ledger_entry(stored)))
    assert proof["leaf_hash"] == recomputed_leaf.hex()
    assert ledger.verify_inclusion(recomputed_leaf, 2, size, [bytes.fromhex(h) for h in proof["path"]],
                                   bytes.fromhex(second["root_hash"]))
    consistency = client.get("/api/v1/audit/ledger/consistency",
                             query_string={"first": first["tree_size"], "second": size}, headers=headers).get_json()
    assert ledger.verify_consistency(first["tree_size"], size, bytes.fromhex(first["root_hash"]),
                                     bytes.fromhex(second["root_hash"]),
                                     [bytes.fromhex(h) for h in consistency["path"]])
    too_far = client.get("/api/v1/audit/ledger/inclusion", query_string={"leaf_index": 0, "tree_size": size + 1000},
                         headers=headers)
    assert (too_far.status_code, list(too_far.get_json()["error"]["fields"])) == (404, ["tree_size"])
    # Proofs that cannot exist are not found (the sizes are well-formed: the document cannot refuse them).
    no_leaf = client.get("/api/v1/audit/ledger/inclusion", query_string={"leaf_index": size, "tree_size": size},
                         headers=headers)
    assert (no_leaf.status_code, list(no_leaf.get_json()["error"]["fields"])) == (404, ["leaf_index"])
    shrinking = client.get("/api/v1/audit/ledger/consistency", query_string={"first": size, "second": size - 1},
                           headers=headers)
    assert (shrinking.status_code, list(shrinking.get_json()["error"]["fields"])) == (404, ["first"])
    refused = client.get("/api/v1/audit/ledger/checkpoint", headers=bearer(client, make_user()))
    assert refused.status_code == 403


# --- tampering -----------------------------------------------------------------------------

def _verify(app):
    return app.test_cli_runner().invoke(args=["jit", "verify", "audit"])


@pytest.fixture
def trail(app, client, make_user):
    """A trail of a dozen events, a signed checkpoint among them."""
    headers = bearer(client, make_user(roles=("admin",)))
    for _ in range(6):
        client.get("/api/v1/parties", headers=headers)
    client.get("/api/v1/audit/ledger/checkpoint", headers=headers)
    client.get("/api/v1/me", headers=headers)
    result = _verify(app)
    assert result.exit_code == 0, result.output
    assert "audit ledger OK" in result.output
    return app


def _tamper(app, backend, sql: str, **parameters) -> None:
    """Change rows the way someone with database access would (past the trigger on PostgreSQL)."""
    with app.app_context(), db.engine.begin() as connection:
        if backend.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        connection.execute(text(sql), parameters)
        if backend.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


@pytest.mark.parametrize(("sql", "broken_at"), [
    ("UPDATE audit_events SET operation = 'user.me' WHERE leaf_index = 3", 3),
    ("DELETE FROM audit_events WHERE leaf_index = 4", 4),
    ("UPDATE audit_events SET leaf_index = CASE leaf_index WHEN 2 THEN 5 WHEN 5 THEN 2 END "
     "WHERE leaf_index IN (2, 5)", 2),
])
def test_verify_names_the_first_broken_entry(trail, backend, sql, broken_at):
    if "leaf_index =" in sql and "CASE" in sql:
        # Swap through a free index so the unique constraint holds at every step.
        sql = ("UPDATE audit_events SET leaf_index = -1 WHERE leaf_index = 2;"
               "UPDATE audit_events SET leaf_index = 2 WHERE leaf_index = 5;"
               "UPDATE audit_events SET leaf_index = 5 WHERE leaf_index = -1")
    for statement in sql.split(";"):
        _tamper(trail, backend, statement)
    result = _verify(trail)
    assert result.exit_code != 0
    assert f"BROKEN at entry {broken_at}" in result.output


def test_rewriting_entries_and_tree_together_is_caught_by_the_signed_checkpoint(trail, backend):
    """Recomputing every stored hash after an edit still cannot forge the signature."""
    with trail.app_context():
        from jit.services.audit import ledger_entry
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.leaf_index == 1))
        entry = {**ledger_entry(event), "outcome": "denied"}
        new_leaf = ledger.leaf_hash(ledger.canonical(entry)).hex()
    _tamper(trail, backend, "UPDATE audit_events SET outcome = 'denied', leaf_hash = :leaf WHERE leaf_index = 1",
            leaf=new_leaf)
    with trail.app_context(), db.engine.begin() as connection:
        if backend.name == "postgresql":
            connection.execute(text("ALTER TABLE ledger_nodes DISABLE TRIGGER ledger_nodes_append_only"))
        connection.execute(
            text("UPDATE ledger_nodes SET hash = :leaf WHERE ledger = 'audit' AND level = 0 AND idx = 1"),
            {"leaf": new_leaf},
        )
        # Rebuild every parent above it, as a careful forger would.
        rows = connection.execute(text("SELECT level, idx, hash FROM ledger_nodes WHERE ledger = 'audit'")).all()
        nodes = {(level, idx): bytes.fromhex(digest) for level, idx, digest in rows}
        level, idx = 0, 1
        while (level + 1, idx // 2) in nodes:
            left, right = nodes[(level, idx - idx % 2)], nodes[(level, idx - idx % 2 + 1)]
            level, idx = level + 1, idx // 2
            nodes[(level, idx)] = ledger.node_hash(left, right)
            connection.execute(text("UPDATE ledger_nodes SET hash = :h WHERE ledger = 'audit' AND level = :l "
                                    "AND idx = :i"), {"h": nodes[(level, idx)].hex(), "l": level, "i": idx})
        if backend.name == "postgresql":
            connection.execute(text("ALTER TABLE ledger_nodes ENABLE TRIGGER ledger_nodes_append_only"))
    result = _verify(trail)
    assert result.exit_code != 0
    assert "checkpoint" in result.output


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_audit_rows(trail, backend):
    if backend.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    for statement in ("UPDATE audit_events SET outcome = 'ok'", "DELETE FROM audit_events",
                      "DELETE FROM ledger_nodes", "UPDATE ledger_checkpoints SET tree_size = 0"):
        with trail.app_context(), pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as connection:
            connection.execute(text(statement))


# --- refusals and request ids (issue 13, finding 10) ----------------------------------------

def test_csrf_refusals_are_audited_as_denied_with_the_path(app, client, make_user):
    assert client.post("/language", data={"locale": "en", "next": "/"}).status_code == 400
    sign_in_page(client, make_user())
    assert client.post("/api/v1/groups", json={"title": "ССОГ"}).status_code == 400  # cookie, no token
    refusals = [(event.operation, event.outcome, event.details["code"], event.details["path"])
                for event in _events(app) if event.details.get("status") == 400]
    assert refusals == [("http.auth.set_language", "denied", "csrf_failed", "/language"),
                        ("http.api_groups.create_group", "denied", "csrf_failed", "/api/v1/groups")]


def test_denied_reads_record_the_path(app, client, make_user):
    assert client.get("/api/v1/groups/987654", headers=bearer(client, make_user())).status_code == 404
    [event] = [event for event in _events(app) if event.outcome == "denied"]
    assert event.details["path"] == "GET /api/v1/groups/987654"


def test_rate_limited_requests_are_audited_as_denied_with_their_request_id(make_app):
    app = make_app(JIT_LOGIN_RATE_LIMIT="1 per minute")
    client = app.test_client()
    attempt = {"username": "someone", "password": "whatever it is"}
    assert client.post("/api/v1/auth/token", json=attempt).status_code == 401
    limited = client.post("/api/v1/auth/token", json=attempt, headers={"X-Request-ID": "limited-0001"})
    assert (limited.status_code, limited.headers["X-Request-ID"]) == (429, "limited-0001")
    [event] = _events(app, request_id="limited-0001")
    assert (event.operation, event.outcome, event.details["path"]) == (
        "http.api_auth.create_token", "denied", "/api/v1/auth/token")


def test_every_response_carries_the_request_id(make_app, make_user, monkeypatch):
    app = make_app(JIT_LOGIN_RATE_LIMIT="1 per minute", JIT_MAX_JSON_BYTES=1024)
    client = app.test_client()
    user = make_user()
    answers = {
        "ok": client.get("/login"),
        "not found": client.get("/no/such/page"),
        "api unauthenticated": client.get("/api/v1/me"),
        "csrf": client.post("/language", data={"locale": "en"}),
        "too large": client.post("/login", data={"username": "x" * 4096, "password": "y"}),
        "invalid": client_from(app, "10.0.0.2").post("/api/v1/auth/token", json={"username": "x"}),
    }
    client.post("/api/v1/auth/token", json={"username": "x", "password": "y"})
    answers["rate limited"] = client.post("/api/v1/auth/token", json={"username": "x", "password": "y"})
    headers = bearer(client_from(app, "10.0.0.3"), user)
    from jit.services import accounts
    monkeypatch.setattr(accounts, "current_account", lambda actor: 1 / 0)
    answers["internal error"] = app.test_client().get("/api/v1/me", headers=headers)
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "ok": 200, "not found": 404, "api unauthenticated": 401, "csrf": 400, "too large": 413, "invalid": 422,
        "rate limited": 429, "internal error": 500}
    ids = {name: answer.headers.get("X-Request-ID", "") for name, answer in answers.items()}
    assert all(len(request_id) == 32 for request_id in ids.values()), ids
    assert len(set(ids.values())) == len(ids)
    assert ids["internal error"] in answers["internal error"].get_json()["error"]["message"]
