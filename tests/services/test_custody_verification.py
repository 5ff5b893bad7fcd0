"""Everything the evidence pages and API show is checked against the group's ledger (issue 13,
finding 3): a custody event's note, place, time or holder, an item's registered fields and status,
a file's name, size or hash, a consent typed in, edited or deleted, each changed directly in the
database, makes `flask jit verify evidence` fail naming the item and the field, and the item's page
and API then say the chain is broken instead of "chain verified". On PostgreSQL the triggers refuse
such changes first; the tests go round them as the database's owner could, to show verification
still catches them.
"""

from __future__ import annotations

import contextlib
import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from config import PROJECT_ROOT
from jit.extensions import db
from jit.models import CustodyEvent, EvidenceConsent, EvidenceFile, EvidenceItem, EvidenceStatus
from jit.models.types import utcnow
from tests.evidence_support import custody, evidence_group, register, upload
from tests.web.test_instruction_pages import EN

CONDITIONS = "Только для уголовного дела № 257500031000412"
CONSENT = {"reference": "Письмо МВД РК № 12-3/456", "dated": "2025-11-20", "scope": "Для суда"}


@pytest.fixture
def app(make_app, tmp_path):
    return make_app(JIT_EVIDENCE_DIR=str(tmp_path / "evidence"))


@pytest.fixture
def chain(cast):
    """A Kazakh item with use conditions: registered (1), a file attached (2), KZ's consent (3),
    handed to the Belarusian head (4), then to a court outside the group (5)."""
    setting = evidence_group(cast)
    item = register(cast, setting, use_conditions=CONDITIONS).get_json()
    assert upload(cast, item["id"], b"IMEI 356938035643809\n" * 50, name="образ.bin").status_code == 201
    consent = cast.api.post(f"/api/v1/evidence/{item['id']}/consents", json=CONSENT, headers=cast.headers["kz_head"])
    assert consent.status_code == 201, consent.get_json()
    assert custody(cast, item["id"], "kz_member", type="transferred", to_user_id=cast.ids["by_head"],
                   place="Астана", note="Передан по поручению").status_code == 201
    handed = custody(cast, item["id"], "by_head", type="transferred", to_external="Минский городской суд",
                     place="Минск", note="Для приобщения")
    assert handed.status_code == 201, handed.get_json()
    return {"gid": setting["gid"], "eid": item["id"], "setting": setting}


@contextlib.contextmanager
def round_the_triggers(backend):
    """A transaction in which PostgreSQL's append-only triggers do not fire (as for its superuser)."""
    if backend.name == "postgresql":
        db.session.execute(text("SET LOCAL session_replication_role = replica"))
    yield
    db.session.commit()


def write(app, backend, statement) -> None:
    with app.app_context(), round_the_triggers(backend):
        db.session.execute(statement)


def verify_cli(app, gid: int):
    return app.test_cli_runner().invoke(args=["jit", "verify", "evidence", "--group", str(gid)])


def assert_verifies(cast, chain) -> None:
    result = verify_cli(cast.app, chain["gid"])
    assert result.exit_code == 0, result.output
    item = cast.api.get(f"/api/v1/evidence/{chain['eid']}", headers=cast.headers["kz_member"]).get_json()
    assert item["chain"] == {"verified": True, "problem": None}


def assert_broken(cast, chain, *named: str) -> str:
    """Every door says the chain is broken, naming the item and `named`; returns the CLI's words."""
    result = verify_cli(cast.app, chain["gid"])
    assert result.exit_code != 0, f"verify passed although {named} was changed: {result.output}"
    assert "KZ-0001" in result.output and all(word in result.output for word in named), result.output
    item = cast.api.get(f"/api/v1/evidence/{chain['eid']}", headers=cast.headers["kz_member"]).get_json()
    assert item["chain"]["verified"] is False and all(word in item["chain"]["problem"] for word in named), item
    group = cast.api.get(f"/api/v1/groups/{chain['gid']}/evidence/verification",
                         headers=cast.headers["by_legal"]).get_json()
    assert group["ok"] is False and all(word in group["problem"] for word in named), group
    page = cast.browser("kz_member").get(f"/evidence/{chain['eid']}", headers=EN).get_data(as_text=True)
    assert 'id="chain-badge">chain broken</span>' in page and "chain verified" not in page
    return result.output


@dataclass
class Edit:
    """One column of one row changed, and the words verification must name."""

    model: type
    column: str
    value: object
    named: tuple[str, ...]
    where: dict | None = None  # column → value; by default the row of the item

    def rows(self, chain):
        table = self.model.__table__
        key = table.c.id if self.model is EvidenceItem else table.c.item_id
        conditions = [key == chain["eid"], *(table.c[name] == value for name, value in (self.where or {}).items())]
        return table, conditions


