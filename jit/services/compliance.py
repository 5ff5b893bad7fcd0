"""Compliance reports for legal officers: a group's findings, the dashboard across the groups and the
register the caller may see, and the admin's settings of rules on unconfirmed provisions.
Checks run on demand and only read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from jit.compliance import engine, request_queries
from jit.compliance.core import GROUP, REQUEST, RULES, VIOLATION, WARNING, Finding, Rule
from jit.compliance.requests import INSTRUMENT_NAMES  # noqa: F401 (the register's pages name treaties so too)
from jit.extensions import db
from jit.models import (
    AuditEvent,
    Authority,
    ComplianceRuleSetting,
    EvidenceItem,
    GroupCheck,
    GroupFinding,
    Instruction,
    JointGroup,
    LegalRequest,
    NationalTeam,
    Party,
    Role,
    Task,
    User,
)
from jit.models.types import utcnow
from jit.services import authz, legal_requests, naming, pagination, scope, values
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound
from jit.services.pagination import Page

SEVERITIES = (VIOLATION, WARNING)  # the order pages list findings in


@dataclass
class Report:
    checked_at: datetime
    findings: list[Finding]  # all of them, or the first of each severity a page lists
    totals: Counter  # by severity, listed or not
    by_rule: Counter  # by (severity, rule), listed or not

    def count(self, severity: str) -> int:
        return self.totals[severity]


def _named(actor: User, findings: list[Finding]) -> list[Finding]:
    """The findings with their objects' names (a group's code, an instruction's subject...)."""
    names = naming.names(actor, ((item.object_type, str(item.object_id)) for item in findings))
    return [replace(item, object_name=names.get((item.object_type, str(item.object_id)))) for item in findings]


def chosen(findings: list[Finding], *, severity: str | None = None, rule: str | None = None) -> list[Finding]:
    """The findings of one severity and/or one rule (None: any); an unknown one names its field."""
    if severity and severity not in SEVERITIES:
        raise Invalid(fields={"severity": _l("One of: %(values)s.", values=", ".join(SEVERITIES))})
    if rule and rule not in RULES:
        raise Invalid(fields={"rule": _l("Not a rule of the compliance engine.")})
    return [item for item in findings
            if (not severity or item.severity == severity) and (not rule or item.rule == rule)]


@use_case("compliance.group")
def group_report(actor: User | None, group_id: int, *, severity: str | None = None,
                 rule: str | None = None, per_severity: int | None = None) -> Report:
    """The group's findings (of one severity or rule, if asked), for anyone who may see the group;
    with `per_severity`, only the first so many of each severity, counted all the same."""
    actor, group = scope.load_visible(actor, group_id)
    findings = chosen(stored_findings([group], scope.today())[group.id], severity=severity, rule=rule)
    totals = Counter(item.severity for item in findings)
    by_rule = Counter((item.severity, item.rule) for item in findings)
    if per_severity is not None:
        findings = [item for shown in SEVERITIES
                    for item in [item for item in findings if item.severity == shown][:per_severity]]
    report = Report(utcnow(), _named(actor, findings), totals, by_rule)
    note(findings=sum(totals.values()), violations=totals[VIOLATION])
    return report


def _require_legal_reader(actor: User | None) -> User:
    actor = authz.require_user(actor)
    if not (actor.has_role(Role.LEGAL_OFFICER) or actor.has_role(Role.ADMIN)):
        raise Forbidden(_l("The compliance dashboard is for legal officers and administrators."))
    return actor


# --- the dashboard: every finding the caller may see, filtered, counted and paged in the query ---
#
# Group rules read much of a group, so a group's findings are stored (GroupCheck, GroupFinding) and
# reused while they still hold: a stored check counts only on the day it was made, and the flush of
# any write to a row of the group drops it (so does a write to a party, an authority or a rule
# setting, for every group). The register's findings are not stored: request_queries states each
# request rule as a condition, evaluated in the query on each reading.

SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
SOURCE_GROUP, SOURCE_REQUEST = 0, 1
NO_DAY = date(1, 1, 1)  # the "since" of group findings: they list first within their severity
# Writes that bear on no group rule: the audit trail, the register, and the stored checks themselves.
UNRELATED = (AuditEvent, LegalRequest, GroupCheck, GroupFinding)
EVERY_GROUP = (Party, Authority, ComplianceRuleSetting)
# Rows of a group that carry no group id, and the parent that does.
PARENTS = {"instruction_id": Instruction, "task_id": Task, "item_id": EvidenceItem}


