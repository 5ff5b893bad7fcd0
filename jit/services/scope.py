"""The group scope every group service works in: loading a group the caller may see (or all those
they may see), its current members, a person as its records name them, recording a change on its
timeline and telling its people of it, today's date, the optimistic version check, and whether the
group may work today.

A leaf: it imports no service but `authz`, `audit` and `errors`, so any service (the group service
included) can import it, and no service needs the group service for these.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Protocol, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select, true

from jit import notify
from jit.compliance import engine
from jit.extensions import db
from jit.models import GroupEvent, GroupStatus, JointGroup, Membership, Role, User
from jit.models.types import utcnow
from jit.services import authz
from jit.services.audit import note
from jit.services.errors import Conflict, Invalid

Record = TypeVar("Record")

# The compliance rule whose stored setting (switched off, grace days) also bounds work after the term.
TERM_RULE = "AGR-TERM"
# A group comes with its teams' members and their accounts: the rules read the memberships, and the
# pages name the members (one statement for them all, not one per person).
WITH_MEMBERS = authz.group_access().selectinload(Membership.user)


def today() -> date:
    """The platform's date (UTC): due dates, terms and memberships are all counted in it."""
    return utcnow().date()


def load_visible(actor: User | None, group_id: int) -> tuple[User, JointGroup]:
    """The caller and the group, if the caller may see it (NotFound otherwise); noted for the audit."""
    actor, group = authz.require_group(actor, db.session.get(JointGroup, group_id, options=[WITH_MEMBERS]))
    note(object_type="group", object_id=group.id, group_id=group.id)
    return actor, group


def visible_groups(actor: User) -> list[JointGroup]:
    """The groups `authz.can_view_group` lets the caller see, by code: from a superset found by SQL,
    with what the rule reads loaded for all of them at once."""
    stmt = select(JointGroup).options(authz.group_access()).order_by(JointGroup.code)
    if not actor.has_role(Role.ADMIN):
        member_of = select(Membership.group_id).where(Membership.user_id == actor.id, Membership.ends_on.is_(None))
        observes = true() if actor.has_role(Role.LEGAL_OFFICER) else false()  # narrowed by can_view_group
        stmt = stmt.where(or_(JointGroup.id.in_(member_of), JointGroup.head_id == actor.id,
                              JointGroup.created_by_id == actor.id, observes))
    return [group for group in db.session.scalars(stmt) if authz.can_view_group(actor, group)]


def load_in_group(actor: User | None, model: type[Record], record_id: int,
                  object_type: str) -> tuple[User, Record]:
    """The caller and a record of a group (a task, an instruction, an item...), if the caller may see
    its group (NotFound otherwise, as for a missing id); noted for the audit."""
    record = db.session.get(model, record_id)
    actor, _ = authz.require_group(actor, record.group if record else None)
    note(object_type=object_type, object_id=record.id, group_id=record.group_id)
    return actor, record


def current_members(group: JointGroup) -> dict[int, Membership]:
    """The group's current members (every team), by user id."""
    return {m.user_id: m for team in group.teams for m in team.current_members}


def person(user: User | None) -> dict | None:
    """A person as the group's records and notices name them (the API's PersonSchema has the same fields)."""
    return None if user is None else {"id": user.id, "username": user.username, "full_name": user.full_name}


def audience(group: JointGroup) -> set[int]:
    """Who hears of the group's changes: its current members, its head and its creator."""
    return set(current_members(group)) | {group.head_id, group.created_by_id} - {None}


def announce(group: JointGroup, event_type: str, data: dict, *, also: set[int] = frozenset()) -> None:
    """Send a Socket.IO `event` about the group to everyone who may see it, after commit."""
    for user_id in audience(group) | set(also):
        notify.emit_after_commit("event", {"type": event_type, "group_id": group.id, "data": data},
                                 room=notify.user_room(user_id))


def record(group: JointGroup, actor: User | None, event: str, *, also: set[int] = frozenset(), **details) -> None:
    """Add to the group's timeline and tell every member's open pages (and those `also` told), after commit."""
    db.session.add(GroupEvent(group=group, actor_id=actor.id if actor else None, kind=event,
                              details={key: value for key, value in details.items() if value is not None}))
    announce(group, event if "." in event else f"group.{event}", details,
             also=set(also) | ({details["user_id"]} if details.get("user_id") else set()))


# --- the optimistic version check ------------------------------------------------------------

class Versioned(Protocol):
    version: int


def changed_meanwhile(what, current: int) -> Conflict:
    """409 for a write based on a version older than `current`; `what` names the record ("task")."""
    return Conflict(_l("The %(what)s was changed meanwhile (now version %(v)s). Reload and try again.",
                       what=what, v=current), fields={"version": str(current)})


def check_version(record: Versioned, version: int | None, what) -> None:
    """The caller must send the version it read (422 without one) and it must still be the record's (409)."""
    if version is None:
        raise Invalid(fields={"version": _l("Send the version you read.")})
    if version != record.version:
        raise changed_meanwhile(what, record.version)


# --- may the group work today? ---------------------------------------------------------------

def halted_refusal(group: JointGroup) -> authz.Refusal:
    """What every write in a group shares: a closed group's records are final (`group_closed`, as
    authz.closed_refusal), a suspended group changes nothing until it is active again (`group_suspended`)."""
    if group.status == GroupStatus.SUSPENDED:
        return Conflict(_l("The group is suspended: nothing can change in it until it is active again."),
                        code="group_suspended")
    return authz.closed_refusal(group)


def require_not_halted(group: JointGroup) -> None:
    authz.refuse(halted_refusal(group))


def last_working_day(group: JointGroup) -> date | None:
    """The last day work is allowed under the group's term: its end plus the grace days of the
    AGR-TERM rule as the compliance engine reads it; None when there is no end or the rule is off."""
    params = engine.rule_params(TERM_RULE)
    if group.ends_on is None or params is None:
        return None
    return group.ends_on + timedelta(days=params["grace_days"])


def unworkable_refusal(group: JointGroup, *, on: date | None = None) -> authz.Refusal:
    """Tasks, evidence and instructions are worked on only in an active group within its term
    (AGR-CLOSED, AGR-TERM): one 409 code per cause, the same from every door."""
    if halted := halted_refusal(group):
        return halted
    if group.status != GroupStatus.ACTIVE:
        return Conflict(_l("The group is not active yet: nothing can be done in it before it is active."),
                        code="group_not_active")
    day = on or today()
    if group.starts_on is not None and day < group.starts_on:
        return Conflict(_l("The group's term starts on %(start)s: nothing can be done in it before then (AGR-TERM).",
                           start=group.starts_on.isoformat()), code="group_term_not_started")
    last = last_working_day(group)
    if last is not None and day > last:
        return Conflict(_l("The group's term ended on %(end)s (work was allowed until %(last)s): nothing more can "
                           "be done in it without an extension decision (AGR-TERM).",
                           end=group.ends_on.isoformat(), last=last.isoformat()), code="group_term_ended")
    return None


def require_workable(group: JointGroup, *, on: date | None = None) -> None:
    authz.refuse(unworkable_refusal(group, on=on))
