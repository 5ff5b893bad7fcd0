"""A server restarted while clients are connected: one production-style process on a fixed port is
stopped and a new one started on the same port, against the same PostgreSQL database. Clients that
behave like static/js/chat.js reconnect on their own, send again what was not answered, catch up
from the last number they hold, and end with every message once, in order; the sockets that went
with the stopped process are not shown as online."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections import Counter

import pytest
import socketio as socketio_client

from tests.channels_support import active_group_with_member, bodies, channels_of, token
from tests.realtime.servers import ON_POSTGRESQL, free_port, gunicorn, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres, ON_POSTGRESQL]


class ChatClient:
    """A python-socketio client doing what chat.js does: it keeps the channel's messages by number;
    on every (re)connect it sends again each send not answered yet, with the same client id, and
    subscribes with `after_seq` = the last number it holds."""

    def __init__(self, url: str, token: str, channel_id: int):
        self.url, self.channel_id = url, channel_id
        self.held: dict[int, dict] = {}  # seq → message
        self.heard: Counter[int] = Counter()  # seq → times it came, live or in a catch-up
        self.catch_ups: list[tuple[int, list[int]]] = []  # (after_seq asked, seqs it brought)
        self.unsent: dict[str, str] = {}  # client id → body, until the send is answered
        self.answers: dict[str, dict] = {}  # client id → the message its answer carried
        self.connects = 0
        self.present: list[int] = []  # the channel's last presence: who is online
        self.online = threading.Event()
        self.online.set()
        self.lock = threading.Lock()  # each event and ack runs on its own thread
        self.client = socketio_client.Client(reconnection=True, reconnection_delay=0.1, reconnection_delay_max=0.2,
                                             randomization_factor=0)
        self.client.on("connect", self.connected)
        self.client.on("message", lambda message: self.keep([message]))
        self.client.on("presence", lambda presence: setattr(self, "present", presence["user_ids"]))
        self.client.connect(self.address, auth={"token": token}, transports=["websocket"], wait_timeout=10)

    def address(self) -> str:
        # Asked on every attempt: while this client's network is down, its attempts fail.
        if not self.online.is_set():
            raise socketio_client.exceptions.ConnectionError("network down")
        return self.url

    def connected(self) -> None:
        with self.lock:
            self.connects += 1
            after_seq = max(self.held, default=0)
            retries = list(self.unsent.items())
        for client_msg_id, body in retries:
            self.deliver(client_msg_id, body)
        self.client.emit("subscribe", {"channel_id": self.channel_id, "after_seq": after_seq},
                         callback=lambda ack: self.caught_up(after_seq, ack))

    def caught_up(self, after_seq: int, ack: dict) -> None:
        self.keep(ack["missed"])
        with self.lock:
            self.catch_ups.append((after_seq, [message["seq"] for message in ack["missed"]]))

    def keep(self, messages: list[dict]) -> None:
        with self.lock:
            for message in messages:
                self.held[message["seq"]] = message
                self.heard[message["seq"]] += 1

    def send(self, body: str, *, answer_lost: bool = False) -> str:
        """Kept until answered. `answer_lost`: the server gets the send but its answer never comes
        back, as when the connection drops in between."""
        client_msg_id = uuid.uuid4().hex
        with self.lock:
            self.unsent[client_msg_id] = body
        self.deliver(client_msg_id, body, answered=not answer_lost)
        return client_msg_id

    def deliver(self, client_msg_id: str, body: str, *, answered: bool = True) -> None:
        # Not connected: it stays unsent and goes on the next connect.
        with contextlib.suppress(socketio_client.exceptions.BadNamespaceError):
            self.client.emit("send", {"channel_id": self.channel_id, "body": body, "client_msg_id": client_msg_id},
                             callback=(lambda ack: self.answer(client_msg_id, ack)) if answered else None)

    def answer(self, client_msg_id: str, ack: dict) -> None:
        with self.lock:
            self.unsent.pop(client_msg_id)
            self.answers[client_msg_id] = ack["message"]

    def bodies(self) -> list[tuple[int, str]]:
        with self.lock:
            return [(seq, self.held[seq]["body"]) for seq in sorted(self.held)]


@pytest.fixture
def chat_client():
    made: list[ChatClient] = []

    def connect(*args) -> ChatClient:
        made.append(ChatClient(*args))
        return made[-1]

    yield connect
    for client in made:
        client.client.shutdown()  # also ends a reconnection loop


def test_clients_reconnect_to_a_restarted_server_and_catch_up_with_nothing_lost(cast, backend, redis_url, tmp_path,
                                                                                chat_client):
    group = active_group_with_member(cast)
    general = channels_of(cast, group["id"], "by_head")["general"]["id"]
    port = free_port()
    beating = {"JIT_SOCKET_HEARTBEAT_SECONDS": "0.5"}  # a stopped process is forgotten after 1.5 s

    with gunicorn(backend.url, redis_url, tmp_path / "first.log", port=port, **beating) as url:
        sender = chat_client(url, token(cast, "by_head"), general)
        reader = chat_client(url, token(cast, "kz_member"), general)
        assert wait_until(lambda: sender.catch_ups == reader.catch_ups == [(0, [])])
        for body in ("До перезапуска 1", "До перезапуска 2"):
            sender.send(body)
            assert wait_until(lambda: not sender.unsent)  # one at a time: numbered in the order sent
        lost = sender.send("Ответ не дошёл", answer_lost=True)
        assert wait_until(lambda: reader.bodies() == [(1, "До перезапуска 1"), (2, "До перезапуска 2"),
                                                      (3, "Ответ не дошёл")])

    assert wait_until(lambda: not (sender.client.connected or reader.client.connected))
    outage = sender.send("Пока сервера нет")  # nowhere to go: kept for the next connect
    # The reader comes back last: what is said on the new server before then reaches it only
    # through its catch-up.
    reader.online.clear()

    with gunicorn(backend.url, redis_url, tmp_path / "second.log", port=port, **beating):
        # The sender reconnects on its own and sends both again: the one already stored is answered
        # with its message, the other is stored now.
        assert wait_until(lambda: not sender.unsent)
        assert (sender.answers[lost]["seq"], sender.answers[outage]["seq"]) == (3, 4)
        sender.send("После перезапуска 1")
        assert wait_until(lambda: not sender.unsent)
        # The reader's socket went with the first process: it is not shown online meanwhile.
        assert wait_until(lambda: sender.present == [cast.ids["by_head"]]), sender.present

        reader.online.set()
        assert wait_until(lambda: len(reader.catch_ups) == 2)
        assert reader.catch_ups[1] == (3, [4, 5])
        sender.send("После перезапуска 2")  # live, to the reader's new subscription
        stored = [(1, "До перезапуска 1"), (2, "До перезапуска 2"), (3, "Ответ не дошёл"), (4, "Пока сервера нет"),
                  (5, "После перезапуска 1"), (6, "После перезапуска 2")]
        assert wait_until(lambda: reader.bodies() == stored and sender.bodies() == stored), reader.bodies()
        for client in (sender, reader):  # else the server waits out its graceful timeout on their sockets
            client.client.disconnect()

    assert bodies(cast, general, "by_head", after_seq=0) == stored  # no copy of the retried sends
    assert (sender.connects, reader.connects) == (2, 2)
    assert reader.heard == dict.fromkeys(range(1, 7), 1)  # each message came once, live or caught up