def _typed(value, type_):
    """A value in a UNION's columns or a row comparison: PostgreSQL must be told its type, SQLite
    must not be (there a CAST to DATE makes a number of it)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return literal(value, type_)
    return cast(literal(value, type_), type_)


def _group_of(record) -> int | None:
    if isinstance(record, JointGroup):
        return record.id
    if getattr(record, "group_id", None) is not None:
        return record.group_id
    for attribute, parent in PARENTS.items():
        parent_id = getattr(record, attribute, None)
        if parent_id is not None:
            owner = db.session.get(parent, parent_id)
            return owner.group_id if owner is not None else None
    return None


@event.listens_for(Session, "after_flush")
def _drop_outdated_checks(session: Session, _context) -> None:
    touched = [record for record in (*session.new, *session.dirty, *session.deleted)
               if not isinstance(record, UNRELATED)]
    if not touched:
        return
    statement = delete(GroupCheck)
    if not any(isinstance(record, EVERY_GROUP) for record in touched):
        with session.no_autoflush:
            groups = {_group_of(record) for record in touched} - {None}
        if not groups:
            return
        statement = statement.where(GroupCheck.group_id.in_(groups))
    session.connection().execute(statement)


class StoredText(dict):
    """A text stored in every language the platform speaks; shown in the current one."""

    def __str__(self) -> str:
        return self.get(str(get_locale()), next(iter(self.values()), ""))

    def __html__(self) -> str:
        return str(escape(str(self)))


def _in_every_language(text) -> StoredText:
    texts = StoredText()
    for locale in current_app.config["JIT_LOCALES"]:
        with force_locale(locale):
            texts[locale] = str(text)
    return texts


_CHECKS = GroupCheck.__table__
_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _claim_checks(group_ids: list[int], today: date) -> set[int]:
    """Mark the groups checked today; the ones this transaction marked, whose findings it must store.

    Readers store checks too (every home page does), so two may claim a group at once: an insert
    that skips a claimed key, where a plain one would die on it. On PostgreSQL the second waits for
    the first's commit, then finds the group claimed and reads the findings the first stored."""
    db.session.execute(delete(GroupCheck).where(GroupCheck.group_id.in_(group_ids), GroupCheck.checked_on != today))
    claim = _DIALECT_INSERT[db.session.get_bind().dialect.name](_CHECKS).values(
        [{"group_id": group_id, "checked_on": today} for group_id in sorted(group_ids)])
    return set(db.session.scalars(claim.on_conflict_do_nothing(index_elements=[_CHECKS.c.group_id])
                                  .returning(_CHECKS.c.group_id)))


def _store_checks(groups: list[JointGroup], today: date) -> None:
    """Check the groups whose stored check is missing or of another day, and store their findings."""
    ids = [group.id for group in groups]
    # Read first: a reading that writes nothing keeps what it loaded for the page after its commit.
    fresh = set(db.session.scalars(select(GroupCheck.group_id).where(
        GroupCheck.group_id.in_(ids), GroupCheck.checked_on == today))) if ids else set()
    stale = [group_id for group_id in ids if group_id not in fresh]
    claimed = _claim_checks(stale, today) if stale else set()
    if not claimed:
        return
    db.session.execute(delete(GroupFinding).where(GroupFinding.group_id.in_(claimed)))
    rows = []
    for group in groups:
        if group.id in claimed:
            rows += [{"group_id": group.id, "rule": item.rule, "severity": item.severity,
                      "confirmed_basis": item.confirmed_basis, "object_type": item.object_type,
                      "object_id": str(item.object_id), "message": _in_every_language(item.message),
                      "action": _in_every_language(item.action), "reference": _in_every_language(item.reference)}
                     for item in engine.check_group(group, today)]
    if rows:
        db.session.execute(insert(GroupFinding), rows)


def _as_finding(stored: GroupFinding) -> Finding:
    object_id = int(stored.object_id) if stored.object_id.isdigit() else stored.object_id
    return Finding(rule=stored.rule, severity=stored.severity, confirmed_basis=stored.confirmed_basis,
                   reference=StoredText(stored.reference), object_type=stored.object_type, object_id=object_id,
                   message=StoredText(stored.message), action=StoredText(stored.action), group_id=stored.group_id)


