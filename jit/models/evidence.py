"""Evidence items, their files, their chain of custody and the originating party's consents
(DOMAIN.md "Evidence item", "Custody event"; AGR-USE, AGR-CUSTODY)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.case import CriminalCase
from jit.models.group import JointGroup, NationalTeam
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User


class EvidenceKind(enum.StrEnum):
    DOCUMENT = "document"
    DEVICE = "device"
    DIGITAL_COPY = "digital_copy"
    STATEMENT = "statement"
    OBJECT = "object"


class EvidenceStatus(enum.StrEnum):
    HELD = "held"
    SEALED = "sealed"
    HANDED_OVER = "handed_over"  # to a holder outside the group (a court, an expert body)
    RETURNED = "returned"
    DISPOSED = "disposed"


class CustodyType(enum.StrEnum):
    REGISTERED = "registered"
    FILE_ATTACHED = "file_attached"
    TRANSFERRED = "transferred"
    EXAMINED = "examined"
    HASH_VERIFIED = "hash_verified"
    SEALED = "sealed"
    RETURNED = "returned"
    DISPOSED = "disposed"
    CORRECTION = "correction"
    # The originating party's consent (AGR-USE), recorded in the chain like any event: the ledger
    # then holds it, so that a consent typed in or deleted behind the platform shows.
    CONSENT_RECORDED = "consent_recorded"


class EvidenceItem(db.Model):
    """An item of evidence. What it was registered with is its `registered` event's ledger entry and
    never changes (a trigger refuses it on PostgreSQL); custodian and status follow the chain."""

    __tablename__ = "evidence_items"
    __table_args__ = (UniqueConstraint("group_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("criminal_cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[EvidenceKind] = mapped_column(Enum(EvidenceKind, name="evidence_kind", values_callable=enum_values))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    obtained_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    obtained_at: Mapped[datetime] = mapped_column(UTCDateTime)
    obtained_place: Mapped[str] = mapped_column(String(300))
    obtained_under: Mapped[str] = mapped_column(String(300))
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    team_id: Mapped[int] = mapped_column(ForeignKey("national_teams.id"), index=True)
    use_conditions: Mapped[str | None] = mapped_column(Text)
    status: Mapped[EvidenceStatus] = mapped_column(
        Enum(EvidenceStatus, name="evidence_status", values_callable=enum_values), default=EvidenceStatus.HELD)
    # Derived from the custody events and written in the same transaction as each of them;
    # `verify` recomputes it from the chain. None while the item is outside the group.
    custodian_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # Who, besides the originating team's national head, records its party's consent to this item
    # (AGR-USE): a member of that team the head designates. Audited; never in the ledger.
    consent_designee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[JointGroup] = relationship()
    case: Mapped[CriminalCase] = relationship()
    team: Mapped[NationalTeam] = relationship()
    obtained_by: Mapped[User] = relationship(foreign_keys=[obtained_by_id])
    custodian: Mapped[User | None] = relationship(foreign_keys=[custodian_id])
    consent_designee: Mapped[User | None] = relationship(foreign_keys=[consent_designee_id])
    files: Mapped[list[EvidenceFile]] = relationship(back_populates="item", order_by="EvidenceFile.id")
    events: Mapped[list[CustodyEvent]] = relationship(back_populates="item", order_by="CustodyEvent.seq")
    consents: Mapped[list[EvidenceConsent]] = relationship(back_populates="item", order_by="EvidenceConsent.id")


class EvidenceFile(db.Model):
    """One file of an item; the bytes sit in the content store under `sha256` (shared by equal files).
    Append-only (a trigger refuses changes on PostgreSQL); its `file_attached` event's ledger entry
    holds its name, size and hash, and `verify` checks that they agree."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="files")
    uploaded_by: Mapped[User] = relationship()


class CustodyEvent(db.Model):
    """One link of an item's chain of custody (append-only; a trigger refuses changes on PostgreSQL).

    `entry` is the exact object hashed into the group's ledger `evidence/<gid>` at `leaf_index`;
    the other columns repeat parts of it for queries, and `verify` checks that they agree.
    """

    __tablename__ = "custody_events"
    __table_args__ = (UniqueConstraint("item_id", "seq"), UniqueConstraint("group_id", "leaf_index"))

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_external: Mapped[str | None] = mapped_column(String(300))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text)
    sha256s: Mapped[list] = mapped_column(JSON)
    refers_to: Mapped[int | None] = mapped_column(Integer)
    instruction_id: Mapped[int | None] = mapped_column(ForeignKey("instructions.id"))
    leaf_index: Mapped[int] = mapped_column(Integer)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    entry: Mapped[dict] = mapped_column(JSON)

    item: Mapped[EvidenceItem] = relationship(back_populates="events")
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    from_user: Mapped[User | None] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User | None] = relationship(foreign_keys=[to_user_id])


class EvidenceConsent(db.Model):
    """The originating party's consent to use the item beyond its use conditions (AGR-USE).
    Append-only (a trigger refuses changes on PostgreSQL); recorded with a `consent_recorded` event
    whose ledger entry holds it, and `verify` checks that they agree."""

    __tablename__ = "evidence_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    reference: Mapped[str] = mapped_column(String(120))
    dated: Mapped[date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[EvidenceItem] = relationship(back_populates="consents")
    recorded_by: Mapped[User] = relationship()
