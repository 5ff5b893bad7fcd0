"""An admin's setting of a compliance rule that rests on an unconfirmed provision: switched off, or
re-parametrised (DOMAIN.md "Compliance rules"). Rules without a row run with their defaults."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jit.extensions import db
from jit.models.types import UTCDateTime, utcnow


class ComplianceRuleSetting(db.Model):
    __tablename__ = "compliance_rule_settings"

    rule: Mapped[str] = mapped_column(String(40), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy


class GroupCheck(db.Model):
    """That a group's findings were computed on `checked_on` and are stored in `group_findings`.
    The compliance service deletes the row in the transaction of any write to the group (and every
    row on a write to a party, an authority or a rule setting); a row of an earlier day counts as none."""

    __tablename__ = "compliance_group_checks"

    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), primary_key=True)
    checked_on: Mapped[date] = mapped_column(Date)


class GroupFinding(db.Model):
    """One finding of a group's stored check, its texts in every language the platform speaks
    (`{"en": ..., "ru": ...}`), so that the dashboard filters, counts and pages them in the query."""

    __tablename__ = "compliance_group_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    severity: Mapped[str] = mapped_column(String(16))
    confirmed_basis: Mapped[bool] = mapped_column(Boolean)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(64))
    message: Mapped[dict] = mapped_column(JSON)
    action: Mapped[dict] = mapped_column(JSON)
    reference: Mapped[dict] = mapped_column(JSON)
