"""The register of legal-assistance requests (DOMAIN.md "Legal-assistance request"): registering with
the Chisinau Art. 7 contents and the fitting instrument, reading, updating, and statistics by
partner party and period. The CSV export and import are in `legal_exchange`.

Each authority keeps its own register: its legal officers and investigators see and add its
entries, admins see all; anyone else gets NotFound for an entry. Outgoing requests must carry
every Art. 7 content (MLA-CONTENT refuses them otherwise); incoming ones are registered as
received, gaps and all, and the compliance report flags what they lack.
"""

from __future__ import annotations

import statistics as stats
from collections import Counter, defaultdict
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, case, cast, event, extract, func, inspect, or_, select, update
from sqlalchemy.orm import Session

from jit.compliance import request_queries
from jit.compliance import requests as mla
from jit.extensions import db
from jit.models import (
    Authority,
    CriminalCase,
    Direction,
    GroupStatus,
    Instrument,
    JointGroup,
    LegalRequest,
    NationalTeam,
    Party,
    RequestKind,
    RequestStatus,
    Role,
    User,
)
from jit.services import authz, notifications, scope
from jit.services import values as storable
from jit.services.audit import note, use_case
from jit.services.errors import Forbidden, Invalid
from jit.services.pagination import Page, paginate

TEXT_LIMITS = {"requested_authority": 300, "case_number": 64, "case_title": 300, "substance": 20000,
               "representatives": 5000, "instrument_reason": 2000}
DATE_FIELDS = ("sent_on", "received_on", "due_on", "executed_on")
UPDATABLE = {"status", "received_on", "due_on", "executed_on", "group_id", "case_id"}


def visible_requests(actor: User):
    """The register entries the caller may see (a query)."""
    stmt = select(LegalRequest)
    if not actor.has_role(Role.ADMIN):
        stmt = stmt.where(LegalRequest.keeper_authority_id == (actor.authority_id if authz.keeps_register(actor)
                                                                else -1))
    return stmt


@event.listens_for(LegalRequest, "before_insert")
def _record_fixed_findings(_mapper, _connection, request: LegalRequest) -> None:
    """Whichever way a request is registered, whether it has every Art. 7 content (MLA-CONTENT) and
    names the fitting instrument (MLA-INSTRUMENT), from fields that never change afterwards."""
    request.art7_complete = not mla.art7_gaps({name: getattr(request, name) for name in mla.ART7_FIELDS})
    session = Session.object_session(request)
    with session.no_autoflush:  # the parties are in the session already (Registry)
        parties = [session.get(Party, code) for code in (request.requesting_party, request.requested_party)]
    request.instrument_fits = request.instrument == mla.fitting_instrument(*parties, request.sent_on)


@event.listens_for(Session, "after_flush")
def _refit_instruments(session: Session, _context) -> None:
    """A party's Chisinau date changed: which instrument fits its requests is worked out again."""
    changed = [party.code for party in session.dirty if isinstance(party, Party)
               and inspect(party).attrs.chisinau_in_force_on.history.has_changes()]
    if changed:
        session.connection().execute(update(LegalRequest.__table__).where(or_(
            LegalRequest.requesting_party.in_(changed), LegalRequest.requested_party.in_(changed)))
            .values(instrument_fits=request_queries.instrument_fits()))


def _load(actor: User | None, request_id: int) -> tuple[User, LegalRequest]:
    actor, request = authz.require_request(actor, db.session.get(LegalRequest, request_id))
    note(object_type="legal_request", object_id=request.id)
    return actor, request


def choice(kind, value, field: str, problems: dict):
    """`value` as a member of the enum `kind`, or None with the allowed values put in `problems`."""
    try:
        return kind(value)
    except ValueError:
        problems[field] = _l("One of: %(values)s.", values=", ".join(k.value for k in kind))
        return None


# --- validating ----------------------------------------------------------------------------

class Registry:
    """Parties and authorities, read once per use case (an import checks thousands of rows)."""

    def __init__(self):
        self.parties = {party.code: party for party in db.session.scalars(select(Party))}
        self._authorities: dict[int, Authority | None] = {}

    def authority(self, authority_id) -> Authority | None:
        if authority_id is None:  # not given (an empty form field): nothing to look up
            return None
        if authority_id not in self._authorities:
            self._authorities[authority_id] = db.session.get(Authority, authority_id)
        return self._authorities[authority_id]


