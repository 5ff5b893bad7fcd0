"""A national head's evaluation of the group at closure (DOMAIN.md "Evaluation", EU JIT practice):
the one record of a group that may still change after it is closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.group import NationalTeam
from jit.models.types import UTCDateTime, utcnow
from jit.models.user import User


class GroupEvaluation(db.Model):
    __tablename__ = "group_evaluations"
    __table_args__ = (UniqueConstraint("group_id", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("national_teams.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    what_worked: Mapped[str] = mapped_column(Text)
    what_did_not: Mapped[str] = mapped_column(Text)
    persons_charged: Mapped[int] = mapped_column(Integer, default=0)
    assets_seized: Mapped[str] = mapped_column(Text, default="")
    requests_avoided: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    team: Mapped[NationalTeam] = relationship()
    author: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy
