"""What the service-layer tests share: the cast's people as rows, and what a use case recorded
(its audit events, the group's timeline)."""

from __future__ import annotations

from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent, GroupEvent, User


def person(cast, name: str) -> User:
    """The cast member `name`, loaded in the current app context (the actor a door would pass)."""
    return db.session.get(User, cast.ids[name])


def audited(operation: str) -> list[tuple[str, dict]]:
    """(outcome, details) of every audit event of `operation`, oldest first."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.operation == operation)
                                .order_by(AuditEvent.leaf_index))
    return [(event.outcome, event.details) for event in events]


def timeline(group_id: int) -> list[tuple[str, dict]]:
    """(kind, details) of the group's timeline, oldest first."""
    events = db.session.scalars(select(GroupEvent).where(GroupEvent.group_id == group_id).order_by(GroupEvent.id))
    return [(event.kind, event.details) for event in events]
