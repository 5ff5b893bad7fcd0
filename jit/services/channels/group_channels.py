"""The group's channels: the general and team channels opened with the group and its teams (inside
the group service's use cases), the custom ones its head opens for chosen members, and who may
read each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jit.extensions import db
from jit.models import Channel, ChannelKind, ChannelMember, JointGroup, NationalTeam, User
from jit.services import authz, scope
from jit.services.audit import note, use_case
from jit.services.channels.access import _load_channel
from jit.services.channels.payloads import ChannelSummary, _summaries
from jit.services.channels.presence import _cut
from jit.services.errors import Conflict, DomainError, Invalid, NotFound

NAME_LIMIT = 120


def open_general_channel(group: JointGroup, actor: User) -> Channel:
    channel = Channel(group=group, kind=ChannelKind.GENERAL, name="general", created_by_id=actor.id)
    db.session.add(channel)
    return channel


def open_team_channel(team: NationalTeam, actor: User) -> Channel:
    channel = Channel(group=team.group, team=team, kind=ChannelKind.TEAM, name=f"team-{team.party_code}",
                      created_by_id=actor.id)
    db.session.add(channel)
    return channel


def _readable(actor: User, group: JointGroup) -> list[Channel]:
    """The general channel first, then the teams', then the custom ones by name."""
    kinds = list(ChannelKind)
    readable = [channel for channel in db.session.scalars(select(Channel).where(Channel.group_id == group.id))
                if authz.can_read_channel(actor, channel)]
    return sorted(readable, key=lambda channel: (kinds.index(channel.kind), channel.name, channel.id))


@use_case("channel.list")
def list_channels(actor: User | None, group_id: int) -> list[ChannelSummary]:
    """The group's channels the caller may read, with their unread counts."""
    actor, group = scope.load_visible(actor, group_id)
    return _summaries(actor, _readable(actor, group))


def _current_member_ids(group: JointGroup, user_ids, field: str) -> list[int]:
    members = scope.current_members(group)
    chosen = sorted({int(user_id) for user_id in user_ids or []})
    strangers = [user_id for user_id in chosen if user_id not in members]
    if strangers:
        raise Invalid(fields={field: _l("Not current members of the group: %(ids)s.",
                                        ids=", ".join(map(str, strangers)))})
    return chosen


def may_create_channel(actor: User, group: JointGroup) -> bool:
    """Whether `create_channel` lets the actor open a channel in the group now (the page asks)."""
    try:
        authz.require_group_manager(actor, group)
    except DomainError:
        return False
    return True


@use_case("channel.create")
def create_channel(actor: User | None, group_id: int, *, name: str, member_ids: list[int]) -> ChannelSummary:
    """The group head opens a channel for the members they choose."""
    actor, group = scope.load_visible(actor, group_id)
    authz.require_group_manager(actor, group)
    name = (name or "").strip()
    if not name or len(name) > NAME_LIMIT:
        raise Invalid(fields={"name": _l("Between 1 and %(n)s characters.", n=NAME_LIMIT)})
    chosen = _current_member_ids(group, member_ids, "member_ids")
    channel = Channel(group=group, kind=ChannelKind.CUSTOM, name=name, created_by_id=actor.id,
                      members=[ChannelMember(user_id=user_id, added_by_id=actor.id) for user_id in chosen])
    db.session.add(channel)
    db.session.flush()
    note(object_type="channel", object_id=channel.id, members=",".join(map(str, chosen)))
    scope.announce(group, "channel.created", {"channel_id": channel.id, "name": channel.name})
    return _summaries(actor, [channel])[0]


def _custom_channel_of_manager(actor: User | None, channel_id: int) -> tuple[User, Channel]:
    actor = authz.require_user(actor)
    channel = db.session.get(Channel, channel_id)
    if channel is None or not authz.can_view_group(actor, channel.group):
        raise NotFound()
    note(object_type="channel", object_id=channel.id, group_id=channel.group_id)
    authz.require_group_manager(actor, channel.group)
    if channel.kind != ChannelKind.CUSTOM:
        raise Conflict(_l("General and team channels follow the group's composition; only custom channels "
                          "have members chosen one by one."))
    return actor, channel


@use_case("channel.member_add")
def add_channel_member(actor: User | None, channel_id: int, user_id: int) -> ChannelMember:
    actor, channel = _custom_channel_of_manager(actor, channel_id)
    [user_id] = _current_member_ids(channel.group, [user_id], "user_id")
    if any(member.user_id == user_id for member in channel.members):
        raise Conflict(_l("Already in this channel."), fields={"user_id": _l("Already in this channel.")})
    member = ChannelMember(user_id=user_id, added_by_id=actor.id)
    channel.members.append(member)
    db.session.flush()
    note(member_id=user_id)
    scope.announce(channel.group, "channel.member_added", {"channel_id": channel.id, "user_id": user_id})
    return member


@use_case("channel.member_remove")
def remove_channel_member(actor: User | None, channel_id: int, user_id: int) -> None:
    """Out of a custom channel: the user's open sockets stop hearing it at once."""
    actor, channel = _custom_channel_of_manager(actor, channel_id)
    member = next((member for member in channel.members if member.user_id == user_id), None)
    if member is None:
        raise NotFound()
    channel.members.remove(member)
    db.session.flush()
    note(member_id=user_id)
    _cut(channel, db.session.get(User, user_id))
    scope.announce(channel.group, "channel.member_removed", {"channel_id": channel.id, "user_id": user_id})


@use_case("channel.members")
def channel_members(actor: User | None, channel_id: int) -> list[User]:
    """Who may read the channel now."""
    _, channel = _load_channel(actor, channel_id)
    # The whole audience in one query (loading each membership's user was a query per member).
    people = db.session.scalars(select(User).where(User.id.in_(scope.audience(channel.group))).order_by(User.id))
    return [user for user in people if authz.can_read_channel(user, channel)]
