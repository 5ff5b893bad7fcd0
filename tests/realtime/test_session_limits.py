"""A browser session's sockets obey the same idle and absolute limits as its pages: an expired
session cannot connect, its sockets' events are refused and the sockets are closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from jit.extensions import db, socketio
from jit.models import AuditEvent, UserSession
from jit.realtime import liveness
from tests.channels_support import active_group_with_member, channels_of
from tests.conftest import Clock, sign_in_page
from tests.groups_support import make_cast
from tests.realtime.test_channels import connect, subscribe

EXPIRED = {"ok": False, "error": {"code": "unauthenticated", "message": "Your session has expired. Sign in again.",
                                  "fields": {}}}


@pytest.fixture
def app(make_app):
    """One minute idle, as in the finding, and ten minutes in all (twelve hours of it would only be slower)."""
    return make_app(JIT_SESSION_IDLE_TIMEOUT=timedelta(minutes=1), JIT_SESSION_MAX_AGE=timedelta(minutes=10))


@pytest.fixture
def general(app, clock: Clock) -> tuple:
    cast = make_cast(app)
    group = active_group_with_member(cast)
    return cast, channels_of(cast, group["id"], "by_head")["general"]["id"]


def browser_socket(cast, who: str = "by_head"):
    browser = cast.browser(who)
    socket = socketio.test_client(cast.app, flask_test_client=browser, headers={"Accept-Language": "en"})
    assert socket.is_connected()
    return browser, socket


def test_an_idle_session_cannot_connect_a_socket(app, make_user, clock: Clock):
    browser = app.test_client()
    sign_in_page(browser, make_user())
    clock.advance(minutes=2)
    assert not socketio.test_client(app, flask_test_client=browser).is_connected()
    assert browser.get("/api/v1/me").status_code == 401


def test_an_idle_sessions_socket_is_refused_and_closed(general, clock: Clock):
    cast, channel = general
    browser, socket = browser_socket(cast)
    assert subscribe(socket, channel)["ok"]
    clock.advance(minutes=2)

    assert subscribe(socket, channel) == EXPIRED
    assert not socket.is_connected()
    assert browser.get("/api/v1/me").status_code == 401


def test_typing_keeps_a_session_alive_but_not_past_its_absolute_limit(general, clock: Clock):
    cast, channel = general
    browser, socket = browser_socket(cast)
    assert subscribe(socket, channel)["ok"]
    for _ in range(19):  # something typed every 30 s for 9 min 30 s, no page loaded
        clock.advance(seconds=30)
        assert socket.emit("typing", {"channel_id": channel}, callback=True)["ok"]
    assert browser.get("/api/v1/me").status_code == 200  # the typing counted as activity
    clock.advance(seconds=31)  # idle for less than a minute, but 10 min 1 s in all
    assert socket.emit("typing", {"channel_id": channel}, callback=True) == EXPIRED
    assert not socket.is_connected()


def test_the_heartbeat_closes_the_sockets_of_a_session_that_lapsed(general, clock: Clock):
    cast, channel = general
    _, socket = browser_socket(cast)
    _, other_user_socket = browser_socket(cast, "kz_head")
    with cast.app.app_context():
        server = liveness.server_id()
    clock.advance(seconds=45)
    other_user_socket.emit("typing", {"channel_id": channel}, callback=True)  # kz_head stays active
    clock.advance(seconds=30)

    with cast.app.app_context():
        liveness.beat(server, every=15)
        reasons = dict(db.session.execute(db.select(UserSession.user_id, UserSession.end_reason)).all())
    assert not socket.is_connected()
    assert other_user_socket.is_connected()
    assert reasons[cast.ids["by_head"]] == "idle" and reasons[cast.ids["kz_head"]] is None
    other_user_socket.disconnect()


def test_a_socket_whose_session_ended_unheard_is_closed_at_its_next_event(general):
    """Ending a session closes its sockets after commit; should that be missed (another process's
    message lost), the socket's next event finds the session ended, and closes it."""
    cast, channel = general
    _, socket = browser_socket(cast)
    with cast.app.app_context():
        record = db.session.scalars(db.select(UserSession).where(UserSession.user_id == cast.ids["by_head"])).one()
        record.ended_at, record.end_reason = record.started_at, "revoked"
        db.session.commit()
    assert socket.is_connected()

    refused = subscribe(socket, channel)
    assert (refused["ok"], refused["error"]["message"]) == (False, "Your session has ended. Sign in again.")
    assert not socket.is_connected()
    with cast.app.app_context():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.operation == "socket.refused")).one()
    assert (event.user_id, event.outcome) == (cast.ids["by_head"], "denied")


def test_a_tokens_socket_ends_with_the_token(general, clock: Clock):
    cast, channel = general
    socket = connect(cast.app, cast, "by_head")
    assert subscribe(socket, channel)["ok"]
    clock.advance(hours=12, seconds=1)  # the token's lifetime
    assert subscribe(socket, channel)["error"]["code"] == "unauthenticated"
    assert not socket.is_connected()
