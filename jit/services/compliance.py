"""Compliance reports for legal officers: a group's findings, the dashboard across the groups and the
register the caller may see, and the admin's settings of rules on unconfirmed provisions.
Checks run on demand and only read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from jit.compliance import engine
from jit.compliance.core import RULES, VIOLATION, WARNING, Finding, Rule
from jit.compliance.requests import INSTRUMENT_NAMES  # noqa: F401 (the register's pages name treaties so too)
from jit.extensions import db
from jit.models import ComplianceRuleSetting, JointGroup, LegalRequest, Role, User
from jit.models.types import utcnow
from jit.services import authz, legal_requests, naming, scope
from jit.services.audit import note, use_case
from jit.services.errors import Conflict, Forbidden, Invalid, NotFound

SEVERITIES = (VIOLATION, WARNING)  # the order pages list findings in


@dataclass
class Report:
    checked_at: datetime
    findings: list[Finding]

    def count(self, severity: str) -> int:
        return sum(1 for item in self.findings if item.severity == severity)


@dataclass
class GroupSummary:
    group: JointGroup
    report: Report

    @property
    def by_rule(self) -> Counter:
        return Counter(item.rule for item in self.report.findings)


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
                 rule: str | None = None) -> Report:
    """The group's findings (of one severity or rule, if asked), for anyone who may see the group."""
    actor, group = scope.load_visible(actor, group_id)
    findings = chosen(engine.check_group(group, scope.today()), severity=severity, rule=rule)
    report = Report(utcnow(), _named(actor, findings))
    note(findings=len(report.findings), violations=report.count(VIOLATION))
    return report


def _require_legal_reader(actor: User | None) -> User:
    actor = authz.require_user(actor)
    if not (actor.has_role(Role.LEGAL_OFFICER) or actor.has_role(Role.ADMIN)):
        raise Forbidden(_l("The compliance dashboard is for legal officers and administrators."))
    return actor


@use_case("compliance.dashboard")
def dashboard(actor: User | None) -> tuple[list[GroupSummary], Report]:
    """Every group the caller may see, those with violations first; and the register's findings."""
    actor = _require_legal_reader(actor)
    note(object_type="compliance")
    today = scope.today()
    visible = [group for group in db.session.scalars(select(JointGroup).order_by(JointGroup.id))
               if authz.can_view_group(actor, group)]
    summaries = [GroupSummary(group, Report(utcnow(), _named(actor, engine.check_group(group, today))))
                 for group in visible]
    summaries.sort(key=lambda s: (-s.report.count(VIOLATION), -len(s.report.findings), s.group.id))
    requests = db.session.scalars(legal_requests.visible_requests(actor).options(
        selectinload(LegalRequest.requesting_authority), selectinload(LegalRequest.requested)))
    return summaries, Report(utcnow(), _named(actor, engine.check_requests(requests, today)))


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
