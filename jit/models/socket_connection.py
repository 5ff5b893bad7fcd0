"""Open Socket.IO connections, so that a revoked token's sockets can be found and closed from
any server process, and the server processes holding them, so that the sockets of a process that
stopped are not taken as present for ever."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jit.extensions import db
from jit.models.types import UTCDateTime, utcnow


class SocketServer(db.Model):
    """A server process holding sockets: it says it is alive every JIT_SOCKET_HEARTBEAT_SECONDS
    (`seen_at`); the others forget the sockets of one that fell silent."""

    __tablename__ = "socket_servers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SocketConnection(db.Model):
    __tablename__ = "socket_connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    # The browser session the socket came from: its limits apply to the socket, and ending it
    # closes the socket.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("user_sessions.id", ondelete="CASCADE"), index=True)
    server_id: Mapped[str] = mapped_column(ForeignKey("socket_servers.id", ondelete="CASCADE"), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
