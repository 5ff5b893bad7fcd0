"""An admin's setting of a compliance rule that rests on an unconfirmed provision: switched off, or
re-parametrised (DOMAIN.md "Compliance rules"). Rules without a row run with their defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
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
