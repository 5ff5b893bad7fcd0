"""Sockets left behind by a stopped server process: the processes still running forget them (they
stop counting as present), and a process that was itself taken for stopped drops its sockets so
that its clients reconnect and are recorded again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jit.extensions import db
from jit.models import AuditEvent, ChannelSubscription, SocketConnection, SocketServer
from jit.models.types import utcnow
from jit.realtime import liveness
from tests.channels_support import active_group_with_member, channels_of
from tests.realtime.test_channels import connect, received, subscribe


@pytest.fixture
def general(cast) -> int:
    group = active_group_with_member(cast)
    return channels_of(cast, group["id"], "by_head")["general"]["id"]


def _this_process(app) -> str:
    with app.app_context():
        return liveness.server_id()


def _socket_elsewhere(app, user_id: int, channel_id: int, *, silent_for: timedelta) -> None:
    """A socket of `user_id` in the channel, held by another process last heard of `silent_for` ago."""
    with app.app_context():
        heard = utcnow() - silent_for
        for row in (SocketServer(id="elsewhere", started_at=heard, seen_at=heard),
                    SocketConnection(sid="sid-elsewhere", user_id=user_id, server_id="elsewhere"),
                    ChannelSubscription(sid="sid-elsewhere", channel_id=channel_id)):
            db.session.add(row)
            db.session.flush()  # in this order: each refers to the one before
        db.session.commit()


def test_the_sockets_of_a_silent_process_are_forgotten_and_presence_is_told(app, cast, general):
    watcher = connect(app, cast, "by_head")
    assert subscribe(watcher, general)["ok"]
    server = _this_process(app)
    _socket_elsewhere(app, cast.ids["kz_member"], general, silent_for=timedelta(seconds=4))
    watcher.get_received()

    with app.app_context():
        liveness.beat(server, every=1)  # silent for 4 s: more than three beats
        assert db.session.scalars(select(SocketServer.id)).all() == [server]
        assert db.session.get(SocketConnection, "sid-elsewhere") is None
        subscribed = select(SocketConnection.user_id).join(ChannelSubscription)
        assert db.session.scalars(subscribed).all() == [cast.ids["by_head"]]
        gone = db.session.scalars(select(AuditEvent.details).where(AuditEvent.operation == "socket.servers_gone")).all()
    assert gone == [{"sockets": 1}]
    assert received(watcher, "presence") == [{"channel_id": general, "user_ids": [cast.ids["by_head"]]}]
    watcher.disconnect()


def test_a_process_heard_of_lately_keeps_its_sockets(app, cast, general):
    server = _this_process(app)
    _socket_elsewhere(app, cast.ids["kz_member"], general, silent_for=timedelta(seconds=2))
    with app.app_context():
        liveness.beat(server, every=1)  # two beats missed: not yet taken for stopped
        assert db.session.get(SocketConnection, "sid-elsewhere") is not None
        assert db.session.get(SocketServer, "elsewhere") is not None


def test_a_process_taken_for_stopped_disconnects_its_sockets_to_be_recorded_again(app, cast, general):
    socket = connect(app, cast, "by_head")
    server = _this_process(app)
    with app.app_context():
        # Another process forgot this one (it could not beat for a while): its records are gone.
        db.session.delete(db.session.get(SocketServer, server))
        db.session.commit()
        liveness.beat(server, every=1)
        assert db.session.get(SocketServer, server) is not None  # alive again
    assert not socket.is_connected()
    again = connect(app, cast, "by_head")
    assert subscribe(again, general)["ok"]
    again.disconnect()
