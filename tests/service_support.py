"""What the service-layer tests share: the cast's people as rows, what a use case recorded
(its audit events, the group's timeline), and a watch for one transaction waiting on another's lock."""

from __future__ import annotations

import time

from sqlalchemy import select, text

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


LOCK_WAIT_TIMEOUT = 10.0


def wait_until_a_transaction_waits_on_a_lock() -> bool:
    """True once another session of this database is blocked on a lock (bounded by LOCK_WAIT_TIMEOUT)."""
    deadline = time.monotonic() + LOCK_WAIT_TIMEOUT
    # Autocommit: PostgreSQL keeps one snapshot of pg_stat_activity for a whole transaction, so
    # polls inside one transaction would never see the other session start waiting.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'")).scalar()
            if waiting:
                return True
            time.sleep(0.02)
    return False
