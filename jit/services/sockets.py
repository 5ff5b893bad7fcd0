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
from jit.services import audit, authz, channels, sessions
from jit.services.audit import note, use_case
from jit.services.errors import Unauthenticated


@use_case("socket.connect")
def open_connection(actor: User | None, sid: str, *, server_id: str, token: ApiToken | None = None,
                    session_key: str | None = None) -> SocketConnection:
    """Record a connection of a signed-in user (refused otherwise), held by the process `server_id`:
    with a token, or with the key of a browser session that still stands (connecting is not
    activity: a page left open reconnects by itself)."""
    actor = authz.require_user(actor)
    browser_session = None if token else sessions.check(sessions.find(session_key, actor.id), activity=False)
    note(object_type="socket", object_id=sid)
    connection = SocketConnection(sid=sid, user_id=actor.id, token_id=token.id if token else None,
                                  session_id=browser_session.id if browser_session else None, server_id=server_id)
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


def connection_user(sid: str, *, activity: bool = False) -> User | None:
    """Who opened this socket, while its connection record stands (a revoked token's is gone),
    its token is valid and its browser session stands. `activity`: the event is something the
    user did, which keeps the session from idling out. A socket found without standing is refused
    (Unauthenticated), audited, and closed, whatever missed closing it before."""
    connection = db.session.get(SocketConnection, sid)
    if connection is None:
        return None
    user = db.session.get(User, connection.user_id)
    try:
        if connection.session_id is not None:
            sessions.resume_by_id(connection.session_id, activity=activity)
        elif connection.token_id is not None and not db.session.get(ApiToken, connection.token_id).is_valid_at(
                utcnow()):
            raise Unauthenticated()
    except Unauthenticated as refusal:
        notify.disconnect_after_commit([sid])
        audit.record_event("socket.refused", actor=user, outcome=audit.DENIED, object_type="socket", object_id=sid,
                           code=refusal.code)  # commits, and the socket closes
        raise
    return user


def _disconnect(stmt: Select) -> None:
    sids = list(db.session.scalars(stmt))
    if sids:
        notify.disconnect_after_commit(sids)


def disconnect_token_sockets(token: ApiToken) -> None:
    """Queue the disconnection of every socket opened with `token` (runs after commit)."""
    _disconnect(select(SocketConnection.sid).where(SocketConnection.token_id == token.id))


def disconnect_user_sockets(user: User) -> None:
    _disconnect(select(SocketConnection.sid).where(SocketConnection.user_id == user.id))