def prepare(actor: User, values: dict, registry: Registry) -> tuple[dict, dict]:
    """The model's fields from a request's values, and what is wrong with them (field → why)."""
    problems: dict = {}
    direction = choice(Direction, values.get("direction"), "direction", problems)
    kind = choice(RequestKind, values.get("kind"), "kind", problems)
    for name, limit in TEXT_LIMITS.items():
        if len(values.get(name) or "") > limit:
            problems[name] = storable.too_long(limit)
    authority = registry.authority(values.get("requesting_authority_id"))
    if values.get("requesting_authority_id") is not None and authority is None:
        problems["requesting_authority_id"] = _l("No such authority.")
    requested = registry.parties.get((values.get("requested_party") or "").upper())
    if requested is None:
        problems["requested_party"] = _l("Not a known party: %(code)s.", code=values.get("requested_party") or "—")
    keeper_id = actor.authority_id
    if direction == Direction.OUTGOING and authority is not None and not actor.has_role(Role.ADMIN) \
            and authority.id != actor.authority_id:
        problems["requesting_authority_id"] = _l("Outgoing requests are registered by the requesting authority.")
    if keeper_id is None:  # an admin without an authority registers on behalf of the requesting one
        keeper_id = authority.id if authority is not None else None
    if direction == Direction.OUTGOING:
        gaps = mla.art7_gaps(values)
        problems.update({name: _l("Required by Chisinau Art. 7 (MLA-CONTENT): %(what)s.", what=mla.ART7_FIELDS[name])
                         for name in gaps if name not in problems})
    persons = values.get("persons")
    if persons is not None and not (isinstance(persons, list) and all(isinstance(p, dict) for p in persons)):
        problems["persons"] = _l("A list of persons, each with a name.")
    dates = {name: values.get(name) for name in DATE_FIELDS}
    if dates["sent_on"] is None:
        problems.setdefault("sent_on", storable.REQUIRED)
    elif dates["sent_on"] > scope.today():
        problems["sent_on"] = _l("Cannot be in the future.")
    for name in ("received_on", "due_on", "executed_on"):
        if dates[name] is not None and dates["sent_on"] is not None and dates[name] < dates["sent_on"]:
            problems[name] = _l("Cannot be before the date sent.")
    status = values.get("status")
    if status:
        status = choice(RequestStatus, status, "status", problems)
    elif direction is not None:
        status = (RequestStatus.EXECUTED if dates["executed_on"] else
                  RequestStatus.SENT if direction == Direction.OUTGOING else RequestStatus.RECEIVED)
    instrument = _instrument(values, authority, requested, dates["sent_on"], problems)
    fields = {
        "keeper_authority_id": keeper_id, "direction": direction, "kind": kind,
        "requesting_authority_id": authority.id if authority else None,
        "requesting_party": authority.party_code if authority else None,
        "requested_party": requested.code if requested else None,
        "requested_authority": (values.get("requested_authority") or "").strip(),
        "case_number": (values.get("case_number") or "").strip(),
        "case_title": (values.get("case_title") or "").strip(),
        "persons": persons if isinstance(persons, list) else [],
        "representatives": (values.get("representatives") or "").strip(), "confidential": values.get("confidential"),
        "substance": (values.get("substance") or "").strip(), "instrument": instrument,
        "instrument_reason": (values.get("instrument_reason") or "").strip() or None, "status": status, **dates,
    }
    return fields, problems


def _instrument(values: dict, authority: Authority | None, requested: Party | None, sent_on: date | None,
                problems: dict) -> Instrument | None:
    """The fitting instrument, unless another is named with a reason (MLA-INSTRUMENT)."""
    fitting = (mla.fitting_instrument(authority.party, requested, sent_on)
               if authority is not None and requested is not None and sent_on is not None else None)
    named = values.get("instrument")
    if not named:
        return fitting
    chosen = choice(Instrument, named, "instrument", problems)
    if chosen is not None and fitting is not None and chosen != fitting \
            and not (values.get("instrument_reason") or "").strip():
        problems["instrument_reason"] = _l("Between these parties on that date the %(fitting)s convention applies; "
                                           "say why %(named)s is used instead (MLA-INSTRUMENT).",
                                           fitting=fitting.value, named=chosen.value)
    return chosen


def _link(actor: User, group_id: int | None, case_id: int | None, problems: dict) -> None:
    """A request may name a group and a case the caller may see (others are unknown to them)."""
    group = db.session.get(JointGroup, group_id) if group_id is not None else None
    if group_id is not None and (group is None or not authz.can_view_group(actor, group)):
        problems["group_id"] = _l("No such group.")
    case = db.session.get(CriminalCase, case_id) if case_id is not None else None
    if case_id is not None and (case is None or not authz.can_view_group(actor, case.group)
                                or (group_id is not None and case.group_id != group_id)):
        problems["case_id"] = _l("No such case (of this group).")


