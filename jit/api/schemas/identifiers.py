"""Schemas of identifiers and where each was seen (jit/api/identifiers.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import AuthorityRefSchema, Integer, JsonBoolean, PersonSchema, one_of, text
from jit.identifiers import MAX_VALUE_LENGTH, Kind
from jit.services.identifiers import MAX_AT_ONCE, RECORD_TYPES, TEXT_LIMITS

RECORD_TYPE_NAMES = list(RECORD_TYPES)


class IdentifierCreateSchema(ma.Schema):
    kind = one_of(Kind, required=True)
    value = text(MAX_VALUE_LENGTH, required=True, metadata={"description": "as found: any usual format"})
    case_id = Integer(load_default=None)
    evidence_id = Integer(load_default=None)
    instruction_id = Integer(load_default=None)
    task_id = Integer(load_default=None)
    message_id = Integer(load_default=None)
    obtained_under = text(TEXT_LIMITS["obtained_under"], required=True,
                          metadata={"description": "the document it was obtained under"})
    note = ma.fields.String(load_default=None, metadata={"maxLength": TEXT_LIMITS["note"]})
    shareable = JsonBoolean(required=True, metadata={
        "description": "may be shared outside the group; refused for an evidence item whose use conditions "
                       "stand without the originating party's consent (AGR-USE)"})
    unverified = JsonBoolean(load_default=False, metadata={
        "description": "record a value that fails its kind's check anyway, marked unverified"})


class IdentifierBatchSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IdentifierCreateSchema), required=True,
                           metadata={"minItems": 1, "maxItems": MAX_AT_ONCE})


class IdentifierListArgsSchema(ma.Schema):
    kind = one_of(Kind, load_default=None)
    case_id = Integer(load_default=None)
    several_cases = ma.fields.Boolean(load_default=False, metadata={"description": "seen in more than one case"})


class CaseRefSchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    number = ma.fields.String()


class IdentifierLinkSchema(ma.Schema):
    type = ma.fields.String(metadata={"enum": RECORD_TYPE_NAMES})
    id = Integer()
    title = ma.fields.String()
    case = ma.fields.Nested(CaseRefSchema, allow_none=True)
    value = ma.fields.String(metadata={"description": "as typed there (a card masked unless shown in full)"})
    verified = ma.fields.Boolean(attribute="sighting.verified")
    obtained_under = ma.fields.String(attribute="sighting.obtained_under")
    note = ma.fields.String(attribute="sighting.note", allow_none=True)
    shareable = ma.fields.Boolean(attribute="sighting.shareable")
    recorded_by = ma.fields.Nested(PersonSchema, attribute="sighting.recorded_by")
    recorded_at = ma.fields.DateTime(attribute="sighting.created_at")


class HitSchema(ma.Schema):
    match_id = Integer(metadata={"description": "names this hit in an inquiry (`match_id`); opens nothing"})
    holder_authority = ma.fields.Nested(AuthorityRefSchema)
    inquiry_id = Integer(allow_none=True, metadata={"description": "the group's latest inquiry about it"})


class IdentifierSchema(ma.Schema):
    id = Integer()
    kind = ma.fields.String(metadata={"enum": [kind.value for kind in Kind]})
    kind_name = ma.fields.String()
    value = ma.fields.String()
    normalized = ma.fields.String()
    full = ma.fields.Boolean(metadata={"description": "false: a card number is masked (4400 •••• •••• 1234)"})
    links = ma.fields.List(ma.fields.Nested(IdentifierLinkSchema),
                           metadata={"description": "the records of the group it was seen in that the caller "
                                                    "may read"})
    hits = ma.fields.List(ma.fields.Nested(HitSchema), metadata={
        "description": "other groups holding the same value and letting it be found: only the holder's authority"})


class IdentifierListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IdentifierSchema))


class InquiryCreateSchema(ma.Schema):
    reason = text(TEXT_LIMITS["note"], required=True)
    case_id = Integer(required=True, metadata={"description": "the inquiring group's case"})
    match_id = Integer(load_default=None, metadata={"description": "which hit; needed when several groups hold it"})


class InquiryListArgsSchema(ma.Schema):
    direction = ma.fields.String(load_default="outgoing", validate=ma.validate.OneOf(["incoming", "outgoing"]))


class InquiryDecisionSchema(ma.Schema):
    disclose = JsonBoolean(required=True)
    reason = ma.fields.String(load_default=None, metadata={"description": "required to decline",
                                                           "maxLength": TEXT_LIMITS["note"]})


class DisclosureSchema(ma.Schema):
    group_code = ma.fields.String()
    case_number = ma.fields.String(allow_none=True)
    summary = ma.fields.String(allow_none=True)


class InquirySchema(ma.Schema):
    id = Integer()
    status = ma.fields.String(metadata={"enum": ["pending", "disclosed", "declined"]})
    direction = ma.fields.String(metadata={"enum": ["incoming", "outgoing"]})
    reason = ma.fields.String(attribute="inquiry.reason")
    inquirer = ma.fields.Nested(PersonSchema, attribute="inquiry.inquirer")
    inquirer_authority = ma.fields.Nested(AuthorityRefSchema, attribute="inquiry.inquirer.authority", allow_none=True)
    decision_reason = ma.fields.String(attribute="inquiry.decision_reason", allow_none=True)
    decided_at = ma.fields.DateTime(attribute="inquiry.decided_at", allow_none=True)
    created_at = ma.fields.DateTime(attribute="inquiry.created_at")
    disclosure = ma.fields.Nested(DisclosureSchema, allow_none=True, metadata={
        "description": "once disclosed, to the inquirer: the holder's group code, case number and its summary"})


class InquiryListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InquirySchema))


class GraphNodeSchema(ma.Schema):
    id = ma.fields.String(metadata={"description": "`<type>:<id>`, e.g. `identifier:12`, `evidence:7`"})
    type = ma.fields.String(metadata={"enum": ["identifier", *RECORD_TYPE_NAMES]})
    label = ma.fields.String(metadata={"description": "an identifier's normalised value (a card masked), a "
                                                      "record's name"})


class GraphEdgeSchema(ma.Schema):
    source = ma.fields.String(metadata={"description": "an identifier's node"})
    target = ma.fields.String(metadata={"description": "a record's node it was seen in"})


class LinkGraphSchema(ma.Schema):
    nodes = ma.fields.List(ma.fields.Nested(GraphNodeSchema))
    edges = ma.fields.List(ma.fields.Nested(GraphEdgeSchema))