def finding_counts(groups: list[JointGroup], today: date) -> dict[int, Counter]:
    """How many findings of today each group has, by (severity, rule), counted in the stored checks."""
    _store_checks(groups, today)
    counts: dict[int, Counter] = {group.id: Counter() for group in groups}
    for group_id, severity, rule, n in db.session.execute(
            select(GroupFinding.group_id, GroupFinding.severity, GroupFinding.rule, func.count())
            .where(GroupFinding.group_id.in_(counts))
            .group_by(GroupFinding.group_id, GroupFinding.severity, GroupFinding.rule)):
        counts[group_id][severity, rule] = n
    return counts


def stored_findings(groups: list[JointGroup], today: date) -> dict[int, list[Finding]]:
    """Each group's findings of today, from its stored check (made now where it is missing or outdated)."""
    _store_checks(groups, today)
    found: dict[int, list[Finding]] = {group.id: [] for group in groups}
    for stored in db.session.scalars(select(GroupFinding).where(GroupFinding.group_id.in_(found))
                                     .order_by(GroupFinding.id)):
        found[stored.group_id].append(_as_finding(stored))
    return found


@dataclass
class Filters:
    rule: str | None = None
    severity: str | None = None
    group_id: int | None = None
    party: str | None = None
    confirmed_basis: bool | None = None

    def check(self, groups: list[JointGroup], parties: list[Party]) -> None:
        """Every filter names something that exists; a group the caller does not see is as unknown as
        one that does not exist."""
        problems = {}
        if self.rule is not None and self.rule not in RULES:
            problems["rule"] = _l("One of: %(values)s.", values=", ".join(RULES))
        if self.severity is not None and self.severity not in SEVERITY_RANK:
            problems["severity"] = _l("One of: %(values)s.", values=", ".join(SEVERITIES))
        if self.group_id is not None and self.group_id not in {group.id for group in groups}:
            problems["group_id"] = _l("No such group.")
        if self.party is not None and self.party not in {party.code for party in parties}:
            problems["party"] = _l("Not a known party: %(code)s.", code=self.party)
        if problems:
            raise Invalid(fields=problems)

    def keeps(self, rule: Rule) -> bool:
        """Whether findings of the rule can pass (a rule's severity may only be softened by an issue)."""
        return (self.rule in (None, rule.id) and self.confirmed_basis in (None, rule.confirmed_basis)
                and (rule.scope == GROUP or self.severity in (None, rule.severity)))


@dataclass
class Listed:
    """A finding of the dashboard's list: the rule's finding, and the day it dates from (if known)."""

    finding: Finding
    since: date | None

    def __getattr__(self, name):
        return getattr(self.finding, name)


@dataclass
class Count:
    violations: int = 0
    warnings: int = 0
    rules: Counter = field(default_factory=Counter)  # how many of each rule

    @property
    def total(self) -> int:
        return self.violations + self.warnings

    def add(self, rule: str, severity: str, n: int) -> None:
        self.rules[rule] += n
        if severity == VIOLATION:
            self.violations += n
        else:
            self.warnings += n


@dataclass
class Dashboard:
    groups: list[JointGroup]
    parties: list[Party]
    filters: Filters
    page: Page
    total: Count
    by_rule: dict[str, Count]
    by_group: dict[int | None, Count]  # None: register entries tied to no group


def _group_rows(filters: Filters, group_ids: list[int], today: date):
    if filters.rule is not None and RULES[filters.rule].scope != GROUP:
        return None
    stmt = select(_typed(SOURCE_GROUP, Integer).label("source"), GroupFinding.id.label("ident"),
                  GroupFinding.rule.label("rule"), GroupFinding.severity.label("severity"),
                  _typed(NO_DAY, Date).label("since"), GroupFinding.group_id.label("group_id")).join(
        GroupCheck, and_(GroupCheck.group_id == GroupFinding.group_id, GroupCheck.checked_on == today)).where(
        GroupFinding.group_id.in_(group_ids))
    if filters.rule is not None:
        stmt = stmt.where(GroupFinding.rule == filters.rule)
    if filters.severity is not None:
        stmt = stmt.where(GroupFinding.severity == filters.severity)
    if filters.confirmed_basis is not None:
        stmt = stmt.where(GroupFinding.confirmed_basis == filters.confirmed_basis)
    if filters.group_id is not None:
        stmt = stmt.where(GroupFinding.group_id == filters.group_id)
    if filters.party is not None:
        stmt = stmt.where(GroupFinding.group_id.in_(
            select(NationalTeam.group_id).where(NationalTeam.party_code == filters.party)))
    return stmt


