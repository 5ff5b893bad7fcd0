"""The only module that emits to Socket.IO clients (DESIGN.md).

Services queue emissions here; they go out only after the database transaction commits and are
dropped if it rolls back, so a client never hears of a change that did not happen. With
SOCKETIO_MESSAGE_QUEUE set, `socketio` publishes through Redis, so any process (a web worker,
a CLI command) reaches clients connected to any other process.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from jit.extensions import db, socketio

_PENDING_KEY = "jit_pending_emissions"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def channel_room(channel_id: int) -> str:
    return f"channel:{channel_id}"


def _queue(action: Callable[[], None]) -> None:
    session = db.session()
    # The emission belongs to a transaction: begin one if none is open, so that a rollback
    # (which is a no-op, firing no event, without one) still discards it.
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_PENDING_KEY, []).append(action)


def emit_after_commit(event_name: str, data: dict, *, room: str, skip_sid: str | None = None) -> None:
    """Send `event_name` to `room` (but not to `skip_sid`) once the current transaction has committed."""
    _queue(lambda: socketio.emit(event_name, data, to=room, skip_sid=skip_sid))


def join_after_commit(sid: str, room: str) -> None:
    """Put a socket into `room` once the current transaction has committed (before anything queued
    after this call is sent, so the socket hears it)."""

    def join() -> None:
        # The socket may have disconnected between the commit and now: then there is nothing to join.
        with contextlib.suppress(ValueError):
            socketio.server.enter_room(sid, room, namespace="/")

    _queue(join)


def leave_after_commit(sids_and_rooms: list[tuple[str, str]]) -> None:
    """Take sockets out of rooms once the current transaction has committed.

    With a message queue, a sid held by another process leaves the room there.
    """

    def leave() -> None:
        for sid, room in sids_and_rooms:
            socketio.server.leave_room(sid, room, namespace="/")

    _queue(leave)


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
    # Handlers that run synchronously here (a disconnect handler, say) start afresh: an empty
    # context, so that the use case that just committed is not taken for theirs (they would join
    # it and never commit), and a new app context, so that they get a database session of their
    # own (the committing one can take no SQL until it ends).
    contextvars.Context().run(_run, current_app._get_current_object(), actions)


def _run(app, actions: list[Callable[[], None]]) -> None:
    with app.app_context():
        for action in actions:
            action()


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    session.info.pop(_PENDING_KEY, None)
