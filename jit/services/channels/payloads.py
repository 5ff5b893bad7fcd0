"""What the doors and the emissions show of channels and messages: a message as every door shows
it, and a channel's summary with the caller's unread count."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from jit.extensions import db
from jit.models import Channel, Message, ReadPosition, User
from jit.services import scope


def message_payload(message: Message) -> dict:
    """A message as every door shows it; a deleted one keeps its place and loses its text."""
    deleted = message.deleted_at is not None
    return {
        "id": message.id,
        "channel_id": message.channel_id,
        "seq": message.seq,
        "author": scope.person(message.author),
        "body": None if deleted else message.body,
        "created_at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "deleted": deleted,
        "link": {"type": message.link_type, "id": message.link_id} if message.link_type else None,
    }


@dataclass
class ChannelSummary:
    id: int
    name: str
    kind: str
    team_id: int | None
    last_seq: int
    last_read_seq: int
    unread: int


def _summaries(actor: User, channels: list[Channel]) -> list[ChannelSummary]:
    ids = [channel.id for channel in channels]
    read = dict(db.session.execute(select(ReadPosition.channel_id, ReadPosition.last_read_seq).where(
        ReadPosition.user_id == actor.id, ReadPosition.channel_id.in_(ids))).all())
    # Unread: others' messages, not deleted, after the read position.
    position = func.coalesce(select(ReadPosition.last_read_seq).where(
        ReadPosition.user_id == actor.id, ReadPosition.channel_id == Message.channel_id).scalar_subquery(), 0)
    unread = dict(db.session.execute(
        select(Message.channel_id, func.count()).where(
            Message.channel_id.in_(ids), Message.seq > position, Message.author_id != actor.id,
            Message.deleted_at.is_(None)).group_by(Message.channel_id)).all())
    return [ChannelSummary(id=channel.id, name=channel.name, kind=channel.kind.value, team_id=channel.team_id,
                           last_seq=channel.last_seq, last_read_seq=read.get(channel.id, 0),
                           unread=unread.get(channel.id, 0)) for channel in channels]
