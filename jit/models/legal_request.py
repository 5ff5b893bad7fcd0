"""The register of ordinary legal-assistance requests, outside any group (DOMAIN.md "Legal-assistance
request"): outgoing and incoming, with the Chisinau Convention Art. 7 contents."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Index, Integer, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.case import CriminalCase
from jit.models.group import JointGroup
from jit.models.registry import Authority, Party
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User


class Direction(enum.StrEnum):
    OUTGOING = "outgoing"
    INCOMING = "incoming"


class RequestKind(enum.StrEnum):
    LEGAL_ASSISTANCE = "legal_assistance"
    EXTRADITION = "extradition"
    TRANSFER_OF_PROCEEDINGS = "transfer_of_proceedings"
    SERVICE_OF_DOCUMENTS = "service_of_documents"


class Instrument(enum.StrEnum):
    """Chisinau 2002 between two parties bound by it, otherwise Minsk 1993; or a bilateral treaty."""

    CHISINAU = "chisinau"
    MINSK = "minsk"
    BILATERAL = "bilateral"


class RequestStatus(enum.StrEnum):
    SENT = "sent"
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    EXECUTED = "executed"
    PARTIALLY_EXECUTED = "partially_executed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class LegalRequest(db.Model):
    __tablename__ = "legal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The authority whose register holds the entry: its legal officers and investigators see it.
    keeper_authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    direction: Mapped[Direction] = mapped_column(Enum(Direction, name="request_direction", values_callable=enum_values))
    kind: Mapped[RequestKind] = mapped_column(Enum(RequestKind, name="request_kind", values_callable=enum_values))
    requesting_authority_id: Mapped[int] = mapped_column(ForeignKey("authorities.id"), index=True)
    # Copied from the requesting authority, so that statistics group by party without a join.
    requesting_party: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    requested_party: Mapped[str] = mapped_column(ForeignKey("parties.code"), index=True)
    requested_authority: Mapped[str] = mapped_column(String(300))
    case_number: Mapped[str] = mapped_column(String(64))
    case_title: Mapped[str] = mapped_column(String(300), default="")
    # Art. 7: each person's name, and where known citizenship, address, procedural status.
    persons: Mapped[list] = mapped_column(JSON, default=list)
    representatives: Mapped[str] = mapped_column(Text, default="")
    confidential: Mapped[bool | None] = mapped_column(Boolean)
    substance: Mapped[str] = mapped_column(Text, default="")
    instrument: Mapped[Instrument] = mapped_column(
        Enum(Instrument, name="request_instrument", values_callable=enum_values))
    instrument_reason: Mapped[str | None] = mapped_column(Text)
    sent_on: Mapped[date] = mapped_column(Date, index=True)
    received_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    executed_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, name="request_status", values_callable=enum_values))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("criminal_cases.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Whether the Art. 7 contents are all there (MLA-CONTENT), set when the request is registered: those
    # fields never change afterwards, and the dashboard counts the gaps without reading every request.
    art7_complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true(), index=True)
    # Whether the instrument named is the fitting one for the two parties on the day sent (MLA-INSTRUMENT),
    # set when the request is registered and again whenever a party's treaty dates change.
    instrument_fits: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true(), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    keeper_authority: Mapped[Authority] = relationship(foreign_keys=[keeper_authority_id])
    requesting_authority: Mapped[Authority] = relationship(foreign_keys=[requesting_authority_id])
    requested: Mapped[Party] = relationship(foreign_keys=[requested_party])
    case: Mapped[CriminalCase | None] = relationship()
    group: Mapped[JointGroup | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    # A concurrent write of an older version fails instead of overwriting (optimistic locking).
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by SQLAlchemy
    __table_args__ = (
        # The register's open requests by due date: the overdue ones (MLA-OVERDUE) are a range of it.
        Index("ix_legal_requests_status_due_on", "status", "due_on"),
        # Every column the statistics count, so that counting reads the index and not the requests' texts.
        Index("ix_legal_requests_figures", "keeper_authority_id", "direction", "sent_on", "requested_party",
              "requesting_party", "status", "due_on", "executed_on"),
    )
