"""The request rules as SQL conditions (jit/compliance/request_queries.py) hold for exactly the
requests the rules flag when run in Python, on both backends, however a request was registered, and
again after a party's Chisinau date changes."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jit.compliance import request_queries
from jit.compliance.engine import RULES
from jit.extensions import db
from jit.models import LegalRequest, Party
from jit.services import legal_exchange, legal_requests, scope
from tests.service_support import person


def _register(cast, **changes) -> None:
    values = {"direction": "outgoing", "kind": "legal_assistance", "requesting_authority_id": cast.ids["ic_by"],
              "requested_party": "KZ", "requested_authority": "МВД Республики Казахстан", "case_number": "2025001",
              "persons": [{"name": "Иванов И.И."}], "confidential": False, "substance": "Допросить свидетеля",
              "sent_on": date(2025, 3, 1), "due_on": date(2099, 1, 1), **changes}
    legal_requests.create_request(person(cast, "by_legal"), **values)


def _incoming(cast, **changes) -> None:
    _register(cast, direction="incoming", requesting_authority_id=cast.ids["mvd_kz"], requested_party="BY", **changes)


def _agree(grace_days: int = 0) -> dict[str, set[int]]:
    """Each rule's requests by its condition, checked against the rule run on every request."""
    today = scope.today()
    requests = list(db.session.scalars(select(LegalRequest)))
    flagged = {}
    for rule_id, query in request_queries.QUERIES.items():
        params = {**RULES[rule_id].defaults(), "grace_days": grace_days} if RULES[rule_id].params else {}
        flagged[rule_id] = {request.id for request in requests if any(RULES[rule_id].check(request, params, today))}
        selected = set(db.session.scalars(select(LegalRequest.id).where(query.condition(params, today))))
        assert selected == flagged[rule_id], rule_id
    return flagged


def test_each_condition_selects_what_its_rule_flags(cast):
    today = scope.today()
    with cast.app.app_context():
        _register(cast)  # nothing wrong
        for due in (today - timedelta(days=1), today, today - timedelta(days=40)):
            _register(cast, due_on=due)
        _register(cast, due_on=today - timedelta(days=5), executed_on=today - timedelta(days=5))
        _register(cast, due_on=today - timedelta(days=5), status="in_progress")
        _register(cast, due_on=today - timedelta(days=5), status="withdrawn")
        _register(cast, requested_party="AM", instrument="bilateral", instrument_reason="Двусторонний договор")
        _incoming(cast, persons=[], substance="", confidential=None, due_on=today - timedelta(days=9))
        _incoming(cast, persons=[{"name": "Петров П.П."}, {"name": " "}], confidential=True)
        _incoming(cast, case_number="  ", confidential=True)
        flagged = _agree()
        assert {rule: len(ids) for rule, ids in flagged.items()} == {
            "MLA-CONTENT": 3, "MLA-INSTRUMENT": 1, "MLA-OVERDUE": 3}
        assert len(_agree(grace_days=10)["MLA-OVERDUE"]) == 1


def test_an_imported_request_is_checked_like_a_registered_one(cast):
    with cast.app.app_context():
        _incoming(cast, persons=[], substance="", confidential=None)
        _register(cast, requested_party="AM", instrument="bilateral", instrument_reason="Двусторонний договор")
        exported = legal_exchange.export_csv(person(cast, "by_legal")).encode()
        legal_exchange.import_csv(person(cast, "by_legal"), exported)
        flagged = _agree()
        assert (len(flagged["MLA-CONTENT"]), len(flagged["MLA-INSTRUMENT"])) == (2, 2)


def test_a_change_of_a_partys_chisinau_date_refits_its_requests(cast):
    with cast.app.app_context():
        _register(cast, instrument="chisinau", instrument_reason="Так решено")
        _register(cast)
        assert len(_agree()["MLA-INSTRUMENT"]) == 1
        for code in ("BY", "KZ"):
            db.session.get(Party, code).chisinau_in_force_on = date(2004, 4, 27)
        db.session.commit()
        flagged = _agree()  # now the Chisinau one fits and the Minsk one does not
        assert flagged["MLA-INSTRUMENT"] == set(db.session.scalars(select(LegalRequest.id).where(
            LegalRequest.instrument == "minsk")))