def require_keeper(actor: User | None) -> User:
    """The caller, if they keep their authority's register (Forbidden otherwise)."""
    actor = authz.require_user(actor)
    if not authz.keeps_register(actor):
        raise Forbidden(_l("Only legal officers and investigators of an authority keep its register."))
    return actor


# --- use cases -----------------------------------------------------------------------------

@use_case("legal_request.list")
def list_requests(actor: User | None, *, direction: str | None = None, status: str | None = None,
                  requested_party: str | None = None, party: str | None = None,
                  requesting_authority_id: int | None = None, date_from: date | None = None,
                  date_to: date | None = None, overdue: bool = False, limit: int | None = None,
                  cursor: str | None = None) -> Page:
    """The caller's authority's register (admins: every one), newest first: by direction, status,
    requested party, party on either side, requesting authority, the date sent (from, to) and whether
    overdue. (A text search over the register belongs to the search service.)"""
    actor = authz.require_user(actor)
    note(object_type="legal_request")
    stmt = visible_requests(actor)
    problems: dict = {}
    if direction:
        stmt = stmt.where(LegalRequest.direction == choice(Direction, direction, "direction", problems))
    if status:
        stmt = stmt.where(LegalRequest.status == choice(RequestStatus, status, "status", problems))
    if date_from and date_to and date_from > date_to:
        problems["to"] = _l("Must not be before 'from'.")
    if problems:
        raise Invalid(fields=problems)
    if requested_party:
        stmt = stmt.where(LegalRequest.requested_party == requested_party.upper())
    if party:
        stmt = stmt.where(or_(LegalRequest.requested_party == party.upper(),
                              LegalRequest.requesting_party == party.upper()))
    if requesting_authority_id is not None:
        stmt = stmt.where(LegalRequest.requesting_authority_id == requesting_authority_id)
    if date_from:
        stmt = stmt.where(LegalRequest.sent_on >= date_from)
    if date_to:
        stmt = stmt.where(LegalRequest.sent_on <= date_to)
    if overdue:
        stmt = stmt.where(LegalRequest.direction == Direction.OUTGOING, LegalRequest.due_on < scope.today(),
                          LegalRequest.status.not_in(mla.ANSWERED))
    return paginate(stmt, LegalRequest.id, limit=limit, cursor=cursor, descending=True)


@use_case("legal_request.read")
def get_request(actor: User | None, request_id: int) -> LegalRequest:
    actor, request = _load(actor, request_id)
    notifications.opened(actor, request)
    return request


