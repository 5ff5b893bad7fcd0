"""Marshmallow schemas of the API's bodies; the OpenAPI document is built from them."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from jit.models import AuthorityKind, Role
from jit.services.pagination import DEFAULT_LIMIT, MAX_LIMIT


class PageArgsSchema(ma.Schema):
    limit = ma.fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=ma.validate.Range(min=1, max=MAX_LIMIT, error=_l("Must be between {min} and {max}.")),
    )
    cursor = ma.fields.String(load_default=None)


def _localized_name(obj) -> str:
    return obj.name(str(get_locale() or "en"))


class AuthorityRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.Function(_localized_name)
    party = ma.fields.String(attribute="party_code")


class UserSchema(ma.Schema):
    id = ma.fields.Integer()
    username = ma.fields.String()
    full_name = ma.fields.String()
    authority = ma.fields.Nested(AuthorityRefSchema, allow_none=True)
    roles = ma.fields.List(ma.fields.String())
    locale = ma.fields.String(allow_none=True)
    time_zone = ma.fields.String()


class TokenRequestSchema(ma.Schema):
    username = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    otp = ma.fields.String(load_default=None)


class TokenSchema(ma.Schema):
    token = ma.fields.String()
    expires_at = ma.fields.AwareDateTime()
    user = ma.fields.Nested(UserSchema)


class PartySchema(ma.Schema):
    code = ma.fields.String()
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthoritySchema(ma.Schema):
    id = ma.fields.Integer()
    party = ma.fields.String(attribute="party_code")
    name_en = ma.fields.String()
    name_ru = ma.fields.String()
    kind = ma.fields.Enum(AuthorityKind, by_value=True)
    listed_on = ma.fields.Date()
    delisted_on = ma.fields.Date(allow_none=True)


class AuthorityFilterSchema(PageArgsSchema):
    party = ma.fields.String(load_default=None)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, load_default=None)


def page_schema(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """`{items: [...], next_cursor}` around `item_schema`."""
    return ma.Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(item_schema)), "next_cursor": ma.fields.String(allow_none=True)},
        name=name,
    )




class PartyUpdateSchema(ma.Schema):
    agreement_2015_in_force_on = ma.fields.Date(allow_none=True)
    chisinau_in_force_on = ma.fields.Date(allow_none=True)


class AuthorityCreateSchema(ma.Schema):
    party = ma.fields.String(required=True)
    name_en = ma.fields.String(required=True)
    name_ru = ma.fields.String(required=True)
    kind = ma.fields.Enum(AuthorityKind, by_value=True, required=True)
    listed_on = ma.fields.Date(required=True)


class AuthorityUpdateSchema(ma.Schema):
    delisted_on = ma.fields.Date(allow_none=True)
    name_en = ma.fields.String()
    name_ru = ma.fields.String()


ROLE_VALUES = [role.value for role in Role]


class AccountSchema(UserSchema):
    """A user as an admin sees it."""

    active = ma.fields.Boolean()
    second_factor = ma.fields.Boolean(attribute="has_second_factor")
    locked_until = ma.fields.AwareDateTime(allow_none=True)
    created_at = ma.fields.AwareDateTime()


class UserCreateSchema(ma.Schema):
    username = ma.fields.String(required=True)
    full_name = ma.fields.String(required=True)
    password = ma.fields.String(required=True, load_only=True)
    authority_id = ma.fields.Integer(allow_none=True, load_default=None)
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)), required=True)
    time_zone = ma.fields.String(load_default="UTC")


class UserUpdateSchema(ma.Schema):
    full_name = ma.fields.String()
    active = ma.fields.Boolean()
    roles = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(ROLE_VALUES)))
    time_zone = ma.fields.String()
    authority_id = ma.fields.Integer()


class AuditEventSchema(ma.Schema):
    id = ma.fields.Integer()
    leaf_index = ma.fields.Integer()
    occurred_at = ma.fields.AwareDateTime()
    time_zone = ma.fields.String()
    user_id = ma.fields.Integer(allow_none=True)
    username = ma.fields.String(allow_none=True)
    operation = ma.fields.String()
    object_type = ma.fields.String(allow_none=True)
    object_id = ma.fields.String(allow_none=True)
    group_id = ma.fields.Integer(allow_none=True)
    outcome = ma.fields.String()
    source_address = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    details = ma.fields.Dict()
    leaf_hash = ma.fields.String()


class AuditFilterSchema(PageArgsSchema):
    user_id = ma.fields.Integer(load_default=None)
    group_id = ma.fields.Integer(load_default=None)
    operation = ma.fields.String(load_default=None)
    after = ma.fields.AwareDateTime(load_default=None)
    before = ma.fields.AwareDateTime(load_default=None)


class CheckpointSchema(ma.Schema):
    ledger = ma.fields.String()
    tree_size = ma.fields.Integer()
    root_hash = ma.fields.String()
    signed_at = ma.fields.String()
    signature = ma.fields.String()
    public_key = ma.fields.String()


class InclusionArgsSchema(ma.Schema):
    leaf_index = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    tree_size = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class InclusionProofSchema(ma.Schema):
    leaf_index = ma.fields.Integer()
    tree_size = ma.fields.Integer()
    leaf_hash = ma.fields.String()
    path = ma.fields.List(ma.fields.String())


class ConsistencyArgsSchema(ma.Schema):
    first = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))
    second = ma.fields.Integer(required=True, validate=ma.validate.Range(min=0))


class ConsistencyProofSchema(ma.Schema):
    first = ma.fields.Integer()
    second = ma.fields.Integer()
    path = ma.fields.List(ma.fields.String())


UserPageSchema = page_schema(AccountSchema, "UserPage")
AuditPageSchema = page_schema(AuditEventSchema, "AuditPage")
PartyPageSchema = page_schema(PartySchema, "PartyPage")
AuthorityPageSchema = page_schema(AuthoritySchema, "AuthorityPage")
