"""Open Socket.IO connections, so that a revoked token's sockets can be found and closed from
any server process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jit.extensions import db
from jit.models.types import UTCDateTime, utcnow


class SocketConnection(db.Model):
    __tablename__ = "socket_connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    # The browser session the socket came from (a random key kept in the session), so that
    # signing out closes that session's sockets.
    session_key: Mapped[str | None] = mapped_column(String(64), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
