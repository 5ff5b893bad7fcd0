"""The request rules (jit/compliance/requests.py) as SQL conditions, so that the dashboard filters,
counts and pages the register's findings in the database instead of checking every request in
Python. Each condition holds for exactly the requests its rule flags (tests/compliance/
test_request_queries.py checks them against the rules), and `since` is the day the finding dates
from (the dashboard lists older ones first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, and_, case, cast
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from jit.compliance.requests import ANSWERED
from jit.models import Direction, Instrument, LegalRequest, Party


def _as_is(stmt):
    return stmt


@dataclass(frozen=True)
class RequestQuery:
    condition: Callable[[dict, date], ColumnElement[bool]]
    since: ColumnElement
    joins: Callable = _as_is  # what the statement must join for the condition


def _content(params: dict, today: date) -> ColumnElement[bool]:
    """The Art. 7 fields never change once a request is registered, so registering records the gap."""
    return LegalRequest.art7_complete.is_(False)


def _bound(party, on) -> ColumnElement[bool]:
    return and_(party.chisinau_in_force_on.is_not(None), party.chisinau_in_force_on <= on)


REQUESTING, REQUESTED = aliased(Party), aliased(Party)


def _instrument(params: dict, today: date) -> ColumnElement[bool]:
    """The instrument named is not the fitting one (Chisinau where both parties are bound on the day
    sent); the statement joins both parties as REQUESTING and REQUESTED (`joins`)."""
    both_bound = and_(_bound(REQUESTING, LegalRequest.sent_on), _bound(REQUESTED, LegalRequest.sent_on))
    fitting = case((both_bound, Instrument.CHISINAU.value), else_=Instrument.MINSK.value)
    return cast(LegalRequest.instrument, String) != fitting


def _with_parties(stmt):
    return stmt.join(REQUESTING, REQUESTING.code == LegalRequest.requesting_party).join(
        REQUESTED, REQUESTED.code == LegalRequest.requested_party)


def _overdue(params: dict, today: date) -> ColumnElement[bool]:
    return and_(LegalRequest.direction == Direction.OUTGOING, LegalRequest.due_on.is_not(None),
                LegalRequest.status.not_in(ANSWERED),
                LegalRequest.due_on < today - timedelta(days=params["grace_days"]))


QUERIES: dict[str, RequestQuery] = {
    "MLA-CONTENT": RequestQuery(_content, LegalRequest.sent_on),
    "MLA-INSTRUMENT": RequestQuery(_instrument, LegalRequest.sent_on, _with_parties),
    "MLA-OVERDUE": RequestQuery(_overdue, LegalRequest.due_on),
}