def _request_rows(actor: User, filters: Filters, today: date) -> list:
    visible = legal_requests.visible_requests(actor).whereclause
    selects = []
    for rule, params in engine.active_rules(REQUEST):
        if not filters.keeps(rule):
            continue
        query = request_queries.QUERIES[rule.id]
        stmt = select(_typed(SOURCE_REQUEST, Integer).label("source"), LegalRequest.id.label("ident"),
                      _typed(rule.id, String).label("rule"), _typed(rule.severity, String).label("severity"),
                      query.since.label("since"), LegalRequest.group_id.label("group_id")).where(
            query.condition(params, today))
        if visible is not None:
            stmt = stmt.where(visible)
        if filters.group_id is not None:
            stmt = stmt.where(LegalRequest.group_id == filters.group_id)
        if filters.party is not None:
            stmt = stmt.where(or_(LegalRequest.requested_party == filters.party,
                                  LegalRequest.requesting_party == filters.party))
        selects.append(stmt)
    return selects


def _decode_cursor(cursor: str) -> tuple:
    """The (severity rank, since, rule, source, id) a dashboard cursor carries."""
    key = pagination.decode(cursor, list)
    try:
        rank, since, rule, source, ident = key
        since = date.fromisoformat(since)
    except (TypeError, ValueError):
        raise Invalid(fields={"cursor": pagination.NOT_A_CURSOR}) from None
    if not (type(rank) is int and type(source) is int and type(ident) is int and isinstance(rule, str)
            and values.storable_int(rank) and values.storable_int(source) and values.storable_int(ident)
            and values.storable_text(rule)):
        raise Invalid(fields={"cursor": pagination.NOT_A_CURSOR})
    return rank, since, rule, source, ident


def _findings_of(rows) -> list[Listed]:
    """The rules' findings for the rows of a page: group findings as stored, register findings from
    their rules run on the page's requests."""
    stored = {row.id: row for row in db.session.scalars(select(GroupFinding).where(
        GroupFinding.id.in_([row.ident for row in rows if row.source == SOURCE_GROUP])))}
    requests = list(db.session.scalars(select(LegalRequest).where(
        LegalRequest.id.in_([row.ident for row in rows if row.source == SOURCE_REQUEST]))))
    # The rules read each request's authority and parties: loaded here in one statement (the parties
    # are loaded already), so that the count of statements does not depend on what the page shows.
    list(db.session.scalars(select(Authority).where(
        Authority.id.in_({request.requesting_authority_id for request in requests}))))
    found = {(item.rule, item.object_id): item
             for item in engine.check_requests(requests, scope.today())}
    listed = []
    for row in rows:
        if row.source == SOURCE_GROUP:
            listed.append(Listed(_as_finding(stored[row.ident]), None))
        elif (row.rule, row.ident) in found:  # the rule and its condition agree (tests hold them to it)
            listed.append(Listed(found[row.rule, row.ident], row.since))
    return listed


@use_case("compliance.dashboard")
def dashboard(actor: User | None, filters: Filters | None = None, *, limit: int | None = None,
              cursor: str | None = None) -> Dashboard:
    """The findings in every group the caller may see and in the register they keep, by severity
    (violations first) then age (oldest first), with counts by rule and by group."""
    actor = _require_legal_reader(actor)
    filters = filters or Filters()
    note(object_type="compliance", **{name: value for name, value in vars(filters).items() if value is not None})
    limit = pagination.checked_limit(limit)
    key = _decode_cursor(cursor) if cursor else None
    today = scope.today()
    groups = [group for group in db.session.scalars(
        select(JointGroup).order_by(JointGroup.id).options(
            selectinload(JointGroup.teams).selectinload(NationalTeam.memberships)))
        if authz.can_view_group(actor, group)]
    parties = list(db.session.scalars(select(Party).order_by(Party.code)))
    filters.check(groups, parties)
    _store_checks(groups, today)
    group_rows = _group_rows(filters, [group.id for group in groups], today)
    selects = ([group_rows] if group_rows is not None else []) + _request_rows(actor, filters, today)
    counts, listed, next_cursor = [], [], None
    if selects:
        rows = union_all(*selects).subquery()
        rank = case(*((rows.c.severity == severity, SEVERITY_RANK[severity]) for severity in SEVERITIES))
        order = (rank, rows.c.since, rows.c.rule, rows.c.source, rows.c.ident)
        counts = db.session.execute(select(rows.c.rule, rows.c.group_id, rows.c.severity, func.count())
                                    .group_by(rows.c.rule, rows.c.group_id, rows.c.severity)).all()
        page = select(rows.c.source, rows.c.ident, rows.c.rule, rows.c.since, rank.label("rank"))
        if key is not None:
            rank_, since, rule, source, ident = key
            page = page.where(tuple_(*order) > tuple_(_typed(rank_, Integer), _typed(since, Date), _typed(rule, String),
                                                      _typed(source, Integer), _typed(ident, Integer)))
        found = db.session.execute(page.order_by(*order).limit(limit + 1)).all()
        if len(found) > limit:
            last = found[limit - 1]
            next_cursor = pagination.encode([last.rank, last.since.isoformat(), last.rule, last.source, last.ident])
        listed = _findings_of(found[:limit])
        named = _named(actor, [item.finding for item in listed])
        listed = [Listed(finding, item.since) for finding, item in zip(named, listed, strict=True)]
    total, by_rule, by_group = Count(), {}, {}
    for rule, group_id, severity, n in counts:
        for count in (total, by_rule.setdefault(rule, Count()), by_group.setdefault(group_id, Count())):
            count.add(rule, severity, n)
    groups.sort(key=lambda group: (-by_group.get(group.id, Count()).violations,
                                   -by_group.get(group.id, Count()).total, group.id))
    note(findings=total.total, violations=total.violations)
    return Dashboard(groups=groups, parties=parties, filters=filters, page=Page(listed, next_cursor), total=total,
                     by_rule=dict(sorted(by_rule.items())), by_group=by_group)


