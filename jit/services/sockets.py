"""Bookkeeping of open socket connections: who is connected, with which token or session, so
that ending a token, a session or an account closes its sockets from any server process."""

from __future__ import annotations

from sqlalchemy import Select, delete, select

from jit import notify
from jit.extensions import db
from jit.models import ApiToken, SocketConnection, User
from jit.services import authz, channels
from jit.services.audit import note, use_case


@use_case("socket.connect")
def open_connection(actor: User | None, sid: str, *, token: ApiToken | None = None,
                    session_key: str | None = None) -> SocketConnection:
    """Record a connection of a signed-in user (refused otherwise)."""
    actor = authz.require_user(actor)
    note(object_type="socket", object_id=sid)
    connection = SocketConnection(sid=sid, user_id=actor.id, token_id=token.id if token else None,
                                  session_key=session_key)
    db.session.add(connection)
    return connection


@use_case("socket.disconnect")
def close_connection(sid: str) -> None:
    connection = db.session.get(SocketConnection, sid)
    if connection is not None:
        note(actor=db.session.get(User, connection.user_id), object_type="socket", object_id=sid)
        channels.forget_socket(sid)
        db.session.execute(delete(SocketConnection).where(SocketConnection.sid == sid))


def connection_user(sid: str) -> User | None:
    """Who opened this socket, while its connection record stands (a revoked token's is gone)."""
    connection = db.session.get(SocketConnection, sid)
    return db.session.get(User, connection.user_id) if connection is not None else None


def _disconnect(stmt: Select) -> None:
    sids = list(db.session.scalars(stmt))
    if sids:
        notify.disconnect_after_commit(sids)


def disconnect_token_sockets(token: ApiToken) -> None:
    """Queue the disconnection of every socket opened with `token` (runs after commit)."""
    _disconnect(select(SocketConnection.sid).where(SocketConnection.token_id == token.id))


def disconnect_session_sockets(session_key: str) -> None:
    _disconnect(select(SocketConnection.sid).where(SocketConnection.session_key == session_key))


def disconnect_user_sockets(user: User) -> None:
    _disconnect(select(SocketConnection.sid).where(SocketConnection.user_id == user.id))
