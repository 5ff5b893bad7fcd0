"""Consents of the originating party kept in the evidence ledger, and who records them: each
consent already on file becomes a `consent_recorded` event of its item's chain (a leaf of the
group's ledger `evidence/<gid>`); the national head of an item's originating team may designate a
member of that team to record consents (`evidence_items.consent_designee_id`). On PostgreSQL,
consents and files become append-only, and what an item was registered with cannot change.

Downgrading drops the column and the triggers but keeps the consents' events: a ledger's leaves
are never taken back.

Revision ID: 0012_custody
Revises: 0011_accounts
Create Date: 2026-11-28

"""
import sqlalchemy as sa
from alembic import op

from jit import ledger
from jit.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '0012_custody'
down_revision = '0011_accounts'
branch_labels = None
depends_on = None

APPEND_ONLY_TABLES = ("evidence_consents", "evidence_files")
# What registering an item recorded in the ledger (and the row's own identity): never changed.
REGISTERED_COLUMNS = ("id", "group_id", "case_id", "number", "kind", "title", "description", "obtained_by_id",
                      "obtained_at", "obtained_place", "obtained_under", "party_code", "team_id", "use_conditions",
                      "created_by_id", "created_at")
BACKFILL_NOTE = ("Consent recorded before consents were kept in the ledger; entered in it when the platform "
                 "was upgraded (0012_custody).")

consents = sa.table(
    "evidence_consents", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
    sa.column("party_code", sa.String), sa.column("reference", sa.String), sa.column("dated", sa.Date),
    sa.column("scope", sa.Text), sa.column("recorded_by_id", sa.Integer), sa.column("recorded_at", UTCDateTime()))
items = sa.table("evidence_items", sa.column("id", sa.Integer), sa.column("group_id", sa.Integer),
                 sa.column("number", sa.String))
events = sa.table(
    "custody_events", sa.column("id", sa.Integer), sa.column("group_id", sa.Integer),
    sa.column("item_id", sa.Integer), sa.column("seq", sa.Integer), sa.column("type", sa.String),
    sa.column("actor_id", sa.Integer), sa.column("from_user_id", sa.Integer), sa.column("to_user_id", sa.Integer),
    sa.column("to_external", sa.String), sa.column("at", UTCDateTime()), sa.column("time_zone", sa.String),
    sa.column("place", sa.String), sa.column("note", sa.Text), sa.column("sha256s", sa.JSON),
    sa.column("refers_to", sa.Integer), sa.column("instruction_id", sa.Integer),
    sa.column("leaf_index", sa.Integer), sa.column("leaf_hash", sa.String), sa.column("entry", sa.JSON))
users = sa.table("users", sa.column("id", sa.Integer), sa.column("username", sa.String),
                 sa.column("full_name", sa.String), sa.column("time_zone", sa.String))
heads = sa.table("ledger_heads", sa.column("ledger", sa.String), sa.column("size", sa.Integer))
nodes = sa.table("ledger_nodes", sa.column("ledger", sa.String), sa.column("level", sa.Integer),
                 sa.column("idx", sa.Integer), sa.column("hash", sa.String))


class _Nodes:
    """`jit.ledger.NodeStore` over one ledger's rows, on the migration's connection."""

    def __init__(self, bind, name: str):
        self.bind, self.name = bind, name

    def get(self, level: int, index: int) -> bytes:
        digest = self.bind.execute(sa.select(nodes.c.hash).where(
            nodes.c.ledger == self.name, nodes.c.level == level, nodes.c.idx == index)).scalar()
        if digest is None:
            raise LookupError(f"ledger {self.name}: no node at level {level}, index {index}")
        return bytes.fromhex(digest)

    def put(self, level: int, index: int, digest: bytes) -> None:
        self.bind.execute(sa.insert(nodes).values(ledger=self.name, level=level, idx=index, hash=digest.hex()))


def _append(bind, name: str, entry: dict) -> tuple[int, str]:
    """The entry as the ledger's next leaf, as `jit.services.ledgers.append` adds it."""
    size = bind.execute(sa.select(heads.c.size).where(heads.c.ledger == name)).scalar()
    if size is None:
        bind.execute(sa.insert(heads).values(ledger=name, size=1))
        size = 0
    else:
        bind.execute(sa.update(heads).where(heads.c.ledger == name).values(size=size + 1))
    leaf = ledger.leaf_hash(ledger.canonical(entry))
    ledger.append_leaf(_Nodes(bind, name), size, leaf)
    return size, leaf.hex()


