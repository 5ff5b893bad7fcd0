"""A new ledger's first entries, appended by two transactions at once, both land in order."""

from __future__ import annotations

import threading

import pytest

from jit import ledger
from jit.extensions import db
from jit.services import ledgers
from tests.service_support import LOCK_WAIT_TIMEOUT, wait_until_a_transaction_waits_on_a_lock


def test_concurrent_first_appends_to_a_new_ledger_both_land(app, backend):
    if backend.name != "postgresql":
        pytest.skip("SQLite takes the write lock when a transaction begins: two appends never overlap")
    name = "race-test"
    first_appended = threading.Event()
    outcome: dict[str, object] = {}

    def append_first():
        with app.app_context():
            ledgers.append(name, {"n": 1})
            first_appended.set()
            # Commit only once the second transaction is blocked behind this one's new head row:
            # the moment where a plain insert of the head collides on its key.
            outcome["second_blocked"] = wait_until_a_transaction_waits_on_a_lock()
            db.session.commit()

    def append_second():
        first_appended.wait(LOCK_WAIT_TIMEOUT)
        with app.app_context():
            try:
                outcome["second_index"] = ledgers.append(name, {"n": 2})[0]
                db.session.commit()
            except Exception as error:  # the test reports whatever the append raised
                outcome["second_error"] = error
                db.session.rollback()

    threads = [threading.Thread(target=append_first), threading.Thread(target=append_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(3 * LOCK_WAIT_TIMEOUT)

    assert outcome.get("second_blocked") is True
    assert "second_error" not in outcome, outcome.get("second_error")
    assert outcome["second_index"] == 1
    expected = ledger.MemoryNodeStore()
    for index, entry in enumerate(({"n": 1}, {"n": 2})):
        ledger.append_leaf(expected, index, ledger.leaf_hash(ledger.canonical(entry)))
    with app.app_context():
        assert ledgers.size(name) == 2
        assert ledgers.root(name) == ledger.root_hash(expected, 2)