@use_case("legal_request.read")
def request_page(actor: User | None, request_id: int) -> tuple[LegalRequest, list[Finding]]:
    """A register entry with its own findings, for whoever may read the entry."""
    request = legal_requests.get_request(actor, request_id)
    return request, _named(authz.require_user(actor), engine.check_requests([request], scope.today()))


# --- the rules and their settings ----------------------------------------------------------

@dataclass
class RuleState:
    rule: Rule
    enabled: bool
    params: dict
    version: int


def _state(rule: Rule, setting: ComplianceRuleSetting | None) -> RuleState:
    if setting is None:
        return RuleState(rule, True, rule.defaults(), 0)
    return RuleState(rule, setting.enabled, {**rule.defaults(), **setting.params}, setting.version)


@use_case("compliance.rules")
def list_rules(actor: User | None) -> list[RuleState]:
    authz.require_user(actor)
    note(object_type="compliance_rule")
    stored = engine.settings()
    return [_state(rule, stored.get(rule.id)) for rule in RULES.values()]


def _check_params(rule: Rule, params: dict) -> dict:
    problems = {}
    for name, value in params.items():
        param = rule.params.get(name)
        if param is None:
            problems[f"params.{name}"] = _l("Unknown parameter.")
        elif param.kind is bool and not isinstance(value, bool):
            problems[f"params.{name}"] = _l("true or false.")
        elif param.kind is int and (isinstance(value, bool) or not isinstance(value, int)
                                    or not param.minimum <= value <= param.maximum):
            problems[f"params.{name}"] = _l("A whole number from %(min)s to %(max)s.", min=param.minimum,
                                            max=param.maximum)
    return problems


@use_case("compliance.rule_update")
def update_rule(actor: User | None, rule_id: str, *, version: int | None, enabled: bool | None = None,
                params: dict | None = None) -> RuleState:
    """Switch a rule on an unconfirmed provision off or on, or change its parameters (admins)."""
    authz.require_role(actor, Role.ADMIN)
    rule = RULES.get(rule_id)
    if rule is None:
        raise NotFound()
    note(object_type="compliance_rule", object_id=rule.id, enabled=enabled, params=params)
    if not rule.adjustable:
        raise Conflict(_l("%(rule)s rests on a confirmed provision: it is always checked as written.", rule=rule.id))
    problems = _check_params(rule, params or {})
    setting = db.session.get(ComplianceRuleSetting, rule.id)
    if problems:
        raise Invalid(fields=problems)
    scope.check_version(_state(rule, setting), version, _l("rule's setting"))  # version 0: still the defaults
    if setting is None:
        setting = ComplianceRuleSetting(rule=rule.id, enabled=True, params={})
        db.session.add(setting)
    if enabled is not None:
        setting.enabled = enabled
    if params:
        setting.params = {**setting.params, **params}
    setting.updated_by_id = actor.id
    db.session.flush()
    return _state(rule, setting)
