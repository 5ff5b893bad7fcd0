"""The audit trail: every use case leaves one event, in the same transaction as its changes.

Service functions are wrapped in `use_case("operation")`. The wrapper is the use case's
transaction: on success it appends the audit event and commits both together, so a failed audit
write fails the operation (no unaudited change); on a refusal or an error it rolls the changes
back and records the outcome in a transaction of its own. Doors bind where a call comes from
(`bind_origin`) so that services never read the request themselves.

A use case that changed nothing (a read: its audit event aside) commits without expiring what it
loaded, so the door serialises the rows it eager-loaded instead of reloading each one; the next
use case in the session starts by expiring them, so it reads the database afresh as it always did.
A use case that wrote expires everything at its commit as usual: what it returns then shows what
the database holds (version counters, server-side defaults, collections changed by foreign key).
"""

from __future__ import annotations

import functools
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, event, or_, select
from sqlalchemy.orm import Session, lazyload

from jit.extensions import db
from jit.models import AuditEvent, Role, User
from jit.models.types import utcnow
from jit.services import authz, ledgers, operations
from jit.services.errors import DomainError, Invalid
from jit.services.pagination import Page, paginate

LEDGER = "audit"
OK, DENIED, ERROR = "ok", "denied", "error"
# Sign a checkpoint of the audit ledger every so many events (and whenever one is asked for).
CHECKPOINT_EVERY = 256


@dataclass
class Origin:
    """Where the current call comes from; set by the door for each request or socket event."""

    source_address: str | None = None
    request_id: str | None = None
    path: str | None = None  # "METHOD /path" of an HTTP request: kept on refusals
    audited: bool = False


@dataclass
class _Record:
    operation: str
    actor: User | None = None
    object_type: str | None = None
    object_id: str | None = None
    group_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)
    other_groups: dict[int, dict[str, Any]] = field(default_factory=dict)  # note_other_group


_origin: ContextVar[Origin | None] = ContextVar("jit_audit_origin", default=None)
_current: ContextVar[_Record | None] = ContextVar("jit_audit_record", default=None)
# session.info keys: the running use case wrote; the last one kept its rows through its commit.
_WROTE, _KEPT = "jit_use_case_wrote", "jit_use_case_kept_loaded"


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, flush_context, instances) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executing(state) -> None:
    if not state.is_select:
        state.session.info[_WROTE] = True


def bind_origin(source_address: str | None, request_id: str | None, path: str | None = None) -> Origin:
    origin = Origin(source_address=source_address, request_id=request_id, path=path)
    _origin.set(origin)
    return origin


def unbind_origin() -> None:
    """The call is over: nothing after it in this thread may be recorded as coming from it."""
    _origin.set(None)


def current_origin() -> Origin | None:
    return _origin.get()


def note(*, actor: User | None = None, object_type: str | None = None, object_id: Any = None,
         group_id: int | None = None, **details: Any) -> None:
    """Tell the running use case what it acted on (kept even if the use case is then refused)."""
    record = _current.get()
    if record is None:
        return
    if actor is not None:
        record.actor = actor
    if object_type is not None:
        record.object_type = object_type
    if object_id is not None:
        record.object_id = str(object_id)
    if group_id is not None:
        record.group_id = group_id
    record.details.update(_plain(details))


def _plain(details: dict[str, Any]) -> dict[str, Any]:
    return {key: value if isinstance(value, int | bool | None) else str(value) for key, value in details.items()}


def note_other_group(group_id: int, **details: Any) -> None:
    """The running use case concerns a second group too (a match inquiry: the inquiring and the holding
    group): once it succeeds, that group's trail gets an event of its own (same operation, actor and
    object) with these details instead of the use case's, so that each group reads what it may learn."""
    record = _current.get()
    if record is not None:
        record.other_groups[group_id] = _plain(details)


