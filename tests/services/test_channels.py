"""The channel service under concurrency, and the edit history's protection in the database."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from jit.extensions import db
from jit.models import Message, MessageRevision, User
from jit.services import channels
from jit.services.errors import Conflict
from tests.channels_support import active_group_with_member, channels_of, post

SENDERS = ("by_head", "kz_head", "kz_member", "creator")


def _in_threads(app, work, count: int) -> list:
    """Run `work(i)` in `count` threads at once, each in an app context (and session) of its own."""
    start, results = threading.Barrier(count), [None] * count

    def run(i: int) -> None:
        with app.app_context():
            start.wait()
            try:
                results[i] = work(i)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def test_concurrent_senders_get_distinct_gapless_numbers(app, cast):
    general = channels_of(cast, active_group_with_member(cast)["id"], "by_head")["general"]["id"]

    def send_five(i: int) -> list[int]:
        author = db.session.get(User, cast.ids[SENDERS[i]])
        return [channels.send(author, general, f"{SENDERS[i]} {n}").seq for n in range(5)]

    numbers = _in_threads(app, send_five, len(SENDERS))
    assert all(each == sorted(each) for each in numbers)  # each sender's own order is kept
    assert sorted(seq for each in numbers for seq in each) == list(range(1, 21))
    with app.app_context():
        assert db.session.scalar(select(Message.seq).order_by(Message.seq.desc()).limit(1)) == 20


def test_concurrent_retries_of_one_send_store_one_message(app, cast):
    general = channels_of(cast, active_group_with_member(cast)["id"], "by_head")["general"]["id"]

    def retry(_: int) -> int:
        return channels.send(db.session.get(User, cast.ids["by_head"]), general, "Один раз", client_msg_id="same").id

    ids = _in_threads(app, retry, 4)
    assert len(set(ids)) == 1
    with app.app_context():
        assert db.session.scalars(select(Message.body)).all() == ["Один раз"]


def test_the_edit_history_cannot_be_rewritten_in_postgresql(app, cast, backend):
    if backend.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    general = channels_of(cast, active_group_with_member(cast)["id"], "by_head")["general"]["id"]
    message = post(cast, general, "by_head", "Первый текст").get_json()
    cast.api.patch(f"/api/v1/messages/{message['id']}", json={"body": "Второй текст"}, headers=cast.headers["by_head"])
    with app.app_context():
        for statement in ("UPDATE message_revisions SET previous_body = 'подмена'", "DELETE FROM message_revisions"):
            with pytest.raises(DBAPIError, match="append-only"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalars(select(MessageRevision.previous_body)).all() == ["Первый текст"]


def test_a_socket_that_has_closed_cannot_subscribe(app, cast):
    """A subscribe can arrive after its socket's disconnect was recorded (a page left mid-handshake):
    it is refused, and nothing refers to the closed socket (on PostgreSQL the insert used to break
    the subscription's foreign key)."""
    general = channels_of(cast, active_group_with_member(cast)["id"], "by_head")["general"]["id"]
    with app.app_context():
        head = db.session.get(User, cast.ids["by_head"])
        with pytest.raises(Conflict) as refused:
            channels.subscribe(head, general, sid="a-socket-that-has-closed")
        assert refused.value.code == "socket_closed"
        assert db.session.scalar(text("SELECT count(*) FROM channel_subscriptions")) == 0
