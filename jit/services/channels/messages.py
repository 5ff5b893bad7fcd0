"""Channels and messages (DOMAIN.md "Channel and message"): every group has a general channel and
one per national team, and its head opens more. A message is stored, numbered by its channel's
sequence, and only then delivered; a client that was away asks for everything after the last
number it saw. Who may read is decided on every call against the current composition, and losing
access takes the user's sockets out of the channel's room at once, on every server process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from jit import notify
from jit.extensions import db
from jit.models import (
    Channel,
    ChannelKind,
    ChannelMember,
    ChannelSubscription,
    EvidenceItem,
    GroupStatus,
    Instruction,
    JointGroup,
    Membership,
    Message,
    MessageRevision,
    NationalTeam,
    ReadPosition,
    RevisionAction,
    SocketConnection,
    Task,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, rate_limits, scope, tasks, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from jit.services.pagination import Page, paginate

NAME_LIMIT = 120
CLIENT_ID_LIMIT = 64
# A subscribe answers with at most this many missed messages; the client asks again from the last.
CATCH_UP_LIMIT = 500
# Typing notices: at most one per user and channel in this window, whatever the client sends.
TYPING_LIMIT = parse("1 per 2 seconds")
# What a message can point at. Evidence items join with the evidence models (link_type "evidence_item").
LINK_TARGETS = {"task": Task, "instruction": Instruction, "evidence_item": EvidenceItem}
# `@username` not preceded by a word character (so e-mail addresses do not count).
MENTION = re.compile(r"(?<![\w@])@([\w.-]*\w)")


# --- opening the default channels (inside the groups service's use cases) ---------------------

def open_general_channel(group: JointGroup, actor: User) -> Channel:
    channel = Channel(group=group, kind=ChannelKind.GENERAL, name="general", created_by_id=actor.id)
    db.session.add(channel)
    return channel


def open_team_channel(team: NationalTeam, actor: User) -> Channel:
    channel = Channel(group=team.group, team=team, kind=ChannelKind.TEAM, name=f"team-{team.party_code}",
                      created_by_id=actor.id)
    db.session.add(channel)
    return channel


# --- what the doors and emissions show ---------------------------------------------------------

def person(user: User) -> dict:
    return {"id": user.id, "username": user.username, "full_name": user.full_name}


def message_payload(message: Message) -> dict:
    """A message as every door shows it; a deleted one keeps its place and loses its text."""
    deleted = message.deleted_at is not None
    return {
        "id": message.id,
        "channel_id": message.channel_id,
        "seq": message.seq,
        "author": person(message.author),
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


@dataclass
class CatchUp:
    last_seq: int
    messages: list[Message]
    more: bool  # over CATCH_UP_LIMIT were missed: ask again after the last one


# --- loading with the rights checked -----------------------------------------------------------

def _load_channel(actor: User | None, channel_id: int) -> tuple[User, Channel]:
    """The caller and the channel, if the caller may read it now (NotFound otherwise)."""
    actor = authz.require_user(actor)
    channel = db.session.get(Channel, channel_id)
    if channel is not None:
        note(object_type="channel", object_id=channel.id, group_id=channel.group_id)
    if channel is None or not authz.can_read_channel(actor, channel):
        raise NotFound()
    return actor, channel


def _load_message(actor: User | None, message_id: int) -> tuple[User, Message]:
    """The caller and the message, if the caller may read its channel now. Every use case on a
    message starts here: one that exists in a channel the caller cannot read is refused exactly as
    one that does not exist (NotFound), so no answer tells them apart."""
    message = db.session.get(Message, message_id)
    actor, _ = _load_channel(actor, message.channel_id if message else -1)
    note(object_type="message", object_id=message.id)
    return actor, message


def takes_messages(group: JointGroup) -> bool:
    """Whether the group's channels can be written to now (what `_require_writable` checks)."""
    return group.status not in (GroupStatus.CLOSED, GroupStatus.SUSPENDED)


def _require_writable(group: JointGroup) -> None:
    """Nothing is said in a closed group (its records are final) nor in a suspended one, refused with
    the codes every other write in the group uses (scope.require_not_halted: `group_closed`,
    `group_suspended`). Unlike tasks, evidence and instructions (scope.require_workable), the chat
    stays open in a draft or requested group and outside the term: it is how the group is set up
    and wound down."""
    scope.require_not_halted(group)


