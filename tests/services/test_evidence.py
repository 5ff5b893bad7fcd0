"""The evidence ledger under load and under attack: concurrent appends, the append-only trigger,
and `flask jit verify evidence` finding a tampered row or a changed byte in a stored file."""

from __future__ import annotations

import io
import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from jit.extensions import db
from jit.models import CustodyEvent, EvidenceItem, User
from jit.models.types import utcnow
from jit.services import evidence, files
from tests.evidence_support import custody, evidence_group, register, upload


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def setting(cast):
    return evidence_group(cast)


def test_concurrent_appends_keep_one_consistent_tree(cast, setting):
    """Two requests at once in one group: numbers, seqs and leaves never collide, and the tree verifies."""
    app = cast.app
    shared = register(cast, setting).get_json()["id"]
    errors = []

    def work(who: str, party: str) -> None:
        try:
            with app.app_context():
                actor = db.session.get(User, cast.ids[who])
                for n in range(8):
                    evidence.record_event(actor, shared, event_type="examined", place="Минск", note_text=f"{who} {n}")
                    item = evidence.register(
                        actor, setting["gid"], case_id=setting["cases"][party], title=f"Копия {n}",
                        kind="digital_copy", obtained_at=utcnow(), obtained_place="Минск", obtained_under="Протокол")
                    evidence.attach_file(actor, item.id, filename="a.txt", stream=io.BytesIO(f"{who}{n}".encode()))
                db.session.remove()
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work, args=("kz_member", "KZ")),
               threading.Thread(target=work, args=("by_head", "BY"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with app.app_context():
        result = evidence.verify_chains(setting["gid"])
        assert (result.ok, result.problem, result.checked) == (True, None, 1 + 2 * 8 * 3)
        seqs = db.session.scalars(select(CustodyEvent.seq).where(CustodyEvent.item_id == shared)
                                  .order_by(CustodyEvent.seq)).all()
        assert seqs == list(range(1, 18))
        numbers = sorted(db.session.scalars(select(EvidenceItem.number)))
        assert numbers == sorted([f"KZ-{n:04d}" for n in range(1, 10)] + [f"BY-{n:04d}" for n in range(1, 9)])


def test_postgresql_refuses_changing_a_custody_event(cast, setting, backend):
    if backend.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    register(cast, setting)
    with cast.app.app_context():
        for statement in ("UPDATE custody_events SET note = 'переписано'", "DELETE FROM custody_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(select(CustodyEvent.note)) == ""


def _verify(app, *args):
    return app.test_cli_runner().invoke(args=["jit", "verify", "evidence", *args])


def test_verify_command_finds_a_tampered_row_and_a_changed_file(cast, setting, backend):
    app = cast.app
    eid = register(cast, setting).get_json()["id"]
    stored = upload(cast, eid, b"IMEI 356938035643809\n" * 100).get_json()
    custody(cast, eid, "kz_member", type="transferred", to_user_id=cast.ids["by_head"], place="Астана")
    good = _verify(app, "--group", str(setting["gid"]))
    assert good.exit_code == 0, good.output
    assert f"evidence ledger of group {setting['gid']} OK: 3 entries" in good.output
    assert "1 stored files" in good.output
    audit = app.test_cli_runner().invoke(args=["jit", "verify", "audit"])
    assert audit.exit_code == 0, audit.output

    with app.app_context():
        path = files.content_store().path(stored["sha256"])
    original = path.read_bytes()
    path.write_bytes(original[:-1] + b"?")
    changed = _verify(app)
    assert changed.exit_code != 0
    assert "KZ-0001" in changed.output and stored["sha256"] in changed.output
    path.write_bytes(original)
    assert _verify(app).exit_code == 0

    if backend.name == "postgresql":
        return  # the trigger refuses the tampering below (tested above)
    with app.app_context():
        db.session.execute(text("UPDATE custody_events SET entry = json_set(entry, '$.place', 'Алматы') "
                                "WHERE seq = 3"))
        db.session.commit()
    tampered = _verify(app)
    assert tampered.exit_code != 0
    assert "entry 2 does not match its recorded hash" in tampered.output


def test_verify_finds_a_custodian_typed_in_behind_the_chain(cast, setting, backend):
    if backend.name == "postgresql":
        pytest.skip("one backend is enough for a direct write")
    eid = register(cast, setting).get_json()["id"]
    with cast.app.app_context():
        db.session.execute(text("UPDATE evidence_items SET custodian_id = :u WHERE id = :i"),
                           {"u": cast.ids["kz_head"], "i": eid})
        db.session.commit()
        result = evidence.verify_chains(setting["gid"])
        assert result.ok is False
        assert "KZ-0001" in result.problem and "custodian" in result.problem
        item = db.session.get(EvidenceItem, eid)
        assert "custodian" in evidence.verify_item_chain(item)


def test_verify_finds_a_removed_event(cast, setting, backend):
    if backend.name == "postgresql":
        pytest.skip("the trigger refuses the deletion on PostgreSQL")
    eid = register(cast, setting).get_json()["id"]
    custody(cast, eid, "kz_member", type="examined", place="Астана")
    custody(cast, eid, "kz_member", type="examined", place="Астана")
    with cast.app.app_context():
        db.session.execute(text("DELETE FROM custody_events WHERE seq = 2"))
        db.session.commit()
        result = evidence.verify_chains(setting["gid"])
        assert (result.ok, result.first_broken_index) == (False, 1)
        assert result.problem == "entry 1 is missing"