# Refusals: the caller may not (401, 403, 404), may not send this much (413) or this often (429),
# or sent a write without its CSRF token. Anything else that fails is an error.
REFUSED_STATUSES = frozenset({401, 403, 404, 413, 429})
CSRF_FAILED = "csrf_failed"


def outcome_of(status: int, code: str | None = None) -> str:
    if status < 400:
        return OK
    return DENIED if status in REFUSED_STATUSES or code == CSRF_FAILED else ERROR


def _outcome_of(error: DomainError) -> str:
    return outcome_of(error.status, error.code)


def use_case(operation: str):
    """Make a service function one audited transaction (nested calls join the outer one)."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            if _current.get() is not None:
                return function(*args, **kwargs)
            actor = kwargs.get("actor", args[0] if args else None)
            record = _Record(operation, actor=actor if isinstance(actor, User) else None)
            token = _current.set(record)
            _start()
            try:
                result = function(*args, **kwargs)
                wrote = _wrote()
                _append(record, OK)
                for group_id, details in record.other_groups.items():
                    _append(replace(record, group_id=group_id, details=details), OK)
                _commit(keep_loaded=not wrote)
                return result
            except DomainError as refusal:
                _finish_refused(record, _outcome_of(refusal), keep_changes=refusal.keep_changes,
                                code=refusal.code)
                raise
            except Exception as failure:
                _finish_refused(record, ERROR, keep_changes=False, code=type(failure).__name__)
                raise
            finally:
                _current.reset(token)

        return run

    return decorate


def _start() -> None:
    """Begin a use case from the database, not from rows an earlier read kept loaded."""
    session = db.session()
    if session.info.pop(_KEPT, False):
        session.expire_all()
    session.info[_WROTE] = False


def _wrote() -> bool:
    """Whether the use case changed anything: flushed, executed a write, or left changes to flush."""
    session = db.session()
    return session.info.pop(_WROTE, False) or bool(session.new or session.dirty or session.deleted)


def _commit(*, keep_loaded: bool) -> None:
    session = db.session()
    if not keep_loaded:
        session.commit()
        return
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring
    session.info[_KEPT] = True


def _finish_refused(record: _Record, outcome: str, *, keep_changes: bool, code: str) -> None:
    if keep_changes:
        db.session.flush()
    else:
        db.session.rollback()
    record.details.setdefault("code", code)
    _append(record, outcome)
    db.session.commit()


def record_event(operation: str, *, actor: User | None, outcome: str, **details: Any) -> AuditEvent:
    """A standalone event for what no use case covered (a request refused at the door, a socket event)."""
    record = _Record(operation, actor=actor)
    token = _current.set(record)
    try:
        note(**details)
    finally:
        _current.reset(token)
    event = _append(record, outcome)
    db.session.commit()
    return event


def _actor_is_known(actor: User | None) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.id is not None


def _append(record: _Record, outcome: str) -> AuditEvent:
    origin = _origin.get() or Origin()
    origin.audited = True
    actor = record.actor if _actor_is_known(record.actor) else None
    if outcome == DENIED and origin.path:
        record.details.setdefault("path", origin.path[:250])
    event = AuditEvent(
        occurred_at=utcnow(),
        time_zone=actor.time_zone if actor else "UTC",
        user_id=actor.id if actor else None,
        username=actor.username if actor else None,
        operation=record.operation,
        object_type=record.object_type,
        object_id=record.object_id,
        group_id=record.group_id,
        outcome=outcome,
        source_address=origin.source_address,
        request_id=origin.request_id,
        details=dict(record.details),
    )
    event.leaf_index, leaf = ledgers.append(LEDGER, ledger_entry(event))
    event.leaf_hash = leaf.hex()
    db.session.add(event)
    db.session.flush()
    if (event.leaf_index + 1) % CHECKPOINT_EVERY == 0:
        ledgers.sign_checkpoint(LEDGER)
    return event


def ledger_entry(event: AuditEvent) -> dict:
    """The exact entry the audit ledger hashes (its position in the tree is the event's order)."""
    return {
        "at": event.occurred_at.isoformat(),
        "time_zone": event.time_zone,
        "user_id": event.user_id,
        "username": event.username,
        "operation": event.operation,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "group_id": event.group_id,
        "outcome": event.outcome,
        "source_address": event.source_address,
        "request_id": event.request_id,
        "details": event.details,
    }


def verify_ledger() -> ledgers.Verification:
    """Recompute the audit ledger from the stored events (used by `flask jit verify audit`)."""
    events = db.session.execute(
        select(AuditEvent).order_by(AuditEvent.leaf_index).execution_options(yield_per=1000)
    ).scalars()
    return ledgers.verify(LEDGER, ((event.leaf_index, ledger_entry(event), event.leaf_hash) for event in events))


def _visible_events(actor: User) -> Select:
    """Admins read the whole trail; everyone else their own events (group rules join with groups)."""
    stmt = select(AuditEvent)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(AuditEvent.user_id == actor.id)
    return stmt


def readable_people(actor: User) -> list[User]:
    """Whose events the caller may read (the same rule as `_visible_events`), by name."""
    if not actor.has_role(Role.ADMIN):
        return [actor]
    # The filter offers them by name: their roles are not read.
    return list(db.session.scalars(select(User).options(lazyload(User.role_rows)).order_by(User.full_name, User.id)))


# A view (opening a page, a socket connecting) that went through: the noise a reader hides by default.
_PASSED_VIEW = and_(AuditEvent.outcome == OK, or_(AuditEvent.operation.in_(operations.VIEWS),
                                                  AuditEvent.operation.startswith(operations.REQUEST_PREFIX)))


@use_case("audit.list")
def list_events(actor: User | None, *, user_id: int | None = None, group_id: int | None = None,
                operation: str | None = None, after=None, before=None, views: bool = True,
                limit: int | None = None, cursor: str | None = None) -> Page:
    """The events the caller may read, newest first; `views=False` leaves out views that went
    through (refused ones stay: someone tried to open what they may not)."""
    actor = authz.require_user(actor)
    if after and before and after >= before:
        raise Invalid(fields={"before": _l("Must be later than 'after'.")})
    stmt = _visible_events(actor)
    if user_id is not None:
        stmt = stmt.where(AuditEvent.user_id == user_id)
    if group_id is not None:
        stmt = stmt.where(AuditEvent.group_id == group_id)
    if operation:
        stmt = stmt.where(AuditEvent.operation.startswith(operation, autoescape=True))
    if after is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= after)
    if before is not None:
        stmt = stmt.where(AuditEvent.occurred_at < before)
    if not views:
        stmt = stmt.where(~_PASSED_VIEW)
    return paginate(stmt, AuditEvent.leaf_index, limit=limit, cursor=cursor, descending=True)


@use_case("audit.ledger_checkpoint")
def checkpoint(actor: User | None):
    """Sign and return the audit ledger's current head (admins; anyone may verify it offline)."""
    authz.require_role(actor, Role.ADMIN)
    note(object_type="ledger", object_id=LEDGER)
    return ledgers.sign_checkpoint(LEDGER)


@use_case("audit.ledger_inclusion")
def inclusion(actor: User | None, leaf_index: int, tree_size: int) -> dict:
    authz.require_role(actor, Role.ADMIN)
    note(object_type="ledger", object_id=LEDGER, leaf_index=leaf_index, tree_size=tree_size)
    return ledgers.inclusion_answer(LEDGER, leaf_index, tree_size)


@use_case("audit.ledger_consistency")
def consistency(actor: User | None, first: int, second: int) -> dict:
    authz.require_role(actor, Role.ADMIN)
    note(object_type="ledger", object_id=LEDGER, first=first, second=second)
    return ledgers.consistency_answer(LEDGER, first, second)