def _checked_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise Invalid(fields={"body": _l("Write something first.")})
    limit = current_app.config["JIT_MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise Invalid(fields={"body": values.too_long(limit)})
    return text


def _take(limit, *identifiers) -> bool:
    """One hit on a shared counter of the channels' (jit/services/rate_limits.py)."""
    return rate_limits.take(limit, "jit-channels", *identifiers)


# --- channels ----------------------------------------------------------------------------------

def _readable(actor: User, group: JointGroup) -> list[Channel]:
    """The general channel first, then the teams', then the custom ones by name."""
    kinds = list(ChannelKind)
    readable = [channel for channel in db.session.scalars(select(Channel).where(Channel.group_id == group.id))
                if authz.can_read_channel(actor, channel)]
    return sorted(readable, key=lambda channel: (kinds.index(channel.kind), channel.name, channel.id))


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
    group = channel.group
    people = {membership.user for membership in scope.current_members(group).values()}
    people |= {user for user in (group.head, group.created_by) if user is not None}
    return sorted((user for user in people if authz.can_read_channel(user, channel)), key=lambda user: user.id)


# --- losing access ------------------------------------------------------------------------------

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


# --- messages ----------------------------------------------------------------------------------

@use_case("message.list")
def list_messages(actor: User | None, channel_id: int, *, after_seq: int | None = None,
                  limit: int | None = None, cursor: str | None = None) -> Page:
    """With `after_seq`: the messages after it, oldest first (catching up). Without: newest first,
    the cursor going further back (scrolling up through the history)."""
    _, channel = _load_channel(actor, channel_id)
    stmt = select(Message).where(Message.channel_id == channel.id)
    if after_seq is not None:
        stmt = stmt.where(Message.seq > after_seq)
    return paginate(stmt, Message.seq, limit=limit, cursor=cursor, descending=after_seq is None)


@use_case("message.catch_up")
def catch_up(actor: User | None, channel_id: int, *, after_seq: int = 0) -> CatchUp:
    """Every message after `after_seq`, in order (at most CATCH_UP_LIMIT at a time)."""
    _, channel = _load_channel(actor, channel_id)
    note(after_seq=after_seq)
    rows = list(db.session.scalars(select(Message).where(Message.channel_id == channel.id, Message.seq > after_seq)
                                   .order_by(Message.seq).limit(CATCH_UP_LIMIT + 1)))
    return CatchUp(last_seq=channel.last_seq, messages=rows[:CATCH_UP_LIMIT], more=len(rows) > CATCH_UP_LIMIT)


def _sent_before(channel: Channel, author: User, client_msg_id: str) -> Message | None:
    return db.session.scalar(select(Message).where(Message.channel_id == channel.id, Message.author_id == author.id,
                                                   Message.client_msg_id == client_msg_id))


def _store(channel: Channel, author: User, text: str, client_msg_id: str | None) -> Message | None:
    """The next number of the channel and the message, in one savepoint; None when a concurrent send
    with the same client id got there first. Taking the number updates the channel row, which
    stays locked until commit: concurrent senders to a channel queue there (on PostgreSQL; SQLite
    serialises every writer anyway)."""
    try:
        with db.session.begin_nested():
            seq = db.session.execute(update(Channel).where(Channel.id == channel.id).values(
                last_seq=Channel.last_seq + 1).returning(Channel.last_seq)).scalar_one()
            message = Message(channel_id=channel.id, seq=seq, author_id=author.id, body=text,
                              client_msg_id=client_msg_id)
            db.session.add(message)
    except IntegrityError:
        if client_msg_id is None:
            raise
        return None
    return message


@use_case("message.send")
def send(actor: User | None, channel_id: int, body: str | None, *, client_msg_id: str | None = None) -> Message:
    """Store the message, then deliver it to the channel and tell the members it mentions. A send
    repeated with the same `client_msg_id` returns the first message (nothing new is stored)."""
    actor, channel = _load_channel(actor, channel_id)
    client_msg_id = (client_msg_id or "").strip() or None
    if client_msg_id is not None and len(client_msg_id) > CLIENT_ID_LIMIT:
        raise Invalid(fields={"client_msg_id": values.too_long(CLIENT_ID_LIMIT)})
    earlier = _sent_before(channel, actor, client_msg_id) if client_msg_id else None
    if earlier is not None:
        note(message_id=earlier.id, repeated=True)
        return earlier
    _require_writable(channel.group)
    text = _checked_body(body)
    if not _take(parse(current_app.config["JIT_MESSAGE_RATE_LIMIT"]), "send", actor.id):
        raise RateLimited(_l("You are sending messages too fast. Wait a moment."))
    message = _store(channel, actor, text, client_msg_id)
    if message is None:
        message = _sent_before(channel, actor, client_msg_id)
        note(message_id=message.id, repeated=True)
        return message
    note(message_id=message.id, seq=message.seq)
    notify.emit_after_commit("message", message_payload(message), room=notify.channel_room(channel.id))
    _mention(message, channel, actor)
    return message


def mentioned_usernames(text: str) -> set[str]:
    return {name.lower() for name in MENTION.findall(text)}


def _mention(message: Message, channel: Channel, author: User) -> None:
    """Each member named as @username who may read the channel hears of it in their own room."""
    names = mentioned_usernames(message.body)
    if not names:
        return
    for user in db.session.scalars(select(User).where(func.lower(User.username).in_(names))):
        if user.id != author.id and user.active and authz.can_read_channel(user, channel):
            notify.emit_after_commit("event", {"type": "message.mention", "group_id": channel.group_id, "data": {
                "channel_id": channel.id, "message_id": message.id, "seq": message.seq, "author_id": author.id}},
                room=notify.user_room(user.id))


def _own_message(actor: User | None, message_id: int) -> tuple[User, Message]:
    actor, message = _load_message(actor, message_id)
    if message.author_id != actor.id:
        raise Forbidden(_l("Only the author can change a message."))
    if message.deleted_at is not None:
        raise Conflict(_l("The message is deleted."))
    _require_writable(message.channel.group)
    return actor, message


def _updated(message: Message) -> None:
    notify.emit_after_commit("message_updated", message_payload(message),
                             room=notify.channel_room(message.channel_id))


@use_case("message.edit")
def edit_message(actor: User | None, message_id: int, body: str | None) -> Message:
    """The author rewrites their message; the text it had is kept in its history."""
    actor, message = _own_message(actor, message_id)
    text = _checked_body(body)
    if text == message.body:
        return message
    db.session.add(MessageRevision(message=message, action=RevisionAction.EDIT, previous_body=message.body,
                                   edited_by_id=actor.id))
    message.body, message.edited_at = text, utcnow()
    _updated(message)
    return message


@use_case("message.delete")
def delete_message(actor: User | None, message_id: int) -> Message:
    """The author deletes their message: it stays in place as deleted, its text in its history."""
    actor, message = _own_message(actor, message_id)
    db.session.add(MessageRevision(message=message, action=RevisionAction.DELETE, previous_body=message.body,
                                   edited_by_id=actor.id))
    message.body, message.deleted_at = "", utcnow()
    _updated(message)
    return message


@use_case("message.history")
def message_history(actor: User | None, message_id: int) -> tuple[Message, list[MessageRevision]]:
    """The earlier texts of a message, for the group head and the legal officers of the group, in a
    channel they may read (a team or custom channel's history is no more theirs than its messages)."""
    actor, message = _load_message(actor, message_id)
    group = message.channel.group
    if not (authz.manages_group(actor, group) or authz.is_legal_observer(actor, group)):
        raise Forbidden(_l("Only the group head and legal officers read the history of messages."))
    return message, list(message.revisions)


def _require_unlinked(message: Message) -> None:
    if message.deleted_at is not None:
        raise Conflict(_l("The message is deleted."))
    if message.link_type is not None:
        raise Conflict(_l("The message is already linked to a %(type)s.", type=message.link_type))


@use_case("message.to_task")
def message_to_task(actor: User | None, message_id: int, *, assignee_ids: list[int], title: str | None = None,
                    due_on: date | None = None, priority: str = "normal") -> Task:
    """Turn a message into a task of the group (by the task rules), the message keeping a link to it."""
    actor, message = _load_message(actor, message_id)
    _require_unlinked(message)
    channel = message.channel
    first_line = message.body.splitlines()[0][: tasks.TITLE_LIMIT]
    origin = _l("From message no. %(seq)s in channel %(channel)s by %(author)s.", seq=message.seq,
                channel=channel.name, author=message.author.full_name)
    task = tasks.create_task(actor, channel.group_id, title=(title or "").strip() or first_line,
                             description=f"{message.body}\n\n{origin}", assignee_ids=assignee_ids, due_on=due_on,
                             priority=priority)
    message.link_type, message.link_id = "task", task.id
    note(object_type="message", object_id=message.id, task_id=task.id)
    _updated(message)
    return task


@use_case("message.link")
def link_message(actor: User | None, message_id: int, *, link_type: str, link_id: int) -> Message:
    """Point a message at an instruction, task or evidence item of the same group: its author or the group head."""
    actor, message = _load_message(actor, message_id)
    group = message.channel.group
    if message.author_id != actor.id and not authz.manages_group(actor, group):
        raise Forbidden(_l("Only the author or the group head can link a message."))
    authz.require_open(group)
    _require_unlinked(message)
    model = LINK_TARGETS.get(link_type)
    if model is None:
        raise Invalid(fields={"type": _l("One of: %(types)s.", types=", ".join(LINK_TARGETS))})
    target = db.session.get(model, link_id)
    if target is None or target.group_id != group.id:
        raise Invalid(fields={"id": _l("Not a %(type)s of this group.", type=link_type)})
    message.link_type, message.link_id = link_type, target.id
    note(link_type=link_type, link_id=target.id)
    _updated(message)
    return message


# --- read positions ------------------------------------------------------------------------------

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
