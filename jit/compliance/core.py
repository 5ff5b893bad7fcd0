"""The rules engine's parts: a rule (id, severity, reference, whether its basis is confirmed, the
parameters an admin may change), the registry, and findings.

A rule is one function registered with `@rule(...)`. Group rules take the group's `GroupFacts`
(jit/compliance/facts.py) and request rules one legal-assistance request; both yield `Issue`s,
which the engine turns into `Finding`s carrying the rule's metadata. Rules only read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import LazyString, get_locale

from jit.extensions import db
from jit.models import Party

VIOLATION, WARNING = "violation", "warning"
GROUP, REQUEST = "group", "request"


class PartyName:
    """A party named in a finding's text: by its name in the language the text is read in."""

    def __init__(self, code: str):
        self.code = code

    def __str__(self) -> str:
        party = db.session.get(Party, self.code)
        return party.name(str(get_locale() or "en")) if party else self.code


@dataclass(frozen=True)
class Param:
    """A setting of a rule an admin may change: its type (int or bool), default and bounds."""

    kind: type
    default: Any
    label: LazyString
    minimum: int = 0
    maximum: int = 365


@dataclass(frozen=True)
class Rule:
    id: str
    scope: str
    severity: str
    reference: LazyString
    confirmed_basis: bool
    summary: LazyString
    check: Callable[..., Iterable[Issue]]
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def adjustable(self) -> bool:
        """Only a rule on an unconfirmed provision may be switched off or re-parametrised."""
        return not self.confirmed_basis

    def defaults(self) -> dict[str, Any]:
        return {name: param.default for name, param in self.params.items()}


@dataclass(frozen=True)
class Issue:
    """What a rule found: the object, what is wrong, what to do; a rule may soften its severity."""

    object_type: str
    object_id: int | str
    message: LazyString
    action: LazyString
    severity: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    confirmed_basis: bool
    reference: LazyString
    object_type: str
    object_id: int | str
    message: LazyString
    action: LazyString
    group_id: int | None = None
    object_name: str | None = None  # what the object is called, for the reader (services.naming)

    @property
    def object(self) -> dict:
        return {"type": self.object_type, "id": self.object_id}


RULES: dict[str, Rule] = {}


def rule(rule_id: str, *, scope: str, severity: str, reference: LazyString, confirmed: bool, summary: LazyString,
         params: dict[str, Param] | None = None):
    """Register the decorated function as the rule `rule_id`."""

    def register(check):
        RULES[rule_id] = Rule(rule_id, scope, severity, reference, confirmed, summary, check, params or {})
        return check

    return register


def finding(rule_: Rule, issue: Issue, group_id: int | None = None) -> Finding:
    return Finding(rule=rule_.id, severity=issue.severity or rule_.severity, confirmed_basis=rule_.confirmed_basis,
                   reference=rule_.reference, object_type=issue.object_type, object_id=issue.object_id,
                   message=issue.message, action=issue.action, group_id=group_id)