def _ledger_consents(bind) -> None:
    """Each consent on file that its item's chain does not record yet becomes the next event of
    that chain, with the entry `jit.services.evidence` writes for a consent (API.md "Ledger
    format"), by its recorder at the time it was recorded. An item's first n consents are the ones
    its n `consent_recorded` events record (both in the order they were recorded)."""
    ledgered = dict(bind.execute(sa.select(events.c.item_id, sa.func.count()).where(
        events.c.type == "consent_recorded").group_by(events.c.item_id)).all())
    for consent in bind.execute(sa.select(consents).order_by(consents.c.id)).all():
        if ledgered.get(consent.item_id, 0) > 0:
            ledgered[consent.item_id] -= 1
            continue
        item = bind.execute(sa.select(items.c.group_id, items.c.number).where(items.c.id == consent.item_id)).one()
        last = bind.execute(sa.select(events.c.seq, events.c.to_user_id, events.c.sha256s, events.c.entry)
                            .where(events.c.item_id == consent.item_id)
                            .order_by(events.c.seq.desc()).limit(1)).first()
        if last is None:
            continue  # an item without a chain: `jit verify evidence` reports it anyway
        actor = bind.execute(sa.select(users).where(users.c.id == consent.recorded_by_id)).one()
        name, at = f"evidence/{item.group_id}", consent.recorded_at.replace(microsecond=0)
        custodian = last.entry.get("to") if isinstance(last.entry, dict) else None
        entry = {
            "v": 1, "ledger": name, "group_id": item.group_id, "evidence_id": consent.item_id,
            "evidence_number": item.number, "seq": last.seq + 1, "type": "consent_recorded",
            "actor": {"id": actor.id, "username": actor.username, "full_name": actor.full_name},
            "from": custodian, "to": custodian, "at": at.isoformat(), "time_zone": actor.time_zone,
            "place": "", "note": BACKFILL_NOTE, "sha256s": list(last.sha256s), "file": None, "refers_to": None,
            "instruction_id": None, "verified": None, "item": None,
            "consent": {"party": consent.party_code, "reference": consent.reference,
                        "dated": consent.dated.isoformat(), "scope": consent.scope,
                        "recorded_at": consent.recorded_at.isoformat()},
        }
        leaf_index, leaf_hash = _append(bind, name, entry)
        bind.execute(sa.insert(events).values(
            group_id=item.group_id, item_id=consent.item_id, seq=last.seq + 1, type="consent_recorded",
            actor_id=actor.id, from_user_id=last.to_user_id, to_user_id=last.to_user_id, to_external=None, at=at,
            time_zone=actor.time_zone, place="", note=BACKFILL_NOTE, sha256s=list(last.sha256s), refers_to=None,
            instruction_id=None, leaf_index=leaf_index, leaf_hash=leaf_hash, entry=entry))


def upgrade():
    # Added in place: on SQLite a batch would copy evidence_items and drop it, which the rows that
    # refer to it forbid; SQLite adds a nullable column with its reference as it stands.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE evidence_items ADD COLUMN consent_designee_id INTEGER "
                   "CONSTRAINT fk_evidence_items_consent_designee_id_users REFERENCES users (id)")
    else:
        op.add_column('evidence_items', sa.Column('consent_designee_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_evidence_items_consent_designee_id_users'), 'evidence_items', 'users',
                              ['consent_designee_id'], ['id'])

    _ledger_consents(op.get_bind())

    if op.get_bind().dialect.name == "postgresql":
        # Consents and files are never changed or deleted (jit_refuse_change comes from 0002).
        for table in APPEND_ONLY_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION jit_refuse_change()")
        # An item's custodian, status and consent designee change; what it was registered with does not.
        new = ", ".join(f"NEW.{column}" for column in REGISTERED_COLUMNS)
        old = ", ".join(f"OLD.{column}" for column in REGISTERED_COLUMNS)
        op.execute(f"""
            CREATE FUNCTION jit_guard_evidence_item() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    RAISE EXCEPTION 'DELETE on evidence_items is not allowed: evidence items are kept';
                END IF;
                IF ROW({new}) IS DISTINCT FROM ROW({old}) THEN
                    RAISE EXCEPTION 'UPDATE of the registered fields of evidence_items is not allowed: the ledger holds them';
                END IF;
                RETURN NEW;
            END $$
        """)
        op.execute("CREATE TRIGGER evidence_items_registered BEFORE UPDATE OR DELETE ON evidence_items "
                   "FOR EACH ROW EXECUTE FUNCTION jit_guard_evidence_item()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_items_registered ON evidence_items")
        op.execute("DROP FUNCTION IF EXISTS jit_guard_evidence_item()")
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    if op.get_bind().dialect.name == "sqlite":  # in place, as it was added
        op.execute("ALTER TABLE evidence_items DROP COLUMN consent_designee_id")
    else:
        op.drop_constraint(op.f('fk_evidence_items_consent_designee_id_users'), 'evidence_items', type_='foreignkey')
        op.drop_column('evidence_items', 'consent_designee_id')