EVENT_4 = {"seq": 4}  # the hand-over to the Belarusian head
EVENT_5 = {"seq": 5}  # the hand-over to the court
EDITS = [
    Edit(CustodyEvent, "note", "переписано", ("event 4", "note"), EVENT_4),
    Edit(CustodyEvent, "place", "Алматы", ("event 4", "place"), EVENT_4),
    Edit(CustodyEvent, "at", utcnow().replace(microsecond=0) - timedelta(days=3), ("event 4", "at"), EVENT_4),
    Edit(CustodyEvent, "time_zone", "Europe/Minsk", ("event 4", "time_zone"), EVENT_4),
    Edit(CustodyEvent, "to_external", "Частное лицо", ("event 5", "to_external"), EVENT_5),
    Edit(CustodyEvent, "note", "иначе", ("event 5", "note"), EVENT_5),
    Edit(EvidenceItem, "title", "Другой предмет", ("title",)),
    Edit(EvidenceItem, "description", "Переписано", ("description",)),
    Edit(EvidenceItem, "obtained_place", "г. Астана", ("obtained_place",)),
    Edit(EvidenceItem, "obtained_under", "Без протокола", ("obtained_under",)),  # the legal basis
    Edit(EvidenceItem, "use_conditions", None, ("use_conditions",)),
    Edit(EvidenceItem, "obtained_at", utcnow().replace(microsecond=0) - timedelta(days=400), ("obtained_at",)),
    Edit(EvidenceItem, "status", EvidenceStatus.HELD, ("status",)),
    Edit(EvidenceFile, "name", "невинный.txt", ("file", "name")),
    Edit(EvidenceFile, "size", 1, ("file", "size")),
    Edit(EvidenceFile, "sha256", "0" * 64, ("file", "sha256")),
    Edit(EvidenceConsent, "reference", "Письмо № 1", ("consent", "reference")),
    Edit(EvidenceConsent, "dated", date(2020, 1, 1), ("consent", "dated")),
    Edit(EvidenceConsent, "scope", "Для любых целей", ("consent", "scope")),
]


def test_every_field_changed_in_the_database_breaks_verification_naming_it(cast, chain, backend):
    assert_verifies(cast, chain)
    failures = []
    for edit in EDITS:
        table, conditions = edit.rows(chain)
        with cast.app.app_context():
            before = db.session.scalar(select(table.c[edit.column]).where(*conditions))
        write(cast.app, backend, update(table).where(*conditions).values({edit.column: edit.value}))
        try:
            assert_broken(cast, chain, *edit.named)
        except AssertionError as failure:
            failures.append(f"{table.name}.{edit.column}: {failure}")
        write(cast.app, backend, update(table).where(*conditions).values({edit.column: before}))
        assert_verifies(cast, chain)  # put back, it verifies again: nothing else was hit
    assert failures == []


def test_a_consent_or_a_file_deleted_or_typed_in_breaks_verification(cast, chain, backend):
    consents, files = EvidenceConsent.__table__, EvidenceFile.__table__
    with cast.app.app_context():
        consent = dict(db.session.execute(select(consents)).mappings().one())
        stored = dict(db.session.execute(select(files)).mappings().one())

    write(cast.app, backend, delete(consents))
    output = assert_broken(cast, chain, "consent", CONSENT["reference"], "event 3", "missing")
    assert "KZ-0001: the consent 'Письмо МВД РК № 12-3/456' recorded in event 3 is missing" in output
    write(cast.app, backend, insert(consents).values(consent))
    assert_verifies(cast, chain)

    forged = {**consent, "id": consent["id"] + 1, "reference": "Подложное согласие"}
    write(cast.app, backend, insert(consents).values(forged))
    assert_broken(cast, chain, "consent", "Подложное согласие", "not recorded")
    write(cast.app, backend, delete(consents).where(consents.c.id == forged["id"]))
    assert_verifies(cast, chain)

    write(cast.app, backend, delete(files))
    assert_broken(cast, chain, "file", "образ.bin", "event 2", "missing")
    write(cast.app, backend, insert(files).values(stored))
    assert_verifies(cast, chain)


def test_postgresql_refuses_the_changes_themselves(cast, chain, backend):
    if backend.name != "postgresql":
        pytest.skip("the triggers are PostgreSQL's; on SQLite verification alone catches the changes")
    refused = [
        "UPDATE evidence_consents SET reference = 'x'", "DELETE FROM evidence_consents",
        "UPDATE evidence_files SET name = 'x'", "DELETE FROM evidence_files",
        "UPDATE custody_events SET note = 'x'", "DELETE FROM custody_events",
        "UPDATE evidence_items SET title = 'x'", "UPDATE evidence_items SET use_conditions = NULL",
        "UPDATE evidence_items SET obtained_under = 'x'", "DELETE FROM evidence_items",
    ]
    with cast.app.app_context():
        for statement in refused:
            with pytest.raises(DBAPIError, match=r"append-only|registered fields|are kept"):
                db.session.execute(text(statement))
            db.session.rollback()
        # What the chain moves stays writable for the platform (and verification watches it).
        db.session.execute(text("UPDATE evidence_items SET custodian_id = NULL, consent_designee_id = NULL"))
        db.session.rollback()
    assert_verifies(cast, chain)


def test_consents_recorded_before_the_ledger_held_them_are_ledgered_on_upgrade(cast, chain, backend):
    """Migration 0012 turns each consent on file without a ledger entry into its item's next event."""
    consents = EvidenceConsent.__table__
    with cast.app.app_context():
        earlier = dict(db.session.execute(select(consents)).mappings().one())
    legacy = {**earlier, "id": earlier["id"] + 1, "reference": "Письмо № 7 (до обновления)",
              "recorded_at": utcnow() - timedelta(days=2)}
    write(cast.app, backend, insert(consents).values(legacy))
    assert_broken(cast, chain, "consent", "Письмо № 7", "not recorded")

    spec = importlib.util.spec_from_file_location("migration_0012",
                                                  PROJECT_ROOT / "migrations" / "versions" / "0012_custody.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with cast.app.app_context(), db.engine.begin() as connection:
        # The backfill ledgers every consent without an entry; the earlier one already has one.
        migration._ledger_consents(connection)
    assert_verifies(cast, chain)
    events = cast.api.get(f"/api/v1/evidence/{chain['eid']}/custody", headers=cast.headers["kz_member"]).get_json()
    last = events["items"][-1]
    assert (last["seq"], last["type"], last["actor"]["id"]) == (6, "consent_recorded", cast.ids["kz_head"])
    assert last["note"] == migration.BACKFILL_NOTE
