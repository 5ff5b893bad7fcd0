"""Two readers storing a group's check at once (two home pages opened together): the second waits
for the first, then reads the findings it stored; neither fails on the check's key, none is doubled."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from jit.extensions import db
from jit.models import GroupFinding, JointGroup
from jit.services import compliance, scope
from tests.groups_support import activate
from tests.service_support import LOCK_WAIT_TIMEOUT, wait_until_a_transaction_waits_on_a_lock


def _found(group_id: int) -> list[tuple]:
    group = db.session.get(JointGroup, group_id)
    return sorted((item.rule, item.object_type, str(item.object_id))
                  for item in compliance.stored_findings([group], scope.today())[group_id])


def test_two_readers_checking_a_group_at_once_both_read_one_stored_check(app, backend, cast):
    if backend.name != "postgresql":
        pytest.skip("SQLite takes the write lock when a transaction begins: two checks never overlap")
    gid = activate(cast)["id"]
    with app.app_context():  # past its term: AGR-TERM finds it
        db.session.get(JointGroup, gid).ends_on = scope.today() - timedelta(days=5)
        db.session.commit()
    first_stored = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        with app.app_context():
            outcome["first"] = _found(gid)
            first_stored.set()
            # Commit once the second reader is blocked behind this one's claim of the check.
            outcome["second_blocked"] = wait_until_a_transaction_waits_on_a_lock()
            db.session.commit()

    def second():
        first_stored.wait(LOCK_WAIT_TIMEOUT)
        with app.app_context():
            try:
                outcome["second"] = _found(gid)
                db.session.commit()
            except Exception as error:  # the test reports whatever the reading raised
                outcome["second_error"] = error
                db.session.rollback()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * LOCK_WAIT_TIMEOUT)

    assert outcome.get("second_blocked") is True
    assert "second_error" not in outcome, outcome.get("second_error")
    assert outcome["first"] and outcome["second"] == outcome["first"]
    with app.app_context():
        stored = db.session.scalar(select(func.count()).where(GroupFinding.group_id == gid))
    assert stored == len(outcome["first"])
