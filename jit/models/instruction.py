"""Instructions (поручения): the simplified channel between national heads (DOMAIN.md "Instruction")."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.case import CriminalCase
from jit.models.group import JointGroup, NationalTeam
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User

SUBJECT_LIMIT = 200


class InstructionStatus(enum.StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    EXECUTED = "executed"
    PARTIALLY_EXECUTED = "partially_executed"
    REFUSED = "refused"


class Instruction(db.Model):
    __tablename__ = "instructions"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    from_team_id: Mapped[int] = mapped_column(ForeignKey("national_teams.id"))
    to_team_id: Mapped[int] = mapped_column(ForeignKey("national_teams.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("criminal_cases.id"))
    # A short subject shown in every list (the first action unless one is given).
    subject: Mapped[str] = mapped_column(String(SUBJECT_LIMIT), default="", server_default="")
    actions: Mapped[list] = mapped_column(JSON, default=list)
    body: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    # The requesting party's law asks for a prosecutor's or court's sanction of these actions: the
    # instruction is then sent only with a certified sanction attached (AGR-INSTR-DECISIONS).
    needs_sanction: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[InstructionStatus] = mapped_column(
        Enum(InstructionStatus, name="instruction_status", values_callable=enum_values),
        default=InstructionStatus.DRAFT,
    )
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    group: Mapped[JointGroup] = relationship()
    from_team: Mapped[NationalTeam] = relationship(foreign_keys=[from_team_id])
    to_team: Mapped[NationalTeam] = relationship(foreign_keys=[to_team_id])
    case: Mapped[CriminalCase] = relationship()
    created_by: Mapped[User] = relationship()
    documents: Mapped[list[InstructionDocument]] = relationship(back_populates="instruction",
                                                                order_by="InstructionDocument.id")
    results: Mapped[list[InstructionResult]] = relationship(back_populates="instruction",
                                                            order_by="InstructionResult.id")
    history: Mapped[list[InstructionEvent]] = relationship(back_populates="instruction",
                                                           order_by="InstructionEvent.id")

    @property
    def has_certified_sanction(self) -> bool:
        """Whether a certified copy of a prosecutor's or court's sanction is attached."""
        return any(doc.is_sanction and doc.certified for doc in self.documents)

    # A concurrent write of an older version fails instead of overwriting (optimistic locking).
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy


class InstructionDocument(db.Model):
    """A decision (постановление) ordering the actions: certified, possibly a sanction, with its file."""

    __tablename__ = "instruction_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("instructions.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    certified: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sanction: Mapped[bool] = mapped_column(Boolean, default=False)
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(Integer)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instruction: Mapped[Instruction] = relationship(back_populates="documents")


class InstructionResult(db.Model):
    """What the requested team sends back: text, and optionally a file."""

    __tablename__ = "instruction_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("instructions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_size: Mapped[int | None] = mapped_column(Integer)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    instruction: Mapped[Instruction] = relationship(back_populates="results")


class InstructionEvent(db.Model):
    """The instruction's timeline (append-only)."""

    __tablename__ = "instruction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    instruction_id: Mapped[int] = mapped_column(ForeignKey("instructions.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    instruction: Mapped[Instruction] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()
