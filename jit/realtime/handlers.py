"""Socket.IO handlers on the default namespace.

Imported by `create_app` before `socketio.init_app`, so that every app built by the factory has
them (a late registration leaves the connect handler out and lets anonymous clients in).
`login_required` and `before_request` do not run for socket events: each handler identifies
the caller and lets the service layer decide, and binds the audit origin itself.
"""

from __future__ import annotations

import uuid

from flask import request, session
from flask_login import current_user
from flask_socketio import join_room

from jit import notify
from jit.extensions import socketio
from jit.services import audit, sockets, users
from jit.services.errors import DomainError


def _bind_origin() -> None:
    audit.bind_origin(request.remote_addr, uuid.uuid4().hex)


@socketio.on("connect")
def connect(auth=None):
    """Accept a client with `auth={"token": ...}` or a signed-in session cookie; refuse others."""
    _bind_origin()
    token = None
    presented = auth.get("token") if isinstance(auth, dict) else None
    if presented:
        token = users.token_record(presented)
        user = token.user if token else None
    else:
        user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        sockets.open_connection(user, request.sid, token=token, session_key=None if token else session.get("key"))
    except DomainError as refusal:
        raise ConnectionRefusedError(refusal.code) from None
    join_room(notify.user_room(user.id))


@socketio.on("disconnect")
def disconnect(reason=None):
    _bind_origin()
    sockets.close_connection(request.sid)
