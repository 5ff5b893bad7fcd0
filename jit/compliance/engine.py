"""Running the rules: each enabled rule with its parameters (defaults, or an admin's setting)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import event, select
from sqlalchemy.orm import Session

# Importing the rule modules registers their rules.
from jit.compliance import groups as _group_rules  # noqa: F401
from jit.compliance import requests as _request_rules  # noqa: F401
from jit.compliance.core import GROUP, REQUEST, RULES, VIOLATION, Finding, Rule, finding
from jit.compliance.facts import GroupFacts
from jit.extensions import db
from jit.models import ComplianceRuleSetting, JointGroup, LegalRequest


def settings() -> dict[str, ComplianceRuleSetting]:
    return {row.rule: row for row in db.session.scalars(select(ComplianceRuleSetting))}


def _effective(rule: Rule, setting: ComplianceRuleSetting | None) -> dict | None:
    """The rule's parameters (defaults, or an admin's setting); None when an admin switched it off.
    Only a rule on an unconfirmed provision takes a setting."""
    if setting is None or not rule.adjustable:
        return rule.defaults()
    return {**rule.defaults(), **setting.params} if setting.enabled else None


# Rules with no stored setting, as seen in the running transaction. A stored one stays in the session's
# identity map, but an absent one would be asked for again by every guard: a list of 30 tasks asked 30 times.
UNSET = "jit_unset_rule_settings"


def rule_params(rule_id: str) -> dict | None:
    """One rule's effective parameters, None while it is switched off (for guards outside a check run)."""
    rule = RULES[rule_id]
    unset = db.session.info.setdefault(UNSET, set())
    if rule_id in unset and not any(isinstance(record, ComplianceRuleSetting) for record in db.session.new):
        return rule.defaults()
    # A guard reads the setting mid-use-case: flushing the caller's pending changes here would move
    # their version counters before the caller compares them.
    with db.session.no_autoflush:
        setting = db.session.get(ComplianceRuleSetting, rule_id)
    if setting is None:
        unset.add(rule_id)
    return _effective(rule, setting)


@event.listens_for(Session, "after_transaction_end")
def _forget_unset_settings(session: Session, _transaction) -> None:
    # Another process may store a setting once this transaction is over.
    session.info.pop(UNSET, None)


def active_rules(scope: str) -> list[tuple[Rule, dict]]:
    """The rules of a scope that are switched on, each with its effective parameters."""
    stored = settings()
    chosen = []
    for rule in RULES.values():
        params = _effective(rule, stored.get(rule.id)) if rule.scope == scope else None
        if params is not None:
            chosen.append((rule, params))
    return chosen


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity != VIOLATION, f.rule, str(f.object_type), str(f.object_id)))


def check_group(group: JointGroup, today: date) -> list[Finding]:
    facts = GroupFacts.load(group, today)
    return _ordered([finding(rule, issue, group.id) for rule, params in active_rules(GROUP)
                     for issue in rule.check(facts, params)])


def check_requests(requests: Iterable[LegalRequest], today: date) -> list[Finding]:
    rules = active_rules(REQUEST)
    return _ordered([finding(rule, issue, request.group_id) for request in requests for rule, params in rules
                     for issue in rule.check(request, params, today)])
