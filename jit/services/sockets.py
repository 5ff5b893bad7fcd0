"""Bookkeeping of open socket connections: who is connected, under which token."""

from __future__ import annotations

from sqlalchemy import delete, select

from jit import notify
from jit.extensions import db
from jit.models import ApiToken, SocketConnection, User
from jit.services import authz


def open_connection(actor: User | None, sid: str, token: ApiToken | None) -> SocketConnection:
    """Record a connection of a signed-in user (refused otherwise)."""
    actor = authz.require_user(actor)
    connection = SocketConnection(sid=sid, user_id=actor.id, token_id=token.id if token else None)
    db.session.add(connection)
    db.session.commit()
    return connection


def close_connection(sid: str) -> None:
    db.session.execute(delete(SocketConnection).where(SocketConnection.sid == sid))
    db.session.commit()


def disconnect_token_sockets(token: ApiToken) -> None:
    """Queue the disconnection of every socket opened with `token` (runs after commit)."""
    sids = list(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.token_id == token.id)))
    if sids:
        notify.disconnect_after_commit(sids)
