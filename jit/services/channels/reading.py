"""Read positions: how far each reader of a channel has read (its "seen by"), and the unread
count across every channel a user reads."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from jit import notify
from jit.extensions import db
from jit.models import Channel, JointGroup, Membership, NationalTeam, ReadPosition, User
from jit.services import authz, notifications
from jit.services.audit import note, use_case
from jit.services.channels.access import _load_channel
from jit.services.channels.payloads import ChannelSummary, _summaries


@use_case("channel.read")
def mark_read(actor: User | None, channel_id: int, seq: int) -> ChannelSummary:
    """The caller has read up to `seq` (never backwards, never past the last message); the channel
    hears it, for its "seen by"."""
    actor, channel = _load_channel(actor, channel_id)
    position = db.session.get(ReadPosition, (actor.id, channel.id))
    if position is None:
        position = ReadPosition(user_id=actor.id, channel_id=channel.id, last_read_seq=0)
        db.session.add(position)
    target = max(0, min(int(seq), channel.last_seq))
    if target > position.last_read_seq:
        position.last_read_seq = target
        notify.emit_after_commit("read", {"channel_id": channel.id, "user_id": actor.id, "seq": target},
                                 room=notify.channel_room(channel.id))
    db.session.flush()
    notifications.read_channel_up_to(actor, channel.id, position.last_read_seq, messages=unread_total(actor))
    note(seq=position.last_read_seq)
    return _summaries(actor, [channel])[0]


@use_case("channel.read_positions")
def read_positions(actor: User | None, channel_id: int) -> list[ReadPosition]:
    """How far each reader of the channel has read (for "seen by")."""
    _, channel = _load_channel(actor, channel_id)
    positions = db.session.scalars(select(ReadPosition).where(ReadPosition.channel_id == channel.id)
                                   .order_by(ReadPosition.user_id))
    return [position for position in positions if authz.can_read_channel(position.user, channel)]


def unread_total(user: User) -> int:
    """Unread messages across every channel the user reads (the number in the navigation)."""
    member_of = select(Membership.group_id).where(Membership.user_id == user.id, Membership.ends_on.is_(None))
    related = select(JointGroup.id).where(or_(JointGroup.id.in_(member_of), JointGroup.head_id == user.id,
                                              JointGroup.created_by_id == user.id))
    # Every page's navigation asks: one round of queries whatever the number of groups.
    candidates = db.session.scalars(select(Channel).where(Channel.group_id.in_(related)).options(
        selectinload(Channel.members),
        selectinload(Channel.group).selectinload(JointGroup.teams).selectinload(NationalTeam.memberships)))
    channels = [channel for channel in candidates if authz.can_read_channel(user, channel)]
    return sum(summary.unread for summary in _summaries(user, channels)) if channels else 0
