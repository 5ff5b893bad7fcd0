"""Messages: stored, numbered by their channel's sequence, and only then delivered; a client that
was away asks for everything after the last number it saw. Authors edit and delete their own;
a message becomes a task or points at a record of the group."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from jit import notify
from jit.extensions import db
from jit.models import Channel, EvidenceItem, Instruction, Message, MessageRevision, RevisionAction, Task, User
from jit.models.types import utcnow
from jit.services import authz, notifications, scope, tasks, values
from jit.services.audit import note, use_case
from jit.services.channels.access import _load_channel, _load_message, _require_writable, _take
from jit.services.channels.payloads import message_payload
from jit.services.errors import Forbidden, Inapplicable, Invalid, NotFound, RateLimited
from jit.services.pagination import Page, paginate

CLIENT_ID_LIMIT = 64
# A subscribe answers with at most this many missed messages; the client asks again from the last.
CATCH_UP_LIMIT = 500
# What a message can point at, by its link_type; whole sentences, so that each language words them its own way.
LINK_TARGETS = {"task": Task, "instruction": Instruction, "evidence_item": EvidenceItem}
ALREADY_LINKED = {"task": _l("The message is already linked to a task."),
                  "instruction": _l("The message is already linked to an instruction."),
                  "evidence_item": _l("The message is already linked to an evidence item.")}
NOT_OF_THE_GROUP = {"task": _l("Not a task of this group."), "instruction": _l("Not an instruction of this group."),
                    "evidence_item": _l("Not an evidence item of this group.")}
# `@username` not preceded by a word character (so e-mail addresses do not count).
MENTION = re.compile(r"(?<![\w@])@([\w.-]*\w)")


@dataclass
class CatchUp:
    last_seq: int
    messages: list[Message]
    more: bool  # over CATCH_UP_LIMIT were missed: ask again after the last one


def _checked_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise Invalid(fields={"body": _l("Write something first.")})
    limit = current_app.config["JIT_MAX_MESSAGE_CHARS"]
    if len(text) > limit:
        raise Invalid(fields={"body": values.too_long(limit)})
    return text


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
    _tell_readers(channel, actor)
    return message


def _tell_readers(channel: Channel, author: User) -> None:
    """Every other reader's unread count in the menu rises at once, on whatever page they are."""
    others = scope.audience(channel.group) - {author.id}
    # One query for the whole audience (a group of 200 is 2 statements, not 400).
    for reader in db.session.scalars(select(User).where(User.id.in_(others)).order_by(User.id)):
        if authz.can_read_channel(reader, channel):
            notify.emit_after_commit("unread", {"channel_id": channel.id}, room=notify.user_room(reader.id))


def mentioned_usernames(text: str) -> set[str]:
    return {name.lower() for name in MENTION.findall(text)}


def _mention(message: Message, channel: Channel, author: User) -> None:
    """Each member named as @username who may read the channel hears of it in their own room."""
    names = mentioned_usernames(message.body)
    if not names:
        return
    readers = [user for user in db.session.scalars(select(User).where(func.lower(User.username).in_(names)))
               if user.id != author.id and user.active and authz.can_read_channel(user, channel)]
    notifications.tell("mention", message, [user.id for user in readers], actor=author, group=channel.group.code,
                       channel=channel.name, channel_id=channel.id, seq=message.seq, title=channel.name)
    for user in readers:
        notify.emit_after_commit("event", {"type": "message.mention", "group_id": channel.group_id, "data": {
            "channel_id": channel.id, "message_id": message.id, "seq": message.seq, "author_id": author.id}},
            room=notify.user_room(user.id))


@use_case("message.read")
def get_message(actor: User | None, message_id: int) -> Message:
    """One message, for whoever may read its channel now (NotFound otherwise)."""
    return _load_message(actor, message_id)[1]


def _deleted_refusal(message: Message) -> authz.Refusal:
    return Inapplicable(_l("The message is deleted.")) if message.deleted_at is not None else None


def _own_refusals(actor: User, message: Message) -> list[authz.Refusal]:
    return [None if message.author_id == actor.id else Forbidden(_l("Only the author can change a message.")),
            _deleted_refusal(message), scope.halted_refusal(message.channel.group)]


