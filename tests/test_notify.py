"""The emitter queues socket actions until the commit (jit/notify.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from jit import notify
from jit.extensions import db


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_joining_a_room_after_commit_lets_a_socket_that_left_meanwhile_go(app):
    """A socket can disconnect between the use case's commit and its queued join: the join then has
    nothing to do. Raising inside the session's after-commit hook would fail a use case whose change
    is already committed (and its rollback would then fail on the committed session)."""
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        notify.join_after_commit("a-socket-that-is-gone", notify.user_room(1))
        db.session.commit()
        assert db.session.execute(text("SELECT 2")).scalar_one() == 2
