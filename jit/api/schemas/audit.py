"""Schemas of the audit trail (jit/api/audit.py); its ledger proofs are in `common`."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, PageArgsSchema, page_schema


class AuditEventSchema(ma.Schema):
    id = Integer()
    leaf_index = Integer()
    occurred_at = ma.fields.AwareDateTime()
    time_zone = ma.fields.String()
    user_id = Integer(allow_none=True)
    username = ma.fields.String(allow_none=True)
    operation = ma.fields.String()
    object_type = ma.fields.String(allow_none=True)
    object_id = ma.fields.String(allow_none=True)
    group_id = Integer(allow_none=True)
    outcome = ma.fields.String()
    source_address = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
    leaf_hash = ma.fields.String()


class AuditFilterSchema(PageArgsSchema):
    user_id = Integer(load_default=None)
    group_id = Integer(load_default=None)
    operation = ma.fields.String(load_default=None)
    after = ma.fields.AwareDateTime(load_default=None)
    before = ma.fields.AwareDateTime(load_default=None)


AuditPageSchema = page_schema(AuditEventSchema, "AuditPage")