def _own_message(actor: User | None, message_id: int) -> tuple[User, Message]:
    actor, message = _load_message(actor, message_id)
    authz.refuse(*_own_refusals(actor, message))
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


def _history_refusal(actor: User, group) -> authz.Refusal:
    if authz.manages_group(actor, group) or authz.is_legal_observer(actor, group):
        return None
    return Forbidden(_l("Only the group head and legal officers read the history of messages."))


@use_case("message.history")
def message_history(actor: User | None, message_id: int) -> tuple[Message, list[MessageRevision]]:
    """The earlier texts of a message, for the group head and the legal officers of the group, in a
    channel they may read (a team or custom channel's history is no more theirs than its messages)."""
    actor, message = _load_message(actor, message_id)
    authz.refuse(_history_refusal(actor, message.channel.group))
    return message, list(message.revisions)


def _unlinked_refusals(message: Message) -> list[authz.Refusal]:
    linked = message.link_type is not None and Inapplicable(ALREADY_LINKED[message.link_type])
    return [_deleted_refusal(message), linked or None]


def _link_refusals(actor: User, message: Message) -> list[authz.Refusal]:
    group = message.channel.group
    may = message.author_id == actor.id or authz.manages_group(actor, group)
    return [None if may else Forbidden(_l("Only the author or the group head can link a message.")),
            authz.closed_refusal(group), *_unlinked_refusals(message)]


def allowed_actions(actor: User | None, message: Message) -> authz.Actions:
    """What `actor` may do with the message now, each with what it still lacks (NotFound for
    someone who may not read its channel): `edit`, `delete`, `history`, `link`, `to_task`."""
    actor = authz.require_user(actor)
    if not authz.can_read_channel(actor, message.channel):
        raise NotFound()
    group = message.channel.group
    return authz.answer({"edit": _own_refusals(actor, message), "delete": _own_refusals(actor, message),
                         "history": [_history_refusal(actor, group)], "link": _link_refusals(actor, message),
                         "to_task": [*_unlinked_refusals(message), *tasks.creation_refusals(actor, group)]})


def task_title(message: Message) -> str:
    """What a task made of the message is called unless named otherwise: the message's first line."""
    return (message.body.splitlines() or [""])[0][: tasks.TITLE_LIMIT]


@use_case("message.to_task")
def message_to_task(actor: User | None, message_id: int, *, assignee_ids: list[int], title: str | None = None,
                    description: str | None = None, due_on: date | None = None, priority: str = "normal",
                    case_id: int | None = None, instruction_id: int | None = None,
                    allow_past_due: bool = False) -> Task:
    """Turn a message into a task of the group (by the task rules), the message keeping a link to it
    and the task's description saying where it came from (after the message's text, or the one given)."""
    actor, message = _load_message(actor, message_id)
    authz.refuse(*_unlinked_refusals(message))
    channel = message.channel
    origin = _l("From message no. %(seq)s in channel %(channel)s by %(author)s.", seq=message.seq,
                channel=channel.name, author=message.author.full_name)
    text = (description or "").strip() or message.body
    task = tasks.create_task(actor, channel.group_id, title=(title or "").strip() or task_title(message),
                             description=f"{text}\n\n{origin}", assignee_ids=assignee_ids, due_on=due_on,
                             priority=priority, case_id=case_id, instruction_id=instruction_id,
                             allow_past_due=allow_past_due)
    message.link_type, message.link_id = "task", task.id
    note(object_type="message", object_id=message.id, task_id=task.id)
    _updated(message)
    return task


@use_case("message.link")
def link_message(actor: User | None, message_id: int, *, link_type: str, link_id: int) -> Message:
    """Point a message at an instruction, task or evidence item of the same group: its author or the group head."""
    actor, message = _load_message(actor, message_id)
    group = message.channel.group
    authz.refuse(*_link_refusals(actor, message))
    model = LINK_TARGETS.get(link_type)
    if model is None:
        raise Invalid(fields={"type": _l("One of: %(types)s.", types=", ".join(LINK_TARGETS))})
    target = db.session.get(model, link_id)
    if target is None or target.group_id != group.id:
        raise Invalid(fields={"id": NOT_OF_THE_GROUP[link_type]})
    message.link_type, message.link_id = link_type, target.id
    note(link_type=link_type, link_id=target.id)
    _updated(message)
    return message
