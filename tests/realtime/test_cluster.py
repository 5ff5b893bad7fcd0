"""Scale-out: two real server processes (gunicorn, threaded worker, websocket transport) on two ports,
against one PostgreSQL database and one Redis. A message sent through one reaches a client of the
other, and a membership removal made through one cuts the subscription held by the other."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

import pytest
import requests
import socketio as socketio_client

from tests.channels_support import active_group_with_member, channels_of, token
from tests.realtime.servers import ON_POSTGRESQL, gunicorn, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, ON_POSTGRESQL]


@pytest.fixture
def two_servers(backend, redis_url, tmp_path):
    with gunicorn(backend.url, redis_url, tmp_path / "a.log") as first, \
            gunicorn(backend.url, redis_url, tmp_path / "b.log") as second:
        yield first, second


@dataclass
class Listener:
    """A python-socketio client that records what it hears, by event name."""

    client: socketio_client.Client
    heard: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def record(self, name: str, data) -> None:
        with self.arrived:
            self.heard[name].append(data)
            self.arrived.notify_all()

    def bodies(self) -> list[str]:
        return [message["body"] for message in self.heard["message"]]


def listen(url: str, token: str) -> Listener:
    listener = Listener(socketio_client.Client(reconnection=False))
    for name in ("message", "presence", "event"):
        listener.client.on(name, lambda data, name=name: listener.record(name, data))
    listener.client.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=10)
    assert listener.client.transport() == "websocket"
    return listener


def test_a_message_crosses_processes_and_a_removal_on_one_cuts_the_other(cast, two_servers):
    first, second = two_servers
    group = active_group_with_member(cast)
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    sender = listen(first, token(cast, "by_head"))
    member = listen(second, token(cast, "kz_member"))
    try:
        assert sender.client.call("subscribe", {"channel_id": general}, timeout=10)["ok"]
        assert member.client.call("subscribe", {"channel_id": general}, timeout=10)["ok"]
        # Presence is kept in the shared database: each process knows both subscribers.
        both = sorted([cast.ids["by_head"], cast.ids["kz_member"]])
        assert wait_until(lambda: {"channel_id": general, "user_ids": both} in sender.heard["presence"], 10)

        ack = sender.client.call("send", {"channel_id": general, "body": "Через Redis 🚀", "client_msg_id": "x-1"},
                                 timeout=10)
        assert ack["ok"], ack
        assert wait_until(lambda: member.bodies() == ["Через Redis 🚀"], 10), member.heard
        assert member.heard["message"] == [ack["message"]]

        # The member's removal goes through the first process's API; their socket is on the second.
        removed = requests.delete(f"{first}/api/v1/groups/{group['id']}/members/{cast.ids['kz_member']}",
                                  headers=cast.headers["kz_head"], timeout=10)
        assert removed.status_code == 204
        assert wait_until(lambda: {"channel_id": general, "user_ids": [cast.ids["by_head"]]}
                          in sender.heard["presence"], 10)
        assert sender.client.call("send", {"channel_id": general, "body": "Уже без него", "client_msg_id": "x-2"},
                                  timeout=10)["ok"]
        assert wait_until(lambda: sender.bodies() == ["Через Redis 🚀", "Уже без него"], 10)
        assert not wait_until(lambda: len(member.heard["message"]) > 1, 1.5), member.bodies()
        refused = member.client.call("subscribe", {"channel_id": general, "after_seq": 1}, timeout=10)
        assert (refused["ok"], refused["error"]["code"]) == (False, "not_found")
        assert member.client.connected  # signed in still, just out of the group
    finally:
        for listener in (sender, member):
            if listener.client.connected:
                listener.client.disconnect()
