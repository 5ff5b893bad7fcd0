"""Identifiers a group holds (a phone, a card, a wallet...) and each place it was seen: one
identifier per normalised value in a group, one sighting per record it was found in (issue 19)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.case import CriminalCase
from jit.models.group import JointGroup, NationalTeam
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User


class Identifier(db.Model):
    """A value of a kind in its normalised form, once per group: +375 29 123-45-67 and 80291234567
    are the same identifier, seen wherever its sightings say."""

    __tablename__ = "identifiers"
    __table_args__ = (UniqueConstraint("group_id", "kind", "normalized"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    normalized: Mapped[str] = mapped_column(String(300))
    # HMAC-SHA256 of kind and normalised value under JIT_IDENTIFIER_KEY_FILE's key: what other groups'
    # identifiers are matched by (jit/identifiers.match_hash).
    match_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[JointGroup] = relationship()
    sightings: Mapped[list[IdentifierSighting]] = relationship(back_populates="identifier",
                                                               order_by="IdentifierSighting.id")


class IdentifierSighting(db.Model):
    """Where an identifier was found: one record of the group (a case, an evidence item, an
    instruction, a task or a message), as typed, under which document, by whom."""

    __tablename__ = "identifier_sightings"
    __table_args__ = (UniqueConstraint("identifier_id", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    # The case the record belongs to (the case itself, or an item's, a task's, an instruction's):
    # the register's "by case" and "seen in more than one case" read it.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("criminal_cases.id"), index=True)
    value: Mapped[str] = mapped_column(String(300))
    # False: the value failed its kind's check and the member recorded it anyway.
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    obtained_under: Mapped[str] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)
    # May it be shared outside the group (AGR-USE, as an evidence item's use conditions)?
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The recording member's team (None: the group head, outside the teams).
    team_id: Mapped[int | None] = mapped_column(ForeignKey("national_teams.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identifier: Mapped[Identifier] = relationship(back_populates="sightings")
    case: Mapped[CriminalCase | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    team: Mapped[NationalTeam | None] = relationship()


class InquiryStatus(enum.StrEnum):
    PENDING = "pending"
    DISCLOSED = "disclosed"
    DECLINED = "declined"


class IdentifierInquiry(db.Model):
    """A match inquiry: a member of the inquiring group, whose identifier another group also holds,
    asks that group for what it has on it; that group's head or the national head of the team that
    recorded it discloses (group code, case number, the case's summary) or declines with a reason."""

    __tablename__ = "identifier_inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("criminal_cases.id"))
    inquirer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    held_identifier_id: Mapped[int] = mapped_column(ForeignKey("identifiers.id"), index=True)
    status: Mapped[InquiryStatus] = mapped_column(
        Enum(InquiryStatus, name="inquiry_status", values_callable=enum_values), default=InquiryStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    identifier: Mapped[Identifier] = relationship(foreign_keys=[identifier_id])
    held_identifier: Mapped[Identifier] = relationship(foreign_keys=[held_identifier_id])
    group: Mapped[JointGroup] = relationship()
    case: Mapped[CriminalCase] = relationship()
    inquirer: Mapped[User] = relationship(foreign_keys=[inquirer_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
