"""Sockets are recorded in the database, so that every process sees who is present and can cut
anyone's access (each beat also cuts the sockets of browser sessions that lapsed). A process that
stops without closing its sockets (killed, restarted) would leave them present for ever. So each
process, from its first socket on, says it is alive every JIT_SOCKET_HEARTBEAT_SECONDS and
forgets the sockets of any process silent for SILENT_BEATS beats; one that exits cleanly forgets
its own at once."""

from __future__ import annotations

import atexit
import logging
import threading
import uuid
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from jit.extensions import db, socketio
from jit.services import sessions, sockets

SILENT_BEATS = 3
_EXTENSION = "jit.socket_server"
_registering = threading.Lock()
log = logging.getLogger(__name__)


def server_id() -> str:
    """This process's id as a socket server: registered on the first call, beating from then on."""
    app = current_app._get_current_object()
    with _registering:
        known = app.extensions.get(_EXTENSION)
        if known is None:
            known = uuid.uuid4().hex
            every = app.config["JIT_SOCKET_HEARTBEAT_SECONDS"]
            sockets.heartbeat(known, silent_after=_silence(every))  # registers; the silent ones wait for a beat
            app.extensions[_EXTENSION] = known
            if every > 0:  # off in tests that build many apps: each would keep a thread beating
                socketio.start_background_task(_beat, app, known, every)
                atexit.register(_retire, app, known)
    return known


def _silence(every: float) -> timedelta:
    """How long a process beating every `every` seconds may stay silent before it is taken for stopped."""
    return timedelta(seconds=SILENT_BEATS * every)


def _beat(app: Flask, server: str, every: float) -> None:
    while True:
        socketio.sleep(every)
        with app.app_context():
            try:
                beat(server, every)
            except SQLAlchemyError as error:  # the database is away: try again at the next beat
                db.session.rollback()
                log.warning("socket heartbeat failed: %s", error)


def beat(server: str, every: float) -> None:
    """One beat: say this process is alive, forget the processes that fell silent, and close the
    sockets of browser sessions that idled out or grew too old meanwhile. If this process had
    itself been taken for stopped (it could not beat for a while), its sockets' records are gone:
    it disconnects them, and its clients reconnect and catch up."""
    known, silent = sockets.heartbeat(server, silent_after=_silence(every))
    if silent:
        sockets.forget_servers(silent)
    sessions.expire_lapsed_with_sockets()
    if not known:
        log.warning("this process was taken for stopped; disconnecting its sockets so that they reconnect")
        for sid, _ in list(socketio.server.manager.get_participants("/", None)):
            socketio.server.disconnect(sid, namespace="/")


def _retire(app: Flask, server: str) -> None:
    with app.app_context():
        try:
            sockets.forget_servers([server])
        except SQLAlchemyError as error:  # the others will forget it after SILENT_BEATS beats
            log.warning("could not forget this process's sockets at exit: %s", error)
