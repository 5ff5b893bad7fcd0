"""Socket.IO handlers on the default namespace.

Imported by `create_app` before `socketio.init_app`, so that every app built by the factory has
them (a late registration leaves the connect handler out and lets anonymous clients in).
"""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from jit import notify
from jit.extensions import socketio
from jit.services import sockets, users
from jit.services.errors import DomainError


@socketio.on("connect")
def connect(auth=None):
    """Accept a client with `auth={"token": ...}` or a signed-in session cookie; refuse others."""
    token = None
    presented = auth.get("token") if isinstance(auth, dict) else None
    if presented:
        token = users.token_record(presented)
        user = token.user if token else None
    else:
        user = current_user if current_user.is_authenticated else None
    try:
        sockets.open_connection(user, request.sid, token)
    except DomainError as refusal:
        raise ConnectionRefusedError(refusal.code) from None
    join_room(notify.user_room(user.id))


@socketio.on("disconnect")
def disconnect(reason=None):
    sockets.close_connection(request.sid)
