"""The only module that emits to Socket.IO clients (DESIGN.md).

Services queue emissions here; they go out only after the database transaction commits and are
dropped if it rolls back, so a client never hears of a change that did not happen. With
SOCKETIO_MESSAGE_QUEUE set, `socketio` publishes through Redis, so any process (a web worker,
a CLI command) reaches clients connected to any other process.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from jit.extensions import db, socketio

_PENDING_KEY = "jit_pending_emissions"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def _queue(action: Callable[[], None]) -> None:
    session = db.session()
    # The emission belongs to a transaction: begin one if none is open, so that a rollback
    # (which is a no-op, firing no event, without one) still discards it.
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_PENDING_KEY, []).append(action)


def emit_after_commit(event_name: str, data: dict, *, room: str) -> None:
    """Send `event_name` to `room` once the current transaction has committed."""
    _queue(lambda: socketio.emit(event_name, data, to=room))


def disconnect_after_commit(sids: list[str]) -> None:
    """Close these socket connections once the current transaction has committed.

    With a message queue, a sid held by another process is disconnected there.
    """

    def disconnect() -> None:
        for sid in sids:
            socketio.server.disconnect(sid, namespace="/")

    _queue(disconnect)


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    actions = session.info.pop(_PENDING_KEY, [])
    if not actions:
        return
    # A fresh app context gives handlers that run synchronously here (a disconnect handler,
    # say) their own database session: the committing one can take no SQL until it ends.
    with current_app.app_context():
        for action in actions:
            action()


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)
