"""The audit trail and the generic ledger tables it (and, later, each group's evidence log) uses.

Every table here is append-only: the application never updates or deletes a row, and on
PostgreSQL a trigger refuses it (migration 0002).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jit.extensions import db
from jit.models.types import UTCDateTime


class AuditEvent(db.Model):
    """One access or operation, as Reg. (EU) 2023/969 Art. 25 lists: who, what, when, where from."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    leaf_index: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    # No foreign key: the trail must outlive anything it mentions, and the username is kept as it was.
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    group_id: Mapped[int | None] = mapped_column(Integer, index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    source_address: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(db.Model):
    """The size of each ledger; incrementing it serialises appends (a row lock on PostgreSQL)."""

    __tablename__ = "ledger_heads"

    ledger: Mapped[str] = mapped_column(String(80), primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)


class LedgerNode(db.Model):
    """The hash of a complete perfect subtree: 2**level leaves starting at leaf idx * 2**level."""

    __tablename__ = "ledger_nodes"

    ledger: Mapped[str] = mapped_column(String(80), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpoint(db.Model):
    """A signed statement of a ledger's size and root hash at a moment (API.md "Ledger format")."""

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (UniqueConstraint("ledger", "tree_size", "signed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger: Mapped[str] = mapped_column(String(80), ForeignKey("ledger_heads.ledger"), index=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(String(128))
    public_key: Mapped[str] = mapped_column(String(64))
