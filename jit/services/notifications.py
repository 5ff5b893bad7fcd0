"""Each person's inbox (issue 17): the use case that causes a notice stores it in its own
transaction (`tell`), for the people who may see the object now, never the actor; it reaches the
recipient's open pages after commit (`notification`, with their unread count). The text is rendered from the
stored parameters in the reader's language when it is read, and a notice whose object the reader
can no longer see is not shown (need-to-know holds at read time too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from jit import notify
from jit.extensions import db
from jit.models import (
    EvidenceItem,
    Instruction,
    JointGroup,
    LegalRequest,
    Message,
    Notification,
    Task,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, notification_settings
from jit.services.audit import note, use_case
from jit.services.errors import Invalid, NotFound
from jit.services.notification_kinds import KINDS
from jit.services.pagination import Page, paginate

# The object a notice points at, by its stored type.
OBJECT_TYPES = {JointGroup: "group", Task: "task", Instruction: "instruction", EvidenceItem: "evidence",
                Message: "message", LegalRequest: "legal_request"}
MODELS = {name: model for model, name in OBJECT_TYPES.items()}
# A notice about being removed is the one a former member keeps: it names a group they no longer see.
KEPT_AFTER_REMOVAL = "member.removed"


@dataclass
class Inbox:
    page: Page
    unread: int
    groups: list[JointGroup]  # the groups the caller's notices are about (a filter's choices)


# --- what a notice is about ------------------------------------------------------------------

def _title(subject) -> str:
    """How a notice names its object (stored, so that the text needs no object to render)."""
    if isinstance(subject, JointGroup):
        return subject.code
    if isinstance(subject, Instruction):
        return subject.subject or f"#{subject.id}"
    if isinstance(subject, EvidenceItem):
        return f"{subject.number} {subject.title}"
    if isinstance(subject, LegalRequest):
        return subject.case_number
    return getattr(subject, "title", "")


def _group_id(subject) -> int | None:
    if isinstance(subject, Message):
        return subject.channel.group_id
    return subject.id if isinstance(subject, JointGroup) else getattr(subject, "group_id", None)


def national_heads(group: JointGroup) -> list[int]:
    """The group's national heads now."""
    return [team.national_head.id for team in group.teams if team.national_head is not None]


def may_see(user: User, object_type: str, object_id: int) -> bool:
    """Whether `user` may see the object now (as the object's own read use case would decide)."""
    return _may_see_record(user, db.session.get(MODELS[object_type], object_id))


def _may_see_record(user: User, subject) -> bool:
    if subject is None or not user.active:
        return False
    if isinstance(subject, Message):
        return authz.can_read_channel(user, subject.channel)
    if isinstance(subject, LegalRequest):
        return authz.can_view_request(user, subject)
    return authz.can_view_group(user, subject if isinstance(subject, JointGroup) else subject.group)


def _visible(user: User, notification: Notification) -> bool:
    return notification.kind == KEPT_AFTER_REMOVAL or may_see(user, notification.object_type, notification.object_id)


def _access_loaded(model) -> tuple:
    """Loader options for what `may_see` reads of a notice's object."""
    if model is Message:
        return (selectinload(Message.channel), *authz.channel_access(Message.channel))
    if model is JointGroup:
        return (authz.group_access(),)
    return () if model is LegalRequest else (authz.group_access(model.group),)


def _still_visible(user: User, notifications: list[Notification]) -> list[Notification]:
    """The notices whose objects `user` may still see, their objects and what `may_see` reads of them
    loaded in one statement per kind of object and relation (not per notice)."""
    wanted: dict[str, set[int]] = {}
    for notification in notifications:
        wanted.setdefault(notification.object_type, set()).add(notification.object_id)
    objects = {(object_type, record.id): record for object_type, ids in wanted.items()
               for record in db.session.scalars(select(MODELS[object_type]).where(MODELS[object_type].id.in_(ids))
                                                .options(*_access_loaded(MODELS[object_type])))}
    return [notification for notification in notifications if notification.kind == KEPT_AFTER_REMOVAL
            or _may_see_record(user, objects.get((notification.object_type, notification.object_id)))]


# --- telling ---------------------------------------------------------------------------------

