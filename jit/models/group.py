"""Joint investigative-operational groups (ССОГ), their national teams, memberships, documents
and lifecycle history (DOMAIN.md "Group", "National team", "Membership")."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.registry import Authority, Party
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User

if TYPE_CHECKING:
    from jit.models.case import CriminalCase


class GroupStatus(enum.StrEnum):
    DRAFT = "draft"
    REQUESTED = "requested"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CLOSED = "closed"


class MemberRole(enum.StrEnum):
    NATIONAL_HEAD = "national_head"
    MEMBER = "member"
    SPECIALIST = "specialist"


class DocumentKind(enum.StrEnum):
    CREATION_REQUEST = "creation_request"
    DECISION = "decision"


class DecisionKind(enum.StrEnum):
    CREATE = "create"
    APPOINT_HEAD = "appoint_head"
    EXTEND = "extend"
    CHANGE_COMPOSITION = "change_composition"
    TERMINATE = "terminate"


class JointGroup(db.Model):
    __tablename__ = "joint_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(Text)
    place_of_activity: Mapped[str] = mapped_column(String(300))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GroupStatus] = mapped_column(
        Enum(GroupStatus, name="group_status", values_callable=enum_values), default=GroupStatus.DRAFT
    )
    head_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    head: Mapped[User | None] = relationship(foreign_keys=[head_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    teams: Mapped[list[NationalTeam]] = relationship(back_populates="group", order_by="NationalTeam.party_code")
    documents: Mapped[list[GroupDocument]] = relationship(back_populates="group", order_by="GroupDocument.dated")
    cases: Mapped[list[CriminalCase]] = relationship(back_populates="group", order_by="CriminalCase.id")
    events: Mapped[list[GroupEvent]] = relationship(back_populates="group", order_by="GroupEvent.id")

    # A concurrent write of an older version fails instead of overwriting (optimistic locking).
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy

    @property
    def party_codes(self) -> list[str]:
        return sorted({team.party_code for team in self.teams})


class NationalTeam(db.Model):
    """One party's part of a group, fielded by one of its competent authorities."""

    __tablename__ = "national_teams"
    __table_args__ = (UniqueConstraint("group_id", "party_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[JointGroup] = relationship(back_populates="teams")
    party: Mapped[Party] = relationship()
    authority: Mapped[Authority] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="team", order_by="Membership.id")

    @property
    def current_members(self) -> list[Membership]:
        return [membership for membership in self.memberships if membership.ends_on is None]

    @property
    def national_head(self) -> User | None:
        heads = [m.user for m in self.current_members if m.role == MemberRole.NATIONAL_HEAD]
        return heads[0] if heads else None


class Membership(db.Model):
    """A user in a national team, from a date until a date (open while current)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("national_teams.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(Enum(MemberRole, name="member_role", values_callable=enum_values))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    authorised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[NationalTeam] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    authorised_by: Mapped[User] = relationship(foreign_keys=[authorised_by_id])


class GroupDocument(db.Model):
    """A creation request or a decision of a party's central competent authority."""

    __tablename__ = "group_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(Enum(DocumentKind, name="document_kind", values_callable=enum_values))
    decision: Mapped[DecisionKind | None] = mapped_column(
        Enum(DecisionKind, name="decision_kind", values_callable=enum_values)
    )
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"))
    reference: Mapped[str] = mapped_column(String(120))
    dated: Mapped[date] = mapped_column(Date)
    signed_by: Mapped[str] = mapped_column(String(200))
    head_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    new_end: Mapped[date | None] = mapped_column(Date)
    # The signed document itself, optional, kept in the content store under its SHA-256.
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[JointGroup] = relationship(back_populates="documents")
    authority: Mapped[Authority] = relationship()
    head: Mapped[User | None] = relationship(foreign_keys=[head_id])


class GroupEvent(db.Model):
    """The group's timeline: lifecycle moves, term changes, composition changes (append-only)."""

    __tablename__ = "group_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    group: Mapped[JointGroup] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
