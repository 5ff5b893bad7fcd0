"""Channels and messages: the group's working room (DOMAIN.md "Channel and message")."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jit.extensions import db
from jit.models.group import JointGroup, NationalTeam
from jit.models.types import UTCDateTime, enum_values, utcnow
from jit.models.user import User


class ChannelKind(enum.StrEnum):
    GENERAL = "general"  # every current member of the group
    TEAM = "team"  # one national team
    CUSTOM = "custom"  # opened by the group head, with members chosen one by one


class RevisionAction(enum.StrEnum):
    EDIT = "edit"
    DELETE = "delete"


class Channel(db.Model):
    __tablename__ = "channels"
    # One channel per national team (several NULLs, for the group's other channels, are allowed).
    __table_args__ = (UniqueConstraint("team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("joint_groups.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("national_teams.id"))
    kind: Mapped[ChannelKind] = mapped_column(Enum(ChannelKind, name="channel_kind", values_callable=enum_values))
    name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The last sequence number given out; a sender takes the next one with one UPDATE ... RETURNING,
    # which also locks the row until commit, so numbers are gapless and never given twice.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)

    group: Mapped[JointGroup] = relationship()
    team: Mapped[NationalTeam | None] = relationship()
    members: Mapped[list[ChannelMember]] = relationship(back_populates="channel", cascade="all, delete-orphan",
                                                        order_by="ChannelMember.user_id")


class ChannelMember(db.Model):
    """Who is in a custom channel (general and team channels follow the group's composition)."""

    __tablename__ = "channel_members"

    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    channel: Mapped[Channel] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel_id", "seq", name="uq_messages_channel_seq"),
        # A retried send with the same client id finds the first message (NULLs never collide).
        UniqueConstraint("channel_id", "author_id", "client_msg_id", name="uq_messages_client_msg_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    client_msg_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the message was turned into or points at: ("task" | "instruction" | "evidence_item", id).
    link_type: Mapped[str | None] = mapped_column(String(20))
    link_id: Mapped[int | None] = mapped_column(Integer)

    channel: Mapped[Channel] = relationship()
    author: Mapped[User] = relationship()
    revisions: Mapped[list[MessageRevision]] = relationship(back_populates="message", order_by="MessageRevision.id")


class MessageRevision(db.Model):
    """The text a message had before each edit or its deletion (append-only)."""

    __tablename__ = "message_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    action: Mapped[RevisionAction] = mapped_column(
        Enum(RevisionAction, name="message_revision_action", values_callable=enum_values))
    previous_body: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    message: Mapped[Message] = relationship(back_populates="revisions")
    edited_by: Mapped[User] = relationship()


class ReadPosition(db.Model):
    """How far a user has read a channel: unread counts and "seen by" come from it."""

    __tablename__ = "read_positions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    last_read_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()


class ChannelSubscription(db.Model):
    """A socket subscribed to a channel. Kept in the database, so that every process can tell who is
    present in a channel and find the sockets to cut when someone loses access; it goes with its
    connection record."""

    __tablename__ = "channel_subscriptions"

    sid: Mapped[str] = mapped_column(ForeignKey("socket_connections.sid", ondelete="CASCADE"), primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    subscribed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