def tell(kind: str, subject, recipient_ids: Iterable[int | None], *, actor: User | None = None,
         key: str | None = None, **params) -> list[Notification]:
    """Store a notice of `kind` about `subject` for each recipient who may see it now (never the
    actor) in the running use case's transaction, and push it to them after commit. With `key`
    (scheduled reminders) a recipient who already has a notice with that key gets no second one."""
    object_type = OBJECT_TYPES[type(subject)]
    params = {"title": _title(subject), **params}
    group_id = None if kind == KEPT_AFTER_REMOVAL else _group_id(subject)
    wanted = {user_id for user_id in recipient_ids if user_id is not None} - {getattr(actor, "id", None)}
    if not wanted:
        return []
    recipients = [user for user in db.session.scalars(select(User).where(User.id.in_(wanted)).order_by(User.id))
                  if kind == KEPT_AFTER_REMOVAL or may_see(user, object_type, subject.id)]
    if not recipients:
        return []
    rows = [{"recipient_id": user.id, "kind": kind, "group_id": group_id, "object_type": object_type,
             "object_id": subject.id, "actor_id": getattr(actor, "id", None), "params": params, "dedup_key": key,
             "created_at": utcnow()} for user in recipients]
    if key is None:
        # One multi-row insert (a message mentioning fifty people is one statement, not fifty), then the rows.
        ids = db.session.scalars(insert(Notification).returning(Notification.id), rows).all()
        notices = {notice.recipient_id: notice
                   for notice in db.session.scalars(select(Notification).where(Notification.id.in_(ids)))}
    else:
        notices = {row["recipient_id"]: notice for row in rows if _add_once(notice := Notification(**row))}
    told = [user for user in recipients if user.id in notices]
    unread = _unread_counts([user.id for user in told])
    for user in told:
        _push(user, notices[user.id], unread.get(user.id, 0))
    notification_settings.queue_mail([(user, notices[user.id]) for user in told])
    return list(notices.values())


def _add_once(notification: Notification) -> bool:
    """Add a keyed notice unless the recipient has it: a concurrent run that got there first makes
    the insert fail on the unique key, and only this savepoint is rolled back."""
    exists = db.session.scalar(select(Notification.id).where(Notification.recipient_id == notification.recipient_id,
                                                             Notification.dedup_key == notification.dedup_key))
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        return False
    return True


def _push(user: User, notification: Notification, unread: int) -> None:
    # The recipient's unread count rides with the notice: one emission per recipient, not two (each
    # costs the sending request about 0.3 ms after its commit; a mention of fifty, 15 ms).
    with force_locale(user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "en")):
        payload = {**payload_of(notification), "unread": unread}
    notify.emit_after_commit("notification", payload, room=notify.user_room(user.id))


def text_of(notification: Notification) -> str:
    """The notice in the current language (the reader's)."""
    actor = notification.actor.full_name if notification.actor is not None else gettext("Someone")
    return str(KINDS[notification.kind]) % {**notification.params, "actor": actor}


def payload_of(notification: Notification) -> dict:
    """As the API and the socket give it (API.md)."""
    actor = notification.actor
    return {"id": notification.id, "kind": notification.kind, "group_id": notification.group_id,
            "object": {"type": notification.object_type, "id": notification.object_id},
            "actor": None if actor is None else {"id": actor.id, "username": actor.username,
                                                  "full_name": actor.full_name},
            "text": text_of(notification), "params": notification.params,
            "created_at": notification.created_at.isoformat(),
            "read_at": notification.read_at.isoformat() if notification.read_at else None}


# --- reading ---------------------------------------------------------------------------------

def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == user.id, Notification.read_at.is_(None))) or 0


