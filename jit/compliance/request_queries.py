"""The request rules (jit/compliance/requests.py) as SQL conditions, so that the dashboard filters,
counts and pages the register's findings in the database instead of checking every request in
Python. Each condition holds for exactly the requests its rule flags (tests/compliance/
test_request_queries.py checks them against the rules), and `since` is the day the finding dates
from (the dashboard lists older ones first).

What MLA-CONTENT and MLA-INSTRUMENT read never changes once a request is registered, except a
party's treaty dates: so the request keeps both answers (`art7_complete`, `instrument_fits`), set on
registering and, for the instrument, again when a party's Chisinau date changes
(jit/services/legal_requests.py). MLA-OVERDUE depends on today and is asked anew each time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, and_, case, cast, select
from sqlalchemy.sql.elements import ColumnElement

from jit.compliance.requests import ANSWERED
from jit.models import Direction, Instrument, LegalRequest, Party, RequestStatus

# The statuses of a request still waiting for its response (an index on status and due date serves them).
WAITING = [status for status in RequestStatus if status not in ANSWERED]


@dataclass(frozen=True)
class RequestQuery:
    condition: Callable[[dict, date], ColumnElement[bool]]
    since: ColumnElement


def _content(params: dict, today: date) -> ColumnElement[bool]:
    return LegalRequest.art7_complete.is_(False)


def _instrument(params: dict, today: date) -> ColumnElement[bool]:
    return LegalRequest.instrument_fits.is_(False)


def _overdue(params: dict, today: date) -> ColumnElement[bool]:
    return and_(LegalRequest.status.in_(WAITING), LegalRequest.direction == Direction.OUTGOING,
                LegalRequest.due_on.is_not(None), LegalRequest.due_on < today - timedelta(days=params["grace_days"]))


def _bound(party_code) -> ColumnElement[bool]:
    since = select(Party.chisinau_in_force_on).where(Party.code == party_code).scalar_subquery()
    return and_(since.is_not(None), since <= LegalRequest.sent_on)


def instrument_fits() -> ColumnElement[bool]:
    """Whether a request names the fitting instrument (`fitting_instrument`, as SQL over its row)."""
    fitting = case((and_(_bound(LegalRequest.requesting_party), _bound(LegalRequest.requested_party)),
                    Instrument.CHISINAU.value), else_=Instrument.MINSK.value)
    return cast(LegalRequest.instrument, String) == fitting


QUERIES: dict[str, RequestQuery] = {
    "MLA-CONTENT": RequestQuery(_content, LegalRequest.sent_on),
    "MLA-INSTRUMENT": RequestQuery(_instrument, LegalRequest.sent_on),
    "MLA-OVERDUE": RequestQuery(_overdue, LegalRequest.due_on),
}
