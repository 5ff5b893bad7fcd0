"""Presence and subscriptions: which sockets hear a channel, who is there and who is typing; and
losing access, which takes a user's sockets out of every channel they may no longer read, on
every server process."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import delete, select

from jit import notify
from jit.extensions import db
from jit.models import Channel, ChannelSubscription, JointGroup, SocketConnection, User
from jit.services import authz
from jit.services.audit import note, use_case
from jit.services.channels.access import _load_channel, _take
from jit.services.errors import Conflict

# Typing notices: at most one per user and channel in this window, whatever the client sends.
TYPING_LIMIT = parse("1 per 2 seconds")


def _cut(channel: Channel, user: User) -> None:
    """Unsubscribe `user`'s sockets from `channel` if they may no longer read it: their rows go now,
    the sockets leave the room after commit (on whichever process holds them)."""
    if authz.can_read_channel(user, channel):
        return
    sids = list(db.session.scalars(select(ChannelSubscription.sid).join(SocketConnection).where(
        ChannelSubscription.channel_id == channel.id, SocketConnection.user_id == user.id)))
    if not sids:
        return
    db.session.execute(delete(ChannelSubscription).where(ChannelSubscription.channel_id == channel.id,
                                                         ChannelSubscription.sid.in_(sids)))
    room = notify.channel_room(channel.id)
    notify.leave_after_commit([(sid, room) for sid in sids])
    _announce_presence(channel.id)


def cut_lost_access(group: JointGroup, user_id: int) -> None:
    """After a change that may take channels away from the user (a membership ended, the group head
    replaced; inside that use case): every channel of the group they can no longer read lets go of
    their sockets."""
    user = db.session.get(User, user_id)
    for channel in db.session.scalars(select(Channel).where(Channel.group_id == group.id)):
        _cut(channel, user)


# --- presence and subscriptions -----------------------------------------------------------------

def present_user_ids(channel_id: int) -> list[int]:
    """Users with at least one socket subscribed to the channel, on any process."""
    return list(db.session.scalars(
        select(SocketConnection.user_id).join(ChannelSubscription).where(
            ChannelSubscription.channel_id == channel_id).distinct().order_by(SocketConnection.user_id)))


def _announce_presence(channel_id: int) -> None:
    db.session.flush()
    notify.emit_after_commit("presence", {"channel_id": channel_id, "user_ids": present_user_ids(channel_id)},
                             room=notify.channel_room(channel_id))


@use_case("channel.subscribe")
def subscribe(actor: User | None, channel_id: int, *, sid: str) -> Channel:
    """The socket joins the channel's room (after commit, before the presence it then hears)."""
    _, channel = _load_channel(actor, channel_id)
    # The socket may disconnect meanwhile. Its row, held until commit, cannot be deleted under the new
    # subscription (the disconnect then waits, and its delete takes the subscription with it); a row
    # already gone means there is no socket left to subscribe.
    connection = select(SocketConnection.sid).where(SocketConnection.sid == sid).with_for_update(read=True)
    if db.session.scalar(connection) is None:
        raise Conflict(_l("This connection has closed: connect again."), code="socket_closed")
    if db.session.get(ChannelSubscription, (sid, channel.id)) is None:
        db.session.add(ChannelSubscription(sid=sid, channel_id=channel.id))
    notify.join_after_commit(sid, notify.channel_room(channel.id))
    _announce_presence(channel.id)
    return channel


@use_case("channel.unsubscribe")
def unsubscribe(actor: User | None, channel_id: int, *, sid: str) -> None:
    actor = authz.require_user(actor)
    note(object_type="channel", object_id=channel_id)
    db.session.execute(delete(ChannelSubscription).where(ChannelSubscription.sid == sid,
                                                         ChannelSubscription.channel_id == channel_id))
    notify.leave_after_commit([(sid, notify.channel_room(channel_id))])
    _announce_presence(channel_id)


def forget_sockets(sids: list[str]) -> None:
    """Sockets closed or gone with their process (inside that use case): they are no longer
    present anywhere."""
    channel_ids = list(db.session.scalars(select(ChannelSubscription.channel_id).where(
        ChannelSubscription.sid.in_(sids)).distinct().order_by(ChannelSubscription.channel_id)))
    db.session.execute(delete(ChannelSubscription).where(ChannelSubscription.sid.in_(sids)))
    for channel_id in channel_ids:
        _announce_presence(channel_id)


def typing(actor: User | None, channel_id: int, *, sid: str) -> bool:
    """Tell the channel that the caller is typing, at most once per TYPING_LIMIT window; the notices
    the throttle drops are not worth an audit event each."""
    actor = authz.require_user(actor)
    if not _take(TYPING_LIMIT, "typing", actor.id, channel_id):
        return False
    _announce_typing(actor, channel_id, sid=sid)
    return True


@use_case("channel.typing")
def _announce_typing(actor: User | None, channel_id: int, *, sid: str) -> None:
    actor, channel = _load_channel(actor, channel_id)
    notify.emit_after_commit("typing", {"channel_id": channel.id, "user_id": actor.id},
                             room=notify.channel_room(channel.id), skip_sid=sid)
