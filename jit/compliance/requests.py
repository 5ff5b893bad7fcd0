"""Rules on legal-assistance requests (MLA-*). The service layer also uses `art7_gaps` and
`fitting_instrument` as guards when a request is registered, so the register and the report agree."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask_babel import lazy_gettext as _l

from jit.compliance.core import REQUEST, VIOLATION, WARNING, Issue, Param, PartyName, rule
from jit.models import Direction, Instrument, LegalRequest, Party, RequestStatus

# Chisinau Convention Art. 7: what a request must contain (field → what it is, for messages).
ART7_FIELDS = {
    "requesting_authority_id": _l("the requesting institution"),
    "requested_authority": _l("the requested institution"),
    "case_number": _l("the number of the case"),
    "substance": _l("the substance of the request"),
    "persons": _l("the persons concerned (at least a name each)"),
    "confidential": _l("whether receipt and content must be kept confidential"),
}
# The treaties a request is made under, by name (the register's pages use the same labels).
INSTRUMENT_NAMES = {Instrument.CHISINAU.value: _l("Chisinau Convention 2002"),
                    Instrument.MINSK.value: _l("Minsk Convention 1993"),
                    Instrument.BILATERAL.value: _l("bilateral treaty")}
ANSWERED = (RequestStatus.EXECUTED, RequestStatus.PARTIALLY_EXECUTED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


def art7_gaps(values: dict) -> list[str]:
    """The Art. 7 fields missing from a request's values (field names, in ART7_FIELDS order)."""
    gaps = []
    for name in ART7_FIELDS:
        value = values.get(name)
        if name == "persons":
            missing = not value or not all(isinstance(p, dict) and str(p.get("name") or "").strip() for p in value)
        elif name == "confidential":
            missing = value is None
        else:
            missing = value is None or (isinstance(value, str) and not value.strip())
        if missing:
            gaps.append(name)
    return gaps


def _bound_by_chisinau(party: Party, on: date) -> bool:
    return party.chisinau_in_force_on is not None and party.chisinau_in_force_on <= on


def fitting_instrument(requesting: Party, requested: Party, on: date) -> Instrument:
    """Chisinau where both parties are bound by it on the date, else Minsk (Chisinau Art. 120)."""
    both = _bound_by_chisinau(requesting, on) and _bound_by_chisinau(requested, on)
    return Instrument.CHISINAU if both else Instrument.MINSK


def is_overdue(request: LegalRequest, today: date, grace_days: int = 0) -> bool:
    return (request.direction == Direction.OUTGOING and request.due_on is not None
            and request.status not in ANSWERED and (today - request.due_on).days > grace_days)


def _values_of(request: LegalRequest) -> dict:
    return {name: getattr(request, name) for name in ART7_FIELDS}


@rule("MLA-CONTENT", scope=REQUEST, severity=VIOLATION, reference=_l("Chisinau Convention Art. 7"), confirmed=True,
      summary=_l("A legal-assistance request carries all Chisinau Art. 7 contents."))
def content(request: LegalRequest, params: dict, today: date) -> Iterable[Issue]:
    gaps = art7_gaps(_values_of(request))
    if gaps:
        yield Issue("legal_request", request.id,
                    _l("The request lacks: %(fields)s.", fields=", ".join(str(ART7_FIELDS[g]) for g in gaps)),
                    _l("Ask the requesting side for the missing contents before executing it."))


@rule("MLA-INSTRUMENT", scope=REQUEST, severity=WARNING, reference=_l("Chisinau Convention Art. 120"),
      confirmed=True, summary=_l("The instrument named fits the pair of states (Chisinau where both are bound, "
                                 "else Minsk)."))
def instrument(request: LegalRequest, params: dict, today: date) -> Iterable[Issue]:
    expected = fitting_instrument(request.requesting_authority.party, request.requested, request.sent_on)
    if request.instrument != expected:
        yield Issue("legal_request", request.id,
                    _l("Made under the %(named)s, but between %(a)s and %(b)s on %(day)s the %(expected)s "
                       "applies (reason given: %(reason)s).", named=INSTRUMENT_NAMES[request.instrument.value],
                       a=PartyName(request.requesting_party), b=PartyName(request.requested_party),
                       day=request.sent_on.isoformat(), expected=INSTRUMENT_NAMES[expected.value],
                       reason=request.instrument_reason or "—"),
                    _l("Check the treaty dates of both parties, or confirm the reason for the other instrument."))


@rule("MLA-OVERDUE", scope=REQUEST, severity=WARNING, reference=_l("good practice"), confirmed=False,
      summary=_l("An outgoing request past its due date without a response is flagged."),
      params={"grace_days": Param(int, 0, _l("Days of grace after the due date"))})
def overdue(request: LegalRequest, params: dict, today: date) -> Iterable[Issue]:
    if is_overdue(request, today, params["grace_days"]):
        yield Issue("legal_request", request.id,
                    _l("Due on %(day)s and still without a response (%(n)s days late).",
                       day=request.due_on.isoformat(), n=(today - request.due_on).days),
                    _l("Send a reminder to %(party)s or record the response.",
                       party=PartyName(request.requested_party)))