def _unread_counts(user_ids: list[int]) -> dict[int, int]:
    """Several people's unread counts in one query."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(Notification.recipient_id, func.count(Notification.id)).where(
        Notification.recipient_id.in_(user_ids), Notification.read_at.is_(None)).group_by(Notification.recipient_id))
    return {recipient_id: count for recipient_id, count in rows}


def counts_changed(user: User, *, messages: int | None = None) -> None:
    """Tell the user's open pages their unread count after commit (and the unread messages, when the
    caller knows them): every tab and device updates its bell and its menu at once."""
    data = {"notifications": unread_count(user)}
    if messages is not None:
        data["messages"] = messages
    notify.emit_after_commit("counts", data, room=notify.user_room(user.id))


@use_case("notification.list")
def inbox(actor: User | None, *, unread: bool = False, kind: str | None = None, group_id: int | None = None,
          limit: int | None = None, cursor: str | None = None) -> Inbox:
    """The caller's notices, newest first, with the filters; only those whose object they may still see."""
    actor = authz.require_user(actor)
    if kind is not None and kind not in KINDS:
        raise Invalid(fields={"kind": _l("One of: %(values)s.", values=", ".join(KINDS))})
    stmt = select(Notification).where(Notification.recipient_id == actor.id)
    if unread:
        stmt = stmt.where(Notification.read_at.is_(None))
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    if group_id is not None:
        stmt = stmt.where(Notification.group_id == group_id)
    page = paginate(stmt.options(selectinload(Notification.actor)), Notification.id, limit=limit, cursor=cursor,
                    descending=True)
    page.items = _still_visible(actor, page.items)
    note(unread=unread, kind=kind, group_id=group_id)
    mentioned = select(Notification.group_id).where(Notification.recipient_id == actor.id).distinct()
    groups = [group for group in db.session.scalars(select(JointGroup).where(JointGroup.id.in_(mentioned))
                                                    .options(authz.group_access()).order_by(JointGroup.code))
              if authz.can_view_group(actor, group)]
    return Inbox(page=page, unread=unread_count(actor), groups=groups)


@use_case("notification.open")
def open_notice(actor: User | None, notification_id: int) -> Notification:
    """One of the caller's notices, to follow to its object (NotFound for another's, or one whose
    object the caller may no longer see)."""
    actor = authz.require_user(actor)
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != actor.id or not _visible(actor, notification):
        raise NotFound()
    note(object_type="notification", object_id=notification.id, group_id=notification.group_id)
    return notification


@use_case("notification.read")
def mark_read(actor: User | None, *, ids: list[int] | None = None, everything: bool = False) -> int:
    """Mark the caller's notices read: these ids (others' ids are ignored, as if absent) or all."""
    actor = authz.require_user(actor)
    if not everything and not ids:
        raise Invalid(fields={"ids": _l("Send the notices to mark read, or all.")})
    stmt = update(Notification).where(Notification.recipient_id == actor.id, Notification.read_at.is_(None))
    if not everything:
        stmt = stmt.where(Notification.id.in_(ids))
    marked = db.session.execute(stmt.values(read_at=utcnow())).rowcount
    note(marked=marked, all=everything)
    counts_changed(actor)
    return marked


def opened(user: User, subject) -> None:
    """The user opened `subject` (its read use case calls this): its notices to them are read."""
    _mark_where(user, Notification.object_type == OBJECT_TYPES[type(subject)], Notification.object_id == subject.id)


def read_channel_up_to(user: User, channel_id: int, seq: int, *, messages: int) -> None:
    """The user read a channel up to `seq`: the mentions in it so far are read; every open page of theirs
    hears the new counts (`messages`: their unread messages now)."""
    mentioned = select(Message.id).where(Message.channel_id == channel_id, Message.seq <= seq)
    _mark_where(user, Notification.object_type == "message", Notification.object_id.in_(mentioned), always=True,
                messages=messages)


def _mark_where(user: User, *conditions, always: bool = False, messages: int | None = None) -> None:
    # Looked for first: a read use case that finds nothing unread stays a read (it writes nothing).
    unread = Notification.recipient_id == user.id, Notification.read_at.is_(None), *conditions
    found = list(db.session.scalars(select(Notification.id).where(*unread)))
    if found:
        db.session.execute(update(Notification).where(Notification.id.in_(found)).values(read_at=utcnow()))
    if found or always:
        counts_changed(user, messages=messages)


def forget_group(user_id: int, group_id: int) -> None:
    """The person left the group: its notices leave their inbox (need-to-know)."""
    db.session.execute(delete(Notification).where(Notification.recipient_id == user_id,
                                                  Notification.group_id == group_id,
                                                  Notification.kind != KEPT_AFTER_REMOVAL))
