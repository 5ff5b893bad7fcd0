"""Schemas of the parties and their authorities (jit/api/registry.py)."""

from __future__ import annotations

import marshmallow as ma

from jit.api.schemas.common import Integer, PageArgsSchema, page_schema, text
from jit.models import AuthorityKind
from jit.services.registry import NAME_MAX_LENGTH as AUTHORITY_NAME_LIMIT


class PartySchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthoritySchema(ma.Schema):
    id = Integer()
    party = ma.fields.String(attribute="party_code")
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    kind = ma.fields.Enum(AuthorityKind, by_value=True)
    listed_on = ma.fields.Date()
    delisted_on = ma.fields.Date(allow_none=True)


class AuthorityFilterSchema(PageArgsSchema):
    party = ma.fields.String(load_default=None)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, load_default=None)


class PartyUpdateSchema(ma.Schema):
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthorityCreateSchema(ma.Schema):
    party = ma.fields.String(required=True)
    name_en = text(AUTHORITY_NAME_LIMIT, required=True)
    name_ru = text(AUTHORITY_NAME_LIMIT, required=True)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, required=True)
    listed_on = ma.fields.Date(required=True)


class AuthorityUpdateSchema(ma.Schema):
    delisted_on = ma.fields.Date(allow_none=True)
    name_en = text(AUTHORITY_NAME_LIMIT)
    name_ru = text(AUTHORITY_NAME_LIMIT)


PartyPageSchema = page_schema(PartySchema, "PartyPage")
AuthorityPageSchema = page_schema(AuthoritySchema, "AuthorityPage")
