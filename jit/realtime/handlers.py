"""Socket.IO handlers on the default namespace.

Imported by `create_app` before `socketio.init_app`, so that every app built by the factory has
them (a late registration leaves the connect handler out and lets anonymous clients in).
`login_required` and `before_request` do not run for socket events: each handler identifies
the caller and lets the service layer decide, and binds the audit origin itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import emit, join_room

from jit import notify
from jit.extensions import socketio
from jit.realtime import liveness
from jit.services import audit, channels, notifications, sockets, tokens, values
from jit.services.errors import DomainError, Invalid


def _bind_origin() -> None:
    audit.bind_origin(request.remote_addr, uuid.uuid4().hex)


@socketio.on("connect")
def connect(auth=None):
    """Accept a client with `auth={"token": ...}` or a signed-in session cookie; refuse others."""
    _bind_origin()
    token = None
    presented = auth.get("token") if isinstance(auth, dict) else None
    if presented:
        token = tokens.token_record(presented)
        user = token.user if token else None
    else:
        user = current_user._get_current_object() if current_user.is_authenticated else None
    try:
        sockets.open_connection(user, request.sid, server_id=liveness.server_id(), token=token,
                                session_key=None if token else session.get("key"))
    except DomainError as refusal:
        raise ConnectionRefusedError(refusal.code) from None
    join_room(notify.user_room(user.id))
    # Whatever changed between the page's rendering and this connection (or while it was down) went
    # unheard: the page's badges start again from the counts as they stand now.
    emit("counts", {"notifications": notifications.unread_count(user), "messages": channels.unread_total(user)})


@socketio.on("disconnect")
def disconnect(reason=None):
    _bind_origin()
    sockets.close_connection(request.sid)


# --- channels: each event answers with an ack {ok: true, ...} or {ok: false, error: {code, message}} ---

def _caller(*, activity: bool = False):
    """The socket's user while its connection record stands, its token is valid and its browser
    session has not ended or expired (checked like a page request). `activity`: the user did this
    (typing, sending), which counts towards the session's idle limit."""
    return sockets.connection_user(request.sid, activity=activity)


def _number(data, name: str, *, default: int | None = None) -> int:
    value = data.get(name, default) if isinstance(data, dict) else default
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid(fields={name: _l("A whole number, 0 or more.")})
    return value


def _answer(data, handle: Callable[[], dict]) -> dict:
    """Run `handle` on an event's `data`, which must hold only what can be stored (as a request's
    body must: jit/services/values.py), and answer with its result or its refusal."""
    _bind_origin()
    try:
        values.require_storable(data)
        return {"ok": True, **handle()}
    except DomainError as refusal:
        return {"ok": False, "error": {"code": refusal.code, "message": str(refusal.message),
                                       "fields": {name: str(why) for name, why in refusal.fields.items()}}}


@socketio.on("subscribe")
def subscribe(data=None):
    """Join a channel and get everything after `after_seq`. The socket is in the room before the
    missed messages are read, so a message stored meanwhile comes live or in `missed` (possibly
    both: clients drop a sequence number they already have)."""

    def handle() -> dict:
        user, channel_id = _caller(), _number(data, "channel_id")
        after_seq = _number(data, "after_seq", default=0)
        channels.subscribe(user, channel_id, sid=request.sid)
        caught_up = channels.catch_up(user, channel_id, after_seq=after_seq)
        return {"last_seq": caught_up.last_seq, "more": caught_up.more,
                "missed": [channels.message_payload(message) for message in caught_up.messages]}

    return _answer(data, handle)


@socketio.on("unsubscribe")
def unsubscribe(data=None):
    def handle() -> dict:
        channels.unsubscribe(_caller(), _number(data, "channel_id"), sid=request.sid)
        return {}

    return _answer(data, handle)


@socketio.on("send")
def send(data=None):
    def handle() -> dict:
        fields = data if isinstance(data, dict) else {}
        body, client_msg_id = fields.get("body"), fields.get("client_msg_id")
        if not isinstance(body, str) or not isinstance(client_msg_id, str | None):
            raise Invalid(fields={"body": _l("Text is expected.")})
        message = channels.send(_caller(activity=True), _number(data, "channel_id"), body,
                                client_msg_id=client_msg_id)
        return {"message": channels.message_payload(message)}

    return _answer(data, handle)


@socketio.on("typing")
def typing(data=None):
    def handle() -> dict:
        return {"sent": channels.typing(_caller(activity=True), _number(data, "channel_id"), sid=request.sid)}

    return _answer(data, handle)


@socketio.on("read")
def read(data=None):
    def handle() -> dict:
        summary = channels.mark_read(_caller(), _number(data, "channel_id"), _number(data, "seq"))
        return {"last_read_seq": summary.last_read_seq, "unread": summary.unread}

    return _answer(data, handle)