@use_case("legal_request.create")
def create_request(actor: User | None, **values) -> LegalRequest:
    """Register a request; the instrument is chosen from the parties' treaty dates unless named."""
    actor = require_keeper(actor)
    fields, problems = prepare(actor, values, Registry())
    _link(actor, values.get("group_id"), values.get("case_id"), problems)
    if problems:
        raise Invalid(fields=problems)
    request = LegalRequest(**fields, group_id=values.get("group_id"), case_id=values.get("case_id"),
                           created_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    note(object_type="legal_request", object_id=request.id, direction=request.direction.value,
         instrument=request.instrument.value)
    return request


@use_case("legal_request.update")
def update_request(actor: User | None, request_id: int, *, version: int | None, **changes) -> LegalRequest:
    """Record the progress of a request: status, dates received / due / executed, links."""
    actor, request = _load(actor, request_id)
    scope.check_version(request, version, _l("request"))
    problems = {name: _l("Unknown field.") for name in set(changes) - UPDATABLE}
    if "status" in changes:
        changes["status"] = choice(RequestStatus, changes["status"], "status", problems)
    for name in DATE_FIELDS[1:]:
        if changes.get(name) is not None and changes[name] < request.sent_on:
            problems[name] = _l("Cannot be before the date sent.")
    _link(actor, changes.get("group_id", request.group_id), changes.get("case_id", request.case_id), problems)
    if problems:
        raise Invalid(fields=problems)
    for name, value in changes.items():
        setattr(request, name, value)
    note(fields=",".join(sorted(changes)))
    return request


# --- statistics ----------------------------------------------------------------------------

def _months(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _ranked(counts: Counter, total: int) -> list[dict]:
    """By count, largest first; equal counts share a rank (1, 2, 2, 4)."""
    rows, rank, previous = [], 0, None
    for position, (party, count) in enumerate(sorted(counts.items(), key=lambda item: (-item[1], item[0])), 1):
        if count != previous:
            rank, previous = position, count
        rows.append({"party": party, "count": count, "share": round(count / total, 4) if total else 0.0,
                     "rank": rank})
    return rows


def _days_to_execution(dialect: str):
    if dialect == "postgresql":
        return LegalRequest.executed_on - LegalRequest.sent_on
    return cast(func.julianday(LegalRequest.executed_on) - func.julianday(LegalRequest.sent_on), Integer)


def _median(frequencies: Counter) -> float | None:
    """The median of values given as value → how many times."""
    ordered = sorted(frequencies.elements())
    return stats.median(ordered) if ordered else None


@use_case("legal_request.stats")
def statistics(actor: User | None, *, direction: str | None = None, date_from: date | None = None,
               date_to: date | None = None, requesting_authority_id: int | None = None) -> dict:
    """Totals, counts / shares / ranks by partner party, the monthly series (every month of
    the period), overdue counts, the median days to execution, and whether a group
    with the partner party exists; an empty period gives zeros. Counted in the database."""
    actor = authz.require_user(actor)
    note(object_type="legal_request", direction=direction, date_from=date_from, date_to=date_to)
    problems: dict = {}
    stmt = visible_requests(actor)
    if direction:
        stmt = stmt.where(LegalRequest.direction == choice(Direction, direction, "direction", problems))
    if date_from and date_to and date_from > date_to:
        problems["to"] = _l("Must not be before 'from'.")
    if problems:
        raise Invalid(fields=problems)
    if date_from:
        stmt = stmt.where(LegalRequest.sent_on >= date_from)
    if date_to:
        stmt = stmt.where(LegalRequest.sent_on <= date_to)
    if requesting_authority_id is not None:
        stmt = stmt.where(LegalRequest.requesting_authority_id == requesting_authority_id)
    partner = case((LegalRequest.direction == Direction.OUTGOING, LegalRequest.requested_party),
                   else_=LegalRequest.requesting_party).label("partner")
    overdue_now = and_(LegalRequest.direction == Direction.OUTGOING, LegalRequest.due_on < scope.today(),
                       LegalRequest.status.not_in(mla.ANSWERED))
    year, month = extract("year", LegalRequest.sent_on).label("year"), extract("month", LegalRequest.sent_on).label(
        "month")
    counts, monthly, overdue, days = Counter(), Counter(), Counter(), defaultdict(Counter)
    for row in db.session.execute(stmt.with_only_columns(
            partner, year, month, func.count(), func.sum(case((overdue_now, 1), else_=0))).group_by(
            partner, year, month)):
        counts[row.partner] += row[3]
        monthly[f"{int(row.year):04d}-{int(row.month):02d}"] += row[3]
        overdue[row.partner] += row[4]
    elapsed = _days_to_execution(db.session.get_bind().dialect.name).label("days")
    for row in db.session.execute(stmt.with_only_columns(partner, elapsed, func.count()).where(
            LegalRequest.executed_on.is_not(None)).group_by(partner, elapsed)):
        days[row.partner][row.days] += row[2]
    total = sum(counts.values())
    by_party = _ranked(counts, total)
    grouped = _parties_with_groups(actor)
    for item in by_party:
        item["overdue"] = overdue[item["party"]]
        item["median_days_to_execution"] = _median(days[item["party"]])
        item["group_exists"] = item["party"] in grouped
    # Every month of the period asked for (API clients count on it); with an open end, up to the data.
    series = []
    if monthly or (date_from and date_to):
        first = date_from or date.fromisoformat(f"{min(monthly)}-01")
        last = date_to or date.fromisoformat(f"{max(monthly)}-01")
        series = [{"month": month, "count": monthly[month]} for month in _months(first, last)]
    return {"total": total, "by_party": by_party, "monthly": series, "overdue": sum(overdue.values())}


def _parties_with_groups(actor: User) -> set[str]:
    """Parties that share a group (not closed) with the caller's party: where a group already works."""
    own = actor.authority.party_code if actor.authority else None
    if own is None:
        return set()
    with_us = select(NationalTeam.group_id).where(NationalTeam.party_code == own)
    return set(db.session.scalars(
        select(NationalTeam.party_code).join(JointGroup, JointGroup.id == NationalTeam.group_id).where(
            NationalTeam.group_id.in_(with_us), NationalTeam.party_code != own,
            JointGroup.status != GroupStatus.CLOSED)))
