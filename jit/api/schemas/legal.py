"""Schemas of the legal-work API (API.md "Legal work"): the legal-assistance register, its statistics,
compliance findings and rules, closure evaluations (jit/api/legal.py)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from jit.api.schemas.common import (
    AuthorityRefSchema,
    Integer,
    JsonBoolean,
    PageArgsSchema,
    PersonSchema,
    TeamRefSchema,
    page_schema,
)
from jit.models import Direction, Instrument, RequestKind, RequestStatus

# Inputs are read leniently (None where absent) so that the service names every missing Art. 7
# content in one 422, rather than the parser stopping at the first.


class RequestPersonSchema(ma.Schema):
    name = ma.fields.String(load_default="")
    citizenship = ma.fields.String(load_default="")
    address = ma.fields.String(load_default="")
    procedural_status = ma.fields.String(load_default="")


class LegalRequestCreateSchema(ma.Schema):
    direction = ma.fields.String(load_default=None, metadata={"enum": [d.value for d in Direction]})
    kind = ma.fields.String(load_default=None, metadata={"enum": [k.value for k in RequestKind]})
    requesting_authority_id = Integer(load_default=None)
    requested_party = ma.fields.String(load_default=None)
    requested_authority = ma.fields.String(load_default=None)
    case_number = ma.fields.String(load_default=None)
    case_title = ma.fields.String(load_default=None)
    persons = ma.fields.List(ma.fields.Nested(RequestPersonSchema), load_default=None)
    representatives = ma.fields.String(load_default=None)
    confidential = ma.fields.Boolean(load_default=None)
    substance = ma.fields.String(load_default=None)
    instrument = ma.fields.String(load_default=None, metadata={
        "enum": [i.value for i in Instrument], "description": "omitted: chosen from the two parties' conventions"})
    instrument_reason = ma.fields.String(load_default=None, metadata={
        "description": "required when the instrument named is not the one the treaty dates give"})
    sent_on = ma.fields.Date(load_default=None)
    received_on = ma.fields.Date(load_default=None)
    due_on = ma.fields.Date(load_default=None)
    executed_on = ma.fields.Date(load_default=None)
    status = ma.fields.String(load_default=None, metadata={"enum": [s.value for s in RequestStatus]})
    group_id = Integer(load_default=None)
    case_id = Integer(load_default=None)


class LegalRequestUpdateSchema(ma.Schema):
    status = ma.fields.String(metadata={"enum": [s.value for s in RequestStatus]})
    received_on = ma.fields.Date(allow_none=True)
    due_on = ma.fields.Date(allow_none=True)
    executed_on = ma.fields.Date(allow_none=True)
    group_id = Integer(allow_none=True)
    case_id = Integer(allow_none=True)
    version = Integer(load_default=None)


class LegalRequestSchema(ma.Schema):
    id = Integer()
    direction = ma.fields.Enum(Direction, by_value=True)
    kind = ma.fields.Enum(RequestKind, by_value=True)
    requesting_authority_id = Integer()
    requesting_authority = ma.fields.Nested(AuthorityRefSchema)
    requesting_party = ma.fields.String()
    requested_party = ma.fields.String()
    requested_authority = ma.fields.String()
    case_number = ma.fields.String()
    case_title = ma.fields.String()
    persons = ma.fields.List(ma.fields.Nested(RequestPersonSchema))
    representatives = ma.fields.String()
    confidential = ma.fields.Boolean(allow_none=True)
    substance = ma.fields.String()
    instrument = ma.fields.Enum(Instrument, by_value=True)
    instrument_reason = ma.fields.String(allow_none=True)
    sent_on = ma.fields.Date()
    received_on = ma.fields.Date(allow_none=True)
    due_on = ma.fields.Date(allow_none=True)
    executed_on = ma.fields.Date(allow_none=True)
    status = ma.fields.Enum(RequestStatus, by_value=True)
    group_id = Integer(allow_none=True)
    case_id = Integer(allow_none=True)
    version = Integer()


LegalRequestPageSchema = page_schema(LegalRequestSchema, "LegalRequestPage")


class LegalRequestFilterSchema(PageArgsSchema):
    direction = ma.fields.String(load_default=None, metadata={"enum": [d.value for d in Direction]})
    status = ma.fields.String(load_default=None, metadata={"enum": [s.value for s in RequestStatus]})
    requested_party = ma.fields.String(load_default=None)
    party = ma.fields.String(load_default=None, metadata={"description": "a party on either side (requesting or "
                                                                         "requested)"})
    requesting_authority_id = Integer(load_default=None)
    date_from = ma.fields.Date(data_key="from", load_default=None, metadata={"description": "sent on or after"})
    date_to = ma.fields.Date(data_key="to", load_default=None, metadata={"description": "sent on or before"})
    overdue = ma.fields.Boolean(load_default=False)


class ExportArgsSchema(ma.Schema):
    direction = ma.fields.String(load_default=None, metadata={"enum": [d.value for d in Direction]})


class ImportFileSchema(ma.Schema):
    file = Upload(required=True)


class ImportResultSchema(ma.Schema):
    imported = Integer()


class StatsArgsSchema(ma.Schema):
    direction = ma.fields.String(load_default=None, metadata={"enum": [d.value for d in Direction]})
    date_from = ma.fields.Date(data_key="from", load_default=None)
    date_to = ma.fields.Date(data_key="to", load_default=None)
    requesting_authority_id = Integer(load_default=None)


class PartyStatsSchema(ma.Schema):
    party = ma.fields.String()
    count = Integer()
    share = ma.fields.Float(metadata={"description": "of the total, 0–1, four decimals"})
    rank = Integer(metadata={"description": "equal counts share a rank"})
    overdue = Integer()
    median_days_to_execution = ma.fields.Float(allow_none=True)
    group_exists = ma.fields.Boolean(metadata={"description": "a group (not closed) with this party exists"})


class MonthSchema(ma.Schema):
    month = ma.fields.String(metadata={"description": "YYYY-MM"})
    count = Integer()


class StatsSchema(ma.Schema):
    total = Integer()
    by_party = ma.fields.List(ma.fields.Nested(PartyStatsSchema))
    monthly = ma.fields.List(ma.fields.Nested(MonthSchema))
    overdue = Integer()


class ObjectRefSchema(ma.Schema):
    type = ma.fields.String()
    id = ma.fields.Raw(metadata={"description": "an integer id, or a party's code"})


class FindingSchema(ma.Schema):
    rule = ma.fields.String()
    severity = ma.fields.String(metadata={"enum": ["violation", "warning"]})
    confirmed_basis = ma.fields.Boolean()
    reference = ma.fields.String()
    object = ma.fields.Nested(ObjectRefSchema)
    message = ma.fields.String(metadata={"description": "what is wrong, in the caller's language"})
    action = ma.fields.String(metadata={"description": "what to do"})


class FindingFilterSchema(PageArgsSchema):
    rule = ma.fields.String(load_default=None, metadata={"description": "a rule's id (GET /compliance/rules)"})
    severity = ma.fields.String(load_default=None, metadata={"enum": ["violation", "warning"]})
    group_id = Integer(load_default=None, metadata={"description": "a group the caller may see"})
    party = ma.fields.String(load_default=None, metadata={
        "description": "a party's code: the groups where it has a team, the requests where it is either side"})
    confirmed_basis = ma.fields.Boolean(load_default=None, metadata={
        "description": "only findings of rules on a confirmed (true) or an unconfirmed (false) provision"})


class ListedFindingSchema(FindingSchema):
    group_id = Integer(allow_none=True, metadata={"description": "the group, or the group a request is tied to"})
    since = ma.fields.Date(allow_none=True, metadata={"description": "the day the finding dates from, when known"})


class FindingCountSchema(ma.Schema):
    violations = Integer()
    warnings = Integer()
    total = Integer()


class RuleCountSchema(FindingCountSchema):
    rule = ma.fields.String()


class GroupCountSchema(FindingCountSchema):
    group_id = Integer(allow_none=True, metadata={"description": "null: register entries tied to no group"})


class FindingPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ListedFindingSchema))
    next_cursor = ma.fields.String(allow_none=True)
    total = ma.fields.Nested(FindingCountSchema)
    by_rule = ma.fields.List(ma.fields.Nested(RuleCountSchema))
    by_group = ma.fields.List(ma.fields.Nested(GroupCountSchema))


class ComplianceReportSchema(ma.Schema):
    checked_at = ma.fields.AwareDateTime()
    findings = ma.fields.List(ma.fields.Nested(FindingSchema))


class RuleSchema(ma.Schema):
    id = ma.fields.String(attribute="rule.id")
    scope = ma.fields.String(attribute="rule.scope")
    severity = ma.fields.String(attribute="rule.severity")
    reference = ma.fields.String(attribute="rule.reference")
    confirmed_basis = ma.fields.Boolean(attribute="rule.confirmed_basis")
    summary = ma.fields.String(attribute="rule.summary")
    adjustable = ma.fields.Boolean(attribute="rule.adjustable")
    enabled = ma.fields.Boolean()
    params = ma.fields.Dict()
    version = Integer(metadata={"description": "0 while the rule runs with its defaults"})


class RuleListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RuleSchema))


class RuleUpdateSchema(ma.Schema):
    enabled = JsonBoolean(load_default=None)
    params = ma.fields.Dict(load_default=None)
    version = Integer(load_default=None)


# --- evaluation at closure -----------------------------------------------------------------

class EvaluationSchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    team_id = Integer()
    party = ma.fields.String(attribute="team.party_code")
    author = ma.fields.Nested(PersonSchema)
    what_worked = ma.fields.String()
    what_did_not = ma.fields.String()
    persons_charged = Integer()
    assets_seized = ma.fields.String()
    requests_avoided = Integer(metadata={"description": "legal-assistance requests the group replaced"})
    updated_at = ma.fields.AwareDateTime()
    version = Integer()


class TeamEvaluationSchema(ma.Schema):
    team = ma.fields.Nested(TeamRefSchema)
    evaluation = ma.fields.Nested(EvaluationSchema, allow_none=True,
                                  metadata={"description": "null while the team's national head has not written it"})


class EvaluationListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TeamEvaluationSchema))


class EvaluationSaveSchema(ma.Schema):
    # Read leniently, like the register's bodies: the service names every missing field in one 422.
    team_id = Integer(required=True, metadata={"description": "the team whose national head the caller is"})
    what_worked = ma.fields.String(load_default="")
    what_did_not = ma.fields.String(load_default="")
    persons_charged = Integer(load_default=None)
    assets_seized = ma.fields.String(load_default="")
    requests_avoided = Integer(load_default=None)
    version = Integer(load_default=None, metadata={
        "description": "the version read, when replacing the team's evaluation (stale: 409)"})
