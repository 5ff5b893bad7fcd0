"""A person's inbox: what happened that needs them (who did what to which object, when), kept so
nothing is lost while they are away; the text is rendered from `params` in the reader's language."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.types import UTCDateTime, utcnow
from jit.models.user import User


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The scheduled command's notices carry a key (event and threshold): one per recipient, however
        # often and on however many processes the command runs.
        UniqueConstraint("recipient_id", "dedup_key", name="uq_notifications_recipient_key"),
        # The inbox, newest first, and its unread count.
        Index("ix_notifications_recipient_id_id", "recipient_id", "id"),
        Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),
        # Opening an object marks its notices read.
        Index("ix_notifications_recipient_object", "recipient_id", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("joint_groups.id", ondelete="CASCADE"), index=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    dedup_key: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])


class NotificationSettings(db.Model):
    """How a person hears of their notices beyond the inbox (which always has them): which kinds are
    mailed, at once or in the daily digest, to which address, and the hours (in their time zone) when
    no mail goes out. No row: nothing is mailed."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    # kind -> "immediate" or "digest"; a kind left out is not mailed.
    email_kinds: Mapped[dict] = mapped_column(JSON, default=dict)
    quiet_from: Mapped[time | None] = mapped_column(Time)
    quiet_until: Mapped[time | None] = mapped_column(Time)
    # The mail server refused this address for good (5xx to RCPT): when, and its answer. Nothing more is
    # mailed to it until the person gives an address again (their settings page says why).
    email_refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_refused: Mapped[str | None] = mapped_column(String(200))


class OutgoingMail(db.Model):
    """A notice waiting to be mailed (the outbox): stored with the notice, in its transaction, and sent
    by `flask jit notify mail` after commit; a failed try stays here with its count and its next time."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        # The sender's question: what is unsent and due now.
        Index("ix_mail_outbox_pending", "sent_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A notice that leaves the inbox (need-to-know) leaves the outbox with it.
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"), index=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Not before: now, the digest's hour, the end of quiet hours, or the next try after a failure.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship()
    notification: Mapped[Notification] = relationship()
