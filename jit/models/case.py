"""National criminal cases a group works (DOMAIN.md "Criminal case")."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.types import UTCDateTime, utcnow
from jit.models.user import User

if TYPE_CHECKING:
    from jit.models.group import JointGroup


class CriminalCase(db.Model):
    """A national criminal case of one party that the group works."""

    __tablename__ = "criminal_cases"
    __table_args__ = (UniqueConstraint("group_id", "party_code", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    number: Mapped[str] = mapped_column(String(64))
    opened_on: Mapped[date] = mapped_column(Date)
    articles: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    handling_investigator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[JointGroup] = relationship(back_populates="cases")
    handling_investigator: Mapped[User] = relationship()
