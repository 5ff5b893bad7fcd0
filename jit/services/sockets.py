"""Bookkeeping of open socket connections: who is connected, with which token or session, so
that ending a token, a session or an account closes its sockets from any server process; and of
the server processes holding them, so that the sockets of a process that stopped without closing
them (killed, restarted) do not stay present for ever."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, delete, select

from jit import notify
from jit.extensions import db
from jit.models import ApiToken, SocketConnection, SocketServer, User
from jit.models.types import utcnow
from jit.services import authz, channels
from jit.services.audit import note, use_case


@use_case("socket.connect")
def open_connection(actor: User | None, sid: str, *, server_id: str, token: ApiToken | None = None,
                    session_key: str | None = None) -> SocketConnection:
    """Record a connection of a signed-in user (refused otherwise), held by the process `server_id`."""
    actor = authz.require_user(actor)
    note(object_type="socket", object_id=sid)
    connection = SocketConnection(sid=sid, user_id=actor.id, token_id=token.id if token else None,
                                  session_key=session_key, server_id=server_id)
    db.session.add(connection)
    return connection


@use_case("socket.disconnect")
def close_connection(sid: str) -> None:
    connection = db.session.get(SocketConnection, sid)
    if connection is not None:
        note(actor=db.session.get(User, connection.user_id), object_type="socket", object_id=sid)
        channels.forget_sockets([sid])
        db.session.execute(delete(SocketConnection).where(SocketConnection.sid == sid))


def heartbeat(server_id: str, *, silent_after: timedelta) -> tuple[bool, list[str]]:
    """The process `server_id` is alive (recorded at once, registering it if its record is gone).
    Returns whether its record was there, and the other servers silent for longer than
    `silent_after`. Bookkeeping of the processes, not an operation of anyone's: not audited."""
    now = utcnow()
    server = db.session.get(SocketServer, server_id)
    if server is None:
        db.session.add(SocketServer(id=server_id, started_at=now, seen_at=now))
    else:
        server.seen_at = now
    silent = list(db.session.scalars(select(SocketServer.id).where(SocketServer.seen_at < now - silent_after,
                                                                   SocketServer.id != server_id)))
    db.session.commit()
    return server is not None, silent


@use_case("socket.servers_gone")
def forget_servers(server_ids: list[str]) -> int:
    """Forget stopped server processes and their sockets: those users are no longer present in the
    channels the sockets were subscribed to. Returns how many sockets went."""
    note(object_type="socket_server", object_id=",".join(sorted(server_ids)))
    sids = list(db.session.scalars(select(SocketConnection.sid).where(SocketConnection.server_id.in_(server_ids))))
    channels.forget_sockets(sids)
    db.session.execute(delete(SocketConnection).where(SocketConnection.server_id.in_(server_ids)))
    db.session.execute(delete(SocketServer).where(SocketServer.id.in_(server_ids)))
    note(sockets=len(sids))
    return len(sids)


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
