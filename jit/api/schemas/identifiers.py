"""Schemas of identifiers and where each was seen (jit/api/identifiers.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, JsonBoolean, PersonSchema, one_of, text
from jit.identifiers import MAX_VALUE_LENGTH, Kind
from jit.services.identifiers import MAX_AT_ONCE, TEXT_LIMITS


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
    type = ma.fields.String(metadata={"enum": ["case", "evidence", "instruction", "task", "message"]})
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


class IdentifierListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IdentifierSchema))
