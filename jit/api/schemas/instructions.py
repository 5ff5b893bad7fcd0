"""Schemas of instructions between national teams (jit/api/instructions.py)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from jit.api.schemas.common import (
    Integer,
    PageArgsSchema,
    PersonSchema,
    TeamRefSchema,
    allowed_actions,
    one_of,
    page_schema,
    text,
)
from jit.models import InstructionStatus
from jit.models.instruction import SUBJECT_LIMIT
from jit.services.instructions import BODY_LIMIT as INSTRUCTION_BODY_LIMIT


class InstructionCreateSchema(ma.Schema):
    from_team_id = Integer(required=True)
    to_team_id = Integer(required=True)
    case_id = Integer(required=True)
    subject = text(SUBJECT_LIMIT, load_default=None, metadata={
        "description": "a short subject shown in every list; left out: the first action"})
    actions = ma.fields.List(ma.fields.String(), required=True)
    due_on = ma.fields.Date(required=True)
    body = text(INSTRUCTION_BODY_LIMIT, required=True)
    needs_sanction = ma.fields.Boolean(load_default=False, metadata={
        "description": "the requesting party's law asks for a sanction: sending then needs a certified one"})


class InstructionDocumentSchema(ma.Schema):
    id = Integer()
    title = ma.fields.String()
    certified = ma.fields.Boolean()
    is_sanction = ma.fields.Boolean()
    file_name = ma.fields.String()
    file_sha256 = ma.fields.String()
    file_size = Integer(metadata={"format": "int64"})


class InstructionResultSchema(ma.Schema):
    id = Integer()
    text = ma.fields.String()
    file_name = ma.fields.String(allow_none=True)
    file_sha256 = ma.fields.String(allow_none=True)
    file_size = Integer(allow_none=True, metadata={"format": "int64"})
    added_at = ma.fields.AwareDateTime()


class InstructionEventSchema(ma.Schema):
    at = ma.fields.AwareDateTime()
    kind = ma.fields.String()
    actor = ma.fields.Nested(PersonSchema, allow_none=True)
    details = ma.fields.Dict()


class InstructionSchema(ma.Schema):
    id = Integer()
    group_id = Integer()
    status = ma.fields.Enum(InstructionStatus, by_value=True)
    from_team = ma.fields.Nested(TeamRefSchema)
    to_team = ma.fields.Nested(TeamRefSchema)
    case_id = Integer()
    subject = ma.fields.String()
    actions = ma.fields.List(ma.fields.String())
    due_on = ma.fields.Date()
    body = ma.fields.String()
    needs_sanction = ma.fields.Boolean()
    refusal_reason = ma.fields.String(allow_none=True)
    documents = ma.fields.List(ma.fields.Nested(InstructionDocumentSchema))
    results = ma.fields.List(ma.fields.Nested(InstructionResultSchema))
    history = ma.fields.List(ma.fields.Nested(InstructionEventSchema))
    version = Integer()
    allowed_actions = allowed_actions()


class InstructionEditSchema(ma.Schema):
    subject = text(SUBJECT_LIMIT, required=True)
    version = Integer(required=True)


class InstructionFilterSchema(PageArgsSchema):
    status = ma.fields.Enum(InstructionStatus, by_value=True, load_default=None)


class InstructionDocumentFormSchema(ma.Schema):
    file = Upload(required=True)
    title = text(required=True)
    certified = ma.fields.Boolean(load_default=False)
    is_sanction = ma.fields.Boolean(load_default=False)


class InstructionResultFormSchema(ma.Schema):
    text = text(required=True)
    file = Upload(load_default=None)


class InstructionTransitionSchema(ma.Schema):
    to = one_of(InstructionStatus, required=True)
    reason = ma.fields.String(load_default=None, metadata={"description": "required to refuse"})
    version = Integer(required=True)


InstructionPageSchema = page_schema(InstructionSchema, "InstructionPage")
